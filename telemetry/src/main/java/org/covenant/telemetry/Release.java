package org.covenant.telemetry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A differentially private release: per metric, noisy sums and noisy distinct-account counts per
 * region × hour-of-week cell, with cells below {@code min_group} suppressed. Noisy values are the
 * unbiased mechanism outputs (they may be negative); consumers clamp for display.
 *
 * @param regions the public region ids (cell = region·168 + hour of week)
 * @param params the parameters used
 * @param metrics one release per metric
 * @param entry the budget ledger entry of this release
 */
public record Release(
    List<String> regions, PrivacyParams params, List<MetricRelease> metrics, BudgetEntry entry) {
  public Release {
    regions = List.copyOf(regions);
    Objects.requireNonNull(params, "params");
    metrics = List.copyOf(metrics);
    Objects.requireNonNull(entry, "entry");
  }

  /** The release of metric {@code id}. */
  public Optional<MetricRelease> metric(String id) {
    return metrics.stream().filter(m -> m.metric().equals(id)).findFirst();
  }

  /**
   * One metric's noisy cells.
   *
   * @param metric metric id
   * @param sum noisy bounded sum per cell
   * @param count noisy distinct-account count per cell
   * @param suppressed cells whose noisy count is below min_group (sum and count not to be shown)
   * @param sumStddev standard deviation of the noise added to each sum
   * @param countStddev standard deviation of the noise added to each count
   */
  public record MetricRelease(
      String metric, long[] sum, long[] count, boolean[] suppressed, double sumStddev,
      double countStddev) {
    public MetricRelease {
      Objects.requireNonNull(metric, "metric");
      if (sum.length != count.length || sum.length != suppressed.length) {
        throw new IllegalArgumentException("cell arrays differ in length");
      }
    }

    /** Cells published (not suppressed). */
    public int published() {
      int k = 0;
      for (boolean s : suppressed) {
        if (!s) {
          k++;
        }
      }
      return k;
    }
  }
}
