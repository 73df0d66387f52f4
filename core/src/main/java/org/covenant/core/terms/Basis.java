package org.covenant.core.terms;

import java.util.Locale;
import java.util.Optional;

/**
 * The ground a permit rests on (ARCHITECTURE.md §5). Declared in the order an allow picks its
 * basis: the first present among the holding permits in the order consent, license, legal,
 * ownership.
 */
public enum Basis {
  CONSENT,
  LICENSE,
  LEGAL,
  OWNERSHIP;

  /** The lowercase id used in files and answers. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The basis with this id, if any. */
  public static Optional<Basis> of(String id) {
    for (Basis b : values()) {
      if (b.id().equals(id)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }
}
