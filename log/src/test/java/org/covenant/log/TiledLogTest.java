package org.covenant.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TiledLogTest {
  static final NoteSigner SIGNER = NoteSigner.generate("covenant.test/log");

  @TempDir Path dir;

  static byte[] leaf(long i) {
    return ("{\"event\":" + i + ",\"pad\":\"" + "x".repeat((int) (i % 50)) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static List<byte[]> leaves(long from, int count) {
    List<byte[]> out = new ArrayList<>(count);
    for (long i = from; i < from + count; i++) {
      out.add(leaf(i));
    }
    return out;
  }

  /** Appends batches of the given sizes to a fresh log in {@code dir}; returns the size. */
  static long build(Path dir, int... batches) {
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      for (int b : batches) {
        log.append(leaves(log.size(), b));
      }
      return log.size();
    }
  }

  @Test
  void firstOpen_publishesASignedEmptyCheckpoint() throws IOException {
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      assertThat(log.size()).isZero();
      String note = Files.readString(dir.resolve("log/checkpoint"));
      SignedCheckpoint cp = SignedCheckpoint.open(note, SIGNER.verifier()).orThrow();
      assertThat(cp.checkpoint().text())
          .isEqualTo("covenant.test/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
      assertThat(dir.resolve("log/checkpoints/0")).hasContent(note);
    }
  }

  @Test
  void batchedAppends_returnFirstIndexAndCommitSignedCheckpoints() {
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      assertThat(log.append(leaves(0, 1))).isZero();
      assertThat(log.append(leaves(1, 300))).isEqualTo(1);
      assertThat(log.append(List.of())).isEqualTo(301);
      assertThat(log.append(leaves(301, 5))).isEqualTo(301);
      assertThat(log.size()).isEqualTo(306);
      SignedCheckpoint cp = log.checkpoint();
      assertThat(cp.size()).isEqualTo(306);
      assertThat(SignedCheckpoint.open(cp.note(), SIGNER.verifier()).orThrow()).isEqualTo(cp);
      TreeHasher hasher = TreeHasher.create();
      for (long i = 0; i < 306; i++) {
        assertThat(log.leaf(i)).isEqualTo(leaf(i));
        assertThat(log.inclusionProof(i, 306).verify(hasher.leafHash(leaf(i)), cp.root())).isTrue();
      }
      assertThat(log.consistencyProof(1, 306).verify(log.root(1), cp.root())).isTrue();
      assertThat(log.consistencyProof(301, 306).verify(log.root(301), cp.root())).isTrue();
    }
  }

  @Test
  void reopen_restoresTheCommittedTree() {
    build(dir, 7, 250, 3);
    MerkleTree reference = MerkleTree.create();
    leaves(0, 260).forEach(reference::append);
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      assertThat(log.size()).isEqualTo(260);
      assertThat(log.checkpoint().root()).isEqualTo(reference.root());
      assertThat(log.leaf(259)).isEqualTo(leaf(259));
      assertThat(log.inclusionProof(100, 260)).isEqualTo(reference.inclusionProof(100, 260));
      log.append(leaves(260, 10));
      reference.appendLeafHash(TreeHasher.create().leafHash(leaf(260)));
    }
    assertThat(LogVerifier.create(SIGNER.verifier()).verify(dir).ok()).isTrue();
  }

  @Test
  void specExample_treeOf70000_hasExactlyTheTilesTheSpecLists() throws IOException {
    int[] batches = new int[7];
    Arrays.fill(batches, 10_000);
    build(dir, batches);
    List<String> files = filesUnder(dir.resolve("log/tile"));
    // C2SP tlog-tiles: 273 full level-0 tiles, one partial of width 112, one full level-1 tile,
    // one partial level-1 tile of width 17, one partial level-2 tile of width 1; bundles alike.
    assertThat(files.stream().filter(f -> f.matches("0/(x\\d{3}/)*\\d{3}"))).hasSize(273);
    assertThat(files.stream().filter(f -> f.matches("entries/(x\\d{3}/)*\\d{3}"))).hasSize(273);
    assertThat(files.stream().filter(f -> !f.matches("(0|entries)/(x\\d{3}/)*\\d{3}")))
        .containsExactlyInAnyOrder(
            "0/273.p/112", "entries/273.p/112", "1/000", "1/001.p/17", "2/000.p/1");
    assertThat(dir.resolve("log/tile/1/000")).hasSize(8192);
    assertThat(LogVerifier.create(SIGNER.verifier()).verify(dir))
        .isEqualTo(new LogVerification.Passed(70_000, 70_000, 277, 8));
  }

  @Test
  void partialTilesOfEarlierCheckpoints_areKeptUntilTheTileIsFull() {
    build(dir, 10, 20, 300);
    assertThat(dir.resolve("log/tile/0/000.p")).doesNotExist();
    assertThat(dir.resolve("log/tile/entries/000.p")).doesNotExist();
    assertThat(dir.resolve("log/tile/0/001.p/74")).exists();
    assertThat(dir.resolve("log/tile/1/000.p/1")).exists();
  }

  @Test
  void tornAppend_leftoversBeyondTheCheckpointAreIgnoredAndOverwritten() throws IOException {
    long size = build(dir, 300);
    Path log = dir.resolve("log");
    // What a crash between the tile writes and the commit can leave behind.
    Files.write(log.resolve("tile/entries/001.p/50"), "garbage".getBytes());
    Files.write(log.resolve("tile/0/001.p/50"), new byte[50 * 32]);
    SignedCheckpoint never =
        SignedCheckpoint.sign(Checkpoint.of(SIGNER.name(), 350, TreeHasher.emptyRoot()), SIGNER);
    Files.writeString(log.resolve("checkpoints/350"), never.note());
    assertThat(LogVerifier.create(SIGNER.verifier()).verify(dir).ok()).isTrue();
    try (TiledLog reopened = TiledLog.open(dir, SIGNER)) {
      assertThat(reopened.size()).isEqualTo(size);
      assertThat(log.resolve("checkpoints/350")).doesNotExist();
      reopened.append(leaves(300, 50));
    }
    assertThat(log.resolve("tile/entries/001.p/50")).isNotEmptyFile();
    assertThat(LogVerifier.create(SIGNER.verifier()).verify(dir))
        .isEqualTo(new LogVerification.Passed(350, 350, 5, 3));
  }

  @Test
  void failedWrite_commitsNothingAndTheLogStaysUsable() throws IOException {
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      log.append(leaves(0, 10));
      SignedCheckpoint before = log.checkpoint();
      // A non-empty directory where the next bundle must go makes its rename fail.
      Path blocker = dir.resolve("log/tile/entries/000.p/15");
      Files.createDirectories(blocker.resolve("x"));
      assertThatThrownBy(() -> log.append(leaves(10, 5)))
          .isInstanceOf(LogException.class)
          .hasMessageStartingWith("log_io");
      assertThat(log.checkpoint()).isEqualTo(before);
      assertThat(log.size()).isEqualTo(10);
      AtomicFiles.deleteTree(blocker);
      log.append(leaves(10, 5));
      assertThat(log.size()).isEqualTo(15);
    }
    assertThat(LogVerifier.create(SIGNER.verifier()).verify(dir).ok()).isTrue();
  }

  @Test
  void failedCommit_requiresAReopen_whichFindsTheLastCommittedSize() throws IOException {
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      log.append(leaves(0, 10));
      // A non-empty directory where the commit's temporary file must go fails the commit only.
      Path blocker = dir.resolve("log/.tmp-checkpoint");
      Files.createDirectories(blocker.resolve("x"));
      assertThatThrownBy(() -> log.append(leaves(10, 5))).isInstanceOf(LogException.class);
      assertThat(dir.resolve("log/checkpoints/15")).exists();
      assertThatThrownBy(() -> log.append(leaves(10, 5)))
          .isInstanceOf(LogException.class)
          .hasMessageStartingWith("log_needs_reopen");
    }
    AtomicFiles.deleteTree(dir.resolve("log/.tmp-checkpoint"));
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      assertThat(log.size()).isEqualTo(10);
      assertThat(dir.resolve("log/checkpoints/15")).doesNotExist();
      log.append(leaves(10, 5));
    }
    assertThat(LogVerifier.create(SIGNER.verifier()).verify(dir).ok()).isTrue();
  }

  @Test
  void readerRefresh_followsAWriterAcrossTileBoundaries_andProvesConsistency() {
    try (TiledLog writer = TiledLog.open(dir, SIGNER)) {
      writer.append(leaves(0, 10));
      try (TiledLog reader = TiledLog.openReadOnly(dir, SIGNER.verifier())) {
        assertThat(reader.size()).isEqualTo(10);
        writer.append(leaves(10, 300));
        writer.append(leaves(310, 5));
        assertThat(reader.size()).isEqualTo(10);
        assertThat(reader.refresh()).isEqualTo(315);
        assertThat(reader.checkpoint()).isEqualTo(writer.checkpoint());
        assertThat(reader.leaf(312)).isEqualTo(leaf(312));
        assertThat(reader.root(10)).isEqualTo(writer.root(10));
        assertThat(reader.consistencyProof(10, 315)).isEqualTo(writer.consistencyProof(10, 315));
        assertThat(reader.refresh()).isEqualTo(315);
      }
    }
  }

  @Test
  void callerMutatingItsArraysAfterAppend_changesNothingLogged() {
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      List<byte[]> batch = leaves(0, 3);
      log.append(batch);
      batch.get(2)[0] = 'X';
      log.append(leaves(3, 1));
      assertThat(log.leaf(2)).isEqualTo(leaf(2));
    }
    assertThat(LogVerifier.create(SIGNER.verifier()).verify(dir).ok()).isTrue();
  }

  @Test
  void oversizedLeaf_isRejectedBeforeAnythingIsWritten() {
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      assertThatThrownBy(() -> log.append(List.of(leaf(0), new byte[70_000])))
          .isInstanceOf(LogException.class)
          .hasMessageStartingWith("leaf_too_large");
      assertThat(log.size()).isZero();
      assertThat(dir.resolve("log/tile")).doesNotExist();
    }
  }

  @Test
  void secondWriter_isLockedOut_readersAreNot() {
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      log.append(leaves(0, 3));
      assertThatThrownBy(() -> TiledLog.open(dir, SIGNER))
          .isInstanceOf(LogException.class)
          .hasMessageStartingWith("log_locked");
      try (TiledLog reader = TiledLog.openReadOnly(dir, SIGNER.verifier())) {
        assertThat(reader.size()).isEqualTo(3);
        assertThat(reader.leaf(2)).isEqualTo(leaf(2));
        assertThatThrownBy(() -> reader.append(leaves(3, 1)))
            .isInstanceOf(LogException.class)
            .hasMessageStartingWith("read_only");
      }
    }
  }

  @Test
  void openWithAnotherKey_refusesTheLog() {
    build(dir, 3);
    assertThatThrownBy(() -> TiledLog.open(dir, NoteSigner.generate("covenant.test/log")))
        .isInstanceOf(LogException.class)
        .hasMessageStartingWith("checkpoint_unverified");
  }

  @Test
  void proofsBeyondTheCommittedSize_areOutOfRange() {
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      log.append(leaves(0, 3));
      assertThatThrownBy(() -> log.inclusionProof(0, 4)).hasMessageStartingWith("out_of_range");
      assertThatThrownBy(() -> log.inclusionProof(3, 3)).hasMessageStartingWith("out_of_range");
      assertThatThrownBy(() -> log.consistencyProof(2, 4)).hasMessageStartingWith("out_of_range");
      assertThatThrownBy(() -> log.leaf(3)).hasMessageStartingWith("out_of_range");
    }
  }

  @Test
  void concurrentReaders_alwaysSeeProofsThatVerifyAgainstTheirCheckpoint() throws Exception {
    try (TiledLog log = TiledLog.open(dir, SIGNER)) {
      log.append(leaves(0, 1));
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<String> failure = new AtomicReference<>();
      Runnable reader =
          () -> {
            Random r = new Random(Thread.currentThread().getId());
            TreeHasher h = TreeHasher.create();
            while (!done.get() && failure.get() == null) {
              SignedCheckpoint cp = log.checkpoint();
              long i = r.nextInt((int) cp.size());
              if (!log.inclusionProof(i, cp.size()).verify(h.leafHash(log.leaf(i)), cp.root())) {
                failure.set("leaf " + i + " of " + cp.size());
              }
            }
          };
      Thread t1 = new Thread(reader);
      Thread t2 = new Thread(reader);
      t1.start();
      t2.start();
      for (int b = 0; b < 40; b++) {
        log.append(leaves(log.size(), 1 + b * 7));
      }
      done.set(true);
      t1.join();
      t2.join();
      assertThat(failure.get()).isNull();
    }
  }

  static List<String> filesUnder(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }
}
