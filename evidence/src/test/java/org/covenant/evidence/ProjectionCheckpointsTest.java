package org.covenant.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Projection checkpoints in a real data directory (SQLite ledger, tiled log, files): a start
 * uses the newest one that holds and replays only the tail, to the same projection as a full
 * replay; damaged, truncated, foreign, older-format and misplaced ones are ignored with a
 * warning and the ledger is replayed; a SIGKILL in the middle of a write leaves the previous one
 * usable; the newest two are kept.
 */
class ProjectionCheckpointsTest {

  private static String fullReplayDigest(Path dir) {
    try (CheckpointFixture f = new CheckpointFixture(dir, false)) {
      assertThat(f.ledger.startedFrom()).isEmpty();
      return f.digest();
    }
  }

  private static Path only(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
      List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".ckpt")).toList();
      assertThat(files).hasSize(1);
      return files.get(0);
    }
  }

  @Test
  void aStartLoadsTheNewestCheckpointAndReplaysOnlyTheTail(@TempDir Path dir) throws IOException {
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      f.append(300);
      assertThat(f.checkpoints.writeNow()).contains(300L);
      f.append(500);
      assertThat(f.checkpoints.writeNow()).contains(800L);
      f.append(250);
      assertThat(f.checkpoints.writeNow()).contains(1050L);
      f.append(77);
    }
    try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
          .as("the newest two are kept")
          .containsExactly("projection-1050.ckpt", "projection-800.ckpt");
    }
    String full = fullReplayDigest(dir);
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      assertThat(f.warnings).isEmpty();
      assertThat(f.ledger.startedFrom()).hasValueSatisfying(
          s -> assertThat(s).contains("projection-1050.ckpt"));
      assertThat(f.ledger.head()).isEqualTo(1127);
      assertThat(f.digest()).isEqualTo(full);
      // it keeps going as a replayed one would: the same outcomes for what comes next
      f.append(200);
    }
    String after = fullReplayDigest(dir);
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      assertThat(f.digest()).isEqualTo(after);
    }
  }

  /**
   * A cluster member that saw itself leave (its heartbeat lapsed) holds only the index: a
   * checkpoint of that at the position of its last one would replace the one of its whole share
   * (seen at 10M under load: docs/BENCHMARKS.md, "Open"). Nothing is written until it is back.
   */
  @Test
  void nothingIsWrittenWhileThePointsSayItIsNotWorthWriting(@TempDir Path dir) throws IOException {
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      f.append(300);
      java.util.concurrent.atomic.AtomicBoolean worth = new java.util.concurrent.atomic
          .AtomicBoolean(true);
      java.util.concurrent.atomic.AtomicLong shape = new java.util.concurrent.atomic.AtomicLong();
      ProjectionCheckpoints.Points base = ProjectionCheckpoints.Points.of(f.feed);
      ProjectionCheckpoints.Points points = new ProjectionCheckpoints.Points() {
        @Override
        public java.util.Optional<LedgerFeed.LogPoint> now() {
          return base.now();
        }

        @Override
        public void catchUp() {
          base.catchUp();
        }

        @Override
        public long shape() {
          return shape.get();
        }

        @Override
        public boolean worthWriting() {
          return worth.get();
        }
      };
      try (ProjectionCheckpoints w = ProjectionCheckpoints.start(f.store, points, f.ledger,
          new ProjectionCheckpoints.Policy(1, java.time.Duration.ofHours(1), 1_000_000_000L,
              java.time.Duration.ofHours(1)), 0)) {
        assertThat(w.writeNow()).contains(300L);
        Path written = only(dir);
        Object file = Files.readAttributes(written,
            java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        // the member sees itself leave: its share changes (shape), nothing is worth writing
        worth.set(false);
        shape.incrementAndGet();
        assertThat(w.writeNow()).as("nothing written while it owns nothing").contains(300L);
        assertThat(only(dir)).isEqualTo(written);
        assertThat(Files.readAttributes(written,
            java.nio.file.attribute.BasicFileAttributes.class).fileKey())
            .as("the share's checkpoint is not replaced (a write renames a new file over it)")
            .isEqualTo(file);
        // back among the owners: the share as it is now is written again
        worth.set(true);
        shape.incrementAndGet();
        f.append(10);
        assertThat(w.writeNow()).contains(310L);
      }
    }
  }

  @Test
  void aFlippedByteOrATruncationIsIgnoredWithAWarning_andTheLedgerIsReplayed(@TempDir Path dir)
      throws IOException {
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      f.append(400);
      f.checkpoints.writeNow();
    }
    String full = fullReplayDigest(dir);
    Path file = only(dir);
    byte[] good = Files.readAllBytes(file);
    byte[] flipped = good.clone();
    flipped[good.length / 3] ^= 0x04;
    Files.write(file, flipped);
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      assertThat(f.warnings).singleElement().asString().contains("digest mismatch")
          .contains("replayed");
      assertThat(f.ledger.startedFrom()).isEmpty();
      assertThat(f.digest()).isEqualTo(full);
    }
    Files.write(file, java.util.Arrays.copyOf(good, good.length - 100));
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      assertThat(f.warnings).singleElement().asString().contains("projection-400.ckpt");
      assertThat(f.ledger.startedFrom()).isEmpty();
      assertThat(f.digest()).isEqualTo(full);
    }
    byte[] older = good.clone();
    older[11] = 0;
    Files.write(file, older);
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      assertThat(f.warnings).singleElement().asString().contains("format 0");
      assertThat(f.ledger.startedFrom()).isEmpty();
      // An older format at the head does not stop a new checkpoint at the same position.
      assertThat(f.checkpoints.writeNow()).contains(400L);
    }
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      assertThat(f.warnings).isEmpty();
      assertThat(f.ledger.startedFrom()).isPresent();
      assertThat(f.digest()).isEqualTo(full);
    }
    Files.write(file, older);
    // stored under another position than it says
    Files.delete(file);
    Files.write(dir.resolve("checkpoints/projection-399.ckpt"), good);
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      assertThat(f.warnings).singleElement().asString().contains("stored as position 399");
      assertThat(f.ledger.startedFrom()).isEmpty();
      assertThat(f.digest()).isEqualTo(full);
    }
  }

  @Test
  void aCheckpointFromAnotherLedgerIsRefused(@TempDir Path mine, @TempDir Path theirs)
      throws IOException {
    try (CheckpointFixture f = new CheckpointFixture(mine, true)) {
      f.append(500);
    }
    // another ledger: the same kind of events, one different, so its log differs from then on
    try (CheckpointFixture f = new CheckpointFixture(theirs, true)) {
      f.append(100);
      f.ledger.append(org.covenant.store.Append.of(new org.covenant.core.event.Event.GroupCreated(
          CheckpointFixture.T0.plusSeconds(100), "acct0", "other")));
      f.feed.catchUp();
      f.append(399);
      assertThat(f.checkpoints.writeNow()).contains(500L);
    }
    Path foreign = only(theirs);
    Files.createDirectories(mine.resolve("checkpoints"));
    Files.copy(foreign, mine.resolve("checkpoints").resolve(foreign.getFileName()));
    String full = fullReplayDigest(mine);
    try (CheckpointFixture f = new CheckpointFixture(mine, true)) {
      assertThat(f.warnings).singleElement().asString().contains("another ledger's log");
      assertThat(f.ledger.startedFrom()).isEmpty();
      assertThat(f.digest()).isEqualTo(full);
    }
  }

  /**
   * A start reads its checkpoint once: the candidates' checks read its header, the restore reads
   * it whole and checks the digest as it goes (it used to be read whole twice, once to check the
   * digest and once to decode).
   */
  @Test
  void aStartReadsItsCheckpointOnce(@TempDir Path dir) throws IOException {
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      f.append(400);
      f.checkpoints.writeNow();
    }
    long size = Files.size(only(dir));
    DataDirectory d = DataDirectory.at(dir).create();
    org.covenant.store.LedgerConfig config = d.ledger(java.util.Optional.empty());
    java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
    org.covenant.log.TiledLog log = d.openLog();
    try (org.covenant.store.CheckpointStore store = d.checkpoints(config)) {
      List<org.covenant.store.CheckpointStore.Stored> counted =
          store.list().stream().map(s -> counting(s, read)).toList();
      List<String> warnings = new ArrayList<>();
      List<org.covenant.store.Ledger.Start> starts =
          ProjectionCheckpoints.candidates(counted, log, warnings);
      org.covenant.store.Ledger ledger = org.covenant.store.Ledger.open(config,
          CheckpointFixture.CATALOG, page -> {}, starts);
      try {
        assertThat(warnings).isEmpty();
        assertThat(ledger.startedFrom()).hasValueSatisfying(
            s -> assertThat(s).contains("projection-400.ckpt"));
        assertThat(ledger.head()).isEqualTo(400);
      } finally {
        ledger.close();
      }
    } finally {
      log.close();
    }
    assertThat(read.get()).as("bytes read of a %d-byte checkpoint", size)
        .isGreaterThanOrEqualTo(size).isLessThan(size + 1024);
  }

  /**
   * A damaged newest checkpoint passes the header checks and fails its restore (the digest is
   * checked as it is read): the older one is then restored, with one warning, to the same
   * projection as a full replay.
   */
  @Test
  void aDamagedNewestCheckpointFailsItsRestoreAndTheOlderOneIsUsed(@TempDir Path dir)
      throws IOException {
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      f.append(400);
      assertThat(f.checkpoints.writeNow()).contains(400L);
      f.append(200);
      assertThat(f.checkpoints.writeNow()).contains(600L);
      f.append(50);
    }
    String full = fullReplayDigest(dir);
    Path newest = dir.resolve("checkpoints/projection-600.ckpt");
    byte[] b = Files.readAllBytes(newest);
    b[b.length - 100] ^= 0x20;
    Files.write(newest, b);
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      assertThat(f.warnings).singleElement().asString().contains("projection-600.ckpt")
          .contains("digest mismatch").contains("replayed");
      assertThat(f.ledger.startedFrom()).hasValueSatisfying(
          s -> assertThat(s).contains("projection-400.ckpt"));
      assertThat(f.ledger.head()).isEqualTo(650);
      assertThat(f.digest()).isEqualTo(full);
    }
  }

  /** {@code s}, counting the bytes read from it in {@code read}. */
  private static org.covenant.store.CheckpointStore.Stored counting(
      org.covenant.store.CheckpointStore.Stored s, java.util.concurrent.atomic.AtomicLong read) {
    return new org.covenant.store.CheckpointStore.Stored() {
      @Override
      public long position() {
        return s.position();
      }

      @Override
      public java.io.InputStream open() throws IOException {
        return new java.io.FilterInputStream(s.open()) {
          @Override
          public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
              read.incrementAndGet();
            }
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
              read.addAndGet(n);
            }
            return n;
          }
        };
      }

      @Override
      public String describe() {
        return s.describe();
      }

      @Override
      public long size() {
        return s.size();
      }
    };
  }

  @Test
  void aSigkillInTheMiddleOfAWriteLeavesThePreviousCheckpointUsable(@TempDir Path dir)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        CheckpointChild.class.getName(), dir.toString()));
    Process child = new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("child.err").toFile()))
        .start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
        if (line.startsWith("MID ")) {
          break;
        }
      }
      assertThat(lines).as("the child's output (stderr in child.err)")
          .containsExactly("WROTE 400", "MID 600");
      assertThat(Files.exists(dir.resolve("checkpoints/.tmp-projection-600.ckpt")))
          .as("the half-written checkpoint is on disk").isTrue();
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    String full = fullReplayDigest(dir);
    try (CheckpointFixture f = new CheckpointFixture(dir, true)) {
      assertThat(f.warnings).isEmpty();
      assertThat(f.ledger.startedFrom()).hasValueSatisfying(
          s -> assertThat(s).contains("projection-400.ckpt"));
      assertThat(f.ledger.head()).isEqualTo(600);
      assertThat(f.digest()).isEqualTo(full);
      // the next write replaces the leftover
      assertThat(f.checkpoints.writeNow()).contains(600L);
    }
    try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("projection-400.ckpt", "projection-600.ckpt");
    }
  }
}
