package org.covenant.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming {@link LogVerifier} against the whole-tree {@link MerkleLogVerifier} it replaced:
 * on seeded random logs, untouched and damaged, both return the same outcome (code, file, leaf and
 * message); and the hashes the streaming one holds do not grow with the log.
 */
class StreamingLogVerifierTest {
  private static final NoteSigner SIGNER = TiledLogTest.SIGNER;
  private static final LogVerifier STREAMING = LogVerifier.create(SIGNER.verifier());
  private static final MerkleLogVerifier REFERENCE = MerkleLogVerifier.create(SIGNER.verifier());

  @TempDir Path tmp;

  @Test
  void seededRandomLogs_sameOutcomeAsTheWholeTreeVerifier_untouchedAndDamaged() throws IOException {
    long seed = 15_2026L;
    Random random = new Random(seed);
    for (int run = 0; run < 12; run++) {
      Path dir = tmp.resolve("log" + run);
      int batches = 1 + random.nextInt(6);
      int[] sizes = new int[batches];
      for (int b = 0; b < batches; b++) {
        // Mostly small batches, sometimes more than a tile, sometimes empty.
        sizes[b] = random.nextInt(4) == 0 ? random.nextInt(1200) : random.nextInt(300);
      }
      TiledLogTest.build(dir, sizes);
      compareUnderDamage(dir, random, "seed " + seed + " run " + run);
    }
  }

  @Test
  void logWithAFullLevelOneTile_sameOutcomeAsTheWholeTreeVerifier() throws IOException {
    // 65,536 leaves fill tile/1/000; the rest leaves partial tiles at levels 0, 1 and 2, and the
    // kept checkpoints partial tiles of their own.
    Path dir = tmp.resolve("big");
    TiledLogTest.build(dir, 40_000, 25_536, 300, 1_000);
    compareUnderDamage(dir, new Random(66_836L), "big");
  }

  private static void compareUnderDamage(Path dir, Random random, String what)
      throws IOException {
    LogVerification clean = STREAMING.verify(dir);
    assertThat(clean).as(what).isInstanceOf(LogVerification.Passed.class);
    assertThat(clean).as(what).isEqualTo(REFERENCE.verify(dir));
    Path tiles = dir.resolve("log/tile");
    List<String> files = TiledLogTest.filesUnder(tiles);
    List<String> bundles = new ArrayList<>();
    List<String> level0 = new ArrayList<>();
    List<String> upper = new ArrayList<>();
    for (String f : files) {
      (f.startsWith("entries/") ? bundles : f.startsWith("0/") ? level0 : upper).add(f);
    }
    List<String> damaged = new ArrayList<>();
    for (List<String> kind : List.of(bundles, level0, upper)) {
      for (int k = 0; k < 3 && !kind.isEmpty(); k++) {
        damaged.add(kind.get(random.nextInt(kind.size())));
      }
    }
    for (String name : damaged) {
      Path file = tiles.resolve(name);
      byte[] original = Files.readAllBytes(file);
      // A flipped byte, a truncation, a missing file.
      byte[] flipped = original.clone();
      flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
      same(dir, file, flipped, what + ", flip in " + name);
      same(dir, file, java.util.Arrays.copyOf(original, random.nextInt(original.length)),
          what + ", truncated " + name);
      Files.delete(file);
      assertSame(dir, what + ", missing " + name);
      Files.write(file, original);
    }
    // A wrong signature on the latest checkpoint and on a kept one.
    List<Path> notes = new ArrayList<>(List.of(dir.resolve("log/checkpoint")));
    try (var kept = Files.list(dir.resolve("log/checkpoints"))) {
      kept.forEach(notes::add);
    }
    for (Path note : List.of(notes.get(0), notes.get(1 + random.nextInt(notes.size() - 1)))) {
      String text = Files.readString(note, StandardCharsets.UTF_8);
      int sig = text.lastIndexOf(' ') + 5;
      char c = text.charAt(sig);
      String bad = text.substring(0, sig) + (c == 'A' ? 'B' : 'A') + text.substring(sig + 1);
      same(dir, note, bad.getBytes(StandardCharsets.UTF_8), what + ", signature of " + note);
    }
    assertThat(STREAMING.verify(dir)).as(what + ", restored").isEqualTo(clean);
  }

  /** Writes {@code bad} into {@code file}, compares both verifiers, restores the file. */
  private static void same(Path dir, Path file, byte[] bad, String what) throws IOException {
    byte[] original = Files.readAllBytes(file);
    Files.write(file, bad);
    try {
      assertSame(dir, what);
    } finally {
      Files.write(file, original);
    }
  }

  private static void assertSame(Path dir, String what) {
    LogVerification streaming = STREAMING.verify(dir);
    assertThat(streaming).as(what).isInstanceOf(LogVerification.Failed.class);
    assertThat(streaming).as(what).isEqualTo(REFERENCE.verify(dir));
  }

  @Test
  void hashesHeld_doNotGrowWithTheLog() {
    long bound = 64 + 8L * 256 + Runtime.getRuntime().availableProcessors() * 16L * 256;
    List<Long> held = new ArrayList<>();
    for (int size : new int[] {1, 300, 20_000, 70_000}) {
      Path dir = tmp.resolve("size" + size);
      TiledLogTest.build(dir, size);
      LogVerifier.Outcome outcome = STREAMING.run(dir, null);
      assertThat(outcome.result()).isInstanceOf(LogVerification.Passed.class);
      assertThat(outcome.hashesHeld()).as("size %d", size).isLessThanOrEqualTo(bound);
      held.add(outcome.hashesHeld());
    }
    // Once the bundles in flight fill their window (16 per core), a bigger log holds no more.
    assertThat(held.get(3)).isEqualTo(held.get(2));
    assertThat(held.get(0)).isLessThan(held.get(3));
  }
}
