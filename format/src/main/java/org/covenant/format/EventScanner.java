package org.covenant.format;

import static org.covenant.format.EventFields.AT;
import static org.covenant.format.EventFields.CONTRIBUTORS;
import static org.covenant.format.EventFields.FEATURES;
import static org.covenant.format.EventFields.FIELDS;
import static org.covenant.format.EventFields.LOCKED;
import static org.covenant.format.EventFields.ON;
import static org.covenant.format.EventFields.TYPE;
import static org.covenant.format.EventFields.VALUE;
import static org.covenant.format.EventFields.build;
import static org.covenant.format.EventFields.name;

import java.util.ArrayList;
import java.util.List;
import org.covenant.core.event.Event;

/**
 * The fastest reader of a stored event: a byte scanner for an ASCII body in exactly the shape
 * {@link EventWriter#line} writes, with no parser and no string of the whole body (issue 15: a
 * replay decodes every stored event). It answers null for anything else, which
 * {@link EventReader} then reads with Jackson.
 *
 * <p>Separate from {@link EventReader} because it is a small hand-written JSON lexer whose
 * soundness (every body it accepts is JSON that Jackson reads to the same fields) is argued
 * and reviewed on its own.
 */
final class EventScanner {
  private EventScanner() {}

  /**
   * The string fields of the body being scanned, one array a thread, cleared before each body:
   * {@link EventFields#build} only reads it, so nothing keeps it, and a new array per event was
   * an eighth of what a replay's decoder allocated (issue 15).
   */
  private static final ThreadLocal<String[]> FIELD_TEXT =
      ThreadLocal.withInitial(() -> new String[FIELDS]);

  /**
   * The event of an ASCII body in exactly the shape {@link EventWriter#line} writes it, read
   * byte by byte: no whitespace, names and string values without escapes or control characters,
   * whole numbers of at most 18 digits without a leading zero, arrays of strings only. Null for
   * anything else, which {@link EventReader} (Jackson) then reads: every body accepted here is
   * JSON that Jackson reads to the same fields (issue 15: a replay decodes every stored event).
   */
  static Event scan(byte[] b) {
    return scan(b, 0, b.length);
  }

  /**
   * As {@link #scan(byte[])} of the bytes {@code first} (inclusive) to {@code n} (exclusive) of
   * {@code b}: one body of a page read as one blob ({@code EventRows}), read in place.
   */
  static Event scan(byte[] b, int first, int n) {
    // Longer bodies go to Jackson, whose limits (string length) the general path applies.
    if (first < 0 || n > b.length || n - first < 2 || n - first > 1 << 16 || b[first] != '{'
        || b[n - 1] != '}') {
      return null;
    }
    String[] s = FIELD_TEXT.get();
    java.util.Arrays.fill(s, null);
    List<String> features = null;
    List<String> contributors = null;
    List<String> codes = null;
    int present = 0;
    int bools = 0;
    long number = 0;
    int valueKind = 0;
    java.time.Instant at = null;
    int i = first + 1;
    if (b[i] == '}') {
      return null; // no type
    }
    while (true) {
      // "name":
      if (b[i] != '"') {
        return null;
      }
      int from = ++i;
      while (i < n && b[i] != '"') {
        i++;
      }
      if (i >= n - 1 || b[i + 1] != ':') {
        return null;
      }
      int f = name(b, from, i);
      if (f < 0 || (present & (1 << f)) != 0) {
        return null;
      }
      present |= 1 << f;
      i += 2;
      byte c = b[i];
      switch (f) {
        case LOCKED, ON -> {
          int end = literal(b, i, n);
          if (end < 0) {
            return null;
          }
          if (c == 't') {
            bools |= 1 << f;
          }
          i = end;
        }
        case VALUE -> {
          if (c == 't' || c == 'f') {
            int end = literal(b, i, n);
            if (end < 0) {
              return null;
            }
            valueKind = 1;
            if (c == 't') {
              bools |= 1 << f;
            }
            i = end;
          } else if (c == '[') {
            codes = new ArrayList<>();
            i = array(b, i, n, codes);
            if (i < 0) {
              return null;
            }
            valueKind = 3;
          } else {
            // -?(0|[1-9][0-9]{0,17}), then ',' or '}'
            int j = i;
            boolean negative = c == '-';
            if (negative) {
              j++;
            }
            int start = j;
            long v = 0;
            while (j < n && b[j] >= '0' && b[j] <= '9') {
              v = v * 10 + (b[j] - '0');
              j++;
            }
            int digits = j - start;
            if (digits == 0 || digits > 18 || (digits > 1 && b[start] == '0')) {
              return null;
            }
            number = negative ? -v : v;
            valueKind = 2;
            i = j;
          }
        }
        case FEATURES, CONTRIBUTORS -> {
          if (c != '[') {
            return null;
          }
          List<String> list = new ArrayList<>();
          i = array(b, i, n, list);
          if (i < 0) {
            return null;
          }
          if (f == FEATURES) {
            features = list;
          } else {
            contributors = list;
          }
        }
        default -> {
          int end = string(b, i, n);
          if (end < 0) {
            return null;
          }
          if (f == AT) {
            // Read in place: no string of it (a time the common shape does not cover sends the
            // body to Jackson, whose reader declines it too).
            at = InstantText.parse(b, i + 1, end - 1);
            if (at == null) {
              return null;
            }
          } else {
            String text = f == TYPE ? EventFields.typeName(b, i + 1, end - 1) : null;
            if (text == null) {
              text = new String(b, i + 1, end - i - 2,
                  java.nio.charset.StandardCharsets.ISO_8859_1);
              text.hashCode(); // as in EventReader.fast: hashed here, on the decoding thread
            }
            s[f] = text;
          }
          i = end;
        }
      }
      // i is just past the value
      if (i >= n) {
        return null;
      }
      if (b[i] == ',') {
        i++;
        if (i >= n) {
          return null;
        }
        continue;
      }
      if (b[i] == '}' && i == n - 1) {
        break;
      }
      return null;
    }
    return build(s, at, features, contributors, codes, present, bools, number, valueKind);
  }

  /**
   * Past a non-empty string starting with its quote at i (ending before n): printable ASCII without a quote or a
   * backslash inside; -1 for anything else.
   */
  private static int string(byte[] b, int i, int n) {
    if (i >= n || b[i] != '"') {
      return -1;
    }
    int j = i + 1;
    while (j < n) {
      byte c = b[j];
      if (c == '"') {
        return j == i + 1 ? -1 : j + 1;
      }
      if (c < 0x20 || c == '\\') {
        return -1;
      }
      j++;
    }
    return -1;
  }

  /** Past {@code true} or {@code false} at i (before n), or -1. */
  private static int literal(byte[] b, int i, int n) {
    if (i + 4 <= n && b[i] == 't' && b[i + 1] == 'r' && b[i + 2] == 'u' && b[i + 3] == 'e') {
      return i + 4;
    }
    if (i + 5 <= n && b[i] == 'f' && b[i + 1] == 'a' && b[i + 2] == 'l' && b[i + 3] == 's'
        && b[i + 4] == 'e') {
      return i + 5;
    }
    return -1;
  }

  /** Past an array of non-empty strings starting at i (its bracket, before n), adding them; or -1. */
  private static int array(byte[] b, int i, int n, List<String> out) {
    int j = i + 1;
    if (j < n && b[j] == ']') {
      return j + 1;
    }
    while (true) {
      int end = string(b, j, n);
      if (end < 0) {
        return -1;
      }
      String text = new String(b, j + 1, end - j - 2, java.nio.charset.StandardCharsets.ISO_8859_1);
      text.hashCode();
      out.add(text);
      if (end >= n) {
        return -1;
      }
      if (b[end] == ']') {
        return end + 1;
      }
      if (b[end] != ',') {
        return -1;
      }
      j = end + 1;
    }
  }
}
