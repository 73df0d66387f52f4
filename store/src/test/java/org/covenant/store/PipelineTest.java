package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.covenant.core.event.Event;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Ledger.Pipeline} (issue 15): an import that validates batch k+1 while batch k is written
 * gives exactly what appending the batches one after another gives: the same results (rejections
 * with their errors, duplicates with their positions) and the same stored rows.
 */
class PipelineTest {
  private static final int BATCH = 50;

  /**
   * Accounts with their streams, and, inside batches, events the ledger rejects (a content id
   * again, an unknown account, a content item of an unknown account), keys repeated inside a
   * batch and from the batch just before (still being written when the next is validated).
   */
  private static List<List<Append>> batches(long seed) {
    Random r = new Random(seed);
    List<Append> all = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int a = 0; a < 6; a++) {
      String account = "p" + a;
      for (Event e : Workload.stream(account, 60, seed + a)) {
        String key = "k-" + all.size();
        all.add(Append.of(e, key));
        keys.add(key);
        int dice = r.nextInt(20);
        if (dice == 0 && e instanceof Event.ContentCreated c) {
          all.add(Append.of(c, "again-" + all.size())); // duplicate_id
        } else if (dice == 1) {
          all.add(Append.of(new Event.ContentCreated(Workload.AT, "nobody-c" + all.size(),
              "customer_content.chat", "nobody", Optional.empty(), Optional.empty(),
              List.of()), "x-" + all.size())); // unknown account
        } else if (dice == 2 && keys.size() > 3) {
          // the key of an event a few appends back: often in the batch before
          String back = keys.get(keys.size() - 1 - r.nextInt(Math.min(keys.size(), BATCH + 5)));
          all.add(Append.of(e, back));
        } else if (dice == 3) {
          all.add(Append.of(e)); // no key: a second copy, rejected or accepted as the state says
        }
      }
    }
    List<List<Append>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += BATCH) {
      out.add(all.subList(i, Math.min(all.size(), i + BATCH)));
    }
    return out;
  }

  private static List<List<AppendResult>> serially(Ledger l, List<List<Append>> batches) {
    List<List<AppendResult>> out = new ArrayList<>();
    for (List<Append> b : batches) {
      out.add(l.append(b));
    }
    return out;
  }

  private static List<List<AppendResult>> pipelined(Ledger l, List<List<Append>> batches) {
    List<CompletableFuture<List<AppendResult>>> sent = new ArrayList<>();
    try (Ledger.Pipeline p = l.pipeline()) {
      for (List<Append> b : batches) {
        sent.add(p.submit(b));
        // by the time a batch is submitted, the one before is settled
        assertThat(sent.size() < 2 || sent.get(sent.size() - 2).isDone()).isTrue();
      }
      p.flush();
      assertThat(sent).allMatch(CompletableFuture::isDone);
    }
    return sent.stream().map(CompletableFuture::join).toList();
  }

  private static List<StoredEvent> rows(EventStore store) {
    return store.read(0, Integer.MAX_VALUE);
  }

  @Test
  void pipelinedImport_givesTheSerialResultsAndRows_inMemory() {
    for (long seed = 1; seed <= 5; seed++) {
      List<List<Append>> batches = batches(seed);
      InMemoryEventStore a = InMemoryEventStore.create();
      InMemoryEventStore b = InMemoryEventStore.create();
      List<List<AppendResult>> expected = serially(Ledger.over(a, Workload.CATALOG), batches);
      Ledger l = Ledger.over(b, Workload.CATALOG);
      assertThat(pipelined(l, batches)).isEqualTo(expected);
      assertThat(rows(b)).isEqualTo(rows(a));
      assertThat(l.head()).isEqualTo(a.head());
      // the workload has every kind of outcome, rejections in the middle of batches included
      List<AppendResult> flat = expected.stream().flatMap(List::stream).toList();
      assertThat(flat).anyMatch(x -> x instanceof AppendResult.Rejected)
          .anyMatch(x -> x instanceof AppendResult.Duplicate)
          .anyMatch(x -> x instanceof AppendResult.Accepted);
    }
  }

  @Test
  void pipelinedImport_givesTheSerialResultsAndRows_onSqlite(@TempDir Path dir) {
    List<List<Append>> batches = batches(11);
    List<List<AppendResult>> expected;
    List<StoredEvent> rows;
    try (Ledger serial = Ledger.open(LedgerConfig.sqlite(dir.resolve("a")), Workload.CATALOG)) {
      expected = serially(serial, batches);
      rows = serial.events(0, Integer.MAX_VALUE);
    }
    try (Ledger l = Ledger.open(LedgerConfig.sqlite(dir.resolve("b")), Workload.CATALOG)) {
      assertThat(pipelined(l, batches)).isEqualTo(expected);
      assertThat(l.events(0, Integer.MAX_VALUE)).isEqualTo(rows);
    }
    // and what was stored replays to the same head
    try (Ledger again = Ledger.open(LedgerConfig.sqlite(dir.resolve("b")), Workload.CATALOG)) {
      assertThat(again.head()).isEqualTo(rows.size());
      assertThat(again.projectionDigest()).isNotEmpty();
    }
  }

  /** A store whose n-th write fails, or before whose write another process appends. */
  private static final class Faulty implements EventStore {
    final InMemoryEventStore delegate = InMemoryEventStore.create();
    int writes;
    int failWrite = -1;
    int foreignBeforeWrite = -1;
    Event foreign;

    @Override
    public long head() {
      return delegate.head();
    }

    @Override
    public List<StoredEvent> read(long afterPosition, int limit) {
      return delegate.read(afterPosition, limit);
    }

    @Override
    public long append(long knownHead, Function<List<StoredEvent>, List<StoredEvent>> plan) {
      int n = ++writes;
      if (n == foreignBeforeWrite) {
        long h = delegate.head();
        delegate.append(h, unseen -> List.of(StoredEvent.of(h + 1, foreign)));
      }
      if (n == failWrite) {
        throw new StoreException(StoreException.UNAVAILABLE, "connection lost before commit");
      }
      return delegate.append(knownHead, plan);
    }

    @Override
    public void close() {}
  }

  @Test
  void aFailedBatch_failsTheOneValidatedBehindIt_andNothingOfEitherIsStored() {
    List<List<Append>> batches = batches(3);
    Faulty store = new Faulty();
    Ledger l = Ledger.over(store, Workload.CATALOG);
    store.failWrite = 3; // the third batch's write
    List<CompletableFuture<List<AppendResult>>> sent = new ArrayList<>();
    try (Ledger.Pipeline p = l.pipeline()) {
      for (int i = 0; i < 4; i++) {
        sent.add(p.submit(batches.get(i)));
      }
    }
    // the serial import stops at the third batch: the pipeline stores the first two only
    InMemoryEventStore expected = InMemoryEventStore.create();
    serially(Ledger.over(expected, Workload.CATALOG), batches.subList(0, 2));
    assertThat(sent.get(0).join()).isNotEmpty();
    assertThat(sent.get(1).join()).isNotEmpty();
    assertThatThrownBy(() -> sent.get(2).join()).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(StoreException.class).hasMessageContaining("connection lost");
    assertThatThrownBy(() -> sent.get(3).join()).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(StoreException.class)
        .hasMessageContaining("the batch before this one failed");
    assertThat(rows(store.delegate)).isEqualTo(rows(expected));
    assertThat(l.head()).isEqualTo(expected.head());
    // the ledger goes on from the store: the third batch again is accepted as it would be
    List<AppendResult> again = l.append(batches.get(2));
    Ledger serial = Ledger.over(expected, Workload.CATALOG);
    assertThat(again).isEqualTo(serial.append(batches.get(2)));
  }

  @Test
  void anotherProcessAppendingMeanwhile_isSeenAsTheSerialImportSeesIt() {
    List<List<Append>> batches = batches(5);
    Event foreign = new Event.AccountCreated(Workload.AT, "foreign", "foreign-owner");
    // serially: the other process appends just before the third batch's write
    Faulty serialStore = new Faulty();
    serialStore.foreign = foreign;
    serialStore.foreignBeforeWrite = 3;
    List<List<AppendResult>> expected =
        serially(Ledger.over(serialStore, Workload.CATALOG), batches);
    // pipelined: the same, while the third batch is validated behind the second's write
    Faulty store = new Faulty();
    store.foreign = foreign;
    store.foreignBeforeWrite = 3;
    assertThat(pipelined(Ledger.over(store, Workload.CATALOG), batches)).isEqualTo(expected);
    assertThat(rows(store.delegate)).isEqualTo(rows(serialStore.delegate));
    assertThat(rows(store.delegate)).extracting(StoredEvent::event).contains(foreign);
  }
}
