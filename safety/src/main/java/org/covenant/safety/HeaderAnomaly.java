package org.covenant.safety;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Header anomalies the scanner reports and learns from; each has a stable lowercase snake
 * {@link #code()}. Only judged on messages that carry headers (an invite composed by the platform
 * with {@link Message#of} has none and shows no anomaly).
 */
public enum HeaderAnomaly {
  /** Reply-To names another registrable domain than From: answers go elsewhere. */
  FROM_REPLY_TO_MISMATCH("from_reply_to_mismatch"),
  /** Return-Path (the envelope sender) names another registrable domain than From. */
  FROM_RETURN_PATH_MISMATCH("from_return_path_mismatch"),
  /** No From header, or one without an address. */
  MISSING_FROM("missing_from"),
  /** No Message-ID header. */
  MISSING_MESSAGE_ID("missing_message_id"),
  /** No Date header. */
  MISSING_DATE("missing_date"),
  /** A Date header that is not an RFC 5322 date. */
  INVALID_DATE("invalid_date"),
  /** Date more than 24 hours away from the first (oldest) Received timestamp. */
  DATE_SKEW("date_skew"),
  /** A Received hop whose claimed sender name (HELO) is neither a dotted name nor an address. */
  RECEIVED_HELO_NOT_FQDN("received_helo_not_fqdn"),
  /** Read oldest to newest, a Received hop is stamped more than an hour before the previous one. */
  RECEIVED_TIME_REVERSED("received_time_reversed");

  private static final List<String> MONTHS =
      List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
  private static final Map<String, Integer> ZONES = Map.of("gmt", 0, "ut", 0, "utc", 0, "z", 0,
      "est", -500, "edt", -400, "cst", -600, "cdt", -500, "mst", -700, "mdt", -600);
  private static final Set<String> LOCAL_NAMES = Set.of("localhost", "localhost.localdomain");
  private static final long HOUR = 3600;

  private final String code;

  HeaderAnomaly(String code) {
    this.code = code;
  }

  /** The stable lowercase snake code, e.g. {@code from_reply_to_mismatch}. */
  public String code() {
    return code;
  }

  /** The anomalies of {@code message}, in declaration order; empty when it has no headers. */
  static Set<HeaderAnomaly> of(Message message) {
    Set<HeaderAnomaly> found = EnumSet.noneOf(HeaderAnomaly.class);
    if (message.headers().isEmpty()) {
      return found;
    }
    String fromDomain = Domains.registrable(Domains.domainOfAddress(message.sender()));
    if (message.sender().isEmpty() || fromDomain.isEmpty()) {
      found.add(MISSING_FROM);
    } else {
      message.header("Reply-To").ifPresent(v -> {
        String d = Domains.registrable(Domains.domainOfAddress(MessageParser.address(v)));
        if (!d.isEmpty() && !d.equals(fromDomain)) {
          found.add(FROM_REPLY_TO_MISMATCH);
        }
      });
      message.header("Return-Path").ifPresent(v -> {
        String d = Domains.registrable(Domains.domainOfAddress(MessageParser.address(v)));
        if (!d.isEmpty() && !d.equals(fromDomain)) {
          found.add(FROM_RETURN_PATH_MISMATCH);
        }
      });
    }
    if (message.header("Message-ID").isEmpty()) {
      found.add(MISSING_MESSAGE_ID);
    }
    Long date = null;
    var dateHeader = message.header("Date");
    if (dateHeader.isEmpty()) {
      found.add(MISSING_DATE);
    } else {
      date = epochSeconds(dateHeader.get());
      if (date == null) {
        found.add(INVALID_DATE);
      }
    }
    List<String> received = message.headers("Received");
    List<Long> stamps = new ArrayList<>();
    for (int k = received.size() - 1; k >= 0; k--) {
      String r = received.get(k);
      String helo = helo(r);
      if (!helo.isEmpty() && !plausibleHelo(helo)) {
        found.add(RECEIVED_HELO_NOT_FQDN);
      }
      int semi = r.lastIndexOf(';');
      Long t = semi < 0 ? null : epochSeconds(r.substring(semi + 1));
      if (t != null) {
        if (!stamps.isEmpty() && t < stamps.get(stamps.size() - 1) - HOUR) {
          found.add(RECEIVED_TIME_REVERSED);
        }
        stamps.add(t);
      }
    }
    if (date != null && !stamps.isEmpty() && Math.abs(stamps.get(0) - date) > 24 * HOUR) {
      found.add(DATE_SKEW);
    }
    return found;
  }

  private static boolean plausibleHelo(String helo) {
    String h = helo.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") || LOCAL_NAMES.contains(h)) {
      return true;
    }
    int dot = h.indexOf('.');
    return dot > 0 && dot < h.length() - 1;
  }

  /** The name after a Received header's leading {@code from}, or "". */
  private static String helo(String received) {
    int i = 0;
    int n = received.length();
    while (i < n && Character.isWhitespace(received.charAt(i))) {
      i++;
    }
    if (!received.regionMatches(true, i, "from", 0, 4) || i + 4 >= n
        || !Character.isWhitespace(received.charAt(i + 4))) {
      return "";
    }
    i += 4;
    while (i < n && Character.isWhitespace(received.charAt(i))) {
      i++;
    }
    int start = i;
    while (i < n && !Character.isWhitespace(received.charAt(i)) && received.charAt(i) != '('
        && received.charAt(i) != ';') {
      i++;
    }
    return received.substring(start, i);
  }

  /**
   * Seconds since the epoch of an RFC 5322-ish date ({@code [Day,] D Mon YYYY HH:MM[:SS] [ZONE]},
   * two-digit years and the obsolete zone names allowed), or null when it is not one. A hand
   * scanner, not a regular expression: it runs on every Received header of every scanned invite.
   */
  static Long epochSeconds(String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      // a day: 1 or 2 digits at a word start
      if (!isDigit(text, i) || (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1)))) {
        continue;
      }
      int p = i;
      int day = 0;
      while (p < n && p - i < 3 && isDigit(text, p)) {
        day = day * 10 + text.charAt(p++) - '0';
      }
      if (p - i > 2 || p >= n || text.charAt(p) != ' ') {
        continue;
      }
      p = skipSpaces(text, p);
      int month = month(text, p);
      if (month == 0) {
        continue;
      }
      p += 3;
      while (p < n && Character.isLetter(text.charAt(p))) {
        p++;
      }
      p = skipSpaces(text, p);
      int ys = p;
      int year = 0;
      while (p < n && isDigit(text, p) && p - ys < 5) {
        year = year * 10 + text.charAt(p++) - '0';
      }
      if (p - ys < 2 || p - ys > 4) {
        continue;
      }
      if (p - ys <= 2) {
        year += year < 50 ? 2000 : 1900;
      }
      p = skipSpaces(text, p);
      int[] hms = new int[3];
      int fields = 0;
      while (fields < 3) {
        int fs = p;
        int v = 0;
        while (p < n && isDigit(text, p) && p - fs < 3) {
          v = v * 10 + text.charAt(p++) - '0';
        }
        if (p == fs || p - fs > 2) {
          break;
        }
        hms[fields++] = v;
        if (p < n && text.charAt(p) == ':' && fields < 3) {
          p++;
        } else {
          break;
        }
      }
      if (fields < 2) {
        continue;
      }
      p = skipSpaces(text, p);
      int offset = zone(text, p);
      int offsetSeconds = (offset / 100) * 3600 + (offset % 100) * 60;
      if (Math.abs(offsetSeconds) > 18 * 3600) {
        return null;
      }
      try {
        LocalDateTime t = LocalDateTime.of(year, month, day, hms[0], hms[1],
            Math.min(hms[2], 59));
        return t.toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds));
      } catch (DateTimeException e) {
        // 31 February and friends: not a date
        return null;
      }
    }
    return null;
  }

  private static boolean isDigit(String s, int i) {
    char c = s.charAt(i);
    return c >= '0' && c <= '9';
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** 1..12 for a month name at {@code i} (case-insensitive), else 0. */
  private static int month(String s, int i) {
    if (i + 3 > s.length()) {
      return 0;
    }
    for (int m = 0; m < MONTHS.size(); m++) {
      if (s.regionMatches(true, i, MONTHS.get(m), 0, 3)) {
        return m + 1;
      }
    }
    return 0;
  }

  /** A zone as ±HHMM in decimal (e.g. -400 for EDT); 0 when absent or unknown. */
  private static int zone(String s, int i) {
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      int v = 0;
      int k = i + 1;
      while (k < n && k - i <= 4 && isDigit(s, k)) {
        v = v * 10 + s.charAt(k++) - '0';
      }
      return k - i == 5 ? (s.charAt(i) == '-' ? -v : v) : 0;
    }
    int k = i;
    while (k < n && Character.isLetter(s.charAt(k)) && k - i < 6) {
      k++;
    }
    if (k == i) {
      return 0;
    }
    return ZONES.getOrDefault(s.substring(i, k).toLowerCase(Locale.ROOT), 0);
  }
}
