package org.covenant.evidence.dsr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.evidence.LedgerFeed;
import org.covenant.evidence.receipt.ConsentReceipt;
import org.covenant.format.CanonicalJson;
import org.covenant.format.Json;
import org.covenant.log.InclusionProof;
import org.covenant.log.NoteSigner;
import org.covenant.log.SignedCheckpoint;
import org.covenant.log.TiledLog;

/**
 * The export bundle of a data subject request (docs/DATA-RIGHTS-DSR.md, "The export bundle"):
 * every fact about the person with its ledger position, its leaf index in the transparency log and
 * the inclusion proof against one signed checkpoint, their consent receipts likewise, annotated
 * with W3C DPV terms, and signed as a whole by the log key. Written in RFC 8785 canonical form so
 * that no byte of it can change unnoticed ({@link SubjectBundleVerifier}).
 */
public final class SubjectBundle {
  /** The bundle's {@code type}. */
  public static final String TYPE = "covenant.dsr-export/1";
  /** The DPV namespaces the bundle's terms use. */
  static final Map<String, String> CONTEXT = Map.of(
      "dpv", "https://w3id.org/dpv#",
      "pd", "https://w3id.org/dpv/pd#",
      "eu-rights", "https://w3id.org/dpv/legal/eu/rights#");

  private SubjectBundle() {}

  /**
   * The signed bundle of {@code found} (the facts about {@code subject} of {@code account}), with
   * proofs against the log's current checkpoint.
   *
   * @throws DataRightsException {@code log_behind} when a fact is not yet logged (the caller
   *     catches the log up first)
   */
  public static ObjectNode export(SubjectFacts.Found found, TiledLog log, NoteSigner signer,
      String account, String subject, Instant generatedAt, Optional<String> request) {
    Map<Long, SubjectFacts.Fact> wanted = new HashMap<>();
    found.facts().forEach(f -> wanted.put(f.position(), f));
    SignedCheckpoint cp = log.checkpoint();
    long size = cp.size();
    Map<Long, Long> leafOf = new HashMap<>();
    Map<Long, ObjectNode> leafEvent = new HashMap<>();
    List<long[]> receiptLeaves = new ArrayList<>();
    List<ObjectNode> receiptBodies = new ArrayList<>();
    for (long i = 0; i < size; i++) {
      ObjectNode leaf = (ObjectNode) Json.parse(new String(log.leaf(i), StandardCharsets.UTF_8));
      if (LedgerFeed.EVENT_LEAF.equals(leaf.path("type").asText())) {
        long position = leaf.path("position").asLong();
        if (wanted.containsKey(position)) {
          leafOf.put(position, i);
          leafEvent.put(position, (ObjectNode) leaf.get("event"));
        }
      } else if (ConsentReceipt.VERSION.equals(leaf.path("version").asText())
          && account.equals(leaf.path("pii_principal").asText())) {
        receiptLeaves.add(new long[] {i});
        receiptBodies.add(leaf);
      }
    }
    ObjectNode o = Json.object();
    ObjectNode ctx = o.putObject("@context");
    new java.util.TreeMap<>(CONTEXT).forEach(ctx::put);
    o.put("type", TYPE);
    o.put("dpv:hasRight", "eu-rights:A15");
    o.put("account", account);
    o.put("subject", subject);
    o.put("generated_at", generatedAt.toString());
    request.ifPresent(r -> o.put("request", r));
    ObjectNode l = o.putObject("log");
    l.put("vkey", signer.verifier().keyText());
    l.put("checkpoint", cp.note());
    l.put("tree_size", size);
    ArrayNode facts = o.putArray("facts");
    Set<String> pseudonyms = new HashSet<>();
    for (SubjectFacts.Fact f : found.facts()) {
      Long index = leafOf.get(f.position());
      if (index == null) {
        throw new DataRightsException("log_behind", "ledger position " + f.position()
            + " is not in the transparency log yet (" + size + " leaves); retry when the log "
            + "has caught up");
      }
      ObjectNode logged = leafEvent.get(f.position()).deepCopy();
      ObjectNode subs = Json.object();
      // The person's own fields are shown in clear with the pseudonym the leaf holds; other
      // people stay pseudonyms, as the public log shows them.
      for (String field : LedgerFeed.PERSONAL) {
        if (subject.equals(f.event().path(field).asText(null)) && logged.has(field)) {
          subs.put(field, logged.get(field).asText());
          pseudonyms.add(logged.get(field).asText());
          logged.put(field, subject);
        }
      }
      String scope = LedgerFeed.USER_SCOPE + subject;
      if (scope.equals(f.event().path("scope").asText(null))
          && !scope.equals(logged.path("scope").asText())) {
        String p = logged.get("scope").asText();
        subs.put("scope", p);
        pseudonyms.add(p.substring(LedgerFeed.USER_SCOPE.length()));
        logged.put("scope", scope);
      }
      ObjectNode fact = facts.addObject();
      fact.put("relation", f.relation());
      fact.put("position", f.position());
      fact.put("leaf_index", index);
      fact.set("event", logged);
      if (!subs.isEmpty()) {
        fact.set("pseudonyms", subs);
      }
      dpv(fact, f);
      proof(fact, log.inclusionProof(index, size));
      if (!java.util.Arrays.equals(leafBytes(fact), log.leaf(index))) {
        throw new DataRightsException("leaf_mismatch", "the leaf at " + index
            + " does not match ledger position " + f.position());
      }
    }
    ArrayNode receipts = o.putArray("receipts");
    for (int r = 0; r < receiptBodies.size(); r++) {
      ObjectNode body = receiptBodies.get(r);
      if (!pseudonyms.contains(body.path("by").asText())) {
        continue;
      }
      long index = receiptLeaves.get(r)[0];
      ObjectNode rc = receipts.addObject();
      rc.put("leaf_index", index);
      rc.set("receipt", body);
      rc.put("dpv:hasPurpose", "dpv:LegalCompliance");
      rc.put("dpv:hasProcessing", "dpv:Record");
      proof(rc, log.inclusionProof(index, size));
    }
    ObjectNode decisions = o.putObject("decisions");
    decisions.put("recorded_per_content", false);
    decisions.put("note", "online decisions are counted by account, hour, purpose and outcome "
        + "(the transparency report), not recorded per content; the decisions taken by people "
        + "on this content (deletions, holds) are facts above");
    sign(o, signer);
    return o;
  }

  /** The file form: canonical JSON and one new line. */
  public static byte[] bytes(ObjectNode bundle) {
    byte[] c = CanonicalJson.canonicalize(bundle);
    byte[] out = java.util.Arrays.copyOf(c, c.length + 1);
    out[c.length] = '\n';
    return out;
  }

  private static void sign(ObjectNode o, NoteSigner signer) {
    byte[] body = CanonicalJson.canonicalize(o);
    ObjectNode sig = o.putObject("signature");
    sig.put("key", signer.name() + "+" + java.util.HexFormat.of().toHexDigits(signer.keyId()));
    sig.put("ed25519", Base64.getEncoder().encodeToString(signer.sign(body)));
  }

  private static void proof(ObjectNode o, InclusionProof proof) {
    ArrayNode path = o.putArray("inclusion_proof");
    proof.path().forEach(h -> path.add(h.base64()));
  }

  /** The DPV terms of a fact (docs/DATA-RIGHTS-DSR.md, "DPV terms"). */
  private static void dpv(ObjectNode fact, SubjectFacts.Fact f) {
    String purpose;
    String processing;
    String data;
    switch (f.relation()) {
      case "user_record" -> {
        purpose = "dpv:CustomerManagement";
        processing = "dpv:Store";
        data = "pd:Identifying";
      }
      case "setting", "terms", "consent" -> {
        purpose = "dpv:LegalCompliance";
        processing = "dpv:Record";
        data = "pd:Preference";
      }
      case "meeting_hosted", "meeting_joined", "notice_acknowledged" -> {
        purpose = "dpv:ServiceProvision";
        processing = "dpv:Record";
        data = "pd:CommunicationsMetadata";
      }
      case "content_authored", "content_contributed" -> {
        purpose = "dpv:ServiceProvision";
        processing = "dpv:Store";
        data = Vocabulary.category(f.event().path("category").asText())
            .map(Category::dpv).orElse("pd:Communication");
      }
      default -> {
        purpose = "dpv:LegalCompliance";
        processing = f.event().path("type").asText().equals("content.deleted")
            ? "dpv:Erase" : "dpv:Record";
        data = "pd:Communication";
      }
    }
    fact.put("dpv:hasPurpose", purpose);
    fact.put("dpv:hasProcessing", processing);
    fact.put("dpv:hasPersonalData", data);
  }

  /**
   * The log leaf a fact stands for: its event with the person's fields replaced by the pseudonyms
   * the fact lists, in the leaf form of {@link LedgerFeed#eventLeaf}.
   */
  static byte[] leafBytes(ObjectNode fact) {
    ObjectNode event = ((ObjectNode) fact.get("event")).deepCopy();
    JsonNode subs = fact.get("pseudonyms");
    if (subs != null) {
      subs.properties().forEach(e -> event.set(e.getKey(), e.getValue()));
    }
    ObjectNode leaf = Json.object();
    leaf.put("type", LedgerFeed.EVENT_LEAF);
    leaf.put("position", fact.path("position").asLong());
    leaf.set("event", event);
    return CanonicalJson.canonicalize(leaf);
  }
}
