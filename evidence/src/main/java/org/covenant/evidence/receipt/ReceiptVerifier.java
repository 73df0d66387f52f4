package org.covenant.evidence.receipt;

import java.util.Base64;
import java.util.Objects;
import org.covenant.log.Checked;
import org.covenant.log.Checkpoint;
import org.covenant.log.InclusionProof;
import org.covenant.log.NoteVerifier;
import org.covenant.log.SignedCheckpoint;
import org.covenant.log.SignedNote;
import org.covenant.log.TreeHasher;

/**
 * Verifies a consent receipt offline with nothing but the log's verifier key ({@code covenant
 * receipt verify FILE --vkey KEY}; ARCHITECTURE.md §7): (1) the receipt names that key and its
 * Ed25519 signature over the canonical JSON verifies; (2) the embedded checkpoint is a signed note
 * by that key; (3) the leaf hash {@code SHA-256(0x00 || canonical JSON)} with the inclusion proof
 * at the leaf index rebuilds the checkpoint's root (RFC 9162 §2.1.3.2). Stateless and thread-safe.
 */
public final class ReceiptVerifier {
  private final NoteVerifier key;

  private ReceiptVerifier(NoteVerifier key) {
    this.key = key;
  }

  /** A verifier trusting the log key {@code key}. */
  public static ReceiptVerifier create(NoteVerifier key) {
    return new ReceiptVerifier(Objects.requireNonNull(key, "key"));
  }

  /** Parses and verifies a receipt document. */
  public ReceiptVerification verify(String receiptJson) {
    Checked<SignedReceipt> parsed = SignedReceipt.parse(receiptJson);
    if (parsed instanceof Checked.Failed<SignedReceipt> f) {
      return new ReceiptVerification.Rejected(f.code(), f.message());
    }
    return verify(parsed.orThrow());
  }

  /** Verifies a parsed receipt. */
  public ReceiptVerification verify(SignedReceipt r) {
    if (!r.keyName().equals(key.name()) || r.keyId() != key.keyId()) {
      return reject(
          "receipt_key_mismatch",
          "signed by `" + r.keyName() + "`, not by `" + key.keyText() + "`");
    }
    byte[] leaf = r.receipt().canonicalBytes();
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(r.signature());
    } catch (IllegalArgumentException e) {
      return reject("bad_receipt_signature", "the signature is not base64");
    }
    if (!key.verify(leaf, signature)) {
      return reject("bad_receipt_signature", "the signature does not match the receipt");
    }
    Checked<SignedCheckpoint> checkpoint = SignedCheckpoint.open(r.checkpoint(), key);
    if (checkpoint instanceof Checked.Failed<SignedCheckpoint> f) {
      return reject(f.code(), "checkpoint: " + f.message());
    }
    SignedCheckpoint cp = checkpoint.orThrow();
    InclusionProof proof = new InclusionProof(r.leafIndex(), cp.size(), r.inclusionProof());
    if (!proof.verify(TreeHasher.create().leafHash(leaf), cp.root())) {
      return reject(
          "receipt_not_included",
          "the proof does not show leaf " + r.leafIndex() + " in the tree of " + cp.size());
    }
    return new ReceiptVerification.Verified(r.receipt(), r.leafIndex(), cp.size());
  }

  /** The tree size a checkpoint note states, unverified; -1 when it states none. */
  static long checkpointSize(String note) {
    Checked<Checkpoint> c = SignedNote.parse(note).flatMap(n -> Checkpoint.parse(n.text()));
    return c instanceof Checked.Ok<Checkpoint> ok ? ok.value().size() : -1;
  }

  private static ReceiptVerification reject(String code, String message) {
    return new ReceiptVerification.Rejected(code, message);
  }
}
