package org.covenant.core.vocab;

import java.util.Locale;
import java.util.Optional;

/** An account-level consent (ARCHITECTURE.md §2), given or withdrawn by the owner or an admin. */
public enum ConsentType {
  AI_TRAINING,
  PRODUCT_IMPROVEMENT;

  /** The stable id used in events, terms and answers. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The consent with this id, if any. */
  public static Optional<ConsentType> of(String id) {
    for (ConsentType c : values()) {
      if (c.id().equals(id)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
