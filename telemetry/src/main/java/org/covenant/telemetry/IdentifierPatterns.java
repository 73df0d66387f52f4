package org.covenant.telemetry;

import java.util.regex.Pattern;

/** Recognises direct identifiers in string values: email addresses, IP addresses, phone numbers. */
final class IdentifierPatterns {
  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}");
  private static final Pattern IPV4 =
      Pattern.compile("(^|[^0-9.])(\\d{1,3}\\.){3}\\d{1,3}([^0-9.]|$)");
  private static final Pattern IPV6 =
      Pattern.compile("(^|[^0-9a-fA-F:])([0-9a-fA-F]{1,4}:){2,7}(:|[0-9a-fA-F]{1,4})");
  private static final Pattern PHONE =
      Pattern.compile("(^|[^0-9A-Za-z])\\+?\\d[\\d\\s().-]{6,}\\d([^0-9A-Za-z]|$)");

  private IdentifierPatterns() {}

  /** The kind of direct identifier found in {@code value} ({@code email}, {@code ip}, {@code phone}), or null. */
  static String detect(String value) {
    if (value.indexOf('@') >= 0 && EMAIL.matcher(value).find()) {
      return "email";
    }
    if (IPV4.matcher(value).find() || IPV6.matcher(value).find()) {
      return "ip";
    }
    if (PHONE.matcher(value).find()) {
      return "phone";
    }
    return null;
  }
}
