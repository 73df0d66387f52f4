package org.covenant.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.covenant.core.event.Event;
import org.covenant.core.event.Identifiers;
import org.covenant.core.event.Rejection;
import org.covenant.core.event.RejectionCode;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.GlobalIds;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.state.Snapshot;
import org.covenant.core.terms.TermsCatalog;

/**
 * The durable governance ledger (ARCHITECTURE.md §3, §9): an {@link EventStore} with the
 * {@link GovernanceState} projection kept beside it in memory.
 *
 * <p>{@link #append} validates each event against the projection at the head (the rejections
 * come back as values and are never stored; identifiers are checked first, against
 * {@link Identifiers}, as {@code invalid_id}; stored events are not re-checked on replay), persists the accepted ones in one transaction per
 * batch, and only then makes them visible in {@link #snapshot()}. Concurrent callers are
 * group-committed: while one batch is being written, the batches that arrive queue up and go to
 * the store together, in one transaction. Before each write the ledger reads the events other
 * processes appended to a shared store and applies them first, so every process validates
 * against the true head; the store's write lock makes that read, the validation and the write one
 * atomic step.
 *
 * <p>On open the projection is rebuilt by replaying the store. If a write fails
 * ({@code store_unavailable}), nothing of the batch is visible, the failure is thrown to every
 * caller of the batch, and the next operation rebuilds the projection from the store (the batch
 * may or may not have been committed when the connection dropped; retry with idempotency keys).
 *
 * <p>Thread-safe. Snapshots are O(1) and never touch the store.
 */
public final class Ledger implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Ledger.class.getName());
  private static final int PAGE = 10_000;
  private static final int MAX_GROUP_EVENTS = 10_000;

  /** The projection and the durable head it is visible up to, swapped together. */
  private record View(GovernanceState state, long head) {}

  private final EventStore store;
  private final TermsCatalog catalog;
  private final ReentrantLock writer = new ReentrantLock();
  private final Object signal = new Object();
  private final ConcurrentLinkedQueue<Request> pending = new ConcurrentLinkedQueue<>();
  private final CopyOnWriteArrayList<Consumer<List<StoredEvent>>> listeners =
      new CopyOnWriteArrayList<>();
  private volatile View view;
  private volatile boolean closed;
  /**
   * The events of the last two groups this ledger committed, in position order (at most twice
   * MAX_GROUP_EVENTS): {@link #events} serves them from memory, so the transparency log
   * following an import does not read back and decode what was just written. Replaced at each
   * commit; never more than two groups are kept.
   */
  private volatile List<StoredEvent> recent = List.of();
  // Guarded by writer: the last group alone.
  private List<StoredEvent> lastGroup = List.of();
  /** Where a key was appended and the fingerprint of its request (null when unbound). */
  private record KeyUse(long position, String fingerprint) {}

  // Guarded by writer. Idempotency keys are not kept here: they are looked up in the store
  // (ledger_event.idempotency_key is unique and indexed), so memory does not grow with them.
  private final List<StoredEvent> undelivered = new ArrayList<>();
  private boolean opening;
  /** Set while {@link #catchUp} applies a page at open: the view is then published per page. */
  private boolean viewPerPage;
  private Consumer<List<StoredEvent>> replay;
  private boolean replaying;
  /**
   * Whether stored events are applied without checking them again ({@link #applyStored}); false
   * while a rebuild checks every event, after a trusted one failed, and when the system property
   * {@code covenant.replay} is {@code checked}.
   */
  private boolean trusted = trustedReplay();
  /** Set when a trusted apply failed: the rebuild then replays again, checking. */
  private boolean trustFailed;
  private static boolean trustedReplay() {
    return !"checked".equals(System.getProperty("covenant.replay"));
  }
  private boolean dirty;
  private long deliveredUpTo;
  /** Checkpoints the open may start from; empty after the open (a rebuild replays all). */
  private List<? extends Start> starts = List.of();
  private volatile String startedFrom;
  /**
   * The accounts the projection holds in full (docs/CLUSTER.md, "Sharded projection"); null
   * when it holds every account (not sharded). Written under the writer lock.
   */
  private volatile Predicate<String> projected;
  /**
   * The accounts this ledger appends for and answers for: {@link #projected}, narrowed during a
   * {@link #reshard} to the accounts the member keeps; null: every account.
   */
  private volatile Predicate<String> serving;
  /** While a sharded open builds its projection: the state being built, for its supplier. */
  private GovernanceState[] building;
  /**
   * Odd while a {@link #reshard} changes the live projection's accounts (prunes and adopts),
   * bumped before and after: a checkpoint written meanwhile is refused.
   */
  private volatile long moveSeq;
  /** Accounts taken in or pruned by moves since the open (the open's own move included). */
  private volatile long accountsMoved;
  /** One {@link #reshard} at a time. */
  private final Object resharding = new Object();
  /** Meeting and content ids resolved through the registry: ids are never reused. */
  private final Map<String, String> resolved = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > 100_000;
        }
      });

  private Ledger(EventStore store, TermsCatalog catalog) {
    this.store = Objects.requireNonNull(store, "store");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  /**
   * Opens (creating when absent) the ledger the configuration names and rebuilds its projection.
   *
   * @throws StoreException {@code store_unavailable}, {@code corrupt_store},
   *     {@code schema_too_new} or {@code invalid_config}
   */
  public static Ledger open(LedgerConfig config, TermsCatalog catalog) {
    return open(config, catalog, page -> {});
  }

  /**
   * As {@link #open(LedgerConfig, TermsCatalog)}, showing {@code replay} every page of events
   * the open replays, in position order, after the projection applied it: a second projection
   * (the server's directory) is built from the same read instead of reading the ledger again.
   */
  public static Ledger open(LedgerConfig config, TermsCatalog catalog,
      Consumer<List<StoredEvent>> replay) {
    return open(config, catalog, replay, projection -> {}, List.of());
  }

  /**
   * As {@link #open(LedgerConfig, TermsCatalog, Consumer)}, starting from the first of
   * {@code starts} (projection checkpoints, newest first) that holds: its position is in the
   * store, the store's event there is the one it was taken after, and it decodes. Only the
   * events after it are replayed (and shown to {@code replay}). A start that does not hold is
   * skipped with a warning; with none left the whole ledger is replayed: a checkpoint is never
   * trusted over the ledger.
   */
  public static Ledger open(LedgerConfig config, TermsCatalog catalog,
      Consumer<List<StoredEvent>> replay, List<? extends Start> starts) {
    return open(config, catalog, replay, projection -> {}, starts);
  }

  /**
   * As {@link #open(LedgerConfig, TermsCatalog, Consumer)}, first handing {@code projection} a
   * view of the projection being rebuilt, which {@code replay} may read for each page it is shown
   * (the server's directory resolves a {@code content.deleted} to its content's account).
   */
  public static Ledger open(LedgerConfig config, TermsCatalog catalog,
      Consumer<List<StoredEvent>> replay,
      Consumer<java.util.function.Supplier<Snapshot>> projection) {
    return open(config, catalog, replay, projection, List.of());
  }

  /**
   * As {@link #open(LedgerConfig, TermsCatalog, Consumer, Consumer)}, starting from the first of
   * {@code starts} that holds, as {@link #open(LedgerConfig, TermsCatalog, Consumer, List)}.
   */
  public static Ledger open(LedgerConfig config, TermsCatalog catalog,
      Consumer<List<StoredEvent>> replay,
      Consumer<java.util.function.Supplier<Snapshot>> projection,
      List<? extends Start> starts) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(replay, "replay");
    EventStore store;
    Runnable beforeServing = () -> {};
    if (config instanceof LedgerConfig.Memory) {
      store = InMemoryEventStore.create();
    } else if (config instanceof LedgerConfig.Sqlite s) {
      // The data directory's subdirectories (the log's tiles) are made private beside the
      // restore, which only reads; the open waits for them before it returns.
      SqliteEventStore sqlite = SqliteEventStore.openBeside(s);
      store = sqlite;
      beforeServing = sqlite::awaitPrivate;
    } else if (config instanceof LedgerConfig.Postgres p) {
      store = PostgresEventStore.open(p);
    } else {
      throw new IllegalStateException("unhandled config " + config);
    }
    return over(store, catalog, replay, projection, starts, beforeServing);
  }

  /**
   * Opens a shared PostgreSQL ledger as a cluster member that owns the accounts {@code owns}
   * accepts: the projection is built from their events and the replicated index only
   * ({@link #reshard}), never from the whole ledger.
   *
   * @throws StoreException as {@link #open(LedgerConfig, TermsCatalog)}
   */
  public static Ledger openShard(LedgerConfig.Postgres config, TermsCatalog catalog,
      Predicate<String> owns) {
    return openShard(config, catalog, owns, page -> {}, projection -> {});
  }

  /**
   * As {@link #openShard(LedgerConfig.Postgres, TermsCatalog, java.util.function.Predicate)},
   * first handing {@code projection} a view of the projection being built, then showing
   * {@code replay} every page of the events it projects (the owned accounts' events and every
   * account's index events, in position order, after the projection applied them), as
   * {@link #open(LedgerConfig, TermsCatalog, Consumer, Consumer)} does for the whole ledger.
   */
  public static Ledger openShard(LedgerConfig.Postgres config, TermsCatalog catalog,
      Predicate<String> owns, Consumer<List<StoredEvent>> replay,
      Consumer<java.util.function.Supplier<Snapshot>> projection) {
    return openShard(config, catalog, owns, replay, projection, List.of());
  }

  /**
   * As {@link #openShard(LedgerConfig.Postgres, TermsCatalog, Predicate, Consumer, Consumer)},
   * starting from the first of {@code starts} (checkpoints of a member's projection, newest
   * first, docs/CLUSTER.md, "Checkpoints") that holds, as {@link #open(LedgerConfig,
   * TermsCatalog, Consumer, List)} checks it: the accounts it holds in full are brought to the
   * head with the ledger's tail, then the projection moves to the accounts {@code owns} accepts
   * ({@link #reshard}: those it holds and the member does not own are dropped, those the member
   * owns and it lacks are loaded). A start that does not hold is skipped with a warning; with
   * none left the member's accounts are read as without one. {@code replay} is shown the tail
   * and the accounts loaded.
   */
  public static Ledger openShard(LedgerConfig.Postgres config, TermsCatalog catalog,
      Predicate<String> owns, Consumer<List<StoredEvent>> replay,
      Consumer<java.util.function.Supplier<Snapshot>> projection,
      List<? extends Start> starts) {
    Objects.requireNonNull(owns, "owns");
    Objects.requireNonNull(replay, "replay");
    Ledger ledger = new Ledger(PostgresEventStore.open(config), catalog);
    ledger.projected = owns;
    ledger.serving = owns;
    GovernanceState[] building = new GovernanceState[1];
    ledger.building = building;
    projection.accept(() -> (building[0] != null ? building[0] : ledger.view.state()).snapshot());
    boolean resumed = false;
    ledger.writer.lock();
    try {
      ledger.opening = true;
      ledger.replay = replay;
      resumed = ledger.resumeShard(starts, owns);
      if (!resumed) {
        ledger.rebuild();
      }
      building[0] = null;
      ledger.building = null;
      ledger.opening = false;
      ledger.replay = null;
      ledger.deliveredUpTo = ledger.view.head();
      ledger.undelivered.clear();
    } catch (RuntimeException e) {
      ledger.store.close();
      throw e;
    } finally {
      ledger.writer.unlock();
    }
    if (resumed) {
      try {
        ledger.reshard(owns, replay);
      } catch (RuntimeException e) {
        ledger.close();
        throw e;
      }
    }
    return ledger;
  }

  /**
   * A sharded open from the first of {@code starts} that holds: the projection it restores,
   * brought to the head (the accounts it holds in full, and those created since that the member
   * owns, in full; the others' index); false when none holds. Under the writer lock.
   */
  private boolean resumeShard(List<? extends Start> starts, Predicate<String> owns) {
    java.util.function.Predicate<String> known = name -> replaying || catalog.knows(name);
    for (Start s : starts) {
      GovernanceState resumed = resume(s, known);
      if (resumed == null) {
        continue;
      }
      java.util.Set<String> indexed = new java.util.HashSet<>();
      java.util.Set<String> held = new java.util.HashSet<>();
      for (String a : resumed.snapshot(s.position()).accountIds()) {
        indexed.add(a);
        if (resumed.holdsAccount(a)) {
          held.add(a);
        }
      }
      projected = a -> indexed.contains(a) ? held.contains(a) : owns.test(a);
      serving = a -> owns.test(a) && (!indexed.contains(a) || held.contains(a));
      view = new View(resumed, s.position());
      startedFrom = s.describe();
      dirty = false;
      try {
        catchUp();
      } catch (StoreException e) {
        if (StoreException.UNAVAILABLE.equals(e.code())) {
          throw e;
        }
        LOG.log(System.Logger.Level.WARNING, "ignoring projection checkpoint " + s.describe()
            + ": the ledger's tail does not apply to it (" + e.getMessage() + "); reading "
            + "the member's accounts instead");
        projected = owns;
        serving = owns;
        startedFrom = null;
        continue;
      }
      return true;
    }
    return false;
  }

  /**
   * A projection to start from instead of an empty one: a checkpoint of the projection at
   * {@link #position()}. The ledger checks it against the store before use.
   */
  public interface Start {
    /** The ledger position the projection is at (at least 1). */
    long position();

    /**
     * Why the store's event at {@link #position()} is not the one this start was taken after;
     * empty when it is.
     */
    Optional<String> mismatch(StoredEvent atPosition);

    /**
     * The projection at {@link #position()}, whose {@code terms.accepted} events may name the
     * terms versions {@code knownTerms} knows.
     *
     * @throws java.io.IOException when it cannot be read or decoded
     */
    GovernanceState restore(java.util.function.Predicate<String> knownTerms)
        throws java.io.IOException;

    /** What it is, for warnings (e.g. the checkpoint's file). */
    String describe();
  }

  /** The start the open used; empty when it replayed the whole ledger. */
  public Optional<String> startedFrom() {
    return Optional.ofNullable(startedFrom);
  }

  /**
   * A ledger over an open store, which it then owns: {@link #close()} closes it, and so does a
   * failure to rebuild the projection from it.
   */
  public static Ledger over(EventStore store, TermsCatalog catalog) {
    return over(store, catalog, page -> {});
  }

  /** As {@link #over(EventStore, TermsCatalog)}, showing {@code replay} the open's replay. */
  public static Ledger over(EventStore store, TermsCatalog catalog,
      Consumer<List<StoredEvent>> replay) {
    return over(store, catalog, replay, projection -> {}, List.of());
  }

  /** As {@link #over(EventStore, TermsCatalog, Consumer)} with a view of the projection. */
  public static Ledger over(EventStore store, TermsCatalog catalog,
      Consumer<List<StoredEvent>> replay,
      Consumer<java.util.function.Supplier<Snapshot>> projection) {
    return over(store, catalog, replay, projection, List.of());
  }

  private static Ledger over(EventStore store, TermsCatalog catalog,
      Consumer<List<StoredEvent>> replay,
      Consumer<java.util.function.Supplier<Snapshot>> projection,
      List<? extends Start> starts) {
    return over(store, catalog, replay, projection, starts, () -> {});
  }

  /**
   * As above; {@code beforeServing} runs once the projection is built and before the ledger is
   * returned (its failure closes the store and is thrown).
   */
  private static Ledger over(EventStore store, TermsCatalog catalog,
      Consumer<List<StoredEvent>> replay,
      Consumer<java.util.function.Supplier<Snapshot>> projection,
      List<? extends Start> starts, Runnable beforeServing) {
    Ledger ledger = new Ledger(store, catalog);
    ledger.starts = List.copyOf(starts);
    // The state's own head: during the replay it is ahead of the published view.
    projection.accept(() -> ledger.view.state().snapshot());
    ledger.replay = Objects.requireNonNull(replay, "replay");
    ledger.writer.lock();
    try {
      // What is in the store at open is delivered to no one: don't collect it.
      ledger.opening = true;
      ledger.rebuild();
      ledger.opening = false;
      ledger.replay = null;
      ledger.starts = List.of();
      ledger.deliveredUpTo = ledger.view.head();
      ledger.undelivered.clear();
      beforeServing.run();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    } finally {
      ledger.writer.unlock();
    }
    return ledger;
  }

  /** The terms versions events are validated against. */
  public TermsCatalog catalog() {
    return catalog;
  }

  /** Appends one event; see {@link #append(List)}. */
  public AppendResult append(Append append) {
    return append(List.of(append)).get(0);
  }

  /**
   * Validates the batch in order against the head (each event sees the ones accepted before it)
   * and makes the accepted ones durable in one transaction. Returns one result per append, in
   * order: a key already stored is {@link AppendResult.Duplicate}, or
   * {@link AppendResult.KeyReused} when both appends carry fingerprints and they differ; an
   * invalid identifier is rejected {@code invalid_id}; a stamped append takes its time here.
   *
   * @throws StoreException {@code store_unavailable} when the store cannot be written; nothing of
   *     the batch is then visible
   */
  public List<AppendResult> append(List<Append> batch) {
    return submit(new Request(batch, OptionalLong.empty()));
  }

  /**
   * As {@link #append(List)}, but only if the head is still {@code expectedHead} when the batch is
   * validated (optimistic concurrency); otherwise every append is {@link AppendResult.Stale}
   * (or {@link AppendResult.Duplicate} when its key is already stored) and nothing is appended.
   */
  public List<AppendResult> append(long expectedHead, List<Append> batch) {
    if (expectedHead < 0) {
      throw new IllegalArgumentException("expectedHead " + expectedHead + " is negative");
    }
    return submit(new Request(batch, OptionalLong.of(expectedHead)));
  }

  /** The position of the last durable event this ledger has applied; 0 when empty. */
  public long head() {
    return view.head();
  }

  /** The projection at the head: O(1), no store access. */
  public Snapshot snapshot() {
    View v = view;
    return v.state().snapshot(v.head());
  }

  /** The projection at a past position (clamped to the head): O(1), no store access. */
  public Snapshot snapshot(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("position " + position + " is negative");
    }
    View v = view;
    return v.state().snapshot(Math.min(position, v.head()));
  }

  /**
   * Makes the projection hold the accounts {@code owns} accepts and only those (plus the
   * replicated index of every account: account ids, terms acceptances, consent histories), as a
   * cluster member that owns them (docs/CLUSTER.md, "Sharded projection", "Moves in the
   * projection"). The move is incremental: accounts kept are not read again and answer
   * throughout; appends for accounts lost are refused from the start of the call, and their state is dropped from the projection
   * at the end; accounts gained are loaded from the store by account (their events only, beside
   * the live projection, then caught up to the head under the write lock and taken into it) and
   * become {@link #ready} when the call returns. The predicate also decides every account
   * created later. One reshard runs at a time; appends and snapshots go on meanwhile.
   *
   * @throws IllegalStateException when the store is not a {@link ShardedStore} (PostgreSQL)
   * @throws StoreException {@code invalid_config} when its pool has fewer than 2 connections
   * @throws StoreException {@code store_unavailable} when the store cannot be read; the member
   *     then serves only the accounts it kept, and a later reshard completes the move
   */
  public void reshard(Predicate<String> owns) {
    reshard(owns, page -> {});
  }

  /**
   * As {@link #reshard(java.util.function.Predicate)}, showing {@code replay} every page of the
   * events of the accounts gained (in position order, after they were applied), so a second
   * projection of the member's accounts can be brought along from the same read. The last pages
   * are shown under the write lock, right before the accounts are taken into the projection.
   */
  public void reshard(Predicate<String> owns,
      Consumer<List<StoredEvent>> replay) {
    reshard(owns, replay, List.of());
  }

  /**
   * As {@link #reshard(java.util.function.Predicate)}, taking the accounts gained from
   * {@code sources} where one holds them: checkpoints of the members the accounts come from (the
   * members that left), newest first (docs/CLUSTER.md, "Moves in the projection", rule 7). Each
   * is checked as a start of {@link #openShard} is (the event at its position is the one it was
   * taken after, it decodes to that position); the first that holds restores, beside the live
   * projection, the gained accounts it holds in full (the rest of it is dropped), and only their
   * events after its position are read. Accounts created after it are read from there too. The
   * gained accounts no source holds (none holds, a source is damaged, another member's, or the
   * ledger's tail does not apply to it) are read by account as without sources: a checkpoint is
   * never trusted over the ledger.
   */
  public void reshard(Predicate<String> owns, List<? extends Start> sources) {
    reshard(owns, page -> {}, sources);
  }

  private void reshard(Predicate<String> owns, Consumer<List<StoredEvent>> replay,
      List<? extends Start> sources) {
    Objects.requireNonNull(owns, "owns");
    Objects.requireNonNull(replay, "replay");
    Objects.requireNonNull(sources, "sources");
    ensureOpen();
    ShardedStore shard = shardedStore();
    synchronized (resharding) {
      long t0 = System.nanoTime();
      // The accounts held in full and those indexed when the move starts: the move decides by
      // these sets, not by the previous predicate (which may read state that changed since).
      java.util.Set<String> held = new java.util.HashSet<>();
      java.util.Set<String> known = new java.util.HashSet<>();
      writer.lock();
      try {
        settlePipeline();
        GovernanceState live = view.state();
        for (String a : live.snapshot(view.head()).accountIds()) {
          known.add(a);
          if (live.holdsAccount(a)) {
            held.add(a);
          }
        }
        // Until the gained accounts are taken in, the projection holds what it held (and any
        // account created meanwhile that the member owns); it serves those it keeps.
        projected = a -> known.contains(a) ? held.contains(a) : owns.test(a);
        serving = a -> owns.test(a) && (!known.contains(a) || held.contains(a));
      } finally {
        unlockAndSignal();
      }
      // Loaded beside the live projection, which keeps answering for the accounts kept.
      MoveTally tally = new MoveTally();
      List<Part> parts = new ArrayList<>();
      GovernanceState gained = newState(true);
      try {
        long from = view.head();
        List<String> moving = gains(view.state(), owns, from);
        List<String> rest = fromCheckpoints(shard, sources, moving, from, parts, tally, replay);
        tally.byAccount = rest.size();
        load(shard, gained, rest, 0, from, replay, tally);
        long tLock = System.nanoTime();
        writer.lock();
        try {
          tally.lockWaitNanos = System.nanoTime() - tLock;
          long tCatch = System.nanoTime();
          settlePipeline();
          if (dirty) {
            rebuild();
          }
          catchUp();
          GovernanceState live = view.state();
          long head = view.head();
          tally.catchUpNanos = System.nanoTime() - tCatch;
          List<String> now = gains(live, owns, head);
          if (!new java.util.HashSet<>(now).equals(new java.util.HashSet<>(moving))) {
            // The accounts to gain are not those loaded (a predicate whose answers changed
            // meanwhile): load them all again, into a fresh state, by account.
            parts.clear();
            done(gained);
            gained = newState(true);
            tally.byAccount = now.size();
            load(shard, gained, now, 0, head, replay, tally);
          } else {
            List<String> again = new ArrayList<>();
            for (java.util.Iterator<Part> it = parts.iterator(); it.hasNext(); ) {
              Part p = it.next();
              if (!tail(shard, p, Math.max(p.after, from), head, replay, tally)) {
                it.remove();
                again.addAll(p.accounts);
              }
            }
            load(shard, gained, rest, from, head, replay, tally);
            if (!again.isEmpty()) {
              // A checkpoint's tail that did not apply: those accounts by account, to the head.
              GovernanceState more = newState(true);
              try {
                load(shard, more, again, 0, head, replay, tally);
              } finally {
                done(more);
              }
              parts.add(new Part(more, again, head, "read by account"));
              tally.byAccount += again.size();
            }
          }
          List<String> lost = new ArrayList<>();
          for (String a : live.snapshot(head).accountIds()) {
            if (live.holdsAccount(a) && !owns.test(a)) {
              lost.add(a);
            }
          }
          long tAdopt = System.nanoTime();
          moveSeq++;
          try {
            live.prune(lost);
            for (Part p : parts) {
              live.adopt(p.state);
            }
            live.adopt(gained);
            projected = owns;
            serving = owns;
            view = new View(live, head);
            accountsMoved += now.size() + lost.size();
          } finally {
            moveSeq++;
          }
          tally.adoptNanos = System.nanoTime() - tAdopt;
          tally.gained = now.size();
          tally.lost = lost.size();
        } finally {
          deliver();
          unlockAndSignal();
        }
      } finally {
        done(gained);
      }
      tally.totalNanos = System.nanoTime() - t0;
      lastMove = tally.summary();
    }
  }

  /**
   * Takes from {@code sources}, newest first, the accounts of {@code moving} each holds in full
   * (and those created after it), each restored into a part of its own brought to
   * {@code upTo}; returns the accounts left to read by account.
   */
  private List<String> fromCheckpoints(ShardedStore shard, List<? extends Start> sources,
      List<String> moving, long upTo, List<Part> parts, MoveTally tally,
      Consumer<List<StoredEvent>> replay) {
    java.util.LinkedHashSet<String> rest = new java.util.LinkedHashSet<>(moving);
    for (Start s : sources) {
      if (rest.isEmpty()) {
        break;
      }
      long t = System.nanoTime();
      GovernanceState cp = resume(s, name -> true, "reading the accounts it holds by account");
      if (cp == null) {
        tally.restoreNanos += System.nanoTime() - t;
        continue;
      }
      java.util.Set<String> indexed = new java.util.HashSet<>(
          cp.snapshot(s.position()).accountIds());
      List<String> keep = new ArrayList<>();
      List<String> covered = new ArrayList<>();
      for (String a : rest) {
        if (cp.holdsAccount(a)) {
          keep.add(a);
          covered.add(a);
        } else if (!indexed.contains(a)) {
          // Created after the checkpoint: all its events are after it.
          covered.add(a);
        }
      }
      if (keep.isEmpty()) {
        tally.restoreNanos += System.nanoTime() - t;
        continue;
      }
      cp.retain(keep);
      tally.restoreNanos += System.nanoTime() - t;
      Part p = new Part(cp, covered, s.position(), s.describe());
      if (!tail(shard, p, s.position(), upTo, replay, tally)) {
        continue;
      }
      rest.removeAll(covered);
      parts.add(p);
      tally.sources.add(s.describe() + " (" + keep.size() + " accounts)");
    }
    return new ArrayList<>(rest);
  }

  /**
   * Reads into {@code p} its accounts' events after {@code after} up to {@code upTo}; false
   * (with a warning) when the ledger's tail does not apply to the checkpoint it was restored from.
   */
  private boolean tail(ShardedStore shard, Part p, long after, long upTo,
      Consumer<List<StoredEvent>> replay, MoveTally tally) {
    try {
      load(shard, p.state, p.accounts, after, upTo, replay, tally);
      return true;
    } catch (StoreException e) {
      if (StoreException.UNAVAILABLE.equals(e.code())) {
        throw e;
      }
      LOG.log(System.Logger.Level.WARNING, "ignoring projection checkpoint " + p.source
          + " for a move: the ledger's tail does not apply to it (" + e.getMessage()
          + "); reading the accounts it holds by account");
      return false;
    }
  }

  /** Accounts gained from one checkpoint: the state holding them alone, from its position. */
  private record Part(GovernanceState state, List<String> accounts, long after, String source) {}

  /** What a move did and where its time went (docs/CLUSTER.md, "Moves in the projection"). */
  private static final class MoveTally {
    int gained;
    int lost;
    int byAccount;
    long events;
    long readNanos;
    long applyNanos;
    long restoreNanos;
    long lockWaitNanos;
    long catchUpNanos;
    long adoptNanos;
    long totalNanos;
    final List<String> sources = new ArrayList<>();

    String summary() {
      return "gained " + gained + " (" + (gained - byAccount) + " from checkpoints"
          + (sources.isEmpty() ? "" : " " + sources) + ", " + byAccount + " read by account), lost "
          + lost + "; restore " + ms(restoreNanos) + " ms, read " + ms(readNanos) + " ms, apply "
          + ms(applyNanos) + " ms (" + events + " events), catch-up " + ms(catchUpNanos)
          + " ms, lock wait " + ms(lockWaitNanos) + " ms, prune+adopt " + ms(adoptNanos)
          + " ms, total " + ms(totalNanos) + " ms";
    }

    private static long ms(long nanos) {
      return nanos / 1_000_000;
    }
  }

  private volatile String lastMove;

  /**
   * What the last {@link #reshard} did: accounts gained (from checkpoints, by account) and
   * lost, milliseconds restoring checkpoints, reading, applying, adopting, events read; empty
   * before the first.
   */
  public Optional<String> lastMove() {
    return Optional.ofNullable(lastMove);
  }

  /**
   * Loads, beside the projection, the accounts a batch names that several cluster members own,
   * so that the member that received the batch can validate and append it itself
   * (docs/CLUSTER.md, "Batches that span owners"; {@link Span}). The accounts are read from
   * their own events alone, up to the head at the call, as a move reads the accounts it gains;
   * nothing of the live projection changes. An account that does not exist is simply not there
   * (the batch may create it).
   *
   * @throws IllegalStateException when the store is not a {@link ShardedStore} (PostgreSQL)
   * @throws StoreException {@code store_unavailable} when the store cannot be read
   */
  public Span span(java.util.Collection<String> accounts) {
    ensureOpen();
    ShardedStore shard = shardedStore();
    java.util.Set<String> set = java.util.Collections.unmodifiableSet(
        new java.util.TreeSet<>(accounts));
    GovernanceState s = newState(true);
    try {
      long head = store.head();
      load(shard, s, List.copyOf(set), 0, head, page -> { });
      if (s.head() < head) {
        // The ledger's clock (`out_of_order`) is the last event's, whoever's it is.
        List<StoredEvent> last = store.read(head - 1, 1);
        if (last.isEmpty() || last.get(0).position() != head) {
          throw new StoreException(StoreException.CORRUPT, "the ledger has no event at "
              + "position " + head);
        }
        s.skipTo(head, last.get(0).event().at());
      }
    } finally {
      done(s);
    }
    return new Span(set, s);
  }

  /**
   * The accounts of one batch that spans cluster members, loaded by {@link Ledger#span}: a
   * projection of those accounts alone (no other account's index), at the head it was read to.
   * {@link #append} validates the batch against it brought to the true head under the store's
   * write lock, in order and by the same rules as any append (each event sees the ones accepted
   * before it; rejections are values; idempotency keys are looked up in the store), and commits
   * the accepted events in one transaction: all of them or, on a failure, none. An event's
   * validation reads its own account's state, the ids registry and the ledger's clock only
   * (docs/CLUSTER.md, "Moves in the projection", rule 4), so this state decides exactly as a
   * projection of every account. The live projection then reads the events from the store, as
   * another process's. For one batch.
   */
  public final class Span {
    final java.util.Set<String> accounts;
    final GovernanceState state;
    private boolean used;

    private Span(java.util.Set<String> accounts, GovernanceState state) {
      this.accounts = accounts;
      this.state = state;
    }

    /** The accounts loaded. */
    public java.util.Set<String> accounts() {
      return accounts;
    }

    /** The loaded accounts' state (for checks that read them before the append, e.g. tenancy). */
    public Snapshot snapshot() {
      return state.snapshot();
    }

    /**
     * Validates and appends the batch, as {@link Ledger#append(List)}. A batch naming an
     * account not loaded (a meeting or content item of another account) is refused as a whole
     * with {@code not_owner}, nothing appended. Returns after the live projection has read the
     * appended events (or failed to: it reads them at its next refresh; the append stands).
     *
     * @throws StoreException {@code store_unavailable} when the store cannot be written; nothing
     *     of the batch is then stored
     * @throws IllegalStateException when the span was used already
     */
    public List<AppendResult> append(List<Append> batch) {
      ensureOpen();
      if (used) {
        throw new IllegalStateException("a span appends one batch");
      }
      used = true;
      Request r = new Request(batch, OptionalLong.empty());
      if (r.batch.isEmpty()) {
        return List.of();
      }
      Plan plan = new Plan(List.of(r), this);
      writer.lock();
      try {
        settlePipeline();
        plan.lookUpKeys();
        storeAppend(state.head(), plan::apply);
        if (r.refusal != null) {
          throw r.refusal;
        }
        try {
          if (dirty) {
            rebuild();
          }
          catchUp();
        } catch (RuntimeException e) {
          // The batch is committed: the projection reads it at its next refresh.
          LOG.log(System.Logger.Level.WARNING, "a spanning batch is appended but the "
              + "projection could not read it yet: " + e.getMessage());
        }
      } finally {
        deliver();
        unlockAndSignal();
      }
      return List.of(r.results);
    }

    /** Another process's event, read under the write lock: in full for the loaded accounts. */
    void applyStored(StoredEvent e) {
      if (projects(state, e.event(), accounts::contains)) {
        // Stored events are facts: a terms version their writer knew is accepted here too.
        loadingStates.add(state);
        try {
          Ledger.applyStored(state, e);
        } finally {
          done(state);
        }
      } else {
        state.skip(e.event(), e.position());
      }
    }
  }

  /** The accounts indexed at {@code head}, not held in full, that {@code owns} accepts. */
  private static List<String> gains(GovernanceState state, Predicate<String> owns, long head) {
    List<String> out = new ArrayList<>();
    for (String a : state.snapshot(head).accountIds()) {
      if (owns.test(a) && !state.holdsAccount(a)) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * Applies to {@code s}, a projection of {@code accounts} alone, their events after
   * {@code after} up to {@code upTo} (checked: a stored event must be accepted), the next page
   * read while one is applied, each page shown to {@code shown}.
   */
  private void load(ShardedStore shard, GovernanceState s, List<String> accounts, long after,
      long upTo, Consumer<List<StoredEvent>> shown) {
    load(shard, s, accounts, after, upTo, shown, null);
  }

  private void load(ShardedStore shard, GovernanceState s, List<String> accounts, long after,
      long upTo, Consumer<List<StoredEvent>> shown, MoveTally tally) {
    if (accounts.isEmpty() || after >= upTo) {
      return;
    }
    WindowRead read = (from, until) -> shard.readAccounts(from, until, accounts);
    if (tally == null) {
      windows(after, upTo, read, read, e -> applyStored(s, e), shown);
      return;
    }
    // Timed: the reads waited for (the first window, then each read ahead not ready yet), the
    // events applied.
    WindowRead first = (from, until) -> {
      long t = System.nanoTime();
      List<StoredEvent> page = read.read(from, until);
      tally.readNanos += System.nanoTime() - t;
      return page;
    };
    windows(after, upTo, first, read, e -> applyStored(s, e), page -> {
      tally.events += page.size();
      shown.accept(page);
    }, tally);
  }

  /**
   * Walks the positions after {@code after} up to {@code upTo} in windows of {@link #PAGE}
   * (bounded queries): reads the first with {@code first} here, each next one with {@code ahead}
   * on the ledger's reader thread while the current one is applied, event by event, then shown.
   * A failure cancels the window being read and is thrown as it was.
   */
  private static void windows(long after, long upTo, WindowRead first,
      WindowRead ahead, Consumer<StoredEvent> apply, Consumer<List<StoredEvent>> shown) {
    windows(after, upTo, first, ahead, apply, shown, null);
  }

  private static void windows(long after, long upTo, WindowRead first,
      WindowRead ahead, Consumer<StoredEvent> apply, Consumer<List<StoredEvent>> shown,
      MoveTally tally) {
    long to = Math.min(upTo, after + PAGE);
    List<StoredEvent> page = first.read(after, to);
    while (true) {
      CompletableFuture<List<StoredEvent>> next = null;
      if (to < upTo) {
        long from = to;
        long until = Math.min(upTo, to + PAGE);
        to = until;
        next = CompletableFuture.supplyAsync(() -> ahead.read(from, until), READER);
      }
      long t = System.nanoTime();
      try {
        for (StoredEvent e : page) {
          apply.accept(e);
        }
        if (tally != null) {
          tally.applyNanos += System.nanoTime() - t;
        }
        if (!page.isEmpty()) {
          shown.accept(page);
        }
      } catch (RuntimeException e) {
        if (next != null) {
          next.cancel(false);
        }
        throw e;
      }
      if (next == null) {
        return;
      }
      t = System.nanoTime();
      try {
        page = next.join();
        if (tally != null) {
          tally.readNanos += System.nanoTime() - t;
        }
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        throw e;
      }
    }
  }

  /** Applies a stored event (checked): the store holds only accepted events. */
  private static void applyStored(GovernanceState s, StoredEvent e) {
    Outcome o = s.applyAt(e.event(), e.position(), GlobalIds.NONE);
    if (o instanceof Outcome.Rejected r) {
      throw new StoreException(StoreException.CORRUPT, "stored event at position "
          + e.position() + " (" + e.event().type() + ") is rejected on replay: "
          + r.rejection().code().code() + ": " + r.rejection().message());
    }
  }

  /** A read of the events in positions ({@code from}, {@code until}]. */
  @FunctionalInterface
  private interface WindowRead {
    List<StoredEvent> read(long from, long until);
  }

  /**
   * How many accounts moves have taken into or pruned from the projection since the open (the
   * open's own move from a member checkpoint included): unchanged means the projection holds the
   * accounts it held, so a member checkpoint of it has the same share (docs/CLUSTER.md, "Member
   * checkpoints in the server").
   */
  public long accountsMoved() {
    return accountsMoved;
  }

  /** Whether the projection holds some accounts only ({@link #reshard}, {@link #openShard}). */
  public boolean sharded() {
    return projected != null;
  }

  /**
   * Whether this ledger answers and appends for the account now: always when it is not sharded;
   * when sharded, whether the account is owned and loaded (false while a {@link #reshard} that
   * gains it runs, and for accounts of other members).
   */
  public boolean ready(String account) {
    Predicate<String> s = serving;
    return s == null || s.test(account);
  }

  /**
   * The account a meeting belongs to, from the projection or, for a meeting of an account it
   * does not hold, the store's registry of global ids (routing: {@code participant.joined} and
   * the other meeting events name no account). Empty when no such meeting is stored.
   */
  public Optional<String> accountOfMeeting(String meeting) {
    return accountOf(ShardKey.Kind.MEETING, meeting);
  }

  /** As {@link #accountOfMeeting} for a content item ({@code content.deleted}, decisions). */
  public Optional<String> accountOfContent(String content) {
    return accountOf(ShardKey.Kind.CONTENT, content);
  }

  /**
   * The account an event belongs to, for routing it to the member that owns it
   * ({@link ShardKey}); empty when it names a meeting or content that is not stored (any member
   * rejects it).
   */
  public Optional<String> accountOf(Event event) {
    ShardKey k = ShardKey.of(event);
    return k.kind() == ShardKey.Kind.ACCOUNT ? Optional.of(k.id()) : accountOf(k.kind(), k.id());
  }

  private Optional<String> accountOf(ShardKey.Kind kind, String id) {
    Objects.requireNonNull(id, "id");
    ensureOpen();
    GovernanceState state = view.state();
    Optional<String> local = kind == ShardKey.Kind.MEETING ? state.meetingAccount(id)
        : state.contentAccount(id);
    if (local.isPresent() || !(store instanceof ShardedStore shard)) {
      return local;
    }
    String key = (kind == ShardKey.Kind.MEETING ? "m:" : "c:") + id;
    String known = resolved.get(key);
    if (known == null) {
      known = shard.accountsOf(kind, List.of(id)).get(id);
      if (known != null) {
        resolved.put(key, known);
      }
    }
    return Optional.ofNullable(known);
  }

  private ShardedStore shardedStore() {
    if (store instanceof PostgresEventStore pg && pg.config().poolSize() < 2) {
      // The registry is read on a second connection while the append holds the first.
      throw new StoreException(StoreException.INVALID_CONFIG, "a sharded projection needs at "
          + "least 2 connections to PostgreSQL, not " + pg.config().poolSize());
    }
    if (store instanceof ShardedStore shard) {
      return shard;
    }
    throw new IllegalStateException("a sharded projection needs a shared PostgreSQL ledger");
  }

  /** Whether a projection of {@code owns} holds the event in full (else its index part). */
  private static boolean projects(GovernanceState state, Event event,
      Predicate<String> owns) {
    ShardKey k = ShardKey.of(event);
    return switch (k.kind()) {
      case ACCOUNT -> owns.test(k.id());
      case MEETING -> state.holdsMeeting(k.id());
      case CONTENT -> state.holdsContent(k.id());
    };
  }

  /** The events of a page (just applied) this sharded projection holds in full or indexes. */
  private List<StoredEvent> projectedOf(List<StoredEvent> page) {
    GovernanceState state = view.state();
    List<StoredEvent> out = new ArrayList<>(page.size());
    for (StoredEvent e : page) {
      if (GovernanceState.isIndexed(e.event()) || projects(state, e.event(), projected)) {
        out.add(e);
      }
    }
    return out;
  }

  /** States being loaded accept any terms a stored event names (they are facts). */
  private final java.util.Set<GovernanceState> loadingStates =
      java.util.Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());

  private GovernanceState newState(boolean loading) {
    GovernanceState[] self = new GovernanceState[1];
    GovernanceState s = GovernanceState.create(
        name -> replaying || loadingStates.contains(self[0]) || catalog.knows(name));
    self[0] = s;
    if (loading) {
      loadingStates.add(s);
    }
    return s;
  }

  private void done(GovernanceState s) {
    loadingStates.remove(s);
  }

  /**
   * Brings a sharded projection from its head to {@code upTo}: reads the events of the accounts
   * {@code owns} accepts (of those created by then) and the index events of all in one pass in
   * position order, a window of {@link #PAGE} positions at a time, the next window read on the
   * ledger's reader thread while one is decoded and applied here (as {@link #catchUp} does);
   * applies the first in full (checked: a stored event must be accepted) and the index part of
   * the others.
   */
  private void fill(ShardedStore shard, GovernanceState s,
      Predicate<String> owns, long upTo, Consumer<List<StoredEvent>> shown) {
    if (s.head() >= upTo) {
      return;
    }
    List<String> owned = new ArrayList<>();
    for (String a : shard.accounts(upTo)) {
      if (owns.test(a)) {
        owned.add(a);
      }
    }
    WindowRead first = (from, until) -> shard.readShard(from, until, owned);
    // Windows read ahead are decoded on the reader thread too: only the apply is here.
    WindowRead ahead = shard instanceof EventRows.RawShardReads raw
        ? (from, until) -> raw.readShardRaw(from, until, owned).decode()
        : first;
    windows(s.head(), upTo, first, ahead, e -> {
      if (projects(s, e.event(), owns)) {
        applyStored(s, e);
      } else {
        s.skip(e.event(), e.position());
      }
    }, shown);
    if (s.head() < upTo) {
      List<StoredEvent> last = store.read(upTo - 1, 1);
      if (last.isEmpty() || last.get(0).position() != upTo) {
        throw new StoreException(StoreException.CORRUPT, "the ledger has no event at position "
            + upTo);
      }
      s.skipTo(upTo, last.get(0).event().at());
    }
  }

  /**
   * The position an idempotency key was appended at, as of {@link #head()} (call
   * {@link #refresh()} first to include other processes' appends).
   */
  public OptionalLong positionOf(String idempotencyKey) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    ensureOpen();
    String key = Append.keyOf(idempotencyKey);
    KeyUse u = keyUses(List.of(key)).get(key);
    return u == null || u.position() > view.head() ? OptionalLong.empty()
        : OptionalLong.of(u.position());
  }

  /**
   * Up to {@code limit} stored events after {@code afterPosition}, read from the store (or from
   * the last two groups kept in memory). While a {@link Pipeline}'s batch is being written, none
   * after the head: that batch follows once it is published.
   */
  public List<StoredEvent> events(long afterPosition, int limit) {
    ensureOpen();
    if (writing && afterPosition >= view.head()) {
      // A pipeline's batch is being written: what follows the head is that batch, published
      // (and kept in memory for the log) once committed; until then, nothing after the head.
      return List.of();
    }
    List<StoredEvent> r = recent;
    if (r.isEmpty() || limit <= 0) {
      return store.read(afterPosition, limit);
    }
    long first = r.get(0).position();
    long last = r.get(r.size() - 1).position();
    if (afterPosition + 1 < first || afterPosition + 1 > last) {
      return store.read(afterPosition, limit);
    }
    int from = (int) (afterPosition + 1 - first);
    int to = (int) Math.min(r.size(), (long) from + limit);
    List<StoredEvent> cached = r.subList(from, to);
    if (cached.size() == limit) {
      return cached;
    }
    // The rest, if any, is after the group: what another process appended since, say.
    List<StoredEvent> out = new ArrayList<>(cached);
    out.addAll(store.read(last, limit - cached.size()));
    return out;
  }

  /**
   * Where each of these keys (without fingerprint) is stored, read from the store: the stored key
   * is the key itself or the key with its fingerprint ({@link Append#storedKey()}).
   */
  private Map<String, KeyUse> keyUses(List<String> keys) {
    Map<String, KeyUse> out = new HashMap<>();
    java.util.Set<String> wanted = new java.util.HashSet<>(keys);
    store.storedKeys(keys, Append.FINGERPRINT_SEPARATOR).forEach((stored, position) -> {
      String key = Append.keyOf(stored);
      if (wanted.contains(key)) {
        out.put(key, new KeyUse(position, Append.fingerprintOf(stored)));
      }
    });
    return out;
  }

  /** The stored events at these ascending positions, read from the store. */
  public List<StoredEvent> eventsAt(long[] positions) {
    ensureOpen();
    return store.readAt(positions);
  }

  /**
   * Reads and applies the events other processes appended to a shared store since this ledger
   * last looked; returns the new head. Appends do this on their own.
   */
  public long refresh() {
    ensureOpen();
    writer.lock();
    try {
      settlePipeline();
      if (dirty) {
        rebuild();
      }
      catchUp();
      return view.head();
    } finally {
      deliver();
      unlockAndSignal();
    }
  }

  /**
   * Calls {@code listener} with every event that becomes durable after this call (appended here
   * or found appended by another process), in position order, each position exactly once, on the
   * appending thread, after the commit. A listener that throws is logged and kept. Feeds, e.g.,
   * the transparency log. Returns a handle that removes the listener.
   */
  public AutoCloseable onAppended(Consumer<List<StoredEvent>> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Closes the store. Idempotent. */
  @Override
  public void close() {
    closed = true;
    store.close();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the ledger is closed");
    }
  }

  private List<AppendResult> submit(Request request) {
    ensureOpen();
    if (request.batch.isEmpty()) {
      return List.of();
    }
    pending.add(request);
    // Group commit: whoever gets the writer lock commits every queued request in one store
    // transaction. The others wait on a signal, not on the lock: were completion reported by
    // handing the lock from waiter to waiter, the leader would barge back in and commit its
    // next request alone while the finished callers queue behind it.
    while (!request.done) {
      if (writer.tryLock()) {
        try {
          while (!request.done) {
            commitGroup();
          }
        } finally {
          deliver();
          unlockAndSignal();
        }
      } else {
        awaitSignal(request);
      }
    }
    return request.outcome();
  }

  /** Parks until the request is done or the writer lock is free. */
  private void awaitSignal(Request request) {
    synchronized (signal) {
      // INVARIANT: a holder unlocks before it takes the monitor to notify, so a waiter that saw
      // the lock held under the monitor is waiting by the time the notify comes.
      while (!request.done && writer.isLocked()) {
        try {
          signal.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException(StoreException.UNAVAILABLE,
              "interrupted while waiting for the ledger's writer", e);
        }
      }
    }
  }

  private void unlockAndSignal() {
    writer.unlock();
    synchronized (signal) {
      signal.notifyAll();
    }
  }


  /** Takes queued requests (up to a bound) and commits them in one store transaction. */
  private void commitGroup() {
    List<Request> group = new ArrayList<>();
    int events = 0;
    for (Request r = pending.peek(); r != null; r = pending.peek()) {
      if (!group.isEmpty() && events + r.batch.size() > MAX_GROUP_EVENTS) {
        break;
      }
      pending.poll();
      group.add(r);
      events += r.batch.size();
    }
    if (group.isEmpty()) {
      return;
    }
    commit(group);
  }

  /** Validates and commits {@code group} in one store transaction (under the writer lock). */
  private void commit(List<Request> group) {
    settlePipeline();
    Plan plan = new Plan(group);
    try {
      if (dirty) {
        rebuild();
      }
      catchUp();
      plan.lookUpKeys();
      long before = view.head();
      long head = storeAppend(before, plan::apply);
      plan.committed(head);
    } catch (RuntimeException e) {
      if (plan.touched) {
        // The projection holds events the store may not: rebuild before the next use.
        dirty = true;
      }
      for (Request r : group) {
        r.fail(e);
      }
    }
  }

  /**
   * Runs {@code plan} under the store's write lock; a PostgreSQL store hears from it while it
   * works ({@link PostgresEventStore.LivePlan}), so its transaction is ended as idle only when
   * this process stopped running, not when it validates a large batch slowly.
   */
  private long storeAppend(long knownHead, PostgresEventStore.LivePlan plan) {
    if (store instanceof PostgresEventStore pg) {
      return pg.append(knownHead, plan);
    }
    return store.append(knownHead, unseen -> plan.apply(unseen, () -> { }));
  }

  /**
   * Validates a group inside the store's write lock; publishes results only after commit. It
   * validates against the live projection, or, for a {@link Span}, against the span's state.
   */
  private final class Plan {
    final List<Request> group;
    final List<StoredEvent> fresh = new ArrayList<>();
    final Map<String, KeyUse> groupKeys = new HashMap<>();
    /** The group's keys already in the store, and those among the unseen events. */
    Map<String, KeyUse> storedKeys = Map.of();
    boolean touched;
    /** A span's state and accounts; null: the live projection. */
    final Span span;
    /** Tells the store the plan is at work ({@link #storeAppend}). */
    Runnable alive = () -> { };

    Plan(List<Request> group) {
      this(group, null);
    }

    Plan(List<Request> group, Span span) {
      this.group = group;
      this.span = span;
    }

    GovernanceState state() {
      return span != null ? span.state : view.state();
    }

    /** The accounts the plan appends for; null: every account. */
    Predicate<String> serving() {
      return span != null ? span.accounts::contains : serving;
    }

    /**
     * Reads which of the group's keys the store already holds. Done before the write lock: a key
     * another process stores after this read arrives among the unseen events.
     */
    void lookUpKeys() {
      List<String> wanted = new ArrayList<>();
      for (Request r : group) {
        for (Append a : r.batch) {
          a.idempotencyKey().ifPresent(wanted::add);
        }
      }
      storedKeys = wanted.isEmpty() ? new HashMap<>() : keyUses(wanted);
    }

    /** Sharded: the registry's answers for the group's meeting and content ids. */
    Registry registry;

    List<StoredEvent> apply(List<StoredEvent> unseen, Runnable alive) {
      this.alive = alive;
      for (StoredEvent e : unseen) {
        if (span != null) {
          span.applyStored(e);
        } else {
          applyStored(e);
        }
        alive.run();
        e.idempotencyKey().ifPresent(k -> storedKeys.put(Append.keyOf(k),
            new KeyUse(e.position(), Append.fingerprintOf(k))));
      }
      if (serving() != null) {
        registry = new Registry(shardedStore(), group, state(), serving());
        alive.run();
      }
      for (Request r : group) {
        Optional<String> notOwned = registry == null ? Optional.empty() : registry.notOwned(r);
        if (notOwned.isPresent()) {
          r.refusal = new StoreException(StoreException.NOT_OWNER, "account `"
              + notOwned.get() + "` is not projected by this member (it is owned by another, "
              + "or is moving here): nothing of the batch was appended");
          continue;
        }
        plan(r);
      }
      return fresh;
    }

    private void plan(Request r) {
      GlobalIds ids = registry == null
          ? GlobalIds.NONE : registry;
      GovernanceState state = state();
      long headNow = state.head();
      boolean stale = r.expectedHead.isPresent() && r.expectedHead.getAsLong() != headNow;
      for (int i = 0; i < r.batch.size(); i++) {
        alive.run();
        Append a = r.batch.get(i);
        Event event = a.event();
        if (a.stampAt().isPresent()) {
          Instant at = a.stampAt().get();
          Optional<Instant> last = state.lastAt();
          event = event.withAt(last.isPresent() && last.get().isAfter(at) ? last.get() : at);
        }
        if (a.idempotencyKey().isPresent()) {
          String k = a.idempotencyKey().get();
          KeyUse seen = storedKeys.containsKey(k) ? storedKeys.get(k) : groupKeys.get(k);
          if (seen != null) {
            String fp = a.fingerprint().orElse(null);
            boolean same = fp == null || seen.fingerprint() == null
                || fp.equals(seen.fingerprint());
            r.results[i] = same ? new AppendResult.Duplicate(event, k, seen.position())
                : new AppendResult.KeyReused(event, k, seen.position());
            continue;
          }
        }
        if (stale) {
          r.results[i] = new AppendResult.Stale(event, r.expectedHead.getAsLong(), headNow);
          continue;
        }
        Optional<Identifiers.Violation> bad = Identifiers.check(event);
        if (bad.isPresent()) {
          r.results[i] = new AppendResult.Rejected(event, new Rejection(RejectionCode.INVALID_ID,
              "`" + bad.get().field() + "` " + bad.get().message()));
          continue;
        }
        touched = true;
        Outcome o = state.apply(event, ids);
        if (o instanceof Outcome.Accepted acc) {
          StoredEvent stored = new StoredEvent(acc.position(), event, a.storedKey());
          fresh.add(stored);
          a.idempotencyKey().ifPresent(k -> groupKeys.put(k,
              new KeyUse(acc.position(), a.fingerprint().orElse(null))));
          r.results[i] = new AppendResult.Accepted(event, acc.position());
        } else {
          Rejection rejection = ((Outcome.Rejected) o).rejection();
          r.results[i] = new AppendResult.Rejected(event, rejection);
        }
      }
    }

    void committed(long head) {
      committed(head, view.state().head());
    }

    /**
     * Publishes the group as committed at {@code head}, which must be {@code planned}: the
     * projection's head after the group (a pipeline's next batch may be applied beyond it).
     */
    void committed(long head, long planned) {
      View v = view;
      if (head != planned) {
        dirty = true;
        throw new StoreException(StoreException.CORRUPT, "the store's head is " + head
            + " after the write but the projection's is " + planned);
      }
      undelivered.addAll(fresh);
      if (!fresh.isEmpty()) {
        // The previous group stays too, so a log feed that runs beside the next append (an
        // import's catch-up in the background) still finds its page in memory.
        List<StoredEvent> now = List.copyOf(fresh);
        List<StoredEvent> before = lastGroup;
        if (!before.isEmpty()
            && before.get(before.size() - 1).position() + 1 == now.get(0).position()) {
          List<StoredEvent> both = new ArrayList<>(before.size() + now.size());
          both.addAll(before);
          both.addAll(now);
          recent = java.util.Collections.unmodifiableList(both);
        } else {
          recent = now;
        }
        lastGroup = now;
      }
      view = new View(v.state(), head);
      for (Request r : group) {
        if (r.refusal != null) {
          r.fail(r.refusal);
        } else {
          r.succeed();
        }
      }
    }
  }

  /**
   * A sharded member's view of the ids it does not project, for one group: the registry's
   * accounts of every meeting and content id the group names, read once under the store's write
   * lock (so as of the head the group is validated against).
   */
  private final class Registry implements GlobalIds {
    final ShardedStore shard;
    final Map<String, String> meetings;
    final Map<String, String> contents;
    final GovernanceState state;
    final Predicate<String> serves;

    Registry(ShardedStore shard, List<Request> group, GovernanceState state,
        Predicate<String> serves) {
      this.shard = shard;
      this.state = state;
      this.serves = serves;
      java.util.Set<String> ms = new java.util.HashSet<>();
      java.util.Set<String> cs = new java.util.HashSet<>();
      for (Request r : group) {
        for (Append a : r.batch) {
          Event e = a.event();
          ShardKey k = ShardKey.of(e);
          if (k.kind() == ShardKey.Kind.MEETING) {
            ms.add(k.id());
          } else if (k.kind() == ShardKey.Kind.CONTENT) {
            cs.add(k.id());
          }
          if (e instanceof Event.MeetingStarted x) {
            ms.add(x.meeting());
          } else if (e instanceof Event.ContentCreated x) {
            cs.add(x.content());
            x.meeting().ifPresent(ms::add);
          } else if (e instanceof Event.LegalHoldPlaced x
              && x.scope().kind() == org.covenant.core.event.HoldScope.Kind.MEETING) {
            ms.add(x.scope().id());
          }
        }
      }
      ms.removeIf(state::holdsMeeting);
      cs.removeIf(state::holdsContent);
      this.meetings = shard.accountsOf(ShardKey.Kind.MEETING, ms);
      this.contents = shard.accountsOf(ShardKey.Kind.CONTENT, cs);
    }

    /** The first account of the request this member does not serve, if any. */
    Optional<String> notOwned(Request r) {
      Predicate<String> s = serves;
      for (Append a : r.batch) {
        ShardKey k = ShardKey.of(a.event());
        String account = switch (k.kind()) {
          case ACCOUNT -> k.id();
          case MEETING -> state.meetingAccount(k.id()).orElse(meetings.get(k.id()));
          case CONTENT -> state.contentAccount(k.id()).orElse(contents.get(k.id()));
        };
        // An id stored nowhere belongs to no one: any member rejects the event.
        if (account != null && !s.test(account)) {
          return Optional.of(account);
        }
      }
      return Optional.empty();
    }

    @Override
    public Optional<String> meetingAccount(String meeting) {
      return Optional.ofNullable(meetings.get(meeting));
    }

    @Override
    public boolean joined(String meeting, String participant) {
      String account = meetings.get(meeting);
      return account != null && shard.joined(account, meeting, participant);
    }

    @Override
    public boolean contentExists(String content) {
      return contents.containsKey(content);
    }
  }

  /**
   * Applies events already in the store; they must all be accepted. The first page is read
   * here (a catch-up before an append is usually shorter than a page). After a full page the
   * replay runs as a pipeline (issue 15): the next pages are read on the ledger's reader thread
   * (a store that hands out raw rows: there only the database's work) and decoded on the
   * decoder threads, each page whole on one thread, while this thread applies the page before
   * them. A page read ahead starts after the last position of the page before it, which the
   * apply of that page proves: every applied event follows the head ({@link #applyStored}), so
   * a full page that applied ends {@link #PAGE} positions after its start.
   */
  private void catchUp() {
    List<StoredEvent> page = store.read(view.head(), PAGE);
    java.util.ArrayDeque<CompletableFuture<List<StoredEvent>>> ahead =
        new java.util.ArrayDeque<>();
    long requested = -1; // the position after which the next page read ahead starts
    try {
      while (true) {
        boolean full = page.size() == PAGE;
        if (full) {
          if (requested < 0) {
            requested = page.get(page.size() - 1).position();
          }
          while (ahead.size() < AHEAD) {
            ahead.add(readAhead(requested));
            requested += PAGE;
          }
        }
        long expected = view.head() + page.size();
        // At open no one reads the view between events (the page's listeners run after it):
        // it is published once a page, not once an event (issue 15: one object and one
        // volatile write per replayed event on the applying thread).
        viewPerPage = opening;
        try {
          for (StoredEvent e : page) {
            applyStored(e);
          }
        } finally {
          viewPerPage = false;
        }
        if (opening && !page.isEmpty()) {
          view = new View(view.state(), page.get(page.size() - 1).position());
        }
        List<StoredEvent> shown = !opening || projected == null ? page : projectedOf(page);
        if (opening && !shown.isEmpty()) {
          replay.accept(shown);
        }
        if (!full) {
          return;
        }
        if (view.head() != expected) {
          throw new IllegalStateException("a page of " + PAGE + " events ended at " + view.head()
              + ", not at " + expected);
        }
        CompletableFuture<List<StoredEvent>> next = ahead.poll();
        try {
          page = next.join();
        } catch (CompletionException e) {
          if (e.getCause() instanceof RuntimeException cause) {
            throw cause;
          }
          throw e;
        }
      }
    } finally {
      for (CompletableFuture<List<StoredEvent>> f : ahead) {
        f.cancel(false);
      }
    }
  }

  /** The page after {@code after}, read (and decoded) on the replay's own threads. */
  private CompletableFuture<List<StoredEvent>> readAhead(long after) {
    if (store instanceof EventRows.RawReads raw) {
      return CompletableFuture.supplyAsync(() -> raw.readRaw(after, PAGE), READER)
          .thenApplyAsync(EventRows.Raw::decodeHere, DECODER);
    }
    return CompletableFuture.supplyAsync(() -> store.read(after, PAGE), READER);
  }

  /** Reads the next pages of a replay; one daemon thread for every ledger of the process. */
  private static final java.util.concurrent.Executor READER =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "covenant-ledger-reader");
        t.setDaemon(true);
        return t;
      });

  /** Threads that decode the pages read ahead: all cores but the applying one (at least one). */
  private static final int DECODERS =
      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));

  /** Pages read or decoded ahead of the one being applied. */
  private static final int AHEAD = DECODERS + 1;

  /** Decodes the pages read ahead; shared by every ledger of the process. */
  private static final java.util.concurrent.Executor DECODER =
      java.util.concurrent.Executors.newFixedThreadPool(DECODERS, r -> {
        Thread t = new Thread(r, "covenant-ledger-decoder");
        t.setDaemon(true);
        return t;
      });

  private void applyStored(StoredEvent e) {
    View v = view;
    if (e.position() != v.state().head() + 1) {
      throw new StoreException(StoreException.CORRUPT, "the store returned position "
          + e.position() + " after " + v.state().head() + ": the ledger has a gap");
    }
    // Stored events are facts: a terms version the writer knew is accepted even if this
    // process's catalog lacks it; every other rule must hold as it did for the writer.
    Predicate<String> owns = projected;
    if (owns != null && !projects(v.state(), e.event(), owns)) {
      // Another member's account: only its replicated-index part.
      v.state().skip(e.event(), e.position());
      if (!opening && e.position() > deliveredUpTo) {
        undelivered.add(e);
      }
      if (!viewPerPage) {
        view = new View(v.state(), e.position());
      }
      return;
    }
    if (trusted && owns == null) {
      // Every stored event was validated by the ledger that appended it, under the store's
      // write lock: apply it without checking it again (issue 15; docs/DECISIONS.md, "Trusted
      // replay"). One the rules never accepted may fail here; the rebuild then replays again,
      // checking every event, and names the first one the rules reject.
      try {
        v.state().applyValidated(e.event());
      } catch (RuntimeException x) {
        dirty = true;
        trustFailed = true;
        throw new StoreException(StoreException.CORRUPT, "stored event at position "
            + e.position() + " (" + e.event().type() + ") cannot be applied on replay: " + x, x);
      }
    } else {
      // Stored events are facts: a terms version the writer knew is accepted even if this
      // process's catalog lacks it; every other rule must hold as it did for the writer.
      replaying = true;
      Outcome o;
      try {
        o = v.state().apply(e.event());
      } finally {
        replaying = false;
      }
      if (o instanceof Outcome.Rejected r) {
        dirty = true;
        throw new StoreException(StoreException.CORRUPT, "stored event at position "
            + e.position() + " (" + e.event().type() + ") is rejected on replay: "
            + r.rejection().code().code() + ": " + r.rejection().message());
      }
    }
    if (!opening && e.position() > deliveredUpTo) {
      undelivered.add(e);
    }
    if (!viewPerPage) {
      view = new View(v.state(), e.position());
    }
  }

  private void rebuild() {
    trusted = trustedReplay();
    trustFailed = false;
    try {
      rebuildOnce();
    } catch (StoreException e) {
      if (!trustFailed) {
        throw e;
      }
      trustFailed = false;
      LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; replaying again, checking every "
          + "event");
      trusted = false;
      try {
        rebuildOnce();
      } finally {
        trusted = trustedReplay();
      }
    }
  }

  private void rebuildOnce() {
    undelivered.clear();
    recent = List.of();
    lastGroup = List.of();
    Predicate<String> owns = projected;
    if (owns != null) {
      // Sharded: the member's accounts and the index, read by account.
      GovernanceState s = newState(true);
      if (building != null) {
        building[0] = s;
      }
      try {
        fill(shardedStore(), s, owns, store.head(), opening ? replay : page -> {});
      } finally {
        done(s);
      }
      view = new View(s, s.head());
      dirty = false;
      catchUp();
      return;
    }
    java.util.function.Predicate<String> known = name -> replaying || catalog.knows(name);
    view = new View(GovernanceState.create(known), 0);
    startedFrom = null;
    for (Start s : starts) {
      GovernanceState resumed = resume(s, known);
      if (resumed != null) {
        view = new View(resumed, s.position());
        startedFrom = s.describe();
        break;
      }
    }
    dirty = false;
    catchUp();
  }

  /** The start's projection if it holds against the store, else null (with a warning). */
  private GovernanceState resume(Start s, java.util.function.Predicate<String> known) {
    return resume(s, known, "replaying the ledger instead");
  }

  private GovernanceState resume(Start s, java.util.function.Predicate<String> known,
      String instead) {
    String problem;
    try {
      List<StoredEvent> at = s.position() < 1 ? List.of() : store.read(s.position() - 1, 1);
      if (at.isEmpty() || at.get(0).position() != s.position()) {
        problem = "the ledger has no event at position " + s.position();
      } else {
        Optional<String> mismatch = s.mismatch(at.get(0));
        if (mismatch.isPresent()) {
          problem = mismatch.get();
        } else {
          GovernanceState state = s.restore(known);
          if (state.head() != s.position()) {
            problem = "it decodes to position " + state.head() + ", not " + s.position();
          } else if (projected == null && !state.holdsEveryAccount()) {
            // A cluster member's checkpoint (docs/CLUSTER.md, "Checkpoints"): some accounts
            // are only indexed there, so it is not the ledger's projection.
            problem = "it is a cluster member's checkpoint: it holds some accounts in full only";
          } else {
            return state;
          }
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      if (e instanceof StoreException se && StoreException.UNAVAILABLE.equals(se.code())) {
        throw se;
      }
      problem = e.getMessage();
    }
    LOG.log(System.Logger.Level.WARNING, "ignoring projection checkpoint " + s.describe()
        + ": " + problem + "; " + instead);
    return null;
  }

  /**
   * A canonical digest of the projection at the head
   * ({@link org.covenant.core.state.ProjectionCheckpoint#digest}): equal for equal projections
   * however they were built (replayed, started from a checkpoint, or moved to by
   * {@link #reshard}). For tests and diagnostics; runs beside appends.
   */
  public String projectionDigest() {
    ensureOpen();
    View v = view;
    long lastAt = v.state().lastAt().map(org.covenant.core.state.TimeKey::of)
        .orElse(Long.MIN_VALUE);
    return org.covenant.core.state.ProjectionCheckpoint.digest(v.state(), v.head(),
        v.head() == 0 ? Long.MIN_VALUE : lastAt);
  }

  /**
   * Writes a checkpoint of the projection as of {@code position} (at most the head) to
   * {@code out}, recording the transparency log's tree size and root there. Runs beside appends:
   * the projection is read, never locked. A sharded member's checkpoint holds its accounts in
   * full and every account's index (docs/CLUSTER.md, "Checkpoints"): {@link #openShard} starts
   * from it, {@link #open} refuses it.
   *
   * @throws StoreException when the store cannot be read (for the event at the position)
   * @throws java.io.IOException also when a {@link #reshard} changed the projection's accounts
   *     while it was written (nothing usable was written: try again)
   */
  public void writeCheckpoint(long position, long logSize, byte[] logRoot,
      java.io.OutputStream out) throws java.io.IOException {
    ensureOpen();
    long moves = moveSeq;
    if ((moves & 1) != 0) {
      throw new java.io.IOException("the projection is moving accounts: no checkpoint now");
    }
    writeCheckpointAt(position, logSize, logRoot, out);
    if (moveSeq != moves) {
      throw new java.io.IOException("the projection moved accounts while the checkpoint was "
          + "written: it is not one state");
    }
  }

  private void writeCheckpointAt(long position, long logSize, byte[] logRoot,
      java.io.OutputStream out) throws java.io.IOException {
    View v = view;
    if (position < 1 || position > v.head()) {
      throw new IllegalArgumentException("position " + position + " is not in 1.." + v.head());
    }
    List<StoredEvent> at = store.read(position - 1, 1);
    if (at.isEmpty() || at.get(0).position() != position) {
      throw new StoreException(StoreException.CORRUPT, "no event at position " + position);
    }
    try {
      org.covenant.core.state.ProjectionCheckpoint.write(v.state(),
          new org.covenant.core.state.ProjectionCheckpoint.CheckpointHeader(position,
              org.covenant.core.state.TimeKey.of(at.get(0).event().at()), logSize, logRoot),
          (b, off, len) -> {
            try {
              out.write(b, off, len);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void deliver() {
    if (undelivered.isEmpty()) {
      return;
    }
    List<StoredEvent> batch = new ArrayList<>();
    for (StoredEvent e : undelivered) {
      if (e.position() > deliveredUpTo) {
        batch.add(e);
      }
    }
    undelivered.clear();
    if (batch.isEmpty()) {
      return;
    }
    deliveredUpTo = batch.get(batch.size() - 1).position();
    List<StoredEvent> immutable = List.copyOf(batch);
    for (Consumer<List<StoredEvent>> l : listeners) {
      try {
        l.accept(immutable);
      } catch (RuntimeException ex) {
        LOG.log(System.Logger.Level.WARNING, "ledger listener failed on positions "
            + immutable.get(0).position() + ".." + deliveredUpTo, ex);
      }
    }
  }

  /**
   * Opens an import's pipeline on this ledger (issue 15): {@link Pipeline#submit} validates a
   * batch against the projection on the caller's thread while the store writes and commits the
   * batch before it on the pipeline's writer thread. One caller thread; close it when done.
   */
  public Pipeline pipeline() {
    ensureOpen();
    return new Pipeline();
  }

  /**
   * Appends batches one after another as {@link #append(List)} does, with the same results, the
   * same stored rows and the same all-or-nothing commit per batch, but overlapped: batch k+1 is
   * validated (on the caller's thread, against the projection that already holds batch k) while
   * batch k is written and committed (on this pipeline's writer thread). Batch k+1 is written
   * only after batch k committed, in its own transaction; its results are published only then.
   *
   * <p>Exactness. Batch k+1 was validated as if batch k committed and no other process appended
   * meanwhile. When batch k fails, or the store's head is not where batch k left it when batch
   * k+1 is written (another process appended), batch k+1's validation is dropped, the projection
   * is rebuilt from the store and the batch is validated and committed again the ordinary way,
   * exactly as {@link #append(List)} would have done at that moment. A key of batch k found again
   * in batch k+1 is a duplicate of batch k's position, as it is once batch k is stored.
   *
   * <p>Anything else that takes the writer lock (another {@link #append}, {@link #refresh})
   * first waits for the batch in flight and publishes it. A sharded projection appends serially.
   */
  public final class Pipeline implements AutoCloseable {
    private final java.util.concurrent.ExecutorService writes =
        java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "covenant-ledger-writer");
          t.setDaemon(true);
          return t;
        });
    private boolean closed;

    private Pipeline() { }

    /**
     * Validates {@code batch} now and hands it to the store; the future completes with its
     * results (as {@link #append(List)} returns them) once it is committed, or with the
     * {@link StoreException} of its write. By the time this returns, the batch submitted before
     * is settled (its future is complete).
     */
    public CompletableFuture<List<AppendResult>> submit(List<Append> batch) {
      ensureOpen();
      if (closed) {
        throw new IllegalStateException("the pipeline is closed");
      }
      Request r = new Request(batch, OptionalLong.empty());
      if (r.batch.isEmpty()) {
        return CompletableFuture.completedFuture(List.of());
      }
      writer.lock();
      try {
        if (serving != null) {
          settlePipeline();
          return serially(r);
        }
        if (dirty) {
          settlePipeline();
        }
        if (inFlight == null) {
          if (dirty) {
            rebuild();
          }
          catchUp();
        }
        Plan plan = new Plan(List.of(r));
        long base = view.state().head();
        long planned;
        try {
          plan.lookUpKeys();
          InFlight before = inFlight;
          if (before != null) {
            // The batch being written is not in the store yet (or just is): its keys are, as far
            // as this batch is concerned, stored ones (the same entries an unseen event makes).
            for (StoredEvent e : before.plan.fresh) {
              e.idempotencyKey().ifPresent(k -> plan.storedKeys.putIfAbsent(Append.keyOf(k),
                  new KeyUse(e.position(), Append.fingerprintOf(k))));
            }
          }
          plan.apply(List.of(), () -> { });
          planned = view.state().head();
        } catch (RuntimeException e) {
          if (plan.touched) {
            dirty = true;
          }
          settlePipeline();
          r.fail(e);
          return r.future();
        }
        Object before = settlePipeline();
        if (before instanceof RuntimeException failed) {
          // Batch k+1 never goes in without batch k (an import stops at k's failure, as it does
          // when it appends serially): nothing of this batch is appended.
          dirty = true;
          r.fail(new StoreException(failed instanceof StoreException se ? se.code()
              : StoreException.UNAVAILABLE, "the batch before this one failed ("
              + failed.getMessage() + "): nothing of this batch was appended", failed));
          return r.future();
        }
        if (before == REDONE || dirty) {
          // The store moved under the batch before: this validation assumed otherwise.
          dirty = true;
          return serially(r.again());
        }
        List<StoredEvent> fresh = plan.fresh;
        inFlight = new InFlight(plan, r, base, planned, writes.submit(() ->
            storeAppend(base, (unseen, alive) -> {
              if (!unseen.isEmpty()) {
                throw new StoreMoved();
              }
              return fresh;
            })));
        writing = true;
        return r.future;
      } finally {
        deliver();
        unlockAndSignal();
      }
    }

    private CompletableFuture<List<AppendResult>> serially(Request r) {
      commit(List.of(r));
      return r.future();
    }

    /**
     * Waits for the batch in flight and publishes it: its future is complete when this returns.
     * (Otherwise a batch is settled by the next {@link #submit}, by anything else that takes the
     * ledger's writer lock, or by {@link #close}.)
     */
    public void flush() {
      writer.lock();
      try {
        settlePipeline();
      } finally {
        deliver();
        unlockAndSignal();
      }
    }

    /** Waits for the batch in flight and publishes it; stops the writer thread. Idempotent. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        flush();
      } finally {
        writes.shutdown();
      }
    }
  }

  /** A pipeline's batch being written: its plan, request, the heads before and after it. */
  private record InFlight(Plan plan, Request request, long base, long planned,
      java.util.concurrent.Future<Long> write) {}

  /** The store's head was not where the pipeline's previous batch left it. */
  private static final class StoreMoved extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreMoved() {
      super("another process appended", null, false, false);
    }
  }

  /** The pipeline's batch being written, if any; read and written under the writer lock. */
  private InFlight inFlight;
  /** Whether {@link #inFlight} is set, for readers without the lock ({@link #events}). */
  private volatile boolean writing;

  /**
   * Under the writer lock: waits for a pipeline's batch in flight and publishes its outcome, as
   * {@link #commit} does after its own write. A batch refused because the store moved is then
   * validated and committed again the ordinary way. Never throws: a failure is the batch's.
   * {@link #AS_PLANNED} when nothing was in flight or it was published as planned (the
   * projection beyond it, if any, still holds); {@link #REDONE} when it was committed again the
   * ordinary way (the projection was rebuilt); else the batch failed: its failure.
   */
  private Object settlePipeline() {
    InFlight f = inFlight;
    if (f == null) {
      return AS_PLANNED;
    }
    inFlight = null;
    writing = false;
    long head;
    try {
      head = f.write().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      dirty = true;
      StoreException x = new StoreException(StoreException.UNAVAILABLE,
          "interrupted while the ledger's writer committed a batch", e);
      f.request().fail(x);
      return x;
    } catch (java.util.concurrent.ExecutionException e) {
      // The projection holds the batch (and maybe the next one's validation): rebuild it.
      dirty = true;
      if (e.getCause() instanceof StoreMoved) {
        Request again = f.request().again();
        commit(List.of(again));
        f.request().settleAs(again);
        return again.failure != null ? again.failure : REDONE;
      }
      RuntimeException x = e.getCause() instanceof RuntimeException r ? r
          : new StoreException(StoreException.UNAVAILABLE, "the ledger's writer failed",
              e.getCause());
      f.request().fail(x);
      return x;
    }
    try {
      f.plan().committed(head, f.planned());
      return AS_PLANNED;
    } catch (RuntimeException e) {
      f.request().fail(e);
      return e;
    }
  }

  /** {@link #settlePipeline()}: published as planned. */
  private static final Object AS_PLANNED = new Object();
  /** {@link #settlePipeline()}: committed again the ordinary way. */
  private static final Object REDONE = new Object();

  /** One caller's batch, its results, and whether it is done. */
  private static final class Request {
    final List<Append> batch;
    final OptionalLong expectedHead;
    final AppendResult[] results;
    // Written by the committing thread under the writer lock; read by the caller after the
    // signal. The volatile write publishes results and failure with it.
    volatile boolean done;
    RuntimeException failure;
    /** Set when a sharded member does not serve one of the batch's accounts. */
    StoreException refusal;

    Request(List<Append> batch, OptionalLong expectedHead) {
      this.batch = List.copyOf(batch);
      this.expectedHead = expectedHead;
      this.results = new AppendResult[this.batch.size()];
    }

    /** A fresh request for the same batch (a validation dropped). */
    Request again() {
      return new Request(batch, expectedHead);
    }

    void fail(RuntimeException e) {
      failure = e;
      done = true;
      future.completeExceptionally(e);
    }

    /** Marks this done (results set): the pipeline's future completes with them. */
    void succeed() {
      done = true;
      future.complete(List.of(results));
    }

    /** Takes the outcome of {@code other}, the same batch committed again. */
    void settleAs(Request other) {
      if (other.failure != null) {
        fail(other.failure);
      } else {
        System.arraycopy(other.results, 0, results, 0, results.length);
        succeed();
      }
    }

    /** The pipeline's view of the outcome. */
    final CompletableFuture<List<AppendResult>> future = new CompletableFuture<>();

    CompletableFuture<List<AppendResult>> future() {
      return future;
    }

    List<AppendResult> outcome() {
      if (failure != null) {
        if (failure instanceof StoreException se) {
          // A fresh exception so each caller's stack shows its own call.
          throw new StoreException(se.code(), se.getMessage(), se);
        }
        throw failure;
      }
      return List.of(results);
    }
  }
}
