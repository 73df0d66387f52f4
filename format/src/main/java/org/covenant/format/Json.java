package org.covenant.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.state.TimeKey;

/**
 * The one Jackson mapper and the field readers every JSON codec uses, each failing with a
 * {@link FormatException} that names the field.
 */
public final class Json {
  /** Shared mapper: strict (duplicate keys are errors), JSON only. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private Json() {}

  /** Parses a JSON document; malformed JSON is a {@link FormatException} with line and column. */
  public static JsonNode parse(String text) {
    try {
      JsonNode n = MAPPER.readTree(text);
      if (n == null || n.isMissingNode()) {
        throw new FormatException("line 1, column 1", "", "empty document");
      }
      return n;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new FormatException(where, "", "malformed JSON: " + e.getOriginalMessage());
    }
  }

  /** A new empty object. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A new empty array. */
  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /** One line of compact JSON. */
  public static String line(JsonNode n) {
    try {
      return MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Indented JSON for humans. */
  public static String pretty(JsonNode n) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Requires an object. */
  public static ObjectNode obj(JsonNode n, String field) {
    if (!(n instanceof ObjectNode o)) {
      throw new FormatException(field, "expected an object");
    }
    return o;
  }

  /** Fails on any field outside {@code allowed}. */
  public static void onlyFields(ObjectNode o, Set<String> allowed) {
    Iterator<String> it = o.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new FormatException(f, "unknown field");
      }
    }
  }

  /** A required string field. */
  public static String str(ObjectNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      throw new FormatException(field, "missing");
    }
    if (!v.isTextual()) {
      throw new FormatException(field, "expected a string, got " + kind(v));
    }
    if (v.asText().isEmpty()) {
      throw new FormatException(field, "must not be empty");
    }
    return v.asText();
  }

  /** An optional string field. */
  public static Optional<String> optStr(ObjectNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    return Optional.of(str(o, field));
  }

  /** A required boolean field. */
  public static boolean bool(ObjectNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      throw new FormatException(field, "missing");
    }
    if (!v.isBoolean()) {
      throw new FormatException(field, "expected true or false, got " + kind(v));
    }
    return v.asBoolean();
  }

  /** An optional boolean field. */
  public static Optional<Boolean> optBool(ObjectNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(bool(o, field));
  }

  /** A list of strings; missing means empty when {@code required} is false. */
  public static List<String> strings(ObjectNode o, String field, boolean required) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new FormatException(field, "missing");
      }
      return List.of();
    }
    if (!v.isArray()) {
      throw new FormatException(field, "expected a list of strings, got " + kind(v));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      if (!item.isTextual() || item.asText().isEmpty()) {
        throw new FormatException(field + "[" + i + "]", "expected a non-empty string");
      }
      out.add(item.asText());
    }
    return out;
  }

  /** An RFC 3339 timestamp field. */
  public static Instant instant(ObjectNode o, String field) {
    String s = str(o, field);
    return instant(s, field);
  }

  /** Parses an RFC 3339 timestamp (with a zone: {@code Z} or an offset). */
  public static Instant instant(String s, String field) {
    // The common shape (uuuu-MM-ddTHH:mm:ss[.f]Z in range) by hand: the formatter was 8 % of a
    // `ledger import`'s reading thread. Anything else, errors included, goes the general way.
    Instant at = InstantText.parse(s);
    if (at != null) {
      return at;
    }
    try {
      at = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new FormatException(field, "`" + (s.length() > 64 ? s.substring(0, 64) + "…" : s)
          + "` is not an RFC 3339 timestamp such as 2024-03-01T09:00:00Z");
    }
    if (!TimeKey.supported(at)) {
      throw new FormatException(field, "`" + s + "` is outside the supported range ["
          + TimeKey.MIN_SUPPORTED + ", " + TimeKey.END_SUPPORTED + ")");
    }
    return at;
  }

  /** A readable name for the JSON type of a node. */
  public static String kind(JsonNode v) {
    if (v.isTextual()) {
      return "a string";
    }
    if (v.isNumber()) {
      return "a number";
    }
    if (v.isBoolean()) {
      return "a boolean";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isObject()) {
      return "an object";
    }
    return "null";
  }

  /** Parser feature used by streaming readers that must reject duplicate keys. */
  static JsonParser.Feature strictDuplicates() {
    return JsonParser.Feature.STRICT_DUPLICATE_DETECTION;
  }
}
