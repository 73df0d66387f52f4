package org.covenant.telemetry;

/**
 * The public partitions: region × day-of-week × hour-of-day in UTC, cell
 * {@code region·168 + dow·24 + hour} with Monday 00:00 UTC as hour 0. UTC because load on a data
 * centre is simultaneous load; the regions' own time zones are what make the peaks differ.
 */
public final class CellGrid {
  /** Hours in a week. */
  public static final int HOURS = 168;
  /** Seconds in a week. */
  public static final int WEEK = 604_800;
  /** 1970-01-05T00:00Z, the first Monday of the epoch. */
  static final long FIRST_MONDAY = 345_600;

  private CellGrid() {}

  /** Number of cells for {@code regions} regions. */
  public static int cells(int regions) {
    return regions * HOURS;
  }

  /** Hour of the week (Monday 00:00 UTC = 0) of an epoch second. */
  public static int hourOfWeek(long epochSecond) {
    return (int) (Math.floorMod(epochSecond - FIRST_MONDAY, (long) WEEK) / 3600);
  }

  /**
   * The offset to add to a timestamp (seconds from {@code baseEpochSecond}) before
   * {@code (at + offset) % WEEK / 3600} gives its hour of the week.
   */
  public static int offset(long baseEpochSecond) {
    return (int) Math.floorMod(baseEpochSecond - FIRST_MONDAY, (long) WEEK);
  }

  /** Short label of an hour of the week, {@code Mon 09}. */
  public static String label(int hourOfWeek) {
    String[] days = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    return days[hourOfWeek / 24] + String.format(" %02d", hourOfWeek % 24);
  }
}
