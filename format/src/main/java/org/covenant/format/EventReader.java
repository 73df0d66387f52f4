package org.covenant.format;

import static org.covenant.format.EventFields.AT;
import static org.covenant.format.EventFields.CONTRIBUTORS;
import static org.covenant.format.EventFields.FEATURES;
import static org.covenant.format.EventFields.FIELDS;
import static org.covenant.format.EventFields.LOCKED;
import static org.covenant.format.EventFields.ON;
import static org.covenant.format.EventFields.VALUE;
import static org.covenant.format.EventFields.build;
import static org.covenant.format.EventFields.id;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.covenant.core.event.Event;

/**
 * The reading half of {@link EventJson}: a stored event's JSON to its record, by the fastest
 * path that applies: {@link EventScanner} over ASCII bytes, else a streaming Jackson reader that
 * builds the record from the tokens (no tree), else the general path
 * ({@link EventCodec#parse} over {@link Json#parse}), which also names what is wrong.
 *
 * <p>Separate from {@link EventWriter} because reading and writing share only the field names;
 * the rules of which fields make which event are in {@link EventFields}.
 */
final class EventReader {
  /**
   * Jackson's factory without duplicate detection (a field seen twice sends the body to the
   * general path, which detects it) and with a shared buffer pool rather than one per thread
   * (the per-thread look-up showed in replay profiles).
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.newConcurrentDequePool())
      .build();

  private EventReader() {}

  /**
   * Reads one stored event's JSON, as {@code EventCodec.parse(Json.parse(json), Set.of())} does
   * (same event, same {@link FormatException} for bad input), without a tree for the common shape.
   */
  static Event read(String json) {
    Event e;
    try (JsonParser p = FACTORY.createParser(json)) {
      e = fast(p);
    } catch (IOException | RuntimeException ignored) {
      // Malformed or unusual: the general path reads it, or names what is wrong.
      e = null;
    }
    return e != null ? e : EventCodec.parse(Json.parse(json), Set.of());
  }

  /**
   * As {@link #read(String)} of {@code new String(utf8, UTF_8)}: a row read as bytes, with no
   * string of the whole body made when it is ASCII (any other byte goes through the string, so
   * malformed UTF-8 reads exactly as the string decoder reads it).
   */
  static Event read(byte[] utf8) {
    // The scanner first: it accepts ASCII bodies only (every byte it passes is matched against
    // ASCII), so the pass that looks for a non-ASCII byte is needed only when it declines
    // (issue 15: that pass was an eighth of a replay's decoding).
    Event e;
    try {
      e = EventScanner.scan(utf8);
    } catch (RuntimeException ignored) {
      e = null;
    }
    if (e != null) {
      return e;
    }
    for (byte b : utf8) {
      if (b < 0) {
        return read(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    try (JsonParser p = FACTORY.createParser(utf8)) {
      e = fast(p);
    } catch (IOException | RuntimeException ignored) {
      e = null;
    }
    return e != null ? e : EventCodec.parse(
        Json.parse(new String(utf8, java.nio.charset.StandardCharsets.US_ASCII)), Set.of());
  }

  /**
   * As {@link #read(byte[])} of the bytes {@code from} (inclusive) to {@code to} (exclusive) of
   * {@code b}: the scanner reads them in place; a body it declines is copied out and read as
   * {@link #read(byte[])} reads it, so results and errors are the same.
   */
  static Event read(byte[] b, int from, int to) {
    Event e;
    try {
      e = EventScanner.scan(b, from, to);
    } catch (RuntimeException ignored) {
      e = null;
    }
    return e != null ? e : read(java.util.Arrays.copyOfRange(b, from, to));
  }

  /** The event, or null when the text is anything but the common, valid shape. */
  private static Event fast(JsonParser p) throws IOException {
    String[] s = new String[FIELDS];
    List<String> features = null;
    List<String> contributors = null;
    List<String> codes = null;
    int present = 0;
    int bools = 0; // bit set: value of a boolean field
    long number = 0;
    int valueKind = 0; // 1 boolean, 2 whole number, 3 list
    {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (true) {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_OBJECT) {
          break;
        }
        if (t != JsonToken.FIELD_NAME) {
          return null;
        }
        int f = id(p.currentName());
        if (f < 0 || (present & (1 << f)) != 0) {
          return null;
        }
        present |= 1 << f;
        JsonToken v = p.nextToken();
        switch (f) {
          case LOCKED, ON -> {
            if (v == JsonToken.VALUE_TRUE) {
              bools |= 1 << f;
            } else if (v != JsonToken.VALUE_FALSE) {
              return null;
            }
          }
          case VALUE -> {
            if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
              valueKind = 1;
              if (v == JsonToken.VALUE_TRUE) {
                bools |= 1 << f;
              }
            } else if (v == JsonToken.VALUE_NUMBER_INT
                && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
              valueKind = 2;
              number = p.getLongValue();
            } else if (v == JsonToken.START_ARRAY) {
              valueKind = 3;
              codes = strings(p);
              if (codes == null) {
                return null;
              }
            } else {
              return null;
            }
          }
          case FEATURES, CONTRIBUTORS -> {
            if (v != JsonToken.START_ARRAY) {
              return null;
            }
            List<String> list = strings(p);
            if (list == null) {
              return null;
            }
            if (f == FEATURES) {
              features = list;
            } else {
              contributors = list;
            }
          }
          default -> {
            if (v != JsonToken.VALUE_STRING) {
              return null;
            }
            String text = p.getText();
            if (text.isEmpty()) {
              return null;
            }
            // The ids are hash keys of the projection: hash them here, where a replay decodes
            // (on its decoder threads), not on the thread that applies (String caches it).
            text.hashCode();
            s[f] = text;
          }
        }
      }
      if (p.nextToken() != null) {
        return null;
      }
    }
    return build(s, s[AT] == null ? null : InstantText.parse(s[AT]), features, contributors,
        codes, present, bools, number, valueKind);
  }

  /** The rest of an array of non-empty strings, or null. */
  private static List<String> strings(JsonParser p) throws IOException {
    List<String> out = new ArrayList<>();
    while (true) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.END_ARRAY) {
        return out;
      }
      if (t != JsonToken.VALUE_STRING) {
        return null;
      }
      String text = p.getText();
      if (text.isEmpty()) {
        return null;
      }
      text.hashCode();
      out.add(text);
    }
  }
}
