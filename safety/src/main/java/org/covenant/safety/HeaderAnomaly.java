package org.covenant.safety;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  private static final Pattern DATE = Pattern.compile(
      "(\\d{1,2})\\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\s+(\\d{2,4})\\s+"
          + "(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*([+-]\\d{4}|[a-z]{1,5})?",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern HELO = Pattern.compile("^\\s*from\\s+([^\\s(;]+)",
      Pattern.CASE_INSENSITIVE);
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
      Matcher m = HELO.matcher(r);
      if (m.find() && !plausibleHelo(m.group(1))) {
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

  /** Seconds since the epoch of an RFC 5322-ish date, or null when it is not one. */
  static Long epochSeconds(String text) {
    Matcher m = DATE.matcher(text);
    if (!m.find()) {
      return null;
    }
    try {
      int day = Integer.parseInt(m.group(1));
      int month = MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
      int year = Integer.parseInt(m.group(3));
      if (year < 100) {
        year += year < 50 ? 2000 : 1900;
      }
      int hour = Integer.parseInt(m.group(4));
      int minute = Integer.parseInt(m.group(5));
      int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
      int offset = 0;
      String zone = m.group(7);
      if (zone != null) {
        if (zone.charAt(0) == '+' || zone.charAt(0) == '-') {
          offset = Integer.parseInt(zone.substring(1));
          offset = (zone.charAt(0) == '-' ? -1 : 1) * offset;
        } else {
          offset = ZONES.getOrDefault(zone.toLowerCase(Locale.ROOT), 0);
        }
      }
      int offsetSeconds = (offset / 100) * 3600 + (offset % 100) * 60;
      if (Math.abs(offsetSeconds) > 18 * 3600) {
        return null;
      }
      LocalDateTime t = LocalDateTime.of(year, month, day, hour, minute, Math.min(second, 59));
      return t.toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds));
    } catch (RuntimeException e) {
      // DateTimeException for 31 February and friends: not a date
      return null;
    }
  }
}
