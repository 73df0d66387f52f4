package org.covenant.telemetry;

import java.util.List;
import java.util.Objects;

/**
 * One aggregated quantity: the sum of an int field of one event type per region × hour-of-week cell.
 *
 * @param id stable id in summaries ({@code minutes})
 * @param type the event type summed
 * @param field the int field summed
 * @param unit human unit for charts
 * @param bounds the per-account contribution bounds applied before noise
 */
public record Metric(String id, String type, String field, String unit, ContributionBounds bounds) {
  public Metric {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(bounds, "bounds");
  }

  /** Meeting minutes (participant-minutes), the load measure of the plan. */
  public static final String MINUTES = "minutes";
  /** Meeting participants (peak per meeting, summed). */
  public static final String PARTICIPANTS = "participants";
  /** Client bandwidth (kbps, summed over session-hours). */
  public static final String BANDWIDTH = "bandwidth";

  /**
   * The platform's three load metrics with default bounds for one week of data: an account counts in
   * at most 60 of the region × 168 hour-of-week cells, and its sum in a cell is capped.
   */
  public static List<Metric> platform() {
    return List.of(
        new Metric(MINUTES, "meeting.minutes", "minutes", "participant-minutes",
            new ContributionBounds(60, 3_000)),
        new Metric(PARTICIPANTS, "meeting.participants", "participants", "participants",
            new ContributionBounds(60, 150)),
        new Metric(BANDWIDTH, "network.bandwidth", "kbps", "kbps",
            new ContributionBounds(60, 60_000)));
  }

  /** This metric with other bounds. */
  public Metric withBounds(ContributionBounds b) {
    return new Metric(id, type, field, unit, b);
  }
}
