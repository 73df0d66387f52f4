package org.covenant.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * RFC 9162 §2.1 against the published RFC 6962 / Certificate Transparency test vectors
 * (transparency-dev/merkle proof/verify_test.go, from google/certificate-transparency), and
 * exhaustively against a direct transcription of the RFC's recursive definitions.
 */
class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  /** The eight leaves of the CT test tree. */
  static final List<byte[]> LEAVES =
      Stream.of(
              "",
              "00",
              "10",
              "2021",
              "3031",
              "40414243",
              "5051525354555657",
              "606162636465666768696a6b6c6d6e6f")
          .map(HEX::parseHex)
          .toList();

  /** Roots of the trees of the first 1 to 8 leaves. */
  static final List<String> ROOTS =
      List.of(
          "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
          "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
          "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
          "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
          "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
          "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  record InclusionVector(long index, long size, List<String> path) {}

  record ConsistencyVector(long from, long to, List<String> path) {}

  // The vectors number leaves from 1; these indexes are 0-based.
  static final List<InclusionVector> INCLUSION =
      List.of(
          new InclusionVector(0, 1, List.of()),
          new InclusionVector(
              0,
              8,
              List.of(
                  "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
          new InclusionVector(
              5,
              8,
              List.of(
                  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
          new InclusionVector(
              2, 3, List.of("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
          new InclusionVector(
              1,
              5,
              List.of(
                  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));

  static final List<ConsistencyVector> CONSISTENCY =
      List.of(
          new ConsistencyVector(1, 1, List.of()),
          new ConsistencyVector(
              1,
              8,
              List.of(
                  "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
          new ConsistencyVector(
              6,
              8,
              List.of(
                  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
          new ConsistencyVector(
              2,
              5,
              List.of(
                  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
          new ConsistencyVector(
              6,
              7,
              List.of(
                  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")));

  private static final Hash SOME_HASH =
      hash("abacaba000000000000000000000000000000000000000000060061e00123456");

  static Hash hash(String hex) {
    return Hash.fromHex(hex).orThrow();
  }

  static List<Hash> hashes(List<String> hex) {
    return hex.stream().map(MerkleTreeTest::hash).toList();
  }

  static MerkleTree ctTree() {
    MerkleTree tree = MerkleTree.create();
    LEAVES.forEach(tree::append);
    return tree;
  }

  @Test
  void emptyTree_rootIsSha256OfNothing() {
    assertThat(MerkleTree.create().root().hex())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void ctVectors_rootsOfEveryPrefix() {
    MerkleTree tree = ctTree();
    for (int n = 1; n <= 8; n++) {
      assertThat(tree.root(n).hex()).as("root of %d leaves", n).isEqualTo(ROOTS.get(n - 1));
    }
  }

  @Test
  void ctVectors_inclusionProofsAreGeneratedAndVerify() {
    MerkleTree tree = ctTree();
    TreeHasher hasher = TreeHasher.create();
    for (InclusionVector v : INCLUSION) {
      InclusionProof proof = tree.inclusionProof(v.index(), v.size());
      assertThat(proof.path()).as("path %s", v).isEqualTo(hashes(v.path()));
      Hash leaf = hasher.leafHash(LEAVES.get((int) v.index()));
      Hash root = hash(ROOTS.get((int) v.size() - 1));
      assertThat(proof.verify(leaf, root)).isTrue();
      for (InclusionProof bad : corruptions(proof)) {
        assertThat(bad.verify(leaf, root)).as("corrupted %s", bad).isFalse();
      }
      assertThat(proof.verify(hasher.leafHash("WrongLeaf".getBytes()), root)).isFalse();
      assertThat(proof.verify(leaf, TreeHasher.emptyRoot())).isFalse();
      assertThat(proof.verify(leaf, SOME_HASH)).isFalse();
    }
  }

  @Test
  void ctVectors_consistencyProofsAreGeneratedAndVerify() {
    MerkleTree tree = ctTree();
    for (ConsistencyVector v : CONSISTENCY) {
      ConsistencyProof proof = tree.consistencyProof(v.from(), v.to());
      assertThat(proof.path()).as("proof %s", v).isEqualTo(hashes(v.path()));
      Hash r1 = hash(ROOTS.get((int) v.from() - 1));
      Hash r2 = hash(ROOTS.get((int) v.to() - 1));
      assertThat(proof.verify(r1, r2)).isTrue();
      if (v.path().isEmpty()) {
        continue;
      }
      for (ConsistencyProof bad : corruptions(proof, r1, r2)) {
        assertThat(bad.verify(r1, r2)).as("corrupted %s", bad).isFalse();
      }
      assertThat(proof.verify(r2, r1)).as("swapped roots").isFalse();
      assertThat(proof.verify(SOME_HASH, r2)).isFalse();
      assertThat(proof.verify(r1, SOME_HASH)).isFalse();
    }
  }

  @Test
  void consistency_edgeCasesFollowTheReferenceVerifier() {
    Hash r1 = SOME_HASH;
    Hash r2 = TreeHasher.emptyRoot();
    assertThat(new ConsistencyProof(0, 0, List.of()).verify(r1, r1)).isTrue();
    assertThat(new ConsistencyProof(0, 1, List.of()).verify(r1, r2)).isTrue();
    assertThat(new ConsistencyProof(1, 1, List.of()).verify(r2, r2)).isTrue();
    assertThat(new ConsistencyProof(0, 0, List.of()).verify(r1, r2)).isFalse();
    assertThat(new ConsistencyProof(1, 1, List.of()).verify(r1, r2)).isFalse();
    assertThat(new ConsistencyProof(1, 0, List.of()).verify(r1, r2)).isFalse();
    assertThat(new ConsistencyProof(2, 1, List.of()).verify(r1, r2)).isFalse();
    assertThat(new ConsistencyProof(1, 2, List.of()).verify(r1, r2)).isFalse();
    assertThat(new ConsistencyProof(0, 0, List.of(r2)).verify(r2, r2)).isFalse();
    assertThat(new ConsistencyProof(0, 1, List.of(r2)).verify(r2, r2)).isFalse();
    assertThat(new ConsistencyProof(1, 1, List.of(r2)).verify(r2, r2)).isFalse();
  }

  @Test
  void inclusion_impossibleIndexOrSizeFails() {
    Hash leaf = SOME_HASH;
    assertThat(new InclusionProof(0, 0, List.of()).verify(leaf, leaf)).isFalse();
    assertThat(new InclusionProof(1, 0, List.of()).verify(leaf, leaf)).isFalse();
    assertThat(new InclusionProof(2, 1, List.of()).verify(leaf, leaf)).isFalse();
    assertThat(new InclusionProof(0, 1, List.of()).verify(leaf, leaf)).isTrue();
    assertThat(new InclusionProof(0, 1, List.of()).verify(leaf, TreeHasher.emptyRoot())).isFalse();
  }

  @Test
  void everyTreeUpTo300_rootsAndProofsMatchTheRfcDefinitions() {
    int max = 300;
    List<byte[]> leaves = new ArrayList<>();
    MerkleTree tree = MerkleTree.create();
    for (int i = 0; i < max; i++) {
      byte[] leaf = ("leaf " + i).getBytes();
      leaves.add(leaf);
      tree.append(leaf);
    }
    TreeHasher hasher = TreeHasher.create();
    List<Hash> leafHashes = leaves.stream().map(hasher::leafHash).toList();
    for (int n = 1; n <= max; n++) {
      assertThat(tree.root(n)).isEqualTo(Reference.mth(leafHashes.subList(0, n)));
    }
    // Generation against a literal transcription of PATH and PROOF, for every pair up to 64.
    for (int n = 1; n <= 64; n++) {
      for (int m = 0; m < n; m++) {
        assertThat(tree.inclusionProof(m, n).path())
            .isEqualTo(Reference.path(m, leafHashes.subList(0, n)));
        if (m > 0) {
          assertThat(tree.consistencyProof(m, n).path())
              .isEqualTo(Reference.proof(m, leafHashes.subList(0, n)));
        }
      }
    }
  }

  @Test
  void everyProofUpTo300_verifiesAndEverySingleBitChangeFails() {
    int max = 300;
    MerkleTree tree = MerkleTree.create();
    for (int i = 0; i < max; i++) {
      tree.append(("leaf " + i).getBytes());
    }
    long seed = 20240905L;
    Random random = new Random(seed);
    long checked = 0;
    for (int n = 1; n <= max; n++) {
      Hash root = tree.root(n);
      for (int m = 0; m < n; m++) {
        InclusionProof proof = tree.inclusionProof(m, n);
        Hash leaf = tree.leafHash(m);
        assertThat(proof.verify(leaf, root)).as("inclusion %d in %d", m, n).isTrue();
        // Small trees: every bit of every proof hash; larger: one seeded random bit per hash.
        for (int e = 0; e < proof.path().size(); e++) {
          for (int bit : bitsToFlip(n, random)) {
            // Plain ifs: this loop runs half a million times.
            if (withFlippedBit(proof, e, bit).verify(leaf, root)) {
              fail("inclusion %d in %d, element %d bit %d (seed %d)", m, n, e, bit, seed);
            }
            checked++;
          }
        }
        int leafBit = random.nextInt(256);
        assertThat(proof.verify(flip(leaf, leafBit), root)).isFalse();
        assertThat(proof.verify(leaf, flip(root, random.nextInt(256)))).isFalse();
      }
      for (int m = 1; m < n; m++) {
        Hash fromRoot = tree.root(m);
        ConsistencyProof proof = tree.consistencyProof(m, n);
        assertThat(proof.verify(fromRoot, root)).as("consistency %d to %d", m, n).isTrue();
        for (int e = 0; e < proof.path().size(); e++) {
          for (int bit : bitsToFlip(n, random)) {
            if (withFlippedBit(proof, e, bit).verify(fromRoot, root)) {
              fail("consistency %d to %d, element %d bit %d (seed %d)", m, n, e, bit, seed);
            }
            checked++;
          }
        }
        assertThat(proof.verify(flip(fromRoot, random.nextInt(256)), root)).isFalse();
        assertThat(proof.verify(fromRoot, flip(root, random.nextInt(256)))).isFalse();
      }
    }
    assertThat(checked).isGreaterThan(400_000);
  }

  @Test
  void proofsOutsideTheTree_areRejectedAsBugs() {
    MerkleTree tree = ctTree();
    assertThatThrownBy(() -> tree.inclusionProof(8, 8))
        .isInstanceOf(LogException.class)
        .hasMessageStartingWith("out_of_range");
    assertThatThrownBy(() -> tree.inclusionProof(0, 9)).isInstanceOf(LogException.class);
    assertThatThrownBy(() -> tree.consistencyProof(5, 4)).isInstanceOf(LogException.class);
    assertThatThrownBy(() -> tree.root(9)).isInstanceOf(LogException.class);
  }

  @Test
  void largerTrees_spanSeveralStorageChunks() {
    MerkleTree tree = MerkleTree.create();
    List<Hash> leafHashes = new ArrayList<>();
    TreeHasher hasher = TreeHasher.create();
    int n = 3 * 4096 + 17;
    for (int i = 0; i < n; i++) {
      byte[] leaf = Integer.toString(i).getBytes();
      tree.append(leaf);
      leafHashes.add(hasher.leafHash(leaf));
    }
    assertThat(tree.root()).isEqualTo(Reference.mth(leafHashes));
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      int size = 1 + random.nextInt(n);
      int index = random.nextInt(size);
      assertThat(tree.inclusionProof(index, size).verify(leafHashes.get(index), tree.root(size)))
          .isTrue();
      int from = 1 + random.nextInt(size);
      assertThat(tree.consistencyProof(from, size).verify(tree.root(from), tree.root(size)))
          .isTrue();
    }
  }

  private static int[] bitsToFlip(int n, Random random) {
    if (n <= 16) {
      int[] all = new int[256];
      for (int i = 0; i < 256; i++) {
        all[i] = i;
      }
      return all;
    }
    return new int[] {random.nextInt(256)};
  }

  static Hash flip(Hash h, int bit) {
    byte[] b = h.bytes();
    b[bit / 8] ^= (byte) (1 << (bit % 8));
    return Hash.of(b);
  }

  private static InclusionProof withFlippedBit(InclusionProof p, int element, int bit) {
    List<Hash> path = new ArrayList<>(p.path());
    path.set(element, flip(path.get(element), bit));
    return new InclusionProof(p.index(), p.treeSize(), path);
  }

  private static ConsistencyProof withFlippedBit(ConsistencyProof p, int element, int bit) {
    List<Hash> path = new ArrayList<>(p.path());
    path.set(element, flip(path.get(element), bit));
    return new ConsistencyProof(p.fromSize(), p.toSize(), path);
  }

  /** The probes of transparency-dev/merkle corruptInclusionProof. */
  private static List<InclusionProof> corruptions(InclusionProof p) {
    long i = p.index();
    long n = p.treeSize();
    List<Hash> path = p.path();
    List<InclusionProof> out = new ArrayList<>();
    if (i > 0) {
      out.add(new InclusionProof(i - 1, n, path));
    }
    out.add(new InclusionProof(i + 1, n, path));
    out.add(new InclusionProof(i ^ 2, n, path));
    out.add(new InclusionProof(i, n * 2, path));
    out.add(new InclusionProof(i, n / 2, path));
    out.add(new InclusionProof(i, n, concat(path, List.of(SOME_HASH))));
    out.add(new InclusionProof(i, n, concat(List.of(SOME_HASH), path)));
    if (!path.isEmpty()) {
      out.add(new InclusionProof(i, n, path.subList(0, path.size() - 1)));
    }
    if (path.size() > 1) {
      List<Hash> inserted = new ArrayList<>(path);
      inserted.add(1, SOME_HASH);
      out.add(new InclusionProof(i, n, inserted));
    }
    return out;
  }

  /** The probes of transparency-dev/merkle corruptConsistencyProof. */
  private static List<ConsistencyProof> corruptions(ConsistencyProof p, Hash r1, Hash r2) {
    long m = p.fromSize();
    long n = p.toSize();
    List<Hash> path = p.path();
    List<ConsistencyProof> out = new ArrayList<>();
    out.add(new ConsistencyProof(m - 1, n, path));
    out.add(new ConsistencyProof(m + 1, n, path));
    out.add(new ConsistencyProof(m ^ 2, n, path));
    out.add(new ConsistencyProof(m, n * 2, path));
    out.add(new ConsistencyProof(m, n / 2, path));
    out.add(new ConsistencyProof(m, n, List.of()));
    out.add(new ConsistencyProof(m, n, concat(path, List.of(r1))));
    out.add(new ConsistencyProof(m, n, concat(path, List.of(r2))));
    out.add(new ConsistencyProof(m, n, concat(List.of(r1), path)));
    out.add(new ConsistencyProof(m, n, concat(List.of(r2), path)));
    out.add(new ConsistencyProof(m, n, concat(List.of(path.get(0)), path)));
    out.add(new ConsistencyProof(m, n, path.subList(0, path.size() - 1)));
    return out;
  }

  private static List<Hash> concat(List<Hash> a, List<Hash> b) {
    List<Hash> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 transcribed literally over lists of leaf hashes. */
  static final class Reference {
    private static final TreeHasher H = TreeHasher.create();

    static Hash mth(List<Hash> d) {
      if (d.isEmpty()) {
        return TreeHasher.emptyRoot();
      }
      if (d.size() == 1) {
        return d.get(0);
      }
      int k = Integer.highestOneBit(d.size() - 1);
      return H.nodeHash(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    static List<Hash> path(int m, List<Hash> d) {
      int n = d.size();
      if (n == 1) {
        return List.of();
      }
      int k = Integer.highestOneBit(n - 1);
      if (m < k) {
        return concat(path(m, d.subList(0, k)), List.of(mth(d.subList(k, n))));
      }
      return concat(path(m - k, d.subList(k, n)), List.of(mth(d.subList(0, k))));
    }

    static List<Hash> proof(int m, List<Hash> d) {
      return subproof(m, d, true);
    }

    private static List<Hash> subproof(int m, List<Hash> d, boolean b) {
      int n = d.size();
      if (m == n) {
        return b ? List.of() : List.of(mth(d));
      }
      int k = Integer.highestOneBit(n - 1);
      if (m <= k) {
        return concat(subproof(m, d.subList(0, k), b), List.of(mth(d.subList(k, n))));
      }
      return concat(subproof(m - k, d.subList(k, n), false), List.of(mth(d.subList(0, k))));
    }
  }
}
