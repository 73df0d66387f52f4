package org.covenant.core.decision;

import java.time.Instant;
import java.util.Objects;
import org.covenant.core.vocab.Purpose;

/**
 * "May this purpose use this content, at this time?" (ARCHITECTURE.md §5).
 *
 * @param purpose the purpose asking
 * @param content the content id
 * @param at the time of use; the ledger is read as of this instant
 */
public record DecisionRequest(Purpose purpose, String content, Instant at) {
  /** Validates the fields. */
  public DecisionRequest {
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(at, "at");
  }
}
