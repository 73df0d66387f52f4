package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.junit.jupiter.api.Test;

/**
 * {@link Ledger.Pipeline} on PostgreSQL (issue 15): batch k's {@code COPY} and commit run on the
 * pipeline's writer thread, on their own connection, while batch k+1's keys are looked up on
 * another and it is validated; the stored rows and every result are the serial import's.
 */
class PipelinePostgresIT {
  private static List<List<Append>> batches() {
    List<Append> all = new ArrayList<>();
    for (int a = 0; a < 4; a++) {
      String account = "pg" + a;
      for (Event e : Workload.stream(account, 120, 40 + a)) {
        all.add(Append.of(e, "k-" + all.size()));
        if (all.size() % 37 == 0) {
          // an unknown account's item: rejected in the middle of a batch
          all.add(Append.of(new Event.ContentCreated(Workload.AT, "ghost-" + all.size(),
              "customer_content.chat", "ghost", Optional.empty(), Optional.empty(), List.of()),
              "g-" + all.size()));
        }
        if (all.size() % 41 == 0) {
          // the key of an event of the batch before (in flight while this one is validated)
          all.add(Append.of(e, "k-" + (all.size() - 60)));
        }
      }
    }
    List<List<Append>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 50) {
      out.add(all.subList(i, Math.min(all.size(), i + 50)));
    }
    return out;
  }

  @Test
  void pipelinedImport_storesWhatTheSerialOneStores_withTheSameResults() {
    String url = PgTestDatabase.url();
    LedgerConfig.Postgres serial = LedgerConfig.postgres(url)
        .withSchema(PgTestDatabase.fresh("covenant_pipe"));
    LedgerConfig.Postgres piped = LedgerConfig.postgres(url)
        .withSchema(PgTestDatabase.fresh("covenant_pipe"));
    try {
      List<List<Append>> batches = batches();
      List<List<AppendResult>> expected = new ArrayList<>();
      List<StoredEvent> rows;
      try (Ledger l = Ledger.open(serial, Workload.CATALOG)) {
        for (List<Append> b : batches) {
          expected.add(l.append(b));
        }
        rows = l.events(0, Integer.MAX_VALUE);
      }
      List<CompletableFuture<List<AppendResult>>> sent = new ArrayList<>();
      try (Ledger l = Ledger.open(piped, Workload.CATALOG)) {
        try (Ledger.Pipeline p = l.pipeline()) {
          for (List<Append> b : batches) {
            sent.add(p.submit(b));
          }
        }
        assertThat(sent.stream().map(CompletableFuture::join).toList()).isEqualTo(expected);
        assertThat(l.head()).isEqualTo(rows.size());
      }
      try (Ledger again = Ledger.open(piped, Workload.CATALOG)) {
        assertThat(again.events(0, Integer.MAX_VALUE)).isEqualTo(rows);
      }
      assertThat(expected.stream().flatMap(List::stream))
          .anyMatch(r -> r instanceof AppendResult.Rejected)
          .anyMatch(r -> r instanceof AppendResult.Duplicate);
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + serial.schema() + " CASCADE");
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + piped.schema() + " CASCADE");
    }
  }
}
