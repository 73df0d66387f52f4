package org.covenant.safety;

import java.util.Locale;

/** Where a held invite stands in review. */
public enum ReviewStatus {
  /** Flagged by the scanner and not delivered; waits for a reviewer. */
  HELD,
  /** A reviewer found it legitimate: deliver it; it may teach the model what ham looks like. */
  RELEASED,
  /** A reviewer confirmed it as spam or fraud: it stays blocked. */
  CONFIRMED;

  /** The wire name: {@code held}, {@code released} or {@code confirmed}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
