package org.covenant.evidence.dsr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.covenant.evidence.LedgerFeed;
import org.covenant.format.CanonicalJson;
import org.covenant.format.FormatException;
import org.covenant.format.Json;
import org.covenant.log.Checked;
import org.covenant.log.Hash;
import org.covenant.log.InclusionProof;
import org.covenant.log.NoteVerifier;
import org.covenant.log.SignedCheckpoint;
import org.covenant.log.TreeHasher;

/**
 * Verifies a data subject's export bundle offline ({@code covenant dsr verify FILE [--key VKEY]};
 * docs/DATA-RIGHTS-DSR.md, "Verifying a bundle"): the file is exactly its canonical form, the
 * bundle's signature and the checkpoint's verify under the log key, and every fact's and receipt's
 * leaf, recomputed from the bundle, is included in the checkpoint's tree. Any changed byte fails
 * one of these. Stateless; outcomes are values.
 */
public final class SubjectBundleVerifier {
  /** The outcome of a verification. */
  public sealed interface BundleCheck {
    /** Every check passed. */
    record Verified(String account, String subject, int facts, int receipts, long treeSize,
        String key, boolean keyFromBundle) implements BundleCheck {}

    /** The first check that failed. */
    record Rejected(String code, String message) implements BundleCheck {}
  }

  private static final Set<String> TOP = Set.of("@context", "type", "dpv:hasRight", "account",
      "subject", "generated_at", "request", "log", "facts", "receipts", "decisions", "signature");
  private static final Set<String> FACT = Set.of("relation", "position", "leaf_index", "event",
      "pseudonyms", "inclusion_proof", "dpv:hasPurpose", "dpv:hasProcessing",
      "dpv:hasPersonalData");
  private static final Set<String> RECEIPT = Set.of("leaf_index", "receipt", "inclusion_proof",
      "dpv:hasPurpose", "dpv:hasProcessing");

  private SubjectBundleVerifier() {}

  /** Verifies {@code file}, trusting {@code key} when given, else the key the bundle names. */
  public static BundleCheck verify(byte[] file, Optional<String> key) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(file)).toString();
    } catch (CharacterCodingException e) {
      return reject("malformed_bundle", "the file is not UTF-8");
    }
    ObjectNode o;
    try {
      JsonNode n = Json.parse(text);
      if (!(n instanceof ObjectNode on)) {
        return reject("malformed_bundle", "the bundle is not a JSON object");
      }
      o = on;
    } catch (FormatException e) {
      return reject("malformed_bundle", "not JSON: " + e.getMessage());
    }
    byte[] canonical = CanonicalJson.canonicalize(o);
    byte[] expected = Arrays.copyOf(canonical, canonical.length + 1);
    expected[canonical.length] = '\n';
    if (!Arrays.equals(file, expected) && !Arrays.equals(file, canonical)) {
      return reject("not_canonical", "the bundle is not in its RFC 8785 canonical form: it was "
          + "changed after export (reformatting counts)");
    }
    try {
      return check(o, key);
    } catch (FormatException | ClassCastException | IllegalArgumentException e) {
      return reject("malformed_bundle", String.valueOf(e.getMessage()));
    }
  }

  private static BundleCheck check(ObjectNode o, Optional<String> key) {
    Json.onlyFields(o, TOP);
    if (!SubjectBundle.TYPE.equals(Json.str(o, "type"))) {
      return reject("malformed_bundle", "`type` is not `" + SubjectBundle.TYPE + "`");
    }
    String account = Json.str(o, "account");
    String subject = Json.str(o, "subject");
    ObjectNode log = Json.obj(o.get("log"), "log");
    Json.onlyFields(log, Set.of("vkey", "checkpoint", "tree_size"));
    String bundleKey = Json.str(log, "vkey");
    String keyText = key.orElse(bundleKey);
    Checked<NoteVerifier> parsed = NoteVerifier.parse(keyText);
    if (parsed instanceof Checked.Failed<NoteVerifier> f) {
      return reject(f.code(), f.message());
    }
    NoteVerifier verifier = parsed.orThrow();
    if (!bundleKey.equals(verifier.keyText())) {
      return reject("key_mismatch", "the bundle names the log key `" + bundleKey + "`, not `"
          + verifier.keyText() + "`");
    }
    ObjectNode sig = Json.obj(o.get("signature"), "signature");
    Json.onlyFields(sig, Set.of("key", "ed25519"));
    String named = verifier.name() + "+" + HexFormat.of().toHexDigits(verifier.keyId());
    if (!named.equals(Json.str(sig, "key"))) {
      return reject("key_mismatch", "the bundle is signed by `" + Json.str(sig, "key")
          + "`, not by `" + named + "`");
    }
    ObjectNode unsigned = o.deepCopy();
    unsigned.remove("signature");
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(Json.str(sig, "ed25519"));
    } catch (IllegalArgumentException e) {
      return reject("bad_signature", "the bundle's signature is not base64");
    }
    if (!verifier.verify(CanonicalJson.canonicalize(unsigned), signature)) {
      return reject("bad_signature", "the bundle's signature does not match its content");
    }
    Checked<SignedCheckpoint> checkpoint = SignedCheckpoint.open(Json.str(log, "checkpoint"),
        verifier);
    if (checkpoint instanceof Checked.Failed<SignedCheckpoint> f) {
      return reject(f.code(), "checkpoint: " + f.message());
    }
    SignedCheckpoint cp = checkpoint.orThrow();
    if (!log.path("tree_size").canConvertToExactIntegral()
        || log.path("tree_size").asLong() != cp.size()) {
      return reject("malformed_bundle", "`log.tree_size` is not the checkpoint's size "
          + cp.size());
    }
    TreeHasher hasher = TreeHasher.create();
    int facts = 0;
    for (JsonNode n : array(o, "facts")) {
      ObjectNode fact = Json.obj(n, "facts[" + facts + "]");
      Json.onlyFields(fact, FACT);
      Json.obj(fact.get("event"), "facts[" + facts + "].event");
      JsonNode subs = fact.get("pseudonyms");
      if (subs != null) {
        for (var e : Json.obj(subs, "pseudonyms").properties()) {
          String field = e.getKey();
          String clear = fact.path("event").path(field).asText(null);
          boolean ok = field.equals("scope")
              ? (LedgerFeed.USER_SCOPE + subject).equals(clear)
              : LedgerFeed.PERSONAL.contains(field) && subject.equals(clear);
          if (!ok || !e.getValue().isTextual()) {
            return reject("bad_pseudonym", "facts[" + facts + "].pseudonyms." + field
                + " does not stand for the subject");
          }
        }
      }
      BundleCheck r = included(hasher, cp, fact, SubjectBundle.leafBytes(fact),
          "facts[" + facts + "] (ledger position " + fact.path("position") + ")");
      if (r != null) {
        return r;
      }
      facts++;
    }
    int receipts = 0;
    for (JsonNode n : array(o, "receipts")) {
      ObjectNode rc = Json.obj(n, "receipts[" + receipts + "]");
      Json.onlyFields(rc, RECEIPT);
      byte[] leaf = CanonicalJson.canonicalize(Json.obj(rc.get("receipt"), "receipt"));
      BundleCheck r = included(hasher, cp, rc, leaf, "receipts[" + receipts + "]");
      if (r != null) {
        return r;
      }
      receipts++;
    }
    return new BundleCheck.Verified(account, subject, facts, receipts, cp.size(),
        verifier.keyText(), key.isEmpty());
  }

  private static BundleCheck included(TreeHasher hasher, SignedCheckpoint cp, ObjectNode item,
      byte[] leaf, String what) {
    JsonNode index = item.get("leaf_index");
    if (index == null || !index.canConvertToExactIntegral() || index.asLong() < 0) {
      return reject("malformed_bundle", what + ": `leaf_index` is not an index");
    }
    List<Hash> path = new ArrayList<>();
    for (JsonNode h : array(item, "inclusion_proof")) {
      Checked<Hash> parsed = Hash.fromBase64(h.asText());
      if (!h.isTextual() || !(parsed instanceof Checked.Ok<Hash> ok)) {
        return reject("malformed_bundle", what + ": a proof hash is not 32 bytes of base64");
      }
      path.add(ok.value());
    }
    InclusionProof proof = new InclusionProof(index.asLong(), cp.size(), path);
    if (!proof.verify(hasher.leafHash(leaf), cp.root())) {
      return reject("not_included", what + ": the recomputed leaf is not at index " + index
          + " of the tree of " + cp.size());
    }
    return null;
  }

  private static Iterable<JsonNode> array(ObjectNode o, String field) {
    JsonNode a = o.get(field);
    if (a == null || !a.isArray()) {
      throw new FormatException(field, "`" + field + "` must be an array");
    }
    return a;
  }

  private static BundleCheck reject(String code, String message) {
    return new BundleCheck.Rejected(code, message);
  }
}
