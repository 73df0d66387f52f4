package org.covenant.core.spi;

import java.util.Objects;
import java.util.Optional;
import org.covenant.core.event.Event;

/**
 * An accepted event at its ledger position (ARCHITECTURE.md §3), with the idempotency key the
 * client appended it under, if any.
 *
 * @param position the 1-based ledger position; positions are dense and never reused
 * @param event the event
 * @param idempotencyKey the client's key; unique across the ledger when present
 */
public record StoredEvent(long position, Event event, Optional<String> idempotencyKey) {
  /** The longest idempotency key accepted, in characters. */
  public static final int MAX_KEY_LENGTH = 200;

  /** Validates the fields: a positive position and, when present, a non-blank key. */
  public StoredEvent {
    if (position < 1) {
      throw new IllegalArgumentException("position " + position + " is not positive");
    }
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    idempotencyKey.ifPresent(StoredEvent::checkKey);
  }

  /** An event stored without an idempotency key. */
  public static StoredEvent of(long position, Event event) {
    return new StoredEvent(position, event, Optional.empty());
  }

  /** Throws if the key is blank or longer than {@link #MAX_KEY_LENGTH}. */
  public static String checkKey(String key) {
    Objects.requireNonNull(key, "idempotencyKey");
    if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("idempotency key must be 1 to " + MAX_KEY_LENGTH
          + " characters and not blank");
    }
    return key;
  }
}
