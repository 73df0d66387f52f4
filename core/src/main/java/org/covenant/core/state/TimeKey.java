package org.covenant.core.state;

import java.time.Instant;

/**
 * Instants as one long (nanoseconds since the epoch) so that history look-ups compare primitives.
 * Covers the years 1678 to 2262, far wider than any ledger.
 */
public final class TimeKey {
  /** Later than every instant; "now, with everything the ledger holds". */
  public static final long END = Long.MAX_VALUE;
  /** The earliest instant Covenant accepts anywhere (events, queries): 1900-01-01T00:00:00Z. */
  public static final Instant MIN_SUPPORTED = Instant.parse("1900-01-01T00:00:00Z");
  /** The first instant past the supported range: 2262-01-01T00:00:00Z (keys end in 2262). */
  public static final Instant END_SUPPORTED = Instant.parse("2262-01-01T00:00:00Z");
  /**
   * How far a client's or the operator's {@code at} may lie ahead of the server's clock (and, for
   * accounts and services, behind it): 5 seconds (docs/DECISIONS.md, "Time").
   */
  public static final java.time.Duration MAX_SKEW = java.time.Duration.ofSeconds(5);

  private TimeKey() {}

  /** True when {@code at} lies in [{@link #MIN_SUPPORTED}, {@link #END_SUPPORTED}). */
  public static boolean supported(Instant at) {
    return !at.isBefore(MIN_SUPPORTED) && at.isBefore(END_SUPPORTED);
  }

  /** The key of an instant. */
  public static long of(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
  }

  /** The instant of a key. */
  public static Instant toInstant(long key) {
    return Instant.ofEpochSecond(Math.floorDiv(key, 1_000_000_000L), Math.floorMod(key, 1_000_000_000L));
  }
}
