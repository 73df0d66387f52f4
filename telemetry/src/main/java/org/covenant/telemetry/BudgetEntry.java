package org.covenant.telemetry;

import java.util.List;
import java.util.Objects;

/**
 * One line of the privacy budget ledger: what one release spent, on what, with which mechanism
 * (ISSUE 8). Written as a JSON line by {@link PrivacyLedger} and handed to the
 * {@link ReleaseRecorder} (a transparency-log leaf, ARCHITECTURE.md §7).
 *
 * @param release release id
 * @param at RFC 3339 instant of the release
 * @param dataset what was released (a digest of the input)
 * @param mechanism {@code laplace} or {@code gaussian}
 * @param epsilon total ε (decimal)
 * @param delta total δ
 * @param rho total ρ (zCDP) for Gaussian, 0 for Laplace
 * @param minGroup the suppression threshold
 * @param seeded true when the noise came from a seeded, non-cryptographic generator
 * @param queries the queries, each with its share and noise scale
 * @param spentEpsilon ε spent on {@code dataset} by the ledger's releases including this one
 */
public record BudgetEntry(
    String release, String at, String dataset, String mechanism, String epsilon, double delta,
    double rho, int minGroup, boolean seeded, List<QueryCharge> queries, String spentEpsilon) {
  public BudgetEntry {
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(mechanism, "mechanism");
    Objects.requireNonNull(epsilon, "epsilon");
    queries = List.copyOf(queries);
    Objects.requireNonNull(spentEpsilon, "spentEpsilon");
  }

  /**
   * One query of a release.
   *
   * @param metric metric id
   * @param kind {@code sum} or {@code count}
   * @param epsilon ε share (Laplace) or ε-equivalent (Gaussian), decimal
   * @param sensitivity L1 (Laplace) or L2 (Gaussian) sensitivity
   * @param scale Laplace scale b, or Gaussian σ
   * @param maxCells the contribution bound on cells
   * @param maxPerCell the contribution bound per cell (1 for counts)
   */
  public record QueryCharge(
      String metric, String kind, String epsilon, double sensitivity, double scale, int maxCells,
      long maxPerCell) {
    public QueryCharge {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(epsilon, "epsilon");
    }
  }

  /** This entry with the cumulative spend filled in. */
  BudgetEntry withSpent(String spent) {
    return new BudgetEntry(release, at, dataset, mechanism, epsilon, delta, rho, minGroup, seeded,
        queries, spent);
  }
}
