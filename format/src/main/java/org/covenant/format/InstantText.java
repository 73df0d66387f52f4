package org.covenant.format;

import java.time.DateTimeException;
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
    if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
        || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59) {
      return null;
    }
    int nano = 0;
    if (n > 20) {
      int fraction = n - 21;
      if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return null;
      }
      int f = digits(s, 20, fraction);
      if (f < 0) {
        return null;
      }
      nano = f;
      for (int i = fraction; i < 9; i++) {
        nano *= 10;
      }
    }
    long days;
    try {
      days = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    Instant at = Instant.ofEpochSecond(days * 86_400L + hour * 3600L + minute * 60L + second,
        nano);
    return TimeKey.supported(at) ? at : null;
  }

  /** The decimal number of n ASCII digits at from, or -1. */
  private static int digits(String s, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

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
