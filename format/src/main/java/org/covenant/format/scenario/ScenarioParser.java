package org.covenant.format.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.event.Event;
import org.covenant.core.event.Identifiers;
import org.covenant.core.event.RejectionCode;
import org.covenant.core.vocab.Notice;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.EventCodec;
import org.covenant.format.FormatException;
import org.covenant.format.Json;
import org.covenant.format.Problem;
import org.covenant.format.Result;

/**
 * Reads scenario files (ARCHITECTURE.md §8). Input that is not well-formed is a {@link Problem}
 * naming the file, the event or query index and the field; rule violations inside well-formed
 * events are left to the ledger, which rejects them with their codes.
 */
public final class ScenarioParser {
  private static final Set<String> TOP = Set.of("description", "terms_dir", "events", "queries");
  private static final Set<String> DECISION = Set.of("id", "at", "kind", "why", "purpose",
      "content", "region", "expect", "expect_reason", "expect_reasons", "expect_basis", "expect_clauses",
      "expect_obligations");
  private static final Set<String> SETTING = Set.of("id", "at", "kind", "why", "account", "user",
      "key", "expect", "expect_level");
  private static final Set<String> NOTICES = Set.of("id", "at", "kind", "why", "meeting",
      "participant", "expect", "expect_muted");
  private static final Set<String> LEVELS = Set.of("account", "group", "user", "default",
      "parent");

  private ScenarioParser() {}

  /** Reads and parses a scenario file. */
  public static Result<Scenario> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Result.failed(new Problem(file.toString(), "", "", "cannot read: " + e.getMessage()));
    }
    return parse(file.toString(), text, Optional.ofNullable(file.toAbsolutePath().getParent()));
  }

  /** Parses scenario text; {@code base} resolves {@code terms_dir}. */
  public static Result<Scenario> parse(String source, String text, Optional<Path> base) {
    JsonNode root;
    try {
      root = Json.parse(text);
    } catch (FormatException e) {
      return Result.failed(e.toProblem(source, ""));
    }
    String where = "";
    try {
      ObjectNode o = Json.obj(root, "");
      Json.onlyFields(o, TOP);
      Optional<String> description = Json.optStr(o, "description");
      Optional<Path> termsDir = Json.optStr(o, "terms_dir")
          .map(d -> base.map(b -> b.resolve(d)).orElse(Path.of(d)));
      List<ScenarioEvent> events = new ArrayList<>();
      JsonNode evs = o.get("events");
      if (evs != null && !evs.isNull()) {
        if (!evs.isArray()) {
          throw new FormatException("events", "expected a list of events");
        }
        for (int i = 0; i < evs.size(); i++) {
          where = "events[" + i + "]";
          events.add(event(i, evs.get(i)));
        }
      }
      List<Query> queries = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      JsonNode qs = o.get("queries");
      if (qs != null && !qs.isNull()) {
        if (!qs.isArray()) {
          where = "";
          throw new FormatException("queries", "expected a list of queries");
        }
        for (int i = 0; i < qs.size(); i++) {
          where = "queries[" + i + "]";
          Query q = query(i, qs.get(i));
          if (!ids.add(q.id())) {
            throw new FormatException("id", "query id `" + q.id() + "` is used twice");
          }
          queries.add(q);
        }
      }
      return Result.ok(new Scenario(source, description, termsDir, events, queries));
    } catch (FormatException e) {
      return Result.failed(e.toProblem(source, where));
    }
  }

  private static ScenarioEvent event(int index, JsonNode n) {
    Event e = EventCodec.parse(n, Set.of("expect"));
    // One identifier rule for every layer: a scenario file is an edge like the API.
    Identifiers.check(e).ifPresent(v -> {
      throw new FormatException(v.field(), "invalid_id: " + v.message());
    });
    Optional<String> expect = Json.optStr((ObjectNode) n, "expect");
    Optional<RejectionCode> code = Optional.empty();
    if (expect.isPresent() && !expect.get().equals("accepted")) {
      String x = expect.get();
      RejectionCode c = x.startsWith("rejected:") ? RejectionCode.ofCode(x.substring(9)) : null;
      if (c == null) {
        throw new FormatException("expect", "`" + x
            + "` is not `accepted` or `rejected:CODE` with a known rejection code");
      }
      code = Optional.of(c);
    }
    return new ScenarioEvent(index, e, expect.isPresent(), code);
  }

  /** A decision query's optional {@code region} (docs/DATA-RIGHTS.md), a region code. */
  private static Optional<String> region(ObjectNode o) {
    Optional<String> region = Json.optStr(o, "region");
    if (region.isPresent() && !org.covenant.core.vocab.ValuedSetting.regionCode(region.get())) {
      throw new FormatException("region", "`" + region.get() + "` is not a region code "
          + "(lowercase letters, digits and hyphens, starting with a letter, at most 32)");
    }
    return region;
  }

  private static Query query(int index, JsonNode n) {
    ObjectNode o = Json.obj(n, "");
    String kind = Json.optStr(o, "kind").orElse("decision");
    String id = Json.str(o, "id");
    Instant at = Json.instant(o, "at");
    Json.optStr(o, "why");
    switch (kind) {
      case "decision" -> {
        Json.onlyFields(o, DECISION);
        String p = Json.str(o, "purpose");
        Purpose purpose = Vocabulary.purpose(p).orElseThrow(() -> new FormatException("purpose",
            "`" + p + "` is not a purpose of the vocabulary"));
        Optional<String> expect = Json.optStr(o, "expect");
        if (expect.isPresent() && !Set.of("allow", "deny").contains(expect.get())) {
          throw new FormatException("expect", "`" + expect.get() + "` is not allow or deny");
        }
        Optional<List<String>> reasons = o.has("expect_reasons")
            ? Optional.of(Json.strings(o, "expect_reasons", true)) : Optional.empty();
        Optional<Set<String>> clauses = o.has("expect_clauses")
            ? Optional.of(new LinkedHashSet<>(Json.strings(o, "expect_clauses", true)))
            : Optional.empty();
        Optional<JsonNode> obligations = Optional.empty();
        if (o.has("expect_obligations")) {
          JsonNode ob = o.get("expect_obligations");
          if (!ob.isArray()) {
            throw new FormatException("expect_obligations", "expected a list of obligations");
          }
          for (int i = 0; i < ob.size(); i++) {
            if (!ob.get(i).isObject() || ob.get(i).size() != 1) {
              throw new FormatException("expect_obligations[" + i + "]",
                  "expected one {\"name\": {parameters}} object");
            }
          }
          obligations = Optional.of(ob);
        }
        return new Query.DecisionQuery(index, id, at, purpose, Json.str(o, "content"), expect,
            Json.optStr(o, "expect_reason"), reasons, Json.optStr(o, "expect_basis"), clauses,
            obligations, region(o));
      }
      case "setting" -> {
        Json.onlyFields(o, SETTING);
        String k = Json.str(o, "key");
        SettingDef key = Vocabulary.setting(k).orElseThrow(() -> new FormatException("key",
            "`" + k + "` is not a setting of the vocabulary"));
        Optional<String> level = Json.optStr(o, "expect_level");
        if (level.isPresent() && !LEVELS.contains(level.get())) {
          throw new FormatException("expect_level", "`" + level.get()
              + "` is not account, group, user, default or parent");
        }
        return new Query.SettingQuery(index, id, at, Json.str(o, "account"),
            Json.optStr(o, "user"), key, Json.optBool(o, "expect"), level);
      }
      case "notices" -> {
        Json.onlyFields(o, NOTICES);
        Optional<Set<String>> expect = Optional.empty();
        if (o.has("expect")) {
          List<String> list = Json.strings(o, "expect", true);
          for (String s : list) {
            if (Notice.of(s).isEmpty()) {
              throw new FormatException("expect", "`" + s + "` is not a notice");
            }
          }
          expect = Optional.of(new LinkedHashSet<>(list));
        }
        return new Query.NoticesQuery(index, id, at, Json.str(o, "meeting"),
            Json.str(o, "participant"), expect, Json.optBool(o, "expect_muted"));
      }
      default -> throw new FormatException("kind", "unknown query kind `" + kind
          + "` (decision, setting or notices)");
    }
  }
}
