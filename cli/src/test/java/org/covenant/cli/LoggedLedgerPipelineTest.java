package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.covenant.log.TiledLog;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import's log follows its ledger in two background stages (leaves computed while the page
 * before is appended, issue 15): after batches of every size, pages spanning batches, and
 * catch-ups in the foreground between them, the log holds exactly the ledger's events, once
 * each, in order, as the leaves a serial catch-up derives from the same salts.
 */
class LoggedLedgerPipelineTest {
  @TempDir Path tmp;

  @Test
  void theLogInTwoStages_holdsTheLedgersEventsAsASerialCatchUpWould() throws Exception {
    Path data = tmp.resolve("data");
    Random random = new Random(15);
    long head;
    try (LoggedLedger logged = LoggedLedger.open(Optional.of(data), Optional.empty(),
        LogCrashChild.CATALOG)) {
      Ledger ledger = logged.ledger();
      for (int b = 0; b < 40; b++) {
        long next = ledger.head();
        int n = 1 + random.nextInt(random.nextBoolean() ? 20 : 2_500);
        List<Append> batch = new ArrayList<>(n);
        for (long k = next; k < next + n; k++) {
          batch.add(Append.of(LogCrashChild.event(k), LogCrashChild.key(k)));
        }
        for (AppendResult r : ledger.append(batch)) {
          assertThat(r).isInstanceOf(AppendResult.Accepted.class);
        }
        logged.catchUpInBackground();
        if (b % 13 == 12) {
          logged.catchUp();
          assertThat(logged.log().orElseThrow().size()).isEqualTo(ledger.head());
        }
      }
      head = ledger.head();
      assertThat(head).isGreaterThan(20_000);
    }
    List<byte[]> expected = FeedLeaves.derive(data, tmp.resolve("scratch"),
        LogCrashChild.CATALOG);
    try (TiledLog log = TiledLog.openReadOnly(data,
        org.covenant.log.FileKeyStore.load(data).orElseThrow().verifier())) {
      assertThat(log.size()).isEqualTo(head);
      assertThat(expected).hasSize((int) head);
      for (int i = 0; i < head; i++) {
        assertThat(log.leaf(i)).as("leaf %d", i).isEqualTo(expected.get(i));
      }
    }
  }
}
