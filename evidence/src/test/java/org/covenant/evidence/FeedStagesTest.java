package org.covenant.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.covenant.core.event.Event;
import org.covenant.core.vocab.Role;
import org.covenant.format.TermsLibrary;
import org.covenant.log.LogException;
import org.covenant.log.TiledLog;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log's catch-up in two stages (leaves computed while the page before is appended, issue 15),
 * as the CLI import and the server's log follower run it: beside serial catch-ups of the same
 * feed (a receipt's, an erasure's), after batches of every size, the log holds exactly the
 * ledger's events, once each, in order, as the leaves the serial path derives; a failed log
 * write reaches the caller.
 */
class FeedStagesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Event {@code k}: the account first, then users (a personal field each, salted). */
  private static Event event(long k) {
    Instant at = T0.plusMillis(k);
    return k == 0 ? new Event.AccountCreated(at, "acme", "alice")
        : new Event.UserAdded(at, "acme", "user-" + k, Role.MEMBER, Optional.empty());
  }

  private static void append(Ledger ledger, int n) {
    long next = ledger.head();
    List<Append> batch = new ArrayList<>(n);
    for (long k = next; k < next + n; k++) {
      batch.add(Append.of(event(k), "k-" + k));
    }
    for (AppendResult r : ledger.append(batch)) {
      assertThat(r).isInstanceOf(AppendResult.Accepted.class);
    }
  }

  @Test
  void twoStagesBesideSerialCatchUps_logEachEventOnceInOrder_asTheSerialLeaves(
      @TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    Random random = new Random(15);
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()),
        TermsLibrary.builtInCatalog());
        TiledLog log = d.openLog()) {
      LedgerFeed feed = d.feed(log, ledger);
      try (FeedStages stages = new FeedStages(feed, "test")) {
        for (int b = 0; b < 30; b++) {
          append(ledger, 1 + random.nextInt(random.nextBoolean() ? 20 : 4_000));
          stages.start();
          if (b % 3 == 1) {
            // Another caller of the same feed (a receipt, an erasure) catches up meanwhile.
            CompletableFuture.runAsync(feed::catchUp).join();
          }
          if (b % 7 == 6) {
            stages.catchUp();
            assertThat(log.size()).isEqualTo(ledger.head());
          }
        }
        stages.catchUp();
      }
      long head = ledger.head();
      assertThat(head).isGreaterThan(20_000);
      assertThat(log.size()).isEqualTo(head);
      assertThat(feed.loggedUpTo()).isEqualTo(head);
      for (long p = 1; p <= head; p++) {
        assertThat(log.leaf(p - 1)).as("leaf of position %d", p)
            .isEqualTo(feed.eventLeaf(ledger.events(p - 1, 1).get(0)));
      }
    }
  }

  @Test
  void aFailedLogWrite_isThrownToTheCaller_andTheLogNeverLeadsTheLedger(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()),
        TermsLibrary.builtInCatalog())) {
      TiledLog log = d.openLog();
      LedgerFeed feed = d.feed(log, ledger);
      try (FeedStages stages = new FeedStages(feed, "test")) {
        append(ledger, 12_000);
        stages.catchUp();
        assertThat(log.size()).isEqualTo(12_000);
        append(ledger, 25_000);
        log.close();
        assertThatThrownBy(stages::catchUp).isInstanceOfSatisfying(LogException.class,
            e -> assertThat(e.code()).isEqualTo("log_closed"));
        assertThat(feed.loggedUpTo()).isEqualTo(12_000);
      }
    }
    // Reopened, the log holds what was durable and is caught up from the ledger.
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()),
        TermsLibrary.builtInCatalog());
        TiledLog log = d.openLog()) {
      assertThat(log.size()).isEqualTo(12_000);
      LedgerFeed feed = d.feed(log, ledger);
      try (FeedStages stages = new FeedStages(feed, "test")) {
        stages.catchUp();
      }
      assertThat(log.size()).isEqualTo(37_000);
    }
  }
}
