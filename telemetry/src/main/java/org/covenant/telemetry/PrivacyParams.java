package org.covenant.telemetry;

import java.util.Objects;

/**
 * The privacy parameters of one release.
 *
 * @param mechanism Laplace (δ must be 0) or Gaussian (δ in (0, 1))
 * @param epsilon total ε of the release, split evenly over its queries (basic composition for
 *     Laplace; for Gaussian, ρ is derived from (ε, δ) and split evenly, zCDP composing additively)
 * @param delta total δ
 * @param minGroup the {@code aggregate_only} obligation's {@code min_group}: cells whose noisy count
 *     of distinct accounts is below it are suppressed (ARCHITECTURE.md §5, {@code default} terms)
 */
public record PrivacyParams(Mechanism mechanism, Rational epsilon, double delta, int minGroup) {
  /** The {@code aggregate_only} default. */
  public static final int DEFAULT_MIN_GROUP = 10;

  public PrivacyParams {
    Objects.requireNonNull(mechanism, "mechanism");
    Objects.requireNonNull(epsilon, "epsilon");
    if (epsilon.isZero()) {
      throw new IllegalArgumentException("epsilon must be positive");
    }
    if (mechanism == Mechanism.LAPLACE && delta != 0) {
      throw new IllegalArgumentException("laplace is pure dp: delta must be 0");
    }
    if (mechanism == Mechanism.GAUSSIAN && !(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("gaussian needs 0 < delta < 1");
    }
    if (minGroup < 0) {
      throw new IllegalArgumentException("minGroup must not be negative");
    }
  }

  /** Laplace with {@code epsilon} and the default min group. */
  public static PrivacyParams laplace(Rational epsilon) {
    return new PrivacyParams(Mechanism.LAPLACE, epsilon, 0, DEFAULT_MIN_GROUP);
  }

  /** This with another min group. */
  public PrivacyParams withMinGroup(int k) {
    return new PrivacyParams(mechanism, epsilon, delta, k);
  }

  /**
   * ρ such that ρ-zCDP implies (ε, δ)-DP: ε = ρ + 2√(ρ·ln(1/δ)) (Bun and Steinke 2016, Prop. 1.3),
   * solved for ρ. Only for Gaussian.
   */
  public double rho() {
    double l = Math.log(1 / delta);
    double e = epsilon.toDouble();
    double s = Math.sqrt(l + e) - Math.sqrt(l);
    return s * s;
  }
}
