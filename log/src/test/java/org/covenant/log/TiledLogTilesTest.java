package org.covenant.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log keeps only its right frontier and a bounded cache of full tiles in memory, and reads and
 * checks the rest from storage: proofs and roots equal those of the full in-memory tree ({@link
 * MerkleTree}, itself checked against the RFC's definitions), reopening reads only the right edge,
 * memory stays bounded, and a damaged tile is an error naming it.
 */
class TiledLogTilesTest {
  private static final NoteSigner SIGNER = TiledLogTest.SIGNER;

  @TempDir Path dir;

  /** Eight bytes: leaf {@code i}'s data for the big logs. */
  private static byte[] small(long i) {
    return ByteBuffer.allocate(8).putLong(i).array();
  }

  private static List<byte[]> smalls(long from, int count) {
    List<byte[]> out = new ArrayList<>(count);
    for (long i = from; i < from + count; i++) {
      out.add(small(i));
    }
    return out;
  }

  /** Checks random roots, leaf hashes and proofs of {@code log} against {@code reference}. */
  private static void sameAsReference(TiledLog log, MerkleTree reference, Random r, int samples,
      String what) {
    long n = log.size();
    assertThat(log.checkpoint().root()).as(what).isEqualTo(reference.root(n));
    assertThat(log.root(n)).as(what).isEqualTo(reference.root(n));
    if (n == 0) {
      return;
    }
    for (int s = 0; s < samples; s++) {
      long size = 1 + (s % 3 == 0 ? n - 1 : (long) (r.nextDouble() * n));
      long index = (long) (r.nextDouble() * size);
      long from = (long) (r.nextDouble() * (size + 1));
      String at = what + ", index " + index + " of size " + size + ", from " + from;
      assertThat(log.root(size)).as(at).isEqualTo(reference.root(size));
      assertThat(log.leafHash(index)).as(at).isEqualTo(reference.leafHash(index));
      assertThat(log.inclusionProof(index, size)).as(at)
          .isEqualTo(reference.inclusionProof(index, size));
      assertThat(log.consistencyProof(from, size)).as(at)
          .isEqualTo(reference.consistencyProof(from, size));
    }
  }

  @Test
  void proofsForRandomSizesAndIndices_equalTheFullTreeReference() {
    long seed = 20261206L;
    Random r = new Random(seed);
    // Caches of 0, 1 and 3 tiles make nearly every proof read and check tiles, and evict them.
    for (int cache : new int[] {0, 1, 3, 256}) {
      MerkleTree reference = MerkleTree.create();
      try (TiledLog log = TiledLog.open(new MemoryLogStorage(), SIGNER, cache)) {
        // Batches of 1 to 300 and a few big ones: sizes around every tile boundary of levels 0
        // and 1, and a level-2 partial tile (beyond 65,536 leaves).
        while (log.size() < 140_000) {
          int batch = r.nextInt(8) == 0 ? 1 + r.nextInt(30_000) : 1 + r.nextInt(300);
          List<byte[]> leaves = smalls(log.size(), batch);
          assertThat(log.append(leaves)).isEqualTo(reference.size());
          leaves.forEach(reference::append);
          sameAsReference(log, reference, r, 6,
              "seed " + seed + ", cache " + cache + ", size " + log.size());
        }
        assertThat(log.footprint().cachedTiles()).isLessThanOrEqualTo(cache);
      }
    }
  }

  @Test
  void exactTileBoundaries_giveTheReferenceProofs() {
    MerkleTree reference = MerkleTree.create();
    Random r = new Random(7);
    try (TiledLog log = TiledLog.open(new MemoryLogStorage(), SIGNER, 2)) {
      for (long target : new long[] {1, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537,
          65_792, 131_072, 131_073}) {
        List<byte[]> leaves = smalls(log.size(), (int) (target - log.size()));
        log.append(leaves);
        leaves.forEach(reference::append);
        sameAsReference(log, reference, r, 40, "size " + target);
        for (long i : new long[] {0, target / 2, target - 1}) {
          assertThat(log.inclusionProof(i, target)).isEqualTo(reference.inclusionProof(i, target));
        }
      }
    }
  }

  @Test
  void logReopenedFromItsFilesAtManySizes_givesTheSameRootsAndProofs() {
    long seed = 4242L;
    Random r = new Random(seed);
    MerkleTree reference = MerkleTree.create();
    long[] targets = {1, 2, 3, 255, 256, 257, 300, 511, 512, 513, 1_000, 4_095, 4_096, 10_000,
        65_535, 65_536, 65_537, 66_000, 70_000};
    for (long target : targets) {
      try (TiledLog writer = TiledLog.open(dir, SIGNER)) {
        assertThat(writer.size()).isEqualTo(reference.size());
        List<byte[]> leaves = TiledLogTest.leaves(writer.size(), (int) (target - writer.size()));
        writer.append(leaves);
        leaves.forEach(reference::append);
      }
      String what = "seed " + seed + ", reopened at size " + target;
      try (TiledLog reader = TiledLog.openReadOnly(dir, SIGNER.verifier())) {
        assertThat(reader.size()).isEqualTo(target);
        sameAsReference(reader, reference, r, 30, what + " read-only");
        assertThat(reader.leaf(target - 1)).isEqualTo(TiledLogTest.leaf(target - 1));
      }
      try (TiledLog writer = TiledLog.open(dir, SIGNER)) {
        sameAsReference(writer, reference, r, 10, what + " as writer");
      }
    }
    assertThat(LogVerifier.create(SIGNER.verifier()).verify(dir).ok()).isTrue();
  }

  @Test
  void open_readsTheCheckpointAndTheRightEdgeOnly_notEveryTile() {
    MemoryLogStorage storage = new MemoryLogStorage();
    try (TiledLog log = TiledLog.open(storage, SIGNER)) {
      for (int i = 0; i < 10; i++) {
        log.append(smalls(log.size(), 7_000));
      }
    }
    long before = storage.reads();
    try (TiledLog log = TiledLog.openReadOnly(storage, SIGNER.verifier())) {
      // 70,000 leaves: 273 full level-0 tiles, but only the checkpoint, the partial tiles of
      // levels 0, 1 and 2 and the partial bundle are read.
      assertThat(log.size()).isEqualTo(70_000);
      assertThat(storage.reads() - before).isEqualTo(5);
      assertThat(log.footprint().partialTiles()).isEqualTo(3);
      assertThat(log.footprint().cachedTiles()).isZero();
      long tiles = storage.tileReads();
      // A proof reads the level-0 tile and the full level-1 tile it checks against, once.
      log.inclusionProof(1_000, 70_000);
      assertThat(storage.tileReads() - tiles).isEqualTo(2);
      log.inclusionProof(1_001, 70_000);
      assertThat(storage.tileReads() - tiles).isEqualTo(2);
    }
  }

  @Test
  void memoryHeld_staysBoundedAsTheLogGrowsToAMillionLeaves() {
    int cache = 64;
    long bound = (Frontier.LEVELS + cache) * (long) Frontier.SLOTS;
    Random r = new Random(99);
    MemoryLogStorage storage = new MemoryLogStorage();
    long maxHashes = 0;
    try (TiledLog log = TiledLog.open(storage, SIGNER, cache)) {
      while (log.size() < 1_000_000) {
        log.append(smalls(log.size(), 10_000));
        // Proofs all over the log fill the cache; it must not grow past its bound.
        for (int i = 0; i < 20; i++) {
          long size = log.size();
          log.inclusionProof((long) (r.nextDouble() * size), size);
          log.consistencyProof((long) (r.nextDouble() * size), size);
        }
        TiledLog.Footprint f = log.footprint();
        assertThat(f.partialTiles()).isLessThanOrEqualTo(Frontier.LEVELS);
        assertThat(f.cachedTiles()).isLessThanOrEqualTo(cache);
        assertThat(f.hashes()).isLessThanOrEqualTo(bound);
        maxHashes = Math.max(maxHashes, f.hashes());
      }
      // The full tree would hold about two hashes per leaf: 2,000,000.
      assertThat(log.size()).isEqualTo(1_000_000);
      assertThat(maxHashes).isLessThan(40_000);
      assertThat(log.footprint().cachedTiles()).isEqualTo(cache);
    }
  }

  @Test
  void corruptedFullTile_isAnErrorNamingItWhenAProofNeedsIt_neverUsed() throws IOException {
    TiledLogTest.build(dir, 700);
    Path tile = dir.resolve("log/tile/0/000");
    byte[] bytes = Files.readAllBytes(tile);
    bytes[100] ^= 0x10;
    Files.write(tile, bytes);
    try (TiledLog log = TiledLog.openReadOnly(dir, SIGNER.verifier())) {
      // Opening reads only the right edge; the damage is found when a proof reads the tile.
      assertThatThrownBy(() -> log.inclusionProof(5, 700))
          .isInstanceOf(LogException.class)
          .hasMessageStartingWith("log_corrupt")
          .hasMessageContaining(tile.toString())
          .hasMessageContaining("is corrupt");
      assertThatThrownBy(() -> log.leafHash(3)).hasMessageContaining(tile.toString());
      assertThatThrownBy(() -> log.root(100)).hasMessageContaining(tile.toString());
      assertThatThrownBy(() -> log.consistencyProof(10, 700)).hasMessageContaining(
          tile.toString());
      // Still refused on a second try: a tile that failed is not cached.
      assertThatThrownBy(() -> log.inclusionProof(5, 700)).hasMessageContaining(tile.toString());
      // Leaves elsewhere still prove, against the signed root.
      TreeHasher h = TreeHasher.create();
      assertThat(log.inclusionProof(300, 700)
          .verify(h.leafHash(TiledLogTest.leaf(300)), log.checkpoint().root())).isTrue();
      assertThat(log.inclusionProof(650, 700)
          .verify(h.leafHash(TiledLogTest.leaf(650)), log.checkpoint().root())).isTrue();
    }
  }

  @Test
  void truncatedOrMissingTile_isAnErrorNamingIt() throws IOException {
    TiledLogTest.build(dir, 600);
    Path tile = dir.resolve("log/tile/0/001");
    Files.write(tile, new byte[100]);
    try (TiledLog log = TiledLog.openReadOnly(dir, SIGNER.verifier())) {
      assertThatThrownBy(() -> log.inclusionProof(300, 600))
          .hasMessageStartingWith("log_corrupt")
          .hasMessageContaining(tile + "` has 100 bytes, expected 8192");
    }
    Files.delete(tile);
    try (TiledLog log = TiledLog.openReadOnly(dir, SIGNER.verifier())) {
      assertThatThrownBy(() -> log.inclusionProof(300, 600))
          .hasMessageStartingWith("log_corrupt")
          .hasMessageContaining(tile + "` is missing");
    }
  }

  @Test
  void corruptedUpperTile_isNamedToo_evenWhenTheLowerTileIsIntact() {
    MemoryLogStorage storage = new MemoryLogStorage();
    try (TiledLog log = TiledLog.open(storage, SIGNER)) {
      log.append(smalls(0, 70_000));
    }
    // A level-0 tile and its level-1 parent, rewritten consistently with each other: the level-0
    // tile matches the forged parent, which no longer matches the right edge.
    byte[] tile0 = storage.get("tile/0/000");
    tile0[0] ^= 1;
    storage.put("tile/0/000", tile0);
    byte[] tile1 = storage.get("tile/1/000");
    System.arraycopy(Frontier.fullTree(tile0), Frontier.slot(8, 0) * Hash.SIZE, tile1, 0,
        Hash.SIZE);
    storage.put("tile/1/000", tile1);
    try (TiledLog log = TiledLog.openReadOnly(storage, SIGNER.verifier())) {
      assertThatThrownBy(() -> log.inclusionProof(3, 70_000))
          .hasMessageStartingWith("log_corrupt")
          .hasMessageContaining("memory/tile/1/000` is corrupt");
    }
  }

  @Test
  void corruptedPartialTile_failsTheOpen() throws IOException {
    TiledLogTest.build(dir, 300);
    Path partial = dir.resolve("log/tile/0/001.p/44");
    byte[] bytes = Files.readAllBytes(partial);
    bytes[0] ^= 1;
    Files.write(partial, bytes);
    assertThatThrownBy(() -> TiledLog.openReadOnly(dir, SIGNER.verifier()))
        .hasMessageStartingWith("log_corrupt")
        .hasMessageContaining("do not rebuild the root of tree size 300");
  }

  @Test
  void refreshOntoAForkedLog_isRefused_andTheOldViewKeepsItsProofs() throws IOException {
    Path other = dir.resolve("other");
    Path mine = dir.resolve("mine");
    TiledLogTest.build(mine, 600);
    // Another log under the same key: the same 600 leaves but one, then more.
    try (TiledLog log = TiledLog.open(other, SIGNER)) {
      List<byte[]> leaves = TiledLogTest.leaves(0, 600);
      leaves.set(10, "forked".getBytes(StandardCharsets.UTF_8));
      log.append(leaves);
      log.append(TiledLogTest.leaves(600, 400));
    }
    MerkleTree reference = MerkleTree.create();
    TiledLogTest.leaves(0, 600).forEach(reference::append);
    try (TiledLog reader = TiledLog.openReadOnly(mine, SIGNER.verifier())) {
      AtomicFiles.deleteTree(mine.resolve("log"));
      copyTree(other.resolve("log"), mine.resolve("log"));
      assertThatThrownBy(reader::refresh)
          .hasMessageStartingWith("log_corrupt")
          .hasMessageContaining("does not extend the committed log of size 600");
      assertThat(reader.size()).isEqualTo(600);
      // Tiles of the fork read while checking were not cached: the reader's view answers from
      // its own tree, whose tiles are now gone or foreign, and never mixes the two.
      assertThat(reader.root(600)).isEqualTo(reference.root(600));
      assertThatThrownBy(() -> reader.inclusionProof(10, 600)).hasMessageStartingWith(
          "log_corrupt");
    }
  }

  @Test
  void concurrentReadersWithATinyCache_alwaysProveAgainstTheirCheckpoint() throws Exception {
    try (TiledLog log = TiledLog.open(new MemoryLogStorage(), SIGNER, 1)) {
      log.append(smalls(0, 1));
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<String> failure = new AtomicReference<>();
      Runnable reader = () -> {
        Random r = new Random(Thread.currentThread().getId());
        TreeHasher h = TreeHasher.create();
        while (!done.get() && failure.get() == null) {
          SignedCheckpoint cp = log.checkpoint();
          long i = (long) (r.nextDouble() * cp.size());
          long older = 1 + (long) (r.nextDouble() * cp.size());
          try {
            if (!log.inclusionProof(i, cp.size()).verify(h.leafHash(small(i)), cp.root())
                || !log.consistencyProof(older, cp.size()).verify(log.root(older), cp.root())) {
              failure.set("leaf " + i + ", older " + older + " of " + cp.size());
            }
          } catch (RuntimeException e) {
            failure.set(e.toString());
          }
        }
      };
      Thread t1 = new Thread(reader);
      Thread t2 = new Thread(reader);
      t1.start();
      t2.start();
      for (int b = 0; b < 60; b++) {
        log.append(smalls(log.size(), 1 + b * 37));
      }
      done.set(true);
      t1.join();
      t2.join();
      assertThat(failure.get()).isNull();
      assertThat(log.size()).isGreaterThan(65_536);
    }
  }

  @Test
  void tileCacheSize_comesFromTheSystemPropertyWhenSet() {
    String key = TiledLog.TILE_CACHE_PROPERTY;
    String old = System.getProperty(key);
    try {
      System.clearProperty(key);
      assertThat(TiledLog.defaultTileCache()).isEqualTo(TiledLog.DEFAULT_TILE_CACHE);
      System.setProperty(key, "12");
      assertThat(TiledLog.defaultTileCache()).isEqualTo(12);
      try (TiledLog log = TiledLog.open(dir, SIGNER)) {
        assertThat(log.footprint().cacheCapacity()).isEqualTo(12);
      }
      System.setProperty(key, "-1");
      assertThatThrownBy(TiledLog::defaultTileCache).hasMessageStartingWith("bad_config");
      System.setProperty(key, "lots");
      assertThatThrownBy(TiledLog::defaultTileCache).hasMessageStartingWith("bad_config");
    } finally {
      if (old == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, old);
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
