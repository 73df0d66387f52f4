package org.covenant.evidence.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.covenant.format.Json;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignedReceiptTest {
  // The Go sumdb/note example key: a fixed key makes the signatures reproducible.
  static final NoteSigner SIGNER =
      NoteSigner.parse(
              "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
          .orThrow();

  static final ConsentReceipt RECEIPT =
      new ConsentReceipt(
          "rcpt-0001",
          "acme",
          "ai_training",
          ConsentState.GRANTED,
          "default",
          "ai-notice-2",
          Instant.parse("2024-03-01T09:30:00Z"),
          "u:5f1c0e",
          "platform");

  @TempDir Path dir;
  private TiledLog log;
  private ReceiptVerifier verifier;

  @BeforeEach
  void openLog() {
    log = TiledLog.open(dir, SIGNER);
    List<byte[]> before = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      before.add(("{\"event\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
    log.append(before);
    verifier = ReceiptVerifier.create(SIGNER.verifier());
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  @Test
  void receiptBody_isCanonicalJsonInTheIsoShape() {
    assertThat(new String(RECEIPT.canonicalBytes(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"by\":\"u:5f1c0e\",\"consent_type\":\"ai_training\",\"notice_version\":\"ai-notice-2\","
                + "\"pii_controller\":\"platform\",\"pii_principal\":\"acme\",\"receipt_id\":\"rcpt-0001\","
                + "\"state\":\"granted\",\"terms_version\":\"default\","
                + "\"timestamp\":\"2024-03-01T09:30:00Z\",\"version\":\"covenant.consent-receipt/1\"}");
  }

  @Test
  void issuedReceipt_verifiesOffline_andRoundTripsThroughItsFile() {
    SignedReceipt issued = ReceiptIssuer.create(log, SIGNER).issue(RECEIPT);
    assertThat(issued.leafIndex()).isEqualTo(300);
    assertThat(issued.treeSize()).isEqualTo(301);
    assertThat(log.leaf(300)).isEqualTo(RECEIPT.canonicalBytes());
    String file = issued.toJsonText();
    assertThat(SignedReceipt.parse(file).orThrow()).isEqualTo(issued);
    assertThat(verifier.verify(file))
        .isEqualTo(new ReceiptVerification.Verified(RECEIPT, 300, 301));
  }

  @Test
  void receiptStillVerifies_afterTheLogGrew() {
    String file = ReceiptIssuer.create(log, SIGNER).issue(RECEIPT).toJsonText();
    log.append(List.of("later".getBytes(StandardCharsets.UTF_8)));
    assertThat(verifier.verify(file).ok()).isTrue();
  }

  @Test
  void signaturesAreDeterministic() {
    SignedReceipt a = ReceiptIssuer.create(log, SIGNER).issue(RECEIPT);
    SignedReceipt b = ReceiptIssuer.create(log, SIGNER).issue(RECEIPT);
    assertThat(a.signature()).isEqualTo(b.signature());
    assertThat(b.leafIndex()).isEqualTo(a.leafIndex() + 1);
  }

  @Test
  void changedReceiptField_breaksTheSignature() {
    ObjectNode doc = ReceiptIssuer.create(log, SIGNER).issue(RECEIPT).toJson();
    ((ObjectNode) doc.get("receipt")).put("state", "withdrawn");
    assertThat(code(doc)).isEqualTo("bad_receipt_signature");
  }

  @Test
  void forgedButSelfSignedReceipt_isNotInTheLog() {
    // Signed by the log key but never appended: the proof for leaf 300 is for another leaf.
    SignedReceipt real = ReceiptIssuer.create(log, SIGNER).issue(RECEIPT);
    ConsentReceipt other =
        new ConsentReceipt(
            "rcpt-0002",
            "acme",
            "ai_training",
            ConsentState.WITHDRAWN,
            "default",
            "ai-notice-2",
            Instant.parse("2024-03-02T09:30:00Z"),
            "u:5f1c0e",
            "platform");
    SignedReceipt forged =
        new SignedReceipt(
            other,
            real.keyName(),
            real.keyId(),
            Base64.getEncoder().encodeToString(SIGNER.sign(other.canonicalBytes())),
            real.leafIndex(),
            real.checkpoint(),
            real.inclusionProof());
    assertThat(verifier.verify(forged.toJsonText()))
        .isInstanceOfSatisfying(
            ReceiptVerification.Rejected.class,
            r -> assertThat(r.code()).isEqualTo("receipt_not_included"));
  }

  @Test
  void flippedProofHash_orWrongIndex_isNotIncluded() {
    ObjectNode doc = ReceiptIssuer.create(log, SIGNER).issue(RECEIPT).toJson();
    ObjectNode logPart = (ObjectNode) doc.get("log");
    ArrayNode path = (ArrayNode) logPart.get("inclusion_proof");
    String first = path.get(0).asText();
    path.set(0, Json.object().textNode((first.charAt(0) == 'A' ? 'B' : 'A') + first.substring(1)));
    assertThat(code(doc)).isEqualTo("receipt_not_included");
    path.set(0, Json.object().textNode(first));
    logPart.put("leaf_index", 299);
    assertThat(code(doc)).isEqualTo("receipt_not_included");
  }

  @Test
  void tamperedCheckpoint_failsItsSignature() {
    ObjectNode doc = ReceiptIssuer.create(log, SIGNER).issue(RECEIPT).toJson();
    ObjectNode logPart = (ObjectNode) doc.get("log");
    String note = logPart.get("checkpoint").asText();
    logPart.put("checkpoint", note.replaceFirst("\n301\n", "\n302\n"));
    logPart.put("tree_size", 302);
    assertThat(code(doc)).isEqualTo("invalid_signature");
  }

  @Test
  void anotherKey_isAKeyMismatch() {
    String file = ReceiptIssuer.create(log, SIGNER).issue(RECEIPT).toJsonText();
    ReceiptVerifier stranger =
        ReceiptVerifier.create(NoteSigner.generate("covenant.test/log").verifier());
    assertThat(((ReceiptVerification.Rejected) stranger.verify(file)).code())
        .isEqualTo("receipt_key_mismatch");
  }

  @Test
  void malformedDocuments_areRejectedAsValues() {
    ObjectNode doc = ReceiptIssuer.create(log, SIGNER).issue(RECEIPT).toJson();
    assertThat(((ReceiptVerification.Rejected) verifier.verify("{")).code())
        .isEqualTo("malformed_receipt");
    ObjectNode extra = doc.deepCopy();
    ((ObjectNode) extra.get("receipt")).put("extra", 1);
    assertThat(code(extra)).isEqualTo("malformed_receipt");
    ObjectNode badTime = doc.deepCopy();
    ((ObjectNode) badTime.get("receipt")).put("timestamp", "2024-03-01T09:30:00.000Z");
    assertThat(code(badTime)).isEqualTo("malformed_receipt");
    ObjectNode badSize = doc.deepCopy();
    ((ObjectNode) badSize.get("log")).put("tree_size", 7);
    assertThat(code(badSize)).isEqualTo("malformed_receipt");
  }

  @Test
  void composingWithAProofForAnotherLeaf_isABug() {
    long index = log.append(List.of(RECEIPT.canonicalBytes()));
    var cp = log.checkpoint();
    assertThatThrownBy(
            () -> SignedReceipt.issue(RECEIPT, SIGNER, index, cp, log.inclusionProof(0, cp.size())))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("proof");
  }

  @Test
  void blankFields_areRejected() {
    assertThatThrownBy(
            () ->
                new ConsentReceipt(
                    "r",
                    " ",
                    "ai_training",
                    ConsentState.GRANTED,
                    "default",
                    "n",
                    Instant.EPOCH,
                    "u",
                    "platform"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("pii_principal");
  }

  private String code(ObjectNode doc) {
    ReceiptVerification v = verifier.verify(Json.pretty(doc));
    assertThat(v).isInstanceOf(ReceiptVerification.Rejected.class);
    return ((ReceiptVerification.Rejected) v).code();
  }
}
