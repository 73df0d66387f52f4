package org.covenant.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.covenant.core.decision.Decision;
import org.covenant.core.state.NoticeState;
import org.covenant.core.state.SettingResolution;
import org.covenant.core.terms.Obligation;
import org.covenant.core.terms.Reason;
import org.covenant.core.vocab.Notice;

/**
 * The wire form of answers (ARCHITECTURE.md §5 step 5, §8): decisions, effective settings and
 * notices. The same shape in CLI output, REST responses and scenario results.
 */
public final class AnswerJson {
  private AnswerJson() {}

  /**
   * A decision: verdict, reason, reasons, basis, clauses, obligations, evidence, revision. The
   * tree form of {@link #writeDecision}: one codec for both.
   */
  public static ObjectNode decision(Decision d) {
    // Through the bytes, so the tree holds what any reader of the wire form parses (small
    // integers as ints), exactly as the scenarios' expectations and the REST clients see it.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(bytes)) {
      g.writeStartObject();
      writeDecision(g, d, true);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a decision", e);
    }
    try {
      return (ObjectNode) Json.MAPPER.readTree(bytes.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read back a decision", e);
    }
  }

  /**
   * Streams the fields of a decision into an object the caller has opened (the REST hot path
   * writes them without building a tree), in the order of {@link #decision}.
   *
   * @param evidence whether to write the {@code evidence} field (a batch writes it apart)
   */
  public static void writeDecision(JsonGenerator g, Decision d, boolean evidence)
      throws IOException {
    g.writeStringField("verdict", d.verdict().id());
    if (d.reason().isPresent()) {
      g.writeStringField("reason", d.reason().get().code());
    } else {
      g.writeNullField("reason");
    }
    g.writeArrayFieldStart("reasons");
    for (Reason r : d.reasons()) {
      g.writeString(r.code());
    }
    g.writeEndArray();
    if (d.basis().isPresent()) {
      g.writeStringField("basis", d.basis().get().id());
    } else {
      g.writeNullField("basis");
    }
    g.writeArrayFieldStart("clauses");
    for (String c : d.clauses()) {
      g.writeString(c);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("obligations");
    for (Obligation ob : d.obligations()) {
      g.writeStartObject();
      g.writeFieldName(ob.name());
      Json.MAPPER.writeValue(g, ob.params());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (evidence) {
      g.writeArrayFieldStart("evidence");
      for (Long e : d.evidence()) {
        g.writeNumber(e.longValue());
      }
      g.writeEndArray();
    }
    g.writeStringField("policy_revision", d.policyRevision());
  }

  /** Obligations as {@code [{"aggregate_only": {"min_group": 10}}]}. */
  public static ArrayNode obligations(List<Obligation> obligations) {
    ArrayNode out = Json.array();
    for (Obligation ob : obligations) {
      ObjectNode one = Json.object();
      one.set(ob.name(), Json.MAPPER.valueToTree(ob.params()));
      out.add(one);
    }
    return out;
  }

  /** An effective setting: value and deciding level, or nulls when the subject does not exist. */
  public static ObjectNode setting(Optional<SettingResolution> r) {
    ObjectNode o = Json.object();
    if (r.isEmpty()) {
      o.putNull("value");
      o.putNull("level");
      return o;
    }
    o.put("value", r.get().value());
    o.put("level", r.get().level().id());
    o.put("locked", r.get().locked());
    return o;
  }

  /** Notices to show and whether the participant is held muted. */
  public static ObjectNode notices(NoticeState n) {
    ObjectNode o = Json.object();
    o.put("present", n.present());
    ArrayNode shown = o.putArray("notices");
    n.notices().forEach(x -> shown.add(x.id()));
    ArrayNode acked = o.putArray("acknowledged");
    n.acknowledged().forEach(x -> acked.add(x.id()));
    o.put("muted", n.muted());
    return o;
  }

  /** A canonical string of an obligation list for set comparisons. */
  public static List<String> canonical(JsonNode obligationList) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    for (JsonNode n : obligationList) {
      out.add(new String(CanonicalForm.of(n), java.nio.charset.StandardCharsets.UTF_8));
    }
    out.sort(null);
    return out;
  }

  /** Notice ids, for building expectations. */
  public static List<String> ids(List<Notice> notices) {
    return notices.stream().map(Notice::id).toList();
  }

  /** Sorted-key rendering used only to compare small JSON values for equality. */
  static final class CanonicalForm {
    private CanonicalForm() {}

    static byte[] of(JsonNode n) {
      return Json.line(sorted(n)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static JsonNode sorted(JsonNode n) {
      if (n.isObject()) {
        ObjectNode o = Json.object();
        java.util.TreeMap<String, JsonNode> m = new java.util.TreeMap<>();
        n.properties().forEach(e -> m.put(e.getKey(), sorted(e.getValue())));
        for (Map.Entry<String, JsonNode> e : m.entrySet()) {
          o.set(e.getKey(), e.getValue());
        }
        return o;
      }
      if (n.isArray()) {
        ArrayNode a = Json.array();
        n.forEach(x -> a.add(sorted(x)));
        return a;
      }
      if (n.isIntegralNumber()) {
        return Json.MAPPER.getNodeFactory().numberNode(n.longValue());
      }
      return n;
    }
  }
}
