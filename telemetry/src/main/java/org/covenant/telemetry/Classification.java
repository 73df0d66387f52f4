package org.covenant.telemetry;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether an event type is {@code required} service data (collected to provide the service) or
 * {@code optional} diagnostic data, collected only while {@code diagnostics.optional} is effectively
 * true for the user at the event's time (ARCHITECTURE.md §2, ceiling mode).
 */
public enum Classification {
  REQUIRED,
  OPTIONAL;

  /** The schema spelling, lowercase. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The classification named {@code id} in a schema file. */
  public static Optional<Classification> of(String id) {
    for (Classification c : values()) {
      if (c.id().equals(id)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
