package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process paused inside a ledger append (here: its plan sleeps, as a SIGSTOPped member would,
 * holding the append lock) is cut by PostgreSQL after {@code idle_in_transaction_session_timeout}:
 * its append fails without writing, the lock is released, and another process's append goes
 * through instead of waiting for the paused one to wake (docs/CLUSTER.md, "Known limits"). A
 * plan that is slow but at work (a large batch validated on a starved CPU) says so to the store
 * and is not cut, however long it takes.
 */
class PostgresIdleTimeoutIT {
  @Test
  void aSlowPlanThatReportsProgress_isNotCut_andCommits() throws Exception {
    twoProcesses((slow, other) -> {
      CountDownLatch holding = new CountDownLatch(1);
      CompletableFuture<Long> first = CompletableFuture.supplyAsync(() ->
          slow.append(0, (unseen, alive) -> {
            holding.countDown();
            // 8 s of validation, past the 5 s timeout, reporting progress as the ledger does
            // after each event.
            for (int i = 0; i < 80; i++) {
              try {
                Thread.sleep(100);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              alive.run();
            }
            return Workload.stored(1, Workload.accounts("slow", 1));
          }));
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      // Another process waits for the slow one's commit (it holds the lock), then appends after.
      long head = other.append(0, unseen -> {
        assertThat(unseen).hasSize(1);
        return Workload.stored(2, Workload.accounts("after", 1));
      });
      assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(head).isEqualTo(2);
      assertThat(other.read(0, 10)).extracting(e -> ((org.covenant.core.event.Event
          .AccountCreated) e.event()).account()).containsExactly("slow0", "after0");
    });
  }

  /** Two processes' stores over one fresh schema, dropped afterwards. */
  private static void twoProcesses(TwoStores body) throws Exception {
    String url = PgTestDatabase.url();
    LedgerConfig.Postgres cfg = LedgerConfig.postgres(url)
        .withSchema(PgTestDatabase.fresh("covenant_idle"));
    try (PostgresEventStore first = PostgresEventStore.open(cfg);
        PostgresEventStore other = PostgresEventStore.open(cfg)) {
      body.run(first, other);
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + cfg.schema() + " CASCADE");
    }
  }

  @FunctionalInterface
  private interface TwoStores {
    void run(PostgresEventStore first, PostgresEventStore other) throws Exception;
  }

  @Test
  void anAppendPausedInsideItsTransaction_isCut_andAnotherProcessAppends() throws Exception {
    twoProcesses((paused, other) -> {
      CountDownLatch holding = new CountDownLatch(1);
      CompletableFuture<Object> first = CompletableFuture.supplyAsync(() -> {
        try {
          return paused.append(0, unseen -> {
            holding.countDown();
            try {
              Thread.sleep(8_000); // paused past the 5 s timeout, the lock held
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return Workload.stored(1, Workload.accounts("paused", 1));
          });
        } catch (StoreException e) {
          return e;
        }
      });
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      long t0 = System.nanoTime();
      long head = other.append(0, unseen -> Workload.stored(1, Workload.accounts("live", 1)));
      double waited = (System.nanoTime() - t0) / 1e9;
      assertThat(head).isEqualTo(1);
      // the wait ended when the paused session was cut (5 s), not when it woke (8 s)
      assertThat(waited).isLessThan(7.5);
      Object outcome = first.get(30, TimeUnit.SECONDS);
      assertThat(outcome).isInstanceOfSatisfying(StoreException.class,
          e -> assertThat(e.code()).isEqualTo(StoreException.UNAVAILABLE));
      assertThat(other.read(0, 10)).hasSize(1);
      assertThat(((org.covenant.core.event.Event.AccountCreated) other.read(0, 10).get(0)
          .event()).account()).isEqualTo("live0");
      // the paused store works again on a fresh connection
      assertThat(paused.append(1, unseen -> Workload.stored(2, Workload.accounts("later", 1))))
          .isEqualTo(2);
    });
  }
}
