package org.covenant.safety;

import java.util.Objects;

/**
 * One feature's pull on a score: positive toward spam, negative toward clean.
 *
 * @param feature the readable feature name, e.g. {@code subject:free}, {@code link:x.example},
 *     {@code anomaly:from_reply_to_mismatch}
 * @param weight the feature's additive contribution to the log-odds of spam
 */
public record Contribution(String feature, double weight) {
  /** Requires a name and a finite weight. */
  public Contribution {
    Objects.requireNonNull(feature, "feature");
    if (!Double.isFinite(weight)) {
      throw new IllegalArgumentException("weight is not finite: " + weight);
    }
  }
}
