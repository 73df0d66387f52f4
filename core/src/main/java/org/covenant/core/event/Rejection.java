package org.covenant.core.event;

import java.util.Objects;

/**
 * A rejected event (ARCHITECTURE.md §3): reported with its code, never appended, changes nothing.
 *
 * @param code the first failing check
 * @param message what failed, naming the offending value in backticks
 */
public record Rejection(RejectionCode code, String message) {
  /** Validates the fields. */
  public Rejection {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
