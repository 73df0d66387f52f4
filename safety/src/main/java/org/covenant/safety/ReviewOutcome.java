package org.covenant.safety;

import java.util.Objects;

/**
 * The answer to a reviewer's action: the item as it now stands, or why nothing changed (an
 * outcome, not an exception: the server maps {@code unknown_item} to 404 and
 * {@code already_reviewed} to 409).
 */
public sealed interface ReviewOutcome {
  /**
   * The action took effect.
   *
   * @param item the item after the action
   */
  record Applied(ReviewItem item) implements ReviewOutcome {
    /** Requires the item. */
    public Applied {
      Objects.requireNonNull(item, "item");
    }
  }

  /**
   * Nothing changed.
   *
   * @param code {@code unknown_item}, {@code already_reviewed} or {@code bad_verdict}
   * @param message a lowercase explanation with the content id in backticks
   */
  record Refused(String code, String message) implements ReviewOutcome {
    /** Requires both parts. */
    public Refused {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
