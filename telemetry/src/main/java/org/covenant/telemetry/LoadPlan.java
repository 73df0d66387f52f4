package org.covenant.telemetry;

import java.util.List;
import java.util.Objects;

/**
 * Capacity per region and UTC hour of day, and a rebalancing proposal (ISSUE 8, load plan). Loads are
 * concurrent participants (participant-minutes per hour / 60), on the busiest day of the week for
 * each hour, from a differentially private release.
 *
 * @param regions region ids
 * @param headroom capacity = ⌈load·(1 + headroom)⌉
 * @param latencyBoundMs shifts only go over links at most this slow
 * @param maxShare at most this share of a region's load in an hour may move
 * @param load before rebalancing, [region][hour]
 * @param after after the proposed shifts, [region][hour]
 * @param capacity with headroom, before, [region][hour]
 * @param capacityAfter with headroom, after, [region][hour]
 * @param shifts the proposal
 */
public record LoadPlan(
    List<String> regions, double headroom, int latencyBoundMs, double maxShare, double[][] load,
    double[][] after, long[][] capacity, long[][] capacityAfter, List<Shift> shifts) {
  public LoadPlan {
    regions = List.copyOf(regions);
    shifts = List.copyOf(shifts);
    Objects.requireNonNull(load, "load");
    Objects.requireNonNull(after, "after");
  }

  /**
   * Move {@code share} of {@code from}'s load at UTC {@code hour} to {@code to}.
   *
   * @param amount concurrent participants moved
   */
  public record Shift(int hour, String from, String to, int latencyMs, double share, double amount) {
    public Shift {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /** Peak load of region {@code r} before rebalancing. */
  public double peakBefore(int r) {
    return max(load[r]);
  }

  /** Peak load of region {@code r} after rebalancing. */
  public double peakAfter(int r) {
    return max(after[r]);
  }

  /** Sum of regional peaks (the capacity to provision) before. */
  public double totalPeakBefore() {
    double s = 0;
    for (int r = 0; r < regions.size(); r++) {
      s += peakBefore(r);
    }
    return s;
  }

  /** Sum of regional peaks after. */
  public double totalPeakAfter() {
    double s = 0;
    for (int r = 0; r < regions.size(); r++) {
      s += peakAfter(r);
    }
    return s;
  }

  /** Expected reduction of provisioned peak capacity, as a fraction of the total before. */
  public double peakReduction() {
    double before = totalPeakBefore();
    return before <= 0 ? 0 : (before - totalPeakAfter()) / before;
  }

  private static double max(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }
}
