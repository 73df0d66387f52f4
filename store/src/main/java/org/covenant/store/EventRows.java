package org.covenant.store;

import java.nio.charset.StandardCharsets;
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

    // Plain arrays, sized for the page asked for (issue 15, "trusted replay"): the reader thread
    // is one of the replay's two busy cores, and boxed positions and growing lists were a
    // quarter of what it allocated per row.
    private long[] positions;
    /** Each a String, or the UTF-8 bytes of one (SQLite hands its text out as bytes). */
    private Object[] bodies;
    /** Each null, a String, or the UTF-8 bytes of one, made a string when decoded. */
    private Object[] keys;
    private int size;
    private final String where;

    Raw(String where) {
      this(where, 16);
    }

    /** Rows from {@code where}, room made for {@code expected} of them up front. */
    Raw(String where, int expected) {
      this.where = where;
      int n = Math.max(1, Math.min(expected, MAX_PRESIZE));
      positions = new long[n];
      bodies = new Object[n];
      keys = new Object[n];
    }

    /**
     * Adds a row. {@code key} may be the UTF-8 bytes of the key: it is then made a string by the
     * decoding thread, exactly as the driver's {@code getString} makes it
     * ({@code new String(bytes, UTF_8)}).
     */
    void add(long position, Object body, Object key) {
      if (size == positions.length) {
        int n = size * 2;
        positions = Arrays.copyOf(positions, n);
        bodies = Arrays.copyOf(bodies, n);
        keys = Arrays.copyOf(keys, n);
      }
      positions[size] = position;
      bodies[size] = body;
      keys[size] = key;
      size++;
    }

    int size() {
      return size;
    }

    private StoredEvent row(int i) {
      Object k = keys[i];
      String key = k instanceof byte[] utf8 ? new String(utf8, StandardCharsets.UTF_8) : (String) k;
      return EventRows.row(positions[i], bodies[i], key, where);
    }

    /**
     * The events, decoded on several cores when there are many: decoding dominates a replay
     * (the rows are read sequentially, the JSON is parsed independently for each).
     */
    List<StoredEvent> decode() {
      int n = size;
      StoredEvent[] out = new StoredEvent[n];
      IntStream range = IntStream.range(0, n);
      if (n >= PARALLEL_THRESHOLD) {
        range = range.parallel();
      }
      range.forEach(i -> out[i] = row(i));
      return Arrays.asList(out);
    }
  }

  /** The most rows a {@link Raw} makes room for before it is filled (a page is 10,000). */
  private static final int MAX_PRESIZE = 1 << 14;

  private static final int PARALLEL_THRESHOLD = 2048;

  /**
   * As {@link Raw#decode()}, on this thread only: the replay's pipeline decodes whole pages on
   * its decoder threads while the ledger applies the page before ({@code Ledger}).
   */
  static List<StoredEvent> decodeHere(Raw raw) {
    int n = raw.size;
    StoredEvent[] out = new StoredEvent[n];
    for (int i = 0; i < n; i++) {
      out[i] = raw.row(i);
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
