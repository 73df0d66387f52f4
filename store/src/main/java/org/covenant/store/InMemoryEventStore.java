package org.covenant.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;

/**
 * The {@link EventStore} kept in a list: the reference adapter and the fake for tests. Not
 * durable; one process.
 */
public final class InMemoryEventStore implements EventStore {
  private final List<StoredEvent> events = new ArrayList<>();
  private final Map<String, Long> keys = new HashMap<>();

  private InMemoryEventStore() {}

  /** An empty store. */
  public static InMemoryEventStore create() {
    return new InMemoryEventStore();
  }

  @Override
  public synchronized long head() {
    return events.size();
  }

  @Override
  public synchronized List<StoredEvent> read(long afterPosition, int limit) {
    StoreChecks.readArguments(afterPosition, limit);
    int from = (int) Math.min(afterPosition, events.size());
    int to = (int) Math.min((long) from + limit, events.size());
    return List.copyOf(events.subList(from, to));
  }

  @Override
  public synchronized long append(long knownHead,
      Function<List<StoredEvent>, List<StoredEvent>> plan) {
    long head = events.size();
    StoreChecks.knownHead(knownHead, head);
    List<StoredEvent> unseen = List.copyOf(events.subList((int) knownHead, (int) head));
    List<StoredEvent> batch = List.copyOf(plan.apply(unseen));
    StoreChecks.batch(batch, head);
    Map<String, Long> added = new HashMap<>();
    for (StoredEvent e : batch) {
      if (e.idempotencyKey().isPresent()) {
        String k = e.idempotencyKey().get();
        if (keys.containsKey(k) || added.put(k, e.position()) != null) {
          throw StoreChecks.duplicateKey(k);
        }
      }
    }
    events.addAll(batch);
    keys.putAll(added);
    return events.size();
  }

  @Override
  public synchronized Map<String, Long> storedKeys(java.util.Collection<String> wanted,
      String separator) {
    Map<String, Long> out = new HashMap<>();
    java.util.Set<String> set = new java.util.HashSet<>(wanted);
    keys.forEach((k, p) -> {
      if (EventStore.matches(k, set, separator)) {
        out.put(k, p);
      }
    });
    return out;
  }

  @Override
  public synchronized List<StoredEvent> readAt(long[] positions) {
    List<StoredEvent> out = new ArrayList<>(positions.length);
    for (long p : positions) {
      if (p >= 1 && p <= events.size()) {
        out.add(events.get((int) (p - 1)));
      }
    }
    return out;
  }

  @Override
  public void close() {}
}
