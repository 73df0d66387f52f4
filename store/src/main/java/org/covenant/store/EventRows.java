package org.covenant.store;

import java.util.Optional;
import java.util.Set;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;

/** An event's stored form: its wire JSON (ARCHITECTURE.md §3), the same in every adapter. */
final class EventRows {
  private EventRows() {}

  static String body(Event event) {
    return Json.line(EventCodec.toJson(event));
  }

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
