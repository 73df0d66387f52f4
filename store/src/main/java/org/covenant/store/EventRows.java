package org.covenant.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.format.EventJson;

/** An event's stored form: its wire JSON (ARCHITECTURE.md §3), the same in every adapter. */
final class EventRows {
  private EventRows() {}

  /** {@code ?, ?, ...}: n parameters for an {@code IN} list. */
  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  static String body(Event event) {
    return EventJson.line(event);
  }

  /**
   * A store that hands out rows undecoded: the ledger's replay reads the next page on one thread
   * while this one decodes and applies the last ({@code Ledger}).
   */
  interface RawReads {
    /** As {@link org.covenant.core.spi.EventStore#read}, not decoded yet. */
    Raw readRaw(long afterPosition, int limit);
  }

  /** As {@link RawReads} for a member's share ({@link ShardedStore#readShard}). */
  interface RawShardReads {
    /** As {@link ShardedStore#readShard}, not decoded yet. */
    Raw readShardRaw(long afterPosition, long upTo, java.util.Collection<String> accounts);
  }

  /** Rows read from a database, decoded together by {@link #decode()}. */
  static final class Raw {
    /** {@link EventRows#decodeHere}. */
    List<StoredEvent> decodeHere() {
      return EventRows.decodeHere(this);
    }

    private final List<Long> positions = new ArrayList<>();
    /** Each a String, or the UTF-8 bytes of one (SQLite hands its text out as bytes). */
    private final List<Object> bodies = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final String where;

    Raw(String where) {
      this.where = where;
    }

    void add(long position, Object body, String key) {
      positions.add(position);
      bodies.add(body);
      keys.add(key);
    }

    /**
     * The events, decoded on several cores when there are many: decoding dominates a replay
     * (the rows are read sequentially, the JSON is parsed independently for each).
     */
    List<StoredEvent> decode() {
      int n = positions.size();
      StoredEvent[] out = new StoredEvent[n];
      IntStream range = IntStream.range(0, n);
      if (n >= PARALLEL_THRESHOLD) {
        range = range.parallel();
      }
      range.forEach(i -> out[i] = row(positions.get(i), bodies.get(i), keys.get(i), where));
      return Arrays.asList(out);
    }
  }

  private static final int PARALLEL_THRESHOLD = 2048;

  /**
   * As {@link Raw#decode()}, on this thread only: the replay's pipeline decodes whole pages on
   * its decoder threads while the ledger applies the page before ({@code Ledger}).
   */
  static List<StoredEvent> decodeHere(Raw raw) {
    int n = raw.positions.size();
    StoredEvent[] out = new StoredEvent[n];
    for (int i = 0; i < n; i++) {
      out[i] = row(raw.positions.get(i), raw.bodies.get(i), raw.keys.get(i), raw.where);
    }
    return Arrays.asList(out);
  }

  static StoredEvent row(long position, Object body, String key, String where) {
    Event event;
    try {
      event = body instanceof byte[] utf8 ? EventJson.read(utf8) : EventJson.read((String) body);
    } catch (RuntimeException e) {
      throw new StoreException(StoreException.CORRUPT, where + ": the event at position "
          + position + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return new StoredEvent(position, event, Optional.ofNullable(key));
    } catch (IllegalArgumentException e) {
      throw new StoreException(StoreException.CORRUPT, where + ": the row at position "
          + position + " is invalid: " + e.getMessage(), e);
    }
  }
}
