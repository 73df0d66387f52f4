package org.covenant.core.decision;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.covenant.core.vocab.Purpose;

/**
 * "May this purpose use this content, at this time?" (ARCHITECTURE.md §5).
 *
 * @param purpose the purpose asking
 * @param content the content id
 * @param at the time of use; the ledger is read as of this instant
 * @param region the data-centre region where the processing runs, when named
 *     (docs/DATA-RIGHTS.md: {@code region_not_allowed})
 */
public record DecisionRequest(Purpose purpose, String content, Instant at,
    Optional<String> region) {
  /** Validates the fields. */
  public DecisionRequest {
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(region, "region");
  }

  /** A request that names no region. */
  public DecisionRequest(Purpose purpose, String content, Instant at) {
    this(purpose, content, at, Optional.empty());
  }
}
