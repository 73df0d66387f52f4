package org.covenant.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of a JSON value that leaves,
 * receipts and signatures are computed over (ARCHITECTURE.md §7). Object members are sorted by the
 * UTF-16 code units of their names, numbers are written as ECMAScript writes an IEEE 754 double
 * (shortest round-tripping digits, {@code 1e+21} style exponents), strings escape only {@code "},
 * {@code \} and control characters, and there is no whitespace; the result is UTF-8.
 *
 * <p>Input outside I-JSON (RFC 7493) fails with a {@link FormatException} naming the JSON pointer
 * of the value: NaN or an infinity, a string with a lone surrogate, or an integer beyond ±(2^53 −
 * 1), which a double cannot hold exactly (write such values as strings).
 */
public final class CanonicalJson {
  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of {@code value}. */
  public static byte[] canonicalize(JsonNode value) {
    return canonicalString(value).getBytes(StandardCharsets.UTF_8);
  }

  /** The canonical bytes of the JSON text {@code json} (malformed JSON is a FormatException). */
  public static byte[] canonicalize(String json) {
    return canonicalize(Json.parse(json));
  }

  /** The canonical form of {@code value} as a string (encode it as UTF-8 to sign or hash it). */
  public static String canonicalString(JsonNode value) {
    return canonicalString(value, java.util.Set.of());
  }

  /**
   * The canonical form of {@code value} without the members named in {@code omitted} when it is
   * an object (its own members only, not nested ones'): what {@link #canonicalString(JsonNode)}
   * gives for a copy with them removed, without the copy.
   */
  public static String canonicalString(JsonNode value, java.util.Set<String> omitted) {
    StringBuilder out = new StringBuilder();
    if (value.isObject()) {
      writeObject(value, "", omitted, out);
    } else {
      write(value, null, null, -1, out);
    }
    return out.toString();
  }

  /**
   * The JSON pointer of a value, made only when needed (for an error, or to hand to a container's
   * members): {@code parent} is the pointer of its container (null for the root), {@code key} its
   * member name (null in an array) and {@code index} its array index.
   */
  private static String pointer(String parent, String key, int index) {
    if (parent == null) {
      return "";
    }
    return parent + "/" + (key != null ? key.replace("~", "~0").replace("/", "~1")
        : Integer.toString(index));
  }

  private static void write(JsonNode node, String parent, String key, int index,
      StringBuilder out) {
    switch (node.getNodeType()) {
      case NULL -> out.append("null");
      case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
      case STRING -> string(node.textValue(), parent, key, index, out);
      case NUMBER -> out.append(number(node, parent, key, index));
      case ARRAY -> {
        String pointer = pointer(parent, key, index);
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(node.get(i), pointer, null, i, out);
        }
        out.append(']');
      }
      case OBJECT -> writeObject(node, pointer(parent, key, index), java.util.Set.of(), out);
      default ->
          throw new FormatException(
              pointer(parent, key, index), "",
              "JSON has no `" + node.getNodeType().name().toLowerCase() + "` value");
    }
  }

  private static void writeObject(JsonNode node, String pointer, java.util.Set<String> omitted,
      StringBuilder out) {
    List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
    // String.compareTo compares UTF-16 code units, exactly what RFC 8785 §3.2.3 asks.
    members.sort(Map.Entry.comparingByKey());
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, JsonNode> m : members) {
      if (omitted.contains(m.getKey())) {
        continue;
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      string(m.getKey(), pointer, m.getKey(), -1, out);
      out.append(':');
      write(m.getValue(), pointer, m.getKey(), -1, out);
    }
    out.append('}');
  }

  /** RFC 8785 §3.2.2.2: JSON.stringify's escaping; lone surrogates are not I-JSON. */
  private static void string(String s, String parent, String key, int index,
      StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            throw new FormatException(
                pointer(parent, key, index),
                "",
                "string holds a lone surrogate at index " + i + ", which is not I-JSON");
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static String number(JsonNode node, String parent, String key, int index) {
    if (node.isIntegralNumber()) {
      BigInteger v = node.bigIntegerValue();
      if (v.bitLength() > 53 || v.abs().longValueExact() > MAX_SAFE_INTEGER) {
        throw new FormatException(pointer(parent, key, index), "",
            "integer " + v + " exceeds 2^53 - 1, which a double cannot hold exactly");
      }
      return Long.toString(v.longValueExact());
    }
    double d = node.doubleValue();
    return number(d, Double.isFinite(d) ? "" : pointer(parent, key, index));
  }

  /**
   * ECMAScript Number::toString (ECMA-262 §6.1.6.1.20) of a finite double, as RFC 8785 §3.2.2.3
   * requires: the fewest significant digits that read back as the same double, the closest such
   * when several qualify (ties to even), and the ECMAScript choice of plain or exponent notation.
   */
  public static String number(double d) {
    return number(d, "");
  }

  private static String number(double d, String pointer) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new FormatException(pointer, "", "number " + d + " has no JSON form");
    }
    if (d == 0) {
      return "0"; // -0 too
    }
    String sign = d < 0 ? "-" : "";
    double x = Math.abs(d);
    if (x <= MAX_SAFE_INTEGER && x == Math.rint(x)) {
      return sign + (long) x;
    }
    BigDecimal shortest = shortest(x);
    String s = shortest.unscaledValue().toString();
    int k = s.length();
    int n = k - shortest.scale();
    StringBuilder out = new StringBuilder(sign);
    if (k <= n && n <= 21) {
      out.append(s).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(s, 0, n).append('.').append(s, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(s);
    } else {
      int e = n - 1;
      out.append(s.charAt(0));
      if (k > 1) {
        out.append('.').append(s, 1, k);
      }
      out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return out.toString();
  }

  /**
   * The shortest decimal that reads back as {@code x} (positive, finite), without trailing zeros.
   * For each precision the two decimals bracketing the exact value are the only candidates: if any
   * decimal of that precision reads back as {@code x}, one of them does, as the set of reals that
   * round to {@code x} is an interval around it. Having such a decimal is monotone in the precision
   * (p-digit decimals are (p+1)-digit decimals too), so the precision is found by bisection.
   */
  private static BigDecimal shortest(double x) {
    BigDecimal exact = new BigDecimal(x);
    int lo = 1;
    int hi = 17; // 17 significant digits always identify a double
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (closestReadingBack(exact, mid, x) != null) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    BigDecimal found = closestReadingBack(exact, lo, x);
    if (found == null) {
      throw new IllegalStateException("no 17-digit decimal reads back as " + x);
    }
    return found.stripTrailingZeros();
  }

  /** The p-digit decimal closest to {@code exact} (ties to even) that reads back as x, or null. */
  private static BigDecimal closestReadingBack(BigDecimal exact, int p, double x) {
    BigDecimal nearest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
    if (nearest.doubleValue() == x) {
      return nearest;
    }
    BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
    BigDecimal other =
        down.compareTo(nearest) == 0 ? exact.round(new MathContext(p, RoundingMode.CEILING)) : down;
    return other.doubleValue() == x ? other : null;
  }
}
