package org.covenant.telemetry;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a schema catalogue from YAML (or JSON, a subset). Structural errors are returned as an
 * {@link InputProblem} naming the file and the field path; whether the declared fields are
 * acceptable is the {@link SchemaReviewer}'s question, not the reader's.
 *
 * <pre>
 * catalogue: platform
 * pseudonym_pattern: "[a-z]{1,8}-[0-9a-f]{12,64}"
 * events:
 *   - type: meeting.minutes
 *     category: service_generated.usage     # a category of ARCHITECTURE.md §2
 *     classification: required              # required | optional
 *     description: participant-minutes of one meeting in one UTC hour
 *     fields:
 *       - {name: account, type: pseudonym, required: true}
 *       - {name: minutes, type: int, min: 1, max: 60000, required: true}
 *       - {name: device, type: enum, values: [desktop, mobile]}
 * </pre>
 */
public final class SchemaReader {
  /** The pseudonym pattern when a catalogue declares none. */
  public static final String DEFAULT_PSEUDONYM_PATTERN = "[a-z]{1,8}-[0-9a-f]{12,64}";

  private static final Set<String> CATEGORIES = Set.of(
      "service_generated.telemetry", "service_generated.diagnostics", "service_generated.usage",
      "aggregated.usage", "customer_content.audio", "customer_content.video",
      "customer_content.screen_share", "customer_content.chat", "customer_content.transcript",
      "customer_content.recording", "customer_content.whiteboard", "customer_content.poll",
      "customer_content.reaction", "customer_content.attachment", "customer_content.ai_summary",
      "customer_content.webinar_invite");
  private static final Set<String> TOP_KEYS = Set.of("catalogue", "pseudonym_pattern", "events");
  private static final Set<String> EVENT_KEYS =
      Set.of("type", "category", "classification", "description", "fields");
  private static final Set<String> FIELD_KEYS =
      Set.of("name", "type", "required", "min", "max", "values", "description");
  private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  private final ObjectMapper yaml = new YAMLMapper();

  private SchemaReader() {}

  /** A reader; it holds no state between reads. */
  public static SchemaReader create() {
    return new SchemaReader();
  }

  /** Reads the catalogue in {@code file}; a missing or unreadable file is invalid input. */
  public Loaded<SchemaCatalogue> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Loaded.invalid(file.toString(), "", "no such file");
    } catch (IOException e) {
      return Loaded.invalid(file.toString(), "", "cannot read: " + e.getMessage());
    }
    return read(file.toString(), bytes);
  }

  /** Reads a catalogue from {@code bytes}; {@code file} names it in problems. */
  public Loaded<SchemaCatalogue> read(String file, byte[] bytes) {
    JsonNode root;
    try {
      root = yaml.readTree(bytes);
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      return Loaded.invalid(file, "", "not yaml" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      return Loaded.invalid(file, "", "cannot read: " + e.getMessage());
    }
    try {
      return Loaded.ok(catalogue(root));
    } catch (Bad bad) {
      return Loaded.invalid(file, bad.field, bad.getMessage());
    }
  }

  private SchemaCatalogue catalogue(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new Bad("", "expected a mapping with `catalogue` and `events`");
    }
    unknownKeys(root, TOP_KEYS, "");
    String name = text(root, "catalogue", "catalogue", true).orElseThrow();
    String patternText = text(root, "pseudonym_pattern", "pseudonym_pattern", false)
        .orElse(DEFAULT_PSEUDONYM_PATTERN);
    Pattern pattern;
    try {
      pattern = Pattern.compile(patternText);
    } catch (PatternSyntaxException e) {
      throw new Bad("pseudonym_pattern", "not a regular expression: " + e.getDescription());
    }
    JsonNode events = root.get("events");
    if (events == null || !events.isArray()) {
      throw new Bad("events", "expected a list of event schemas");
    }
    List<EventSchema> schemas = new ArrayList<>();
    Set<String> types = new HashSet<>();
    for (int i = 0; i < events.size(); i++) {
      EventSchema s = event(events.get(i), "events[" + i + "]");
      if (!types.add(s.type())) {
        throw new Bad("events[" + i + "].type", "duplicate event type `" + s.type() + "`");
      }
      schemas.add(s);
    }
    return new SchemaCatalogue(name, pattern, schemas);
  }

  private EventSchema event(JsonNode node, String at) {
    if (!node.isObject()) {
      throw new Bad(at, "expected a mapping");
    }
    unknownKeys(node, EVENT_KEYS, at);
    String type = text(node, "type", at + ".type", true).orElseThrow();
    if (!TYPE_NAME.matcher(type).matches()) {
      throw new Bad(at + ".type", "`" + type + "` is not a dotted lowercase event type");
    }
    String category = text(node, "category", at + ".category", true).orElseThrow();
    if (!CATEGORIES.contains(category)) {
      throw new Bad(at + ".category", "unknown category `" + category + "`");
    }
    String cls = text(node, "classification", at + ".classification", true).orElseThrow();
    Classification classification = Classification.of(cls).orElseThrow(
        () -> new Bad(at + ".classification", "`" + cls + "` is not required or optional"));
    String description = text(node, "description", at + ".description", false).orElse("");
    JsonNode fieldsNode = node.get("fields");
    if (fieldsNode == null || !fieldsNode.isArray() || fieldsNode.isEmpty()) {
      throw new Bad(at + ".fields", "expected a non-empty list of fields");
    }
    List<FieldSpec> fields = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < fieldsNode.size(); i++) {
      String fat = at + ".fields[" + i + "]";
      FieldSpec f = field(fieldsNode.get(i), fat);
      if (!names.add(f.name())) {
        throw new Bad(fat + ".name", "duplicate field `" + f.name() + "`");
      }
      fields.add(f);
    }
    return new EventSchema(type, category, classification, description, fields);
  }

  private FieldSpec field(JsonNode node, String at) {
    if (!node.isObject()) {
      throw new Bad(at, "expected a mapping");
    }
    unknownKeys(node, FIELD_KEYS, at);
    String name = text(node, "name", at + ".name", true).orElseThrow();
    if (!FIELD_NAME.matcher(name).matches()) {
      throw new Bad(at + ".name", "`" + name + "` is not a field name");
    }
    String typeText = text(node, "type", at + ".type", true).orElseThrow();
    FieldType type = FieldType.of(typeText)
        .orElseThrow(() -> new Bad(at + ".type", "unknown field type `" + typeText + "`"));
    boolean required = false;
    JsonNode req = node.get("required");
    if (req != null) {
      if (!req.isBoolean()) {
        throw new Bad(at + ".required", "expected true or false");
      }
      required = req.booleanValue();
    }
    long min = bound(node, "min", at, type, Long.MIN_VALUE);
    long max = bound(node, "max", at, type, Long.MAX_VALUE);
    if (min > max) {
      throw new Bad(at + ".min", "min " + min + " is above max " + max);
    }
    List<String> values = new ArrayList<>();
    JsonNode vals = node.get("values");
    if (vals != null) {
      if (type != FieldType.ENUM) {
        throw new Bad(at + ".values", "only an enum field declares values");
      }
      if (!vals.isArray()) {
        throw new Bad(at + ".values", "expected a list");
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < vals.size(); i++) {
        JsonNode v = vals.get(i);
        if (!v.isTextual() || !seen.add(v.textValue())) {
          throw new Bad(at + ".values[" + i + "]", "expected a distinct string");
        }
        values.add(v.textValue());
      }
    }
    if (type == FieldType.ENUM && values.isEmpty()) {
      throw new Bad(at + ".values", "an enum field declares its values");
    }
    return new FieldSpec(name, type, required, min, max, values);
  }

  private static long bound(JsonNode node, String key, String at, FieldType type, long absent) {
    JsonNode b = node.get(key);
    if (b == null) {
      return absent;
    }
    if (type != FieldType.INT) {
      throw new Bad(at + "." + key, "only an int field declares " + key);
    }
    if (!b.canConvertToLong() || !b.isIntegralNumber()) {
      throw new Bad(at + "." + key, "expected an integer");
    }
    return b.longValue();
  }

  private static Optional<String> text(JsonNode node, String key, String at, boolean required) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw new Bad(at, "missing");
      }
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new Bad(at, "expected a string");
    }
    return Optional.of(v.textValue());
  }

  private static void unknownKeys(JsonNode node, Set<String> known, String at) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new Bad(at.isEmpty() ? k : at + "." + k, "unknown key `" + k + "`");
      }
    }
  }

  /** Internal control flow only: converted to an {@link InputProblem} before it leaves the reader. */
  private static final class Bad extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String field;

    Bad(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }
  }
}
