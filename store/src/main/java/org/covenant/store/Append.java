package org.covenant.store;

import java.util.Objects;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;

/**
 * An event offered to the {@link Ledger}, with an optional client idempotency key: offering the
 * same key again returns {@link AppendResult.Duplicate} with the original position instead of
 * appending twice. Keys of rejected events are not remembered, so a retry is validated again.
 *
 * @param event the event
 * @param idempotencyKey 1 to 200 characters, not blank
 */
public record Append(Event event, Optional<String> idempotencyKey) {
  /** Validates the fields. */
  public Append {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    idempotencyKey.ifPresent(StoredEvent::checkKey);
  }

  /** An event without an idempotency key. */
  public static Append of(Event event) {
    return new Append(event, Optional.empty());
  }

  /** An event with an idempotency key. */
  public static Append of(Event event, String idempotencyKey) {
    return new Append(event, Optional.of(idempotencyKey));
  }
}
