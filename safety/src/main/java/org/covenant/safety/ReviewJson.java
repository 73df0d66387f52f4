package org.covenant.safety;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stored form of a {@link ReviewItem}: one JSON object with the invite (content id, account,
 * the parsed message: headers, sender, subject, body, links, html, attachments), the scan result
 * as {@link ScanJson} writes it, the status, the reviewer, the final verdict, when it was
 * held and when it was decided. What a persistent {@link ReviewStore} keeps, so that a restart gives back the same items;
 * {@link #read} of {@link #write} is the identity (tested).
 */
public final class ReviewJson {
  /** The table persistent review stores keep these documents in, one scope per account. */
  public static final String TABLE = "reviews";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReviewJson() {}

  /** One compact JSON object. */
  public static String write(ReviewItem item) {
    ObjectNode o = JSON.createObjectNode();
    o.put("content", item.contentId());
    o.put("account", item.invite().accountId());
    o.put("status", item.status().code());
    o.put("reviewer", item.reviewer());
    o.put("verdict", item.verdict().code());
    o.put("held_at", item.heldAt().toString());
    item.decidedAt().ifPresent(t -> o.put("decided_at", t.toString()));
    Message m = item.invite().message();
    ObjectNode msg = o.putObject("message");
    ArrayNode headers = msg.putArray("headers");
    for (Header h : m.headers()) {
      headers.addArray().add(h.name()).add(h.value());
    }
    msg.put("sender", m.sender());
    msg.put("subject", m.subject());
    msg.put("body", m.body());
    ArrayNode links = msg.putArray("links");
    for (Link l : m.links()) {
      links.addArray().add(l.href()).add(l.anchorText());
    }
    msg.put("html", m.htmlBody());
    msg.put("attachments", m.attachments());
    ScanResult s = item.scan();
    ObjectNode scan = o.putObject("scan");
    scan.put("verdict", s.verdict().code());
    scan.put("score", s.score());
    scan.put("threshold", s.threshold());
    ArrayNode top = scan.putArray("top_features");
    for (Contribution c : s.topFeatures()) {
      top.addArray().add(c.feature()).add(c.weight());
    }
    strings(scan.putArray("link_domains"), s.linkDomains());
    ArrayNode mismatches = scan.putArray("link_mismatches");
    for (LinkMismatch lm : s.linkMismatches()) {
      mismatches.addArray().add(lm.href()).add(lm.shownHost()).add(lm.actualHost());
    }
    strings(scan.putArray("header_anomalies"), s.headerAnomalies());
    strings(scan.putArray("lures"), s.lures());
    return o.toString();
  }

  /**
   * The item {@code json} describes; a malformed document fails with {@link SafetyException}
   * code {@code review_item_invalid} naming the field.
   */
  public static ReviewItem read(String json) {
    try {
      JsonNode o = JSON.readTree(json);
      JsonNode msg = field(o, "message");
      List<Header> headers = new ArrayList<>();
      for (JsonNode h : field(msg, "headers")) {
        headers.add(new Header(h.get(0).asText(), h.get(1).asText()));
      }
      List<Link> links = new ArrayList<>();
      for (JsonNode l : field(msg, "links")) {
        links.add(new Link(l.get(0).asText(), l.get(1).asText()));
      }
      Message m = new Message(headers, text(msg, "sender"), text(msg, "subject"),
          text(msg, "body"), links, field(msg, "html").asBoolean(),
          field(msg, "attachments").asInt());
      JsonNode scan = field(o, "scan");
      List<Contribution> top = new ArrayList<>();
      for (JsonNode c : field(scan, "top_features")) {
        top.add(new Contribution(c.get(0).asText(), c.get(1).asDouble()));
      }
      List<LinkMismatch> mismatches = new ArrayList<>();
      for (JsonNode lm : field(scan, "link_mismatches")) {
        mismatches.add(new LinkMismatch(lm.get(0).asText(), lm.get(1).asText(),
            lm.get(2).asText()));
      }
      ScanResult s = new ScanResult(verdict(text(scan, "verdict")),
          field(scan, "score").asDouble(), field(scan, "threshold").asDouble(), top,
          strings(field(scan, "link_domains")), mismatches,
          strings(field(scan, "header_anomalies")), strings(field(scan, "lures")));
      Invite invite = new Invite(text(o, "content"), text(o, "account"), m);
      ReviewStatus status = ReviewStatus.valueOf(text(o, "status").toUpperCase(Locale.ROOT));
      return new ReviewItem(invite, s, status, text(o, "reviewer"), verdict(text(o, "verdict")),
          Instant.parse(text(o, "held_at")),
          o.hasNonNull("decided_at") ? java.util.Optional.of(Instant.parse(text(o, "decided_at")))
              : java.util.Optional.empty());
    } catch (SafetyException e) {
      throw e;
    } catch (java.io.IOException | RuntimeException e) {
      throw new SafetyException("review_item_invalid",
          "stored review item is not valid: " + e.getMessage(), e);
    }
  }

  private static ScanVerdict verdict(String code) {
    for (ScanVerdict v : ScanVerdict.values()) {
      if (v.code().equals(code)) {
        return v;
      }
    }
    throw new SafetyException("review_item_invalid", "stored review item: unknown verdict `"
        + code + "`");
  }

  private static JsonNode field(JsonNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || n.isNull()) {
      throw new SafetyException("review_item_invalid",
          "stored review item: missing field `" + name + "`");
    }
    return n;
  }

  private static String text(JsonNode o, String name) {
    return field(o, name).asText();
  }

  private static void strings(ArrayNode out, List<String> values) {
    values.forEach(out::add);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
