package org.covenant.telemetry;

import java.util.Locale;
import java.util.Optional;

/** The noise of a release: pure ε-DP discrete Laplace, or (ε, δ)-DP discrete Gaussian (via ρ-zCDP). */
public enum Mechanism {
  LAPLACE,
  GAUSSIAN;

  /** Lowercase id. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mechanism named {@code id}. */
  public static Optional<Mechanism> of(String id) {
    for (Mechanism m : values()) {
      if (m.id().equals(id)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
