package org.covenant.format.scenario;

import java.util.Objects;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.event.RejectionCode;

/**
 * An event of a scenario with its expectation: accepted (the default), or rejected with a code.
 *
 * @param index 0-based index in the file's {@code events}
 * @param event the event
 * @param explicit whether the file wrote an {@code expect}
 * @param expectedRejection the expected code; empty means "accepted"
 */
public record ScenarioEvent(
    int index, Event event, boolean explicit, Optional<RejectionCode> expectedRejection) {
  /** Validates the fields. */
  public ScenarioEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(expectedRejection, "expectedRejection");
  }

  /** The expectation as written: {@code accepted} or {@code rejected:CODE}. */
  public String expectText() {
    return expectedRejection.map(c -> "rejected:" + c.code()).orElse("accepted");
  }
}
