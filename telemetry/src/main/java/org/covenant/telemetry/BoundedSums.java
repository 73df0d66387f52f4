package org.covenant.telemetry;

import java.util.Objects;

/**
 * The exact, contribution-bounded aggregate of one metric over region × hour-of-week cells: what the
 * noise is added to. Never published as is.
 *
 * @param metric the metric id
 * @param regions number of regions (cells = regions × 168)
 * @param bounded per cell: the sum of every account's bounded contribution
 * @param raw per cell: the unbounded sum (to report the bias that bounding costs)
 * @param accounts per cell: distinct accounts whose contribution was kept
 * @param accountsSeen distinct accounts in the input
 * @param accountsTruncated accounts active in more cells than {@code maxCells}
 * @param cellsClamped (account, cell) pairs whose sum exceeded {@code maxPerCell}
 */
public record BoundedSums(
    String metric, int regions, long[] bounded, long[] raw, int[] accounts, long accountsSeen,
    long accountsTruncated, long cellsClamped) {
  public BoundedSums {
    Objects.requireNonNull(metric, "metric");
    int cells = CellGrid.cells(regions);
    if (bounded.length != cells || raw.length != cells || accounts.length != cells) {
      throw new IllegalArgumentException("arrays must have " + cells + " cells");
    }
  }

  /** Sum of all bounded cells. */
  public long boundedTotal() {
    long s = 0;
    for (long v : bounded) {
      s += v;
    }
    return s;
  }

  /** Sum of all raw cells. */
  public long rawTotal() {
    long s = 0;
    for (long v : raw) {
      s += v;
    }
    return s;
  }
}
