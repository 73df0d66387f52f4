package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.covenant.core.spi.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9: a child JVM appends to a SQLite ledger in a loop and prints each acknowledged append;
 * it is SIGKILLed at random moments (seeded: {@code -Dcovenant.crash.seed=N} replays a run), 20
 * times. After every kill the ledger must open cleanly, hold every acknowledged append at its
 * position with its key, and its rebuilt projection must answer exactly as the child's
 * incrementally maintained one did at every position the child reported.
 */
class CrashSafetyIT {
  private static final int KILLS = Integer.getInteger("covenant.crash.kills", 20);

  @TempDir Path tmp;

  @Test
  void everyAcknowledgedAppendSurvivesSigkill_andTheProjectionEqualsARebuild() throws Exception {
    long seed = Long.getLong("covenant.crash.seed", new Random().nextLong());
    System.out.println("CrashSafetyIT seed " + seed + " (replay: -Dcovenant.crash.seed=" + seed
        + ")");
    Random random = new Random(seed);
    Path dir = tmp.resolve("data");
    Path stderr = tmp.resolve("child.err");
    Map<Long, String> acknowledged = new HashMap<>();
    int midStream = 0;
    for (int run = 0; run < KILLS; run++) {
      ChildRun child = ChildRun.start(stderr, "sqlite", dir.toString(), "crash", "-1",
          Long.toString(random.nextLong()));
      boolean started = child.awaitLines("ack", 1, 30_000);
      assertThat(started).as("child %d acknowledged nothing; stderr: %s", run,
          Files.exists(stderr) ? Files.readString(stderr) : "").isTrue();
      Thread.sleep(random.nextInt(250));
      if (child.process.isAlive()) {
        midStream++;
      }
      child.kill();
      assertThat(child.lines()).as("child %d output", run).noneMatch(l -> l.startsWith("error"));
      for (ChildRun.Ack a : child.acks()) {
        String before = acknowledged.put(a.position(), a.key());
        assertThat(before).as("position %d acknowledged twice", a.position()).isNull();
      }
      verify(dir, acknowledged, child.prints(), seed);
    }
    assertThat(midStream).as("kills that hit a running child").isEqualTo(KILLS);
    assertThat(acknowledged).hasSizeGreaterThan(KILLS);
  }

  private static void verify(Path dir, Map<Long, String> acknowledged,
      List<ChildRun.Print> prints, long seed) {
    try (Ledger l = Ledger.open(LedgerConfig.sqlite(dir), Workload.CATALOG)) {
      List<StoredEvent> all = l.events(0, Integer.MAX_VALUE);
      assertThat(all).hasSize((int) l.head());
      for (int i = 0; i < all.size(); i++) {
        assertThat(all.get(i).position()).isEqualTo(i + 1);
      }
      for (Map.Entry<Long, String> a : acknowledged.entrySet()) {
        assertThat(a.getKey()).as("seed %d: acknowledged position beyond the head", seed)
            .isLessThanOrEqualTo(l.head());
        assertThat(all.get((int) (a.getKey() - 1)).idempotencyKey())
            .as("seed %d: key at position %d", seed, a.getKey()).contains(a.getValue());
      }
      for (ChildRun.Print p : prints) {
        assertThat(AppendingChild.fingerprint(l, p.account(), p.position(), p.from(), p.to()))
            .as("seed %d: projection at position %d", seed, p.position())
            .isEqualTo(p.digest());
      }
    }
  }
}
