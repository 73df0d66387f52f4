package org.covenant.evidence.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.covenant.format.FormatException;
import org.covenant.format.Json;
import org.covenant.log.Checked;
import org.covenant.log.Hash;
import org.covenant.log.InclusionProof;
import org.covenant.log.NoteSigner;
import org.covenant.log.SignedCheckpoint;
import org.covenant.log.TreeHasher;
import org.covenant.store.StoreException;

/**
 * A consent receipt as handed to the customer (ARCHITECTURE.md §7): the {@link ConsentReceipt}
 * body, an Ed25519 signature over its canonical JSON by the log key, and the evidence that the body
 * is a leaf of the transparency log: its leaf index, a signed checkpoint and the inclusion proof
 * against that checkpoint. {@link ReceiptVerifier} checks all of it offline with the log's verifier
 * key alone.
 *
 * <p>The signature is over the bare canonical JSON bytes. The same key signs checkpoint notes,
 * whose texts always end in a newline; canonical JSON never does, so neither can pass for the
 * other.
 *
 * @param receipt the receipt body
 * @param keyName the signing key's name (the log origin)
 * @param keyId the signing key's 32-bit key ID
 * @param signature the 64-byte Ed25519 signature, base64
 * @param leafIndex the receipt's leaf index in the log
 * @param checkpoint the signed checkpoint note the proof is against
 * @param inclusionProof the audit path of the leaf in the checkpoint's tree
 */
public record SignedReceipt(
    ConsentReceipt receipt,
    String keyName,
    int keyId,
    String signature,
    long leafIndex,
    String checkpoint,
    List<Hash> inclusionProof) {

  private static final Set<String> TOP = Set.of("receipt", "signature", "log");
  private static final Set<String> SIG = Set.of("key", "ed25519");
  private static final Set<String> LOG =
      Set.of("leaf_index", "tree_size", "inclusion_proof", "checkpoint");

  /** Requires every part; copies the proof. */
  public SignedReceipt {
    Objects.requireNonNull(receipt, "receipt");
    Objects.requireNonNull(keyName, "keyName");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(checkpoint, "checkpoint");
    inclusionProof = List.copyOf(inclusionProof);
    if (leafIndex < 0) {
      throw new StoreException("invalid_receipt", "leaf index " + leafIndex + " is negative");
    }
  }

  /**
   * Composes a receipt whose canonical bytes were appended to the log at {@code leafIndex}, with
   * {@code proof} against {@code checkpoint} (from {@code TiledLog.inclusionProof(leafIndex,
   * checkpoint.size())}).
   *
   * @throws StoreException {@code invalid_receipt} when the proof is not for that leaf and
   *     checkpoint, or does not verify: the caller wired the log wrongly
   */
  public static SignedReceipt issue(
      ConsentReceipt receipt,
      NoteSigner signer,
      long leafIndex,
      SignedCheckpoint checkpoint,
      InclusionProof proof) {
    byte[] leaf = receipt.canonicalBytes();
    if (proof.index() != leafIndex
        || proof.treeSize() != checkpoint.size()
        || !proof.verify(TreeHasher.create().leafHash(leaf), checkpoint.root())) {
      throw new StoreException(
          "invalid_receipt",
          "the proof does not show leaf "
              + leafIndex
              + " in the checkpoint of "
              + checkpoint.size());
    }
    return new SignedReceipt(
        receipt,
        signer.name(),
        signer.keyId(),
        Base64.getEncoder().encodeToString(signer.sign(leaf)),
        leafIndex,
        checkpoint.note(),
        proof.path());
  }

  /** The tree size of the embedded checkpoint, as the proof states it. */
  public long treeSize() {
    return ReceiptVerifier.checkpointSize(checkpoint);
  }

  /** The receipt document. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.set("receipt", receipt.toJson());
    ObjectNode sig = o.putObject("signature");
    sig.put("key", keyName + "+" + HexFormat.of().toHexDigits(keyId));
    sig.put("ed25519", signature);
    ObjectNode log = o.putObject("log");
    log.put("leaf_index", leafIndex);
    log.put("tree_size", treeSize());
    ArrayNode path = log.putArray("inclusion_proof");
    inclusionProof.forEach(h -> path.add(h.base64()));
    log.put("checkpoint", checkpoint);
    return o;
  }

  /** The receipt document as indented JSON, the file {@code covenant receipt verify} reads. */
  public String toJsonText() {
    return Json.pretty(toJson()) + "\n";
  }

  /**
   * Reads a receipt document. Fails with {@code malformed_receipt} when a part is missing, extra or
   * of the wrong form; nothing is verified here ({@link ReceiptVerifier} does that).
   */
  public static Checked<SignedReceipt> parse(String json) {
    JsonNode root;
    try {
      root = Json.parse(json);
    } catch (FormatException e) {
      return malformed("not JSON: " + e.getMessage());
    }
    try {
      ObjectNode o = Json.obj(root, "receipt document");
      Json.onlyFields(o, TOP);
      Checked<ConsentReceipt> body = ConsentReceipt.fromJson(o.get("receipt"));
      if (body instanceof Checked.Failed<ConsentReceipt> f) {
        return Checked.failed(f.code(), f.message());
      }
      ObjectNode sig = Json.obj(o.get("signature"), "signature");
      Json.onlyFields(sig, SIG);
      String key = Json.str(sig, "key");
      int plus = key.lastIndexOf('+');
      if (plus <= 0
          || key.length() - plus - 1 != 8
          || !key.substring(plus + 1).matches("[0-9a-f]{8}")) {
        return malformed("signature key `" + key + "` is not `name+8 hex digits`");
      }
      ObjectNode log = Json.obj(o.get("log"), "log");
      Json.onlyFields(log, LOG);
      JsonNode index = log.get("leaf_index");
      JsonNode size = log.get("tree_size");
      if (index == null
          || !index.canConvertToExactIntegral()
          || size == null
          || !size.canConvertToExactIntegral()) {
        return malformed("`log.leaf_index` and `log.tree_size` must be integers");
      }
      List<Hash> path = new ArrayList<>();
      for (String h : Json.strings(log, "inclusion_proof", true)) {
        Checked<Hash> parsed = Hash.fromBase64(h);
        if (!(parsed instanceof Checked.Ok<Hash> ok)) {
          return malformed("proof hash `" + h + "` is not 32 bytes of base64");
        }
        path.add(ok.value());
      }
      String checkpoint = Json.str(log, "checkpoint");
      if (ReceiptVerifier.checkpointSize(checkpoint) < 0) {
        return malformed("`log.checkpoint` is not a checkpoint note");
      }
      SignedReceipt r =
          new SignedReceipt(
              body.orThrow(),
              key.substring(0, plus),
              Integer.parseUnsignedInt(key.substring(plus + 1), 16),
              Json.str(sig, "ed25519"),
              index.longValue(),
              checkpoint,
              path);
      if (r.treeSize() != size.longValue()) {
        return malformed(
            "`log.tree_size` " + size + " is not the checkpoint's size " + r.treeSize());
      }
      return Checked.ok(r);
    } catch (FormatException | StoreException e) {
      return malformed(e.getMessage());
    }
  }

  private static <T> Checked<T> malformed(String why) {
    return Checked.failed("malformed_receipt", why);
  }
}
