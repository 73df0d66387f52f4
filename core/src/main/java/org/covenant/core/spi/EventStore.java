package org.covenant.core.spi;

import java.util.List;
import java.util.function.Function;

/**
 * The ledger's storage port (ARCHITECTURE.md §3, §9): an append-only sequence of accepted events
 * at dense 1-based positions, each with an optional client idempotency key that is unique across
 * the ledger. Adapters: {@code InMemoryEventStore}, {@code SqliteEventStore},
 * {@code PostgresEventStore}.
 *
 * <p>The store never validates governance rules: callers offer it only events that the
 * projection at the head accepted. What it guarantees:
 *
 * <ul>
 *   <li><b>Ordered reads</b>: {@link #read} returns events in position order, without gaps.
 *   <li><b>Atomic batches</b>: every event of one {@link #append} call is stored in one
 *       transaction, or none is (group commit: one durable sync per batch).
 *   <li><b>A single writer at a time</b>, across threads and, for shared stores, across
 *       processes: {@link #append} runs its plan under an exclusive write lock, after showing it
 *       the events other writers appended since the caller last looked, so positions are never
 *       duplicated and no event is lost.
 *   <li><b>Optimistic concurrency on the head</b>: {@link #appendAt} stores a batch only if the
 *       head is still the one the caller validated against.
 *   <li><b>Unique idempotency keys</b>: a batch holding a key that is already stored is refused
 *       as a whole, with {@code conflict}: callers know every stored key from what they read.
 * </ul>
 *
 * <p>Outcomes are return values. Infrastructure failures are unchecked
 * {@link org.covenant.core.CovenantException}s carrying a code: {@code store_unavailable} (the
 * database went away; nothing of the batch was written, retry later), {@code corrupt_store} (not a
 * ledger, or damaged), {@code schema_too_new} (written by a newer version), {@code conflict}
 * (a caller broke the contract, e.g. a duplicate key from {@link #append}'s plan). After
 * {@code store_unavailable} the same store object recovers when the database returns.
 *
 * <p>Implementations are thread-safe.
 */
public interface EventStore extends AutoCloseable {
  /** The position of the last stored event; 0 when empty. */
  long head();

  /**
   * Up to {@code limit} events after {@code afterPosition}, in position order.
   *
   * @param afterPosition 0 reads from the first event
   * @param limit at least 1
   */
  List<StoredEvent> read(long afterPosition, int limit);

  /**
   * Appends under the store's exclusive write lock. The store reads every event after
   * {@code knownHead} (appended by other writers since the caller last looked; usually none) and
   * passes them to {@code plan}; these are durable whatever happens next. The plan returns the
   * events to append, positioned consecutively right after them. All are committed in one
   * transaction, then the new head is returned. The plan is called at most once, under the lock,
   * so it should be quick. If the plan throws, nothing is written and the exception propagates.
   *
   * @param knownHead the last position the caller has seen; a store whose head is below it was
   *     replaced by an older copy and fails with {@code corrupt_store}
   * @param plan from the unseen events to the events to append (possibly none)
   * @return the head after the commit
   * @throws IllegalArgumentException if the plan's events are not positioned right after the head
   */
  long append(long knownHead, Function<List<StoredEvent>, List<StoredEvent>> plan);

  /**
   * Optimistic append: stores {@code events} (positioned right after {@code expectedHead}) in one
   * transaction if the head is still {@code expectedHead}.
   *
   * @return the head after the call
   */
  default Write appendAt(long expectedHead, List<StoredEvent> events) {
    boolean[] stale = {false};
    long head = append(expectedHead, unseen -> {
      if (!unseen.isEmpty()) {
        stale[0] = true;
        return List.of();
      }
      return events;
    });
    return stale[0] ? new Write.Stale(expectedHead, head) : new Write.Written(head);
  }

  /**
   * The stored events at these positions, in ascending position order; positions beyond the head
   * are left out. For listings that keep only positions in memory (the ledger is the only copy of
   * events). The default reads them one by one; stores override it with one query.
   *
   * @param positions ascending, each at least 1
   */
  default List<StoredEvent> readAt(long[] positions) {
    List<StoredEvent> out = new java.util.ArrayList<>(positions.length);
    for (long p : positions) {
      List<StoredEvent> one = read(p - 1, 1);
      if (!one.isEmpty() && one.get(0).position() == p) {
        out.add(one.get(0));
      }
    }
    return out;
  }

  /**
   * The stored idempotency keys that equal one of {@code keys} or start with one of them followed
   * by {@code separator} (a key stored with a suffix, e.g. a request fingerprint), with their
   * positions, as of now: the ledger looks keys up here rather than keeping every key in memory.
   * The default scans the whole store; stores override it with an indexed query.
   */
  default java.util.Map<String, Long> storedKeys(java.util.Collection<String> keys,
      String separator) {
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    java.util.Set<String> wanted = new java.util.HashSet<>(keys);
    long after = 0;
    while (true) {
      List<StoredEvent> page = read(after, 10_000);
      for (StoredEvent e : page) {
        e.idempotencyKey().filter(k -> matches(k, wanted, separator))
            .ifPresent(k -> out.put(k, e.position()));
        after = e.position();
      }
      if (page.size() < 10_000) {
        return out;
      }
    }
  }

  /** Whether a stored key is one of {@code keys}, or one of them, the separator and more. */
  static boolean matches(String stored, java.util.Set<String> keys, String separator) {
    if (keys.contains(stored)) {
      return true;
    }
    for (int i = stored.indexOf(separator); i > 0; i = stored.indexOf(separator, i + 1)) {
      if (keys.contains(stored.substring(0, i))) {
        return true;
      }
    }
    return false;
  }

  /** Releases connections and files. Idempotent. */
  @Override
  void close();

  /** The result of {@link #appendAt}. */
  sealed interface Write {
    /** The batch was stored; {@code head} is its last position. */
    record Written(long head) implements Write {}

    /** Nothing was stored: the head moved from {@code expected} to {@code actual}. */
    record Stale(long expected, long actual) implements Write {}
  }
}
