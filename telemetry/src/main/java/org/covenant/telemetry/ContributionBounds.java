package org.covenant.telemetry;

/**
 * How much one account (the privacy unit) may contribute to one metric: to at most
 * {@code maxCells} cells, at most {@code maxPerCell} in each. This fixes the sensitivities of the
 * released queries: a count changes by at most {@code maxCells} (L1) or √maxCells (L2); a sum by at
 * most {@code maxCells·maxPerCell} (L1) or √maxCells·maxPerCell (L2).
 */
public record ContributionBounds(int maxCells, long maxPerCell) {
  public ContributionBounds {
    if (maxCells < 1 || maxPerCell < 1) {
      throw new IllegalArgumentException("bounds must be positive");
    }
  }

  /** L1 sensitivity of the per-cell sums. */
  public long sumL1() {
    return Math.multiplyExact(maxCells, maxPerCell);
  }

  /** Squared L2 sensitivity of the per-cell sums (an integer, so σ² stays rational). */
  public java.math.BigInteger sumL2Squared() {
    return java.math.BigInteger.valueOf(maxPerCell).pow(2).multiply(java.math.BigInteger.valueOf(maxCells));
  }
}
