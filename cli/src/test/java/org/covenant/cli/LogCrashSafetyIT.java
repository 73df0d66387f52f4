package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.covenant.evidence.LedgerFeed;
import org.covenant.format.Json;
import org.covenant.log.FileKeyStore;
import org.covenant.log.LogVerification;
import org.covenant.log.LogVerifier;
import org.covenant.log.NoteVerifier;
import org.covenant.log.TilePaths;
import org.covenant.log.TiledLog;
import org.covenant.store.ChildJvm;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ledger and log never disagree after a crash (issue 4, ARCHITECTURE.md §7): a child JVM appends
 * through the CLI's wiring ({@link LoggedLedger}, {@link LogCrashChild}) and is SIGKILLed at
 * seeded random moments, during start-up, ledger commits and log commits alike. After every kill
 * the log is no longer than the ledger; after reopening, it is exactly as long, every leaf is the
 * one the server's feed derives from the ledger event at its position, {@link LogVerifier} passes,
 * and every acknowledged append is in the ledger at its acknowledged position. Replay a failure
 * with {@code -Dcovenant.crash.seed=SEED}.
 */
class LogCrashSafetyIT {
  private static final int KILLS = 20;

  @TempDir Path tmp;

  @Test
  void sigkillAtRandomMoments_theReopenedLogHoldsExactlyTheLedgersEvents() throws Exception {
    long seed = Long.getLong("covenant.crash.seed", System.nanoTime());
    System.out.println("LogCrashSafetyIT seed " + seed);
    Random random = new Random(seed);
    Path data = tmp.resolve("data");
    Path stderr = tmp.resolve("child.err");
    Map<Long, String> acked = new LinkedHashMap<>();
    int lagging = 0;
    for (int round = 0; round < KILLS; round++) {
      ChildJvm child = ChildJvm.start("log-crash-child", stderr, List.of("-XX:+UseSerialGC"),
          LogCrashChild.class, List.of(data.toString(), Long.toString(random.nextLong())));
      if (random.nextInt(4) == 0) {
        // anywhere: JVM start-up, opening the log, the opening catch-up, the first appends
        Thread.sleep(random.nextInt(1500));
      } else {
        assertThat(child.awaitLines("ack ", 1, 60_000)).as("seed %d round %d: %s", seed, round,
            Files.exists(stderr) ? Files.readString(stderr) : "").isTrue();
        Thread.sleep(random.nextInt(400));
      }
      child.kill();
      for (String line : child.lines()) {
        assertThat(line).as("seed %d", seed).doesNotStartWith("refused");
        String[] f = line.split(" ");
        if (f[0].equals("ack") && f.length == 3) {
          acked.put(Long.parseLong(f[1]), f[2]);
        }
      }
      long head = head(data);
      long logged = logSize(data);
      assertThat(logged).as("seed %d round %d: the log never leads", seed, round)
          .isLessThanOrEqualTo(head);
      if (logged < head) {
        lagging++;
      }
      if (round % 2 == 1) {
        // half the time the parent reopens; otherwise the next child's opening catches up
        try (LoggedLedger l = LoggedLedger.open(Optional.of(data), Optional.empty(),
            LogCrashChild.CATALOG)) {
          assertThat(l.log().orElseThrow().size()).as("seed %d round %d", seed, round)
              .isEqualTo(l.ledger().head());
        }
      }
    }
    System.out.printf("LogCrashSafetyIT: %d kills, %d acknowledged, %d left the log behind%n",
        KILLS, acked.size(), lagging);
    assertThat(acked).as("seed %d", seed).isNotEmpty();

    long head;
    try (LoggedLedger l = LoggedLedger.open(Optional.of(data), Optional.empty(),
        LogCrashChild.CATALOG)) {
      head = l.ledger().head();
      assertThat(l.log().orElseThrow().size()).as("seed %d", seed).isEqualTo(head);
      for (Map.Entry<Long, String> a : acked.entrySet()) {
        OptionalLong at = l.ledger().positionOf(a.getValue());
        assertThat(at).as("seed %d: acknowledged %s", seed, a).hasValue(a.getKey());
      }
    }
    NoteVerifier verifier = FileKeyStore.load(data).orElseThrow().verifier();
    LogVerification v = LogVerifier.create(verifier).verify(data);
    assertThat(v).as("seed %d", seed).isInstanceOf(LogVerification.Passed.class);
    assertThat(((LogVerification.Passed) v).size()).isEqualTo(head);

    List<byte[]> expected = FeedLeaves.derive(data, tmp.resolve("feed"), LogCrashChild.CATALOG);
    assertThat(expected).hasSize((int) head);
    try (TiledLog log = TiledLog.openReadOnly(data, verifier)) {
      for (int i = 0; i < head; i++) {
        byte[] leaf = log.leaf(i);
        assertThat(leaf).as("seed %d leaf %d", seed, i).isEqualTo(expected.get(i));
        JsonNode n = Json.parse(new String(leaf, StandardCharsets.UTF_8));
        assertThat(n.path("type").asText()).isEqualTo(LedgerFeed.EVENT_LEAF);
        assertThat(n.path("position").asLong()).as("seed %d leaf %d", seed, i).isEqualTo(i + 1);
      }
    }

    // This log has full tiles, higher levels and many bundles: one flipped byte in any file it
    // serves fails `log verify`, which names the file. A kill between a commit and the removal of
    // the partials it superseded (or a torn append) leaves stray partials no checkpoint refers
    // to; clients never read them, and neither does the verifier.
    List<Path> tiles = new ArrayList<>(served(data.resolve("log")));
    try (Stream<Path> s = Files.walk(data.resolve("log").resolve("tile"))) {
      long stray = s.filter(Files::isRegularFile).count() - tiles.size();
      System.out.printf("LogCrashSafetyIT: %d tile and bundle files served, %d stray partials%n",
          tiles.size(), stray);
    }
    Collections.shuffle(tiles, random);
    for (Path tile : tiles.subList(0, Math.min(40, tiles.size()))) {
      byte[] original = Files.readAllBytes(tile);
      byte[] bad = original.clone();
      int at = random.nextInt(bad.length);
      bad[at] ^= (byte) (1 << random.nextInt(8));
      Files.write(tile, bad);
      LogWiringTest.Run r = LogWiringTest.cli("log", "verify", "--data", data.toString());
      assertThat(r.exit()).as("seed %d: %s byte %d", seed, tile, at).isEqualTo(1);
      assertThat(r.lastLine().path("file").asText()).as("seed %d: %s byte %d", seed, tile, at)
          .isEqualTo(tile.toString());
      Files.write(tile, original);
    }
    assertThat(LogWiringTest.cli("log", "verify", "--data", data.toString()).exit()).isZero();
  }

  /**
   * The tile and bundle files the log serves: every full one, and the partial ones of each stored
   * checkpoint's size that no full one supersedes (C2SP tlog-tiles).
   */
  private static List<Path> served(Path logDir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(logDir.resolve("tile"))) {
      s.filter(Files::isRegularFile).filter(p -> !p.toString().contains(".p/")).forEach(out::add);
    }
    Set<Path> partials = new TreeSet<>();
    try (Stream<Path> s = Files.list(logDir.resolve(TilePaths.CHECKPOINTS))) {
      for (Path c : s.filter(c -> c.getFileName().toString().matches("[0-9]+")).toList()) {
        long size = Long.parseLong(c.getFileName().toString());
        int w = (int) (size % TilePaths.TILE_WIDTH);
        if (w > 0 && !Files.exists(logDir.resolve(TilePaths.entries(size / TilePaths.TILE_WIDTH,
            TilePaths.TILE_WIDTH)))) {
          partials.add(logDir.resolve(TilePaths.entries(size / TilePaths.TILE_WIDTH, w)));
        }
        for (int level = 0; (size >>> (8 * level)) > 0; level++) {
          long t = size >>> (8 * level);
          int tw = (int) (t % TilePaths.TILE_WIDTH);
          long n = t / TilePaths.TILE_WIDTH;
          if (tw > 0 && !Files.exists(logDir.resolve(TilePaths.tile(level, n,
              TilePaths.TILE_WIDTH)))) {
            partials.add(logDir.resolve(TilePaths.tile(level, n, tw)));
          }
        }
      }
    }
    for (Path p : partials) {
      assertThat(p).as("a partial a stored checkpoint needs").isRegularFile();
      out.add(p);
    }
    return out;
  }

  private static long head(Path data) {
    try (Ledger l = Ledger.open(LedgerConfig.sqlite(data), LogCrashChild.CATALOG)) {
      return l.head();
    }
  }

  /** The committed log size, 0 before the child created the log. */
  private static long logSize(Path data) {
    Optional<NoteVerifier> v = FileKeyStore.load(data).map(s -> s.verifier());
    if (v.isEmpty() || !Files.exists(data.resolve("log").resolve("checkpoint"))) {
      return 0;
    }
    try (TiledLog log = TiledLog.openReadOnly(data, v.get())) {
      return log.size();
    }
  }

  /** A {@link LogCrashChild} JVM on the test classpath, its stdout collected line by line. */
}
