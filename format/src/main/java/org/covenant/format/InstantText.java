package org.covenant.format;

import java.time.Instant;
import java.time.LocalDate;
import org.covenant.core.state.TimeKey;

/**
 * An event's {@code at} as text, both ways, without {@code java.time}'s formatters for the
 * common shape (a formatter showed in {@code ledger import} and replay profiles, issue 15):
 * {@link #parse} reads {@code uuuu-MM-ddTHH:mm:ss[.f]Z} as {@link Json#instant} does (null for
 * anything else, which the caller reads the general way), {@link #append} writes exactly
 * {@link Instant#toString()}.
 *
 * <p>Separate because it knows nothing of events and has four users: the readers (through
 * {@link EventFields#build}), {@link EventWriter}, {@link Json#instant} (every RFC 3339 field)
 * and the stores (through {@link EventJson#text}).
 */
final class InstantText {
  private InstantText() {}

  /**
   * {@code uuuu-MM-ddTHH:mm:ss[.f{1,9}]Z} in the supported range, as {@link Json#instant} reads
   * it; null for anything else (another offset, no seconds, lower case, a leap second...).
   */
  static Instant parse(String s) {
    int n = s.length();
    // Any char beyond ASCII becomes a byte (or '?') that is no digit and no separator, so the
    // bytes read as the string would: null.
    return n < 20 || n > 30 ? null
        : parse(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, n);
  }

  /**
   * As {@link #parse(String)} of the ASCII bytes b[from, to): a stored body's {@code at} read in
   * place, with no string made (and hashed) of it (issue 15: a replay reads one per event).
   */
  static Instant parse(byte[] b, int from, int to) {
    int n = to - from;
    if (n < 20 || b[to - 1] != 'Z' || b[from + 4] != '-' || b[from + 7] != '-'
        || b[from + 10] != 'T' || b[from + 13] != ':' || b[from + 16] != ':') {
      return null;
    }
    int year = digits(b, from, 4);
    int month = digits(b, from + 5, 2);
    int day = digits(b, from + 8, 2);
    int hour = digits(b, from + 11, 2);
    int minute = digits(b, from + 14, 2);
    int second = digits(b, from + 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59) {
      return null;
    }
    int nano = 0;
    if (n > 20) {
      int fraction = n - 21;
      if (b[from + 19] != '.' || fraction < 1 || fraction > 9) {
        return null;
      }
      int f = digits(b, from + 20, fraction);
      if (f < 0) {
        return null;
      }
      nano = f;
      for (int i = fraction; i < 9; i++) {
        nano *= 10;
      }
    }
    long days = epochDay(year, month, day);
    if (days == NO_DAY) {
      return null;
    }
    Instant at = Instant.ofEpochSecond(days * 86_400L + hour * 3600L + minute * 60L + second,
        nano);
    return TimeKey.supported(at) ? at : null;
  }

  /** The decimal number of n ASCII digits at from, or -1. */
  private static int digits(byte[] b, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      int c = b[i];
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** What {@link #epochDay} answers for a date that does not exist. */
  static final long NO_DAY = Long.MIN_VALUE;

  /**
   * {@code LocalDate.of(year, month, day).toEpochDay()} for a year of 0 to 9999, or
   * {@link #NO_DAY} where {@code LocalDate.of} throws (month or day out of range, February 29th
   * of a common year): the same arithmetic, without the object and its checks (issue 15).
   */
  static long epochDay(int year, int month, int day) {
    if (year < 0 || year > 9999 || month < 1 || month > 12 || day < 1) {
      return NO_DAY;
    }
    boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    int length = switch (month) {
      case 2 -> leap ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
    if (day > length) {
      return NO_DAY;
    }
    long total = 365L * year + (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400
        + (367 * month - 362) / 12 + day - 1;
    if (month > 2) {
      total -= leap ? 1 : 2;
    }
    return total - DAYS_0000_TO_1970;
  }

  /** Days from 0000-01-01 to 1970-01-01, as {@code LocalDate} counts them. */
  private static final long DAYS_0000_TO_1970 = 146_097L * 5 - (30L * 365 + 7);

  /** Exactly {@link Instant#toString()}, without a formatter for the years 1000 to 9999. */
  static String text(Instant at) {
    StringBuilder out = new StringBuilder(30);
    append(at, out);
    return out.toString();
  }

  /** {@link Instant#toString()}, written without a formatter for years 1000 to 9999. */
  static void append(Instant at, StringBuilder out) {
    long secs = at.getEpochSecond();
    long days = Math.floorDiv(secs, 86_400L);
    int secOfDay = (int) Math.floorMod(secs, 86_400L);
    LocalDate d = LocalDate.ofEpochDay(days);
    int year = d.getYear();
    if (year < 1000 || year > 9999) {
      out.append(at);
      return;
    }
    pad(out, year, 4).append('-');
    pad(out, d.getMonthValue(), 2).append('-');
    pad(out, d.getDayOfMonth(), 2).append('T');
    pad(out, secOfDay / 3600, 2).append(':');
    pad(out, secOfDay / 60 % 60, 2).append(':');
    pad(out, secOfDay % 60, 2);
    int nano = at.getNano();
    if (nano > 0) {
      out.append('.');
      if (nano % 1_000_000 == 0) {
        pad(out, nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        pad(out, nano / 1000, 6);
      } else {
        pad(out, nano, 9);
      }
    }
    out.append('Z');
  }

  private static StringBuilder pad(StringBuilder out, int v, int width) {
    for (int bound = 10, i = 1; i < width; i++, bound *= 10) {
      if (v < bound) {
        out.append('0');
      }
    }
    return out.append(v);
  }
}
