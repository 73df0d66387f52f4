package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.covenant.core.event.Event;
import org.covenant.core.event.RejectionCode;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.Test;

/** The facade's own behaviour: group commit, failed writes, replay rules, listeners. */
class LedgerTest {
  /** A store that can hold a write open, or fail it before or after the commit. */
  private static final class ScriptedStore implements EventStore {
    final InMemoryEventStore delegate = InMemoryEventStore.create();
    final AtomicInteger appends = new AtomicInteger();
    volatile CountDownLatch entered;
    volatile CountDownLatch release;
    volatile boolean failBeforeCommit;
    volatile boolean failAfterCommit;

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
      appends.incrementAndGet();
      if (entered != null) {
        entered.countDown();
        await(release);
      }
      if (failBeforeCommit) {
        failBeforeCommit = false;
        plan.apply(delegate.read(knownHead, Integer.MAX_VALUE));
        throw new StoreException(StoreException.UNAVAILABLE, "connection lost before commit");
      }
      long head = delegate.append(knownHead, plan);
      if (failAfterCommit) {
        failAfterCommit = false;
        throw new StoreException(StoreException.UNAVAILABLE, "connection lost after commit");
      }
      return head;
    }

    @Override
    public void close() {}
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<Append> appends(List<Event> events) {
    return events.stream().map(Append::of).toList();
  }

  @Test
  void callersArrivingDuringAWrite_areCommittedTogetherInTheNextTransaction() throws Exception {
    ScriptedStore store = new ScriptedStore();
    Ledger l = Ledger.over(store, Workload.CATALOG);
    store.entered = new CountDownLatch(1);
    store.release = new CountDownLatch(1);
    int followers = 5;
    ExecutorService pool = Executors.newFixedThreadPool(followers + 1);
    try {
      Future<List<AppendResult>> first =
          pool.submit(() -> l.append(appends(Workload.setup("lead"))));
      await(store.entered);
      store.entered = null;
      List<Future<List<AppendResult>>> rest = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < followers; i++) {
        String account = "f" + i;
        rest.add(pool.submit(() -> {
          synchronized (threads) {
            threads.add(Thread.currentThread());
          }
          return l.append(appends(Workload.setup(account)));
        }));
      }
      // wait until every follower is parked on the ledger's writer lock
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!allParked(threads, followers)) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(5);
      }
      store.release.countDown();
      assertThat(first.get(30, TimeUnit.SECONDS)).allMatch(AppendResult::stored);
      List<Long> positions = new ArrayList<>();
      for (Future<List<AppendResult>> f : rest) {
        for (AppendResult r : f.get(30, TimeUnit.SECONDS)) {
          positions.add(((AppendResult.Accepted) r).position());
        }
      }
      assertThat(positions).doesNotHaveDuplicates().hasSize(followers * 4)
          .allMatch(p -> p > 4 && p <= 4 + followers * 4);
      assertThat(store.appends.get()).isEqualTo(2);
      assertThat(l.head()).isEqualTo(4 + followers * 4);
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean allParked(List<Thread> threads, int expected) {
    synchronized (threads) {
      if (threads.size() < expected) {
        return false;
      }
      for (Thread t : threads) {
        if (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
          return false;
        }
      }
      return true;
    }
  }

  @Test
  void writeThatFailsBeforeCommit_leavesNothingVisible_andTheProjectionIsRebuilt() {
    ScriptedStore store = new ScriptedStore();
    Ledger l = Ledger.over(store, Workload.CATALOG);
    l.append(appends(Workload.setup("fb")));
    Event content = new Event.ContentCreated(Workload.AT, "fb-doc", "customer_content.chat",
        "fb", Optional.empty(), Optional.empty(), List.of());
    store.failBeforeCommit = true;
    assertThatThrownBy(() -> l.append(Append.of(content)))
        .isInstanceOf(StoreException.class)
        .extracting(e -> ((StoreException) e).code()).isEqualTo("store_unavailable");
    assertThat(l.head()).isEqualTo(4);
    assertThat(l.snapshot().content("fb-doc", TimeKey.END)).isEmpty();
    // had the projection kept the failed event, this would be a duplicate_id
    assertThat(l.append(Append.of(content))).isEqualTo(new AppendResult.Accepted(content, 5));
    assertThat(l.snapshot().content("fb-doc", TimeKey.END)).isPresent();
  }

  @Test
  void writeCommittedButUnacknowledged_isFoundByItsIdempotencyKeyOnRetry() {
    ScriptedStore store = new ScriptedStore();
    Ledger l = Ledger.over(store, Workload.CATALOG);
    l.append(appends(Workload.setup("ac")));
    Event e = Workload.next("ac", 0, new java.util.Random(7));
    store.failAfterCommit = true;
    assertThatThrownBy(() -> l.append(Append.of(e, "op-1")))
        .isInstanceOf(StoreException.class);
    assertThat(l.append(Append.of(e, "op-1")))
        .isEqualTo(new AppendResult.Duplicate(e, "op-1", 5));
    assertThat(store.delegate.read(0, 100)).hasSize(5);
  }

  @Test
  void fingerprintedKeys_sameRequestIsADuplicate_anotherIsRefused_andSurviveReopening() {
    InMemoryEventStore store = InMemoryEventStore.create();
    Ledger l = Ledger.over(store, Workload.CATALOG);
    java.time.Instant t = java.time.Instant.parse("2025-01-01T00:00:00Z");
    Event acme = new Event.AccountCreated(t, "acme", "alice");
    Event globex = new Event.AccountCreated(t, "globex", "gina");
    String a = Append.fingerprint(new byte[] {1});
    String b = Append.fingerprint(new byte[] {2});
    Append first = new Append(acme, Optional.of("k"), Optional.of(a), Optional.empty());
    assertThat(l.append(List.of(first, new Append(acme, Optional.of("k"), Optional.of(a),
        Optional.empty()), new Append(globex, Optional.of("k"), Optional.of(b),
        Optional.empty())))).containsExactly(new AppendResult.Accepted(acme, 1),
        new AppendResult.Duplicate(acme, "k", 1), new AppendResult.KeyReused(globex, "k", 1));
    assertThat(store.read(0, 10)).hasSize(1);
    assertThat(store.read(0, 10).get(0).idempotencyKey()).contains("k#sha256:" + a);
    Ledger again = Ledger.over(store, Workload.CATALOG);
    assertThat(again.append(new Append(globex, Optional.of("k"), Optional.of(b),
        Optional.empty()))).isEqualTo(new AppendResult.KeyReused(globex, "k", 1));
    assertThat(again.positionOf("k")).hasValue(1);
  }

  @Test
  void invalidIds_areRejectedAtTheHead_andStampedEventsTakeTheServersTime() {
    Ledger l = Ledger.over(InMemoryEventStore.create(), Workload.CATALOG);
    java.time.Instant t = java.time.Instant.parse("2025-01-01T00:00:00Z");
    AppendResult bad = l.append(Append.of(new Event.AccountCreated(t, "acme", "al\u202Eice")));
    assertThat(bad).isInstanceOf(AppendResult.Rejected.class);
    assertThat(((AppendResult.Rejected) bad).rejection().code())
        .isEqualTo(RejectionCode.INVALID_ID);
    assertThat(l.head()).isZero();
    // The operator wrote up to t+4s; a stamped write at t takes the ledger's last time.
    l.append(Append.of(new Event.AccountCreated(t.plusSeconds(4), "acme", "alice")));
    AppendResult stamped = l.append(new Append(new Event.GroupCreated(t.plusSeconds(99),
        "acme", "g"), Optional.empty(), Optional.empty(), Optional.of(t)));
    assertThat(stamped).isEqualTo(new AppendResult.Accepted(
        new Event.GroupCreated(t.plusSeconds(4), "acme", "g"), 2));
    AppendResult now = l.append(new Append(new Event.GroupCreated(t, "acme", "h"),
        Optional.empty(), Optional.empty(), Optional.of(t.plusSeconds(9))));
    assertThat(now.event().at()).isEqualTo(t.plusSeconds(9));
  }

  @Test
  void listenerThatThrows_doesNotFailTheAppend_andOthersStillHearIt() {
    Ledger l = Ledger.over(InMemoryEventStore.create(), Workload.CATALOG);
    List<Long> heard = new ArrayList<>();
    l.onAppended(batch -> {
      throw new IllegalStateException("listener bug");
    });
    l.onAppended(batch -> batch.forEach(s -> heard.add(s.position())));
    assertThat(l.append(appends(Workload.setup("li")))).allMatch(AppendResult::stored);
    assertThat(heard).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void replay_acceptsTermsTheCatalogLacks_butNewAppendsDoNot() {
    InMemoryEventStore store = InMemoryEventStore.create();
    TermsCatalog narrow = TermsCatalog.of(TermsLibrary.builtIn().stream()
        .filter(v -> !v.name().equals("default")).toList());
    store.append(0, unseen -> Workload.stored(1, Workload.setup("rp")));
    Ledger l = Ledger.over(store, narrow);
    assertThat(l.head()).isEqualTo(4);
    AppendResult r = l.append(Append.of(new Event.TermsAccepted(Workload.AT, "rp", "default",
        Workload.owner("rp"))));
    assertThat(((AppendResult.Rejected) r).rejection().code())
        .isEqualTo(RejectionCode.UNKNOWN_TERMS);
  }

  @Test
  void storedEventTheRulesReject_isCorruptStoreOnOpen() {
    InMemoryEventStore store = InMemoryEventStore.create();
    store.append(0, unseen -> Workload.stored(1, List.of(
        new Event.ConsentGranted(Workload.AT, "ghost", "ai_training", "x"))));
    assertThatThrownBy(() -> Ledger.over(store, Workload.CATALOG))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("position 1")
        .hasMessageContaining("unknown_account")
        .extracting(e -> ((StoreException) e).code()).isEqualTo("corrupt_store");
  }

  @Test
  void snapshotAtAPastPosition_seesOnlyThatPrefix() {
    Ledger l = Ledger.over(InMemoryEventStore.create(), Workload.CATALOG);
    List<Event> events = Workload.stream("as", 8, 3);
    l.append(appends(events));
    for (int p = 0; p <= events.size(); p++) {
      assertThat(l.snapshot(p).position()).isEqualTo(p);
    }
    assertThat(l.snapshot(1000).position()).isEqualTo(events.size());
    assertThat(l.snapshot(0).accountExists("as", TimeKey.END)).isFalse();
    assertThat(l.snapshot(1).accountExists("as", TimeKey.END)).isTrue();
  }

  @Test
  void closedLedger_refusesWork() {
    Ledger l = Ledger.over(InMemoryEventStore.create(), Workload.CATALOG);
    l.close();
    assertThatThrownBy(() -> l.append(appends(Workload.setup("c"))))
        .isInstanceOf(IllegalStateException.class);
  }
}
