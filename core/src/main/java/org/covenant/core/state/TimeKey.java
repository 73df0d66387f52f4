package org.covenant.core.state;

import java.time.Instant;

/**
 * Instants as one long (nanoseconds since the epoch) so that history look-ups compare primitives.
 * Covers the years 1678 to 2262, far wider than any ledger.
 */
public final class TimeKey {
  /** Later than every instant; "now, with everything the ledger holds". */
  public static final long END = Long.MAX_VALUE;

  private TimeKey() {}

  /** The key of an instant. */
  public static long of(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
  }

  /** The instant of a key. */
  public static Instant toInstant(long key) {
    return Instant.ofEpochSecond(Math.floorDiv(key, 1_000_000_000L), Math.floorMod(key, 1_000_000_000L));
  }
}
