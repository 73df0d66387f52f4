package org.covenant.training;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * RFC 8785 (JCS) canonical JSON for the flat records a build logs: an object of string and
 * integer members, keys sorted, no whitespace, strings escaped as ECMAScript's
 * {@code JSON.stringify} does. Enough for log leaves; not a general serializer.
 */
final class CanonicalJson {
  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of an object whose values are strings or longs/ints. */
  static byte[] of(Map<String, ?> members) {
    StringBuilder sb = new StringBuilder(256).append('{');
    boolean first = true;
    // Keys here are ASCII, for which UTF-16 code-unit order (RFC 8785 §3.2.3) is String order.
    for (Map.Entry<String, ?> e : new TreeMap<>(members).entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      string(sb, e.getKey());
      sb.append(':');
      Object v = e.getValue();
      if (v instanceof String s) {
        string(sb, s);
      } else if (v instanceof Long || v instanceof Integer) {
        long l = ((Number) v).longValue();
        if (Math.abs(l) > (1L << 53)) {
          throw new IllegalArgumentException("`" + e.getKey() + "` exceeds I-JSON's integers");
        }
        sb.append(l);
      } else {
        throw new IllegalArgumentException("`" + e.getKey() + "` is neither string nor integer");
      }
    }
    return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
