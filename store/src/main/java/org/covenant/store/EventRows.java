package org.covenant.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;

/** An event's stored form: its wire JSON (ARCHITECTURE.md §3), the same in every adapter. */
final class EventRows {
  private EventRows() {}

  /** {@code ?, ?, ...}: n parameters for an {@code IN} list. */
  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  static String body(Event event) {
    return Json.line(EventCodec.toJson(event));
  }

  /** Rows read from a database, decoded together by {@link #decode()}. */
  static final class Raw {
    private final List<Long> positions = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final String where;

    Raw(String where) {
      this.where = where;
    }

    void add(long position, String body, String key) {
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

  static StoredEvent row(long position, String body, String key, String where) {
    Event event;
    try {
      event = EventCodec.parse(Json.parse(body), Set.of());
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
