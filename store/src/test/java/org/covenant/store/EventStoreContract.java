package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.covenant.core.event.Event;
import org.covenant.core.event.RejectionCode;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.TimeKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link EventStore} adapter passes, and the {@link Ledger} facade over it:
 * ordered reads, atomic batches, optimistic concurrency, unique idempotency keys, the unseen-tail
 * handshake, durability across reopen, and concurrent writers (threads of one ledger and two
 * ledgers over one store, as two processes would be) never duplicating or losing a position.
 */
abstract class EventStoreContract {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** A new, empty store, closed by the test. */
  protected abstract EventStore createStore();

  /** Another independent handle on the same store, as a second process would open it. */
  protected abstract EventStore sameStore(EventStore store);

  /** Closes the store and opens it again from where it lives. */
  protected abstract EventStore reopen(EventStore store);

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private EventStore store() {
    EventStore s = createStore();
    toClose.add(s);
    return s;
  }

  private <T extends AutoCloseable> T track(T c) {
    toClose.add(c);
    return c;
  }

  // ---- the port

  @Test
  void emptyStore_hasHeadZeroAndNoEvents() {
    EventStore s = store();
    assertThat(s.head()).isZero();
    assertThat(s.read(0, 10)).isEmpty();
  }

  @Test
  void appendedBatch_isReadBackInOrderWithKeys_andPages() {
    EventStore s = store();
    List<Event> events = Workload.accounts("a", 7);
    List<StoredEvent> batch = new ArrayList<>(Workload.stored(1, events));
    batch.set(2, new StoredEvent(3, events.get(2), Optional.of("key-3")));
    assertThat(s.append(0, unseen -> batch)).isEqualTo(7);
    assertThat(s.head()).isEqualTo(7);
    assertThat(s.read(0, 100)).containsExactlyElementsOf(batch);
    assertThat(s.read(2, 3)).containsExactlyElementsOf(batch.subList(2, 5));
    assertThat(s.read(7, 3)).isEmpty();
    assertThat(s.read(100, 3)).isEmpty();
  }

  @Test
  void keysAndPositions_areLookedUpInTheStore() {
    EventStore s = store();
    List<Event> events = Workload.accounts("p", 1200);
    List<StoredEvent> batch = new ArrayList<>(Workload.stored(1, events));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < batch.size(); i += 2) {
      batch.set(i, new StoredEvent(i + 1, events.get(i), Optional.of("key-" + (i + 1))));
      keys.add("key-" + (i + 1));
    }
    s.append(0, unseen -> batch);
    keys.add("never-stored");
    // more than one query's worth of keys and positions
    java.util.Map<String, Long> found = s.storedKeys(keys, "#sha256:");
    assertThat(found).hasSize(600).containsEntry("key-1", 1L).containsEntry("key-1199", 1199L)
        .doesNotContainKey("never-stored");
    long[] wanted = new long[700];
    for (int i = 0; i < wanted.length; i++) {
      wanted[i] = 2L * i + 1;
    }
    List<StoredEvent> read = s.readAt(wanted);
    assertThat(read).hasSize(600);
    assertThat(read.get(0)).isEqualTo(batch.get(0));
    assertThat(read.get(599)).isEqualTo(batch.get(1198));
    assertThat(s.readAt(new long[] {3, 4, 5000})).containsExactly(batch.get(2), batch.get(3));
  }

  @Test
  void keysStoredWithASuffix_areFoundByTheirKey_andOnlyThose() {
    EventStore s = store();
    List<Event> events = Workload.accounts("q", 5);
    String fp = "ab".repeat(32);
    List<StoredEvent> batch = List.of(
        new StoredEvent(1, events.get(0), Optional.of("req_1#sha256:" + fp)),
        new StoredEvent(2, events.get(1), Optional.of("req_10#sha256:" + fp)),
        new StoredEvent(3, events.get(2), Optional.of("req%1")),
        new StoredEvent(4, events.get(3), Optional.of("reqX1#sha256:" + fp)),
        new StoredEvent(5, events.get(4), Optional.of("req_1")));
    s.append(0, unseen -> batch);
    // `_` and `%` are literal; `req_1` is both stored bare and with a suffix elsewhere
    assertThat(s.storedKeys(List.of("req_1", "req%1"), "#sha256:")).containsOnly(
        java.util.Map.entry("req_1#sha256:" + fp, 1L), java.util.Map.entry("req%1", 3L),
        java.util.Map.entry("req_1", 5L));
  }

  @Test
  void storedKeys_ofAWholeImportBatch_findTheirOwnKeysOnly() {
    EventStore s = store();
    int n = 12_000;
    List<Event> events = Workload.accounts("w", n + 4);
    String fp = "cd".repeat(32);
    List<StoredEvent> batch = new ArrayList<>();
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // every third key is stored with its request fingerprint
      String key = "imp-" + i;
      batch.add(new StoredEvent(i + 1, events.get(i),
          Optional.of(i % 3 == 0 ? key + "#sha256:" + fp : key)));
      wanted.add(key);
    }
    // keys that sort between a wanted key and its fingerprinted form, and keys COPY's text
    // format must escape
    String odd = "tab\tnl\ncr\rback\\slash \"q\" ключ";
    batch.add(new StoredEvent(n + 1, events.get(n), Optional.of("imp-1!")));
    batch.add(new StoredEvent(n + 2, events.get(n + 1), Optional.of("imp-2#sha256")));
    batch.add(new StoredEvent(n + 3, events.get(n + 2), Optional.of(odd)));
    batch.add(new StoredEvent(n + 4, events.get(n + 3), Optional.of("imp-4#sha256:" + fp
        + "x")));
    assertThat(s.append(0, unseen -> batch)).isEqualTo(n + 4);
    wanted.add(odd);
    wanted.add("never");
    java.util.Map<String, Long> found = s.storedKeys(wanted, "#sha256:");
    // a stored key that starts with a wanted key and the separator is the store's answer (the
    // ledger then checks that a fingerprint follows)
    assertThat(found).hasSize(n + 2).containsEntry("imp-4#sha256:" + fp + "x", (long) n + 4)
        .containsEntry("imp-0#sha256:" + fp, 1L).containsEntry("imp-1", 2L)
        .containsEntry("imp-11999", 12_000L).containsEntry(odd, (long) n + 3)
        .doesNotContainKeys("imp-1!", "imp-2#sha256", "never");
    assertThat(s.read(n + 2, 1).get(0).idempotencyKey()).contains(odd);
  }

  @Test
  void appendAt_storesOnlyAtTheExpectedHead() {
    EventStore s = store();
    List<Event> events = Workload.accounts("b", 3);
    assertThat(s.appendAt(0, Workload.stored(1, events.subList(0, 2))))
        .isEqualTo(new EventStore.Write.Written(2));
    assertThat(s.appendAt(0, Workload.stored(1, events.subList(2, 3))))
        .isEqualTo(new EventStore.Write.Stale(0, 2));
    assertThat(s.head()).isEqualTo(2);
    assertThat(s.appendAt(2, Workload.stored(3, events.subList(2, 3))))
        .isEqualTo(new EventStore.Write.Written(3));
  }

  @Test
  void plan_receivesTheEventsAfterTheKnownHead() {
    EventStore s = store();
    List<StoredEvent> first = Workload.stored(1, Workload.accounts("c", 4));
    s.append(0, unseen -> first);
    List<List<StoredEvent>> seen = new ArrayList<>();
    long head = s.append(1, unseen -> {
      seen.add(unseen);
      return Workload.stored(5, Workload.accounts("d", 1));
    });
    assertThat(head).isEqualTo(5);
    assertThat(seen).containsExactly(first.subList(1, 4));
  }

  @Test
  void knownHeadBeyondTheStore_isCorruptStore() {
    EventStore s = store();
    assertThatThrownBy(() -> s.append(3, unseen -> List.of()))
        .isInstanceOf(StoreException.class)
        .extracting(e -> ((StoreException) e).code()).isEqualTo("corrupt_store");
  }

  @Test
  void misplacedPositions_areRefusedAndNothingIsStored() {
    EventStore s = store();
    List<StoredEvent> gap = Workload.stored(2, Workload.accounts("e", 2));
    assertThatThrownBy(() -> s.append(0, unseen -> gap))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(s.head()).isZero();
  }

  @Test
  void duplicateKey_refusesTheWholeBatch() {
    EventStore s = store();
    List<Event> ev = Workload.accounts("f", 3);
    s.append(0, unseen -> List.of(new StoredEvent(1, ev.get(0), Optional.of("k"))));
    List<StoredEvent> batch = List.of(StoredEvent.of(2, ev.get(1)),
        new StoredEvent(3, ev.get(2), Optional.of("k")));
    assertThatThrownBy(() -> s.append(1, unseen -> batch))
        .isInstanceOf(StoreException.class)
        .extracting(e -> ((StoreException) e).code()).isEqualTo("conflict");
    assertThat(s.head()).isEqualTo(1);
    assertThat(s.read(0, 10)).hasSize(1);
  }

  @Test
  void planThatThrows_writesNothing() {
    EventStore s = store();
    assertThatThrownBy(() -> s.append(0, unseen -> {
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(s.head()).isZero();
    assertThat(s.append(0, unseen -> Workload.stored(1, Workload.accounts("g", 1))))
        .isEqualTo(1);
  }

  @Test
  void largeBatch_isOneAtomicAppend() {
    EventStore s = store();
    List<StoredEvent> batch = Workload.stored(1, Workload.accounts("h", 3000));
    assertThat(s.append(0, unseen -> batch)).isEqualTo(3000);
    assertThat(s.read(2990, 100)).hasSize(10);
  }

  @Test
  void events_surviveReopen() {
    EventStore s = createStore();
    List<StoredEvent> batch = Workload.stored(1, Workload.accounts("i", 5));
    s.append(0, unseen -> batch);
    EventStore again = track(reopen(s));
    assertThat(again.head()).isEqualTo(5);
    assertThat(again.read(0, 10)).containsExactlyElementsOf(batch);
  }

  @Test
  void concurrentWriters_onTwoHandles_neverDuplicateOrLosePositions() throws Exception {
    EventStore a = store();
    EventStore b = track(sameStore(a));
    int writers = 4;
    int each = 40;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        EventStore mine = w % 2 == 0 ? a : b;
        String prefix = "w" + w + "-";
        futures.add(pool.submit(() -> {
          long known = 0;
          for (int i = 0; i < each; i++) {
            Event e = new Event.AccountCreated(Workload.AT, prefix + i, "o");
            String key = prefix + i;
            long[] k = {known};
            known = mine.append(known, unseen -> {
              long head = k[0] + unseen.size();
              return List.of(new StoredEvent(head + 1, e, Optional.of(key)));
            });
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<StoredEvent> all = a.read(0, 10_000);
    assertThat(all).hasSize(writers * each);
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).position()).isEqualTo(i + 1);
      keys.add(all.get(i).idempotencyKey().orElseThrow());
    }
    assertThat(keys).hasSize(writers * each);
    assertThat(b.head()).isEqualTo(writers * each);
  }

  // ---- the ledger over this store

  private Ledger ledger(EventStore s) {
    return track(Ledger.over(s, Workload.CATALOG));
  }

  @Test
  void ledger_acceptsRejectsAndNeverStoresRejections() {
    EventStore s = createStore();
    Ledger l = ledger(s);
    List<Event> setup = Workload.setup("acme");
    List<AppendResult> r = l.append(setup.stream().map(Append::of).toList());
    assertThat(r).allMatch(AppendResult::stored);
    Event dup = new Event.AccountCreated(Workload.AT, "acme", "x");
    Event unknown = new Event.ConsentGranted(Workload.AT, "nobody", "ai_training", "x");
    Event ok = Workload.next("acme", 0, new java.util.Random(1));
    List<AppendResult> mixed = l.append(List.of(Append.of(dup), Append.of(unknown),
        Append.of(ok)));
    assertThat(((AppendResult.Rejected) mixed.get(0)).rejection().code())
        .isEqualTo(RejectionCode.DUPLICATE_ID);
    assertThat(((AppendResult.Rejected) mixed.get(1)).rejection().code())
        .isEqualTo(RejectionCode.UNKNOWN_ACCOUNT);
    assertThat(mixed.get(2)).isEqualTo(new AppendResult.Accepted(ok, 5));
    assertThat(l.head()).isEqualTo(5);
    assertThat(s.read(0, 100)).extracting(StoredEvent::event)
        .containsExactly(setup.get(0), setup.get(1), setup.get(2), setup.get(3), ok);
  }

  @Test
  void ledger_importBatch_withARejectedEventInside_storesTheRest_andAgainAddsNothing() {
    EventStore s = createStore();
    Ledger l = ledger(s);
    List<Event> events = new ArrayList<>(Workload.stream("imp", 10_000, 5));
    // position 5000 of the batch names an account that does not exist
    events.set(5000, new Event.ConsentGranted(Workload.AT, "nobody", "ai_training", "x"));
    List<Append> batch = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      batch.add(Append.of(events.get(i), "imp-" + i));
    }
    List<AppendResult> first = l.append(batch);
    assertThat(first).hasSize(batch.size());
    AppendResult.Rejected rejected = (AppendResult.Rejected) first.get(5000);
    assertThat(rejected.rejection().code()).isEqualTo(RejectionCode.UNKNOWN_ACCOUNT);
    assertThat(rejected.rejection().message()).contains("nobody");
    assertThat(first.stream().filter(AppendResult::stored).count()).isEqualTo(batch.size() - 1);
    assertThat(l.head()).isEqualTo(batch.size() - 1);
    assertThat(first.get(5001)).isEqualTo(new AppendResult.Accepted(events.get(5001), 5001));
    // the log's feed reads the group just committed: the same events the store holds
    assertThat(l.events(0, 20_000)).containsExactlyElementsOf(s.read(0, 20_000));
    assertThat(l.events(4990, 20)).containsExactlyElementsOf(s.read(4990, 20));
    assertThat(l.events(batch.size() - 1, 10)).isEmpty();
    // importing the same batch again adds nothing: every key is a duplicate at its position
    List<AppendResult> again = l.append(batch);
    assertThat(again.get(0)).isEqualTo(new AppendResult.Duplicate(events.get(0), "imp-0", 1));
    assertThat(again.get(9999)).isEqualTo(
        new AppendResult.Duplicate(events.get(9999), "imp-9999", 9999));
    assertThat(again.get(5000)).isInstanceOf(AppendResult.Rejected.class);
    assertThat(again.stream().filter(r -> r instanceof AppendResult.Duplicate).count())
        .isEqualTo(batch.size() - 1);
    assertThat(l.head()).isEqualTo(batch.size() - 1);
    Ledger reopened = track(Ledger.over(reopen(s), Workload.CATALOG));
    assertThat(reopened.head()).isEqualTo(batch.size() - 1);
    assertThat(reopened.append(batch).stream().noneMatch(r -> r instanceof AppendResult.Accepted))
        .isTrue();
  }

  @Test
  void ledger_idempotencyKey_returnsTheOriginalPosition_evenAfterReopen() {
    EventStore s = createStore();
    Ledger l = track(Ledger.over(s, Workload.CATALOG));
    List<Event> setup = Workload.setup("k");
    l.append(setup.stream().map(Append::of).toList());
    Event e = Workload.next("k", 0, new java.util.Random(2));
    assertThat(l.append(Append.of(e, "req-1"))).isEqualTo(new AppendResult.Accepted(e, 5));
    assertThat(l.append(Append.of(e, "req-1")))
        .isEqualTo(new AppendResult.Duplicate(e, "req-1", 5));
    // within one batch, the second use of a key is a duplicate of the first
    Event e2 = Workload.next("k", 1, new java.util.Random(3));
    List<AppendResult> twice = l.append(List.of(Append.of(e2, "req-2"), Append.of(e2, "req-2")));
    assertThat(twice).containsExactly(new AppendResult.Accepted(e2, 6),
        new AppendResult.Duplicate(e2, "req-2", 6));
    l.close();
    Ledger again = ledger(reopen(s));
    assertThat(again.append(Append.of(e, "req-1")))
        .isEqualTo(new AppendResult.Duplicate(e, "req-1", 5));
    assertThat(again.head()).isEqualTo(6);
  }

  @Test
  void ledger_guestOfAnOrganisationWithNoAccount_isStoredAndReplayedOnReopen() {
    EventStore s = createStore();
    Ledger l = track(Ledger.over(s, Workload.CATALOG));
    l.append(Workload.setup("gx").stream().map(Append::of).toList());
    // §3 check 2: participant.joined's account names the guest's organisation, never looked up.
    List<Event> guest = List.of(
        new Event.ParticipantJoined(Workload.AT, "gx-m", "gus", Optional.of("initrode")),
        new Event.NoticeAcknowledged(Workload.AT, "gx-m", "gus", "recording"),
        new Event.ContentCreated(Workload.AT, "gx-guest-audio", "customer_content.audio", "gx",
            Optional.of("gx-m"), Optional.of("gus"), List.of("initrode")),
        new Event.ParticipantLeft(Workload.AT, "gx-m", "gus"),
        new Event.ParticipantJoined(Workload.AT, "gx-m", "gus", Optional.of("initrode")),
        new Event.ConsentGranted(Workload.AT, "initrode", "ai_training", "gus"));
    List<AppendResult> r = l.append(guest.stream().map(Append::of).toList());
    assertThat(r.subList(0, 5)).allMatch(AppendResult::stored);
    assertThat(((AppendResult.Rejected) r.get(5)).rejection().code())
        .as("an event that belongs to an account still needs it")
        .isEqualTo(RejectionCode.UNKNOWN_ACCOUNT);
    l.close();
    // Reopening validates every stored event again at the head: the guest's must pass.
    Ledger again = ledger(reopen(s));
    assertThat(again.head()).isEqualTo(9);
    long t = TimeKey.of(Workload.AT);
    assertThat(again.snapshot().presentParticipants("gx-m", t)).containsExactly("gx-owner", "gus");
    assertThat(again.snapshot().participantAccount("gx-m", "gus", t)).contains("initrode");
    assertThat(again.snapshot().external("gx-m", "gus", t)).isTrue();
    assertThat(again.snapshot().content("gx-guest-audio", t)).isPresent();
  }

  @Test
  void ledger_expectedHead_isOptimisticConcurrency() {
    Ledger l = ledger(createStore());
    List<Event> setup = Workload.setup("oc");
    l.append(0, setup.stream().map(Append::of).toList());
    Event e = Workload.next("oc", 0, new java.util.Random(4));
    assertThat(l.append(3, List.of(Append.of(e))))
        .containsExactly(new AppendResult.Stale(e, 3, 4));
    assertThat(l.head()).isEqualTo(4);
    assertThat(l.append(4, List.of(Append.of(e)))).containsExactly(new AppendResult.Accepted(e, 5));
  }

  @Test
  void ledger_rebuildOnReopen_equalsTheIncrementalProjection_atEveryPosition() {
    EventStore s = createStore();
    Ledger l = track(Ledger.over(s, Workload.CATALOG));
    List<Event> events = Workload.stream("rb", 60, 11);
    List<String> contents = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      contents.add(Workload.content("rb", i));
    }
    List<String> prints = new ArrayList<>();
    for (int i = 0; i < events.size(); i += 8) {
      l.append(events.subList(i, Math.min(events.size(), i + 8)).stream().map(Append::of)
          .toList());
      prints.add(Workload.fingerprint(l.snapshot(), List.of("rb"), contents));
    }
    l.close();
    Ledger again = ledger(reopen(s));
    assertThat(again.head()).isEqualTo(events.size());
    List<String> rebuilt = new ArrayList<>();
    for (int i = 0; i < events.size(); i += 8) {
      long pos = Math.min(events.size(), i + 8);
      rebuilt.add(Workload.fingerprint(again.snapshot(pos), List.of("rb"), contents));
    }
    assertThat(rebuilt).isEqualTo(prints);
  }

  @Test
  void ledger_rebuildsOverManyPages_asTheInMemoryLedgerAnswers() {
    EventStore s = createStore();
    List<Event> events = Workload.stream("pages", 24_996, 21);
    for (int i = 0; i < events.size(); i += 5000) {
      long head = i;
      List<Event> chunk = events.subList(i, Math.min(events.size(), i + 5000));
      s.append(head, unseen -> Workload.stored(head + 1, chunk));
    }
    Ledger reference = ledger(InMemoryEventStore.create());
    reference.append(events.stream().map(Append::of).toList());
    Ledger rebuilt = ledger(reopen(s));
    assertThat(rebuilt.head()).isEqualTo(25_000);
    List<String> contents = new ArrayList<>();
    for (int i = 0; i < 24_996; i += 997) {
      contents.add(Workload.content("pages", i));
    }
    for (long p : new long[] {1, 9_999, 10_000, 10_001, 20_000, 25_000}) {
      assertThat(Workload.fingerprint(rebuilt.snapshot(p), List.of("pages"), contents))
          .as("position %d", p)
          .isEqualTo(Workload.fingerprint(reference.snapshot(p), List.of("pages"), contents));
    }
  }

  @Test
  void ledger_listener_seesEachNewPositionOnceInOrder() throws Exception {
    Ledger l = ledger(createStore());
    List<Long> seen = Collections.synchronizedList(new ArrayList<>());
    AutoCloseable handle = l.onAppended(batch -> batch.forEach(e -> seen.add(e.position())));
    List<Event> events = Workload.stream("ls", 10, 5);
    l.append(events.subList(0, 6).stream().map(Append::of).toList());
    l.append(Append.of(new Event.AccountCreated(Workload.AT, "ls", "again")));
    l.append(events.subList(6, 14).stream().map(Append::of).toList());
    assertThat(seen).containsExactlyElementsOf(
        java.util.stream.LongStream.rangeClosed(1, 14).boxed().toList());
    handle.close();
    l.append(Append.of(new Event.AccountCreated(Workload.AT, "ls2", "o")));
    assertThat(seen).hasSize(14);
  }

  @Test
  void twoLedgersOnOneStore_validateAgainstEachOthersEvents() {
    EventStore s1 = createStore();
    Ledger a = ledger(s1);
    Ledger b = ledger(sameStore(s1));
    a.append(Workload.setup("two").stream().map(Append::of).toList());
    // b has not seen the account, but tails the store before validating
    AppendResult dup = b.append(Append.of(new Event.AccountCreated(Workload.AT, "two", "x")));
    assertThat(((AppendResult.Rejected) dup).rejection().code())
        .isEqualTo(RejectionCode.DUPLICATE_ID);
    Event e = Workload.next("two", 0, new java.util.Random(9));
    assertThat(b.append(Append.of(e, "from-b"))).isEqualTo(new AppendResult.Accepted(e, 5));
    assertThat(a.append(Append.of(e, "from-b")))
        .isEqualTo(new AppendResult.Duplicate(e, "from-b", 5));
    assertThat(a.refresh()).isEqualTo(5);
    assertThat(a.snapshot().position()).isEqualTo(5);
  }

  @Test
  void concurrentAppendersOnTwoLedgers_allLandOnceWithDensePositions() throws Exception {
    EventStore s1 = createStore();
    Ledger a = ledger(s1);
    Ledger b = ledger(sameStore(s1));
    int threads = 4;
    int each = 30;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger accepted = new AtomicInteger();
    Set<Long> positions = Collections.synchronizedSet(new HashSet<>());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Ledger mine = t % 2 == 0 ? a : b;
        String account = "acct" + t;
        futures.add(pool.submit(() -> {
          List<Event> events = Workload.stream(account, each, 100 + account.hashCode());
          for (int i = 0; i < events.size(); i += 3) {
            List<Append> batch = new ArrayList<>();
            for (int j = i; j < Math.min(events.size(), i + 3); j++) {
              batch.add(Append.of(events.get(j), account + "#" + j));
            }
            for (AppendResult r : mine.append(batch)) {
              assertThat(r).isInstanceOf(AppendResult.Accepted.class);
              assertThat(positions.add(((AppendResult.Accepted) r).position())).isTrue();
              accepted.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int total = threads * (each + 4);
    assertThat(accepted.get()).isEqualTo(total);
    List<StoredEvent> all = a.events(0, 100_000);
    assertThat(all).hasSize(total);
    for (int i = 0; i < total; i++) {
      assertThat(all.get(i).position()).isEqualTo(i + 1);
    }
    assertThat(a.refresh()).isEqualTo(total);
    assertThat(b.refresh()).isEqualTo(total);
    List<String> accounts = List.of("acct0", "acct1", "acct2", "acct3");
    List<String> contents = new ArrayList<>();
    for (String acc : accounts) {
      for (int i = 0; i < each; i++) {
        contents.add(Workload.content(acc, i));
      }
    }
    assertThat(Workload.fingerprint(a.snapshot(), accounts, contents))
        .isEqualTo(Workload.fingerprint(b.snapshot(), accounts, contents));
  }
}
