package org.covenant.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The Ed25519 signed-note known-answer vector published with golang.org/x/mod/sumdb/note
 * (note_test.go and the package documentation): the PeterNeumann keys and their signed note.
 */
class SignedNoteTest {
  static final String VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  static final String SKEY =
      "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  static final String TEXT =
      "If you think cryptography is the answer to your problem,\n"
          + "then you don't know what your problem is.\n";
  static final String NOTE =
      TEXT
          + "\n"
          + "\u2014 PeterNeumann"
          + " x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

  @Test
  void goVector_verifierKeyParsesWithItsKeyId() {
    NoteVerifier v = NoteVerifier.parse(VKEY).orThrow();
    assertThat(v.name()).isEqualTo("PeterNeumann");
    assertThat(NoteVerifier.hex8(v.keyId())).isEqualTo("c74f20a3");
    assertThat(v.keyText()).isEqualTo(VKEY);
  }

  @Test
  void goVector_signerKeyDerivesThePublishedVerifierKey() {
    NoteSigner s = NoteSigner.parse(SKEY).orThrow();
    assertThat(s.keyText()).isEqualTo(SKEY);
    assertThat(s.verifier().keyText()).isEqualTo(VKEY);
    assertThat(s.toString()).doesNotContain("AYEKFALV");
  }

  @Test
  void goVector_signingReproducesThePublishedNoteByteForByte() {
    NoteSigner s = NoteSigner.parse(SKEY).orThrow();
    assertThat(SignedNote.sign(TEXT, s)).isEqualTo(NOTE);
  }

  @Test
  void goVector_publishedNoteVerifies() {
    NoteVerifier v = NoteVerifier.parse(VKEY).orThrow();
    assertThat(SignedNote.open(NOTE, v)).isEqualTo(Checked.ok(TEXT));
  }

  @Test
  void tamperedText_isAnInvalidSignature() {
    NoteVerifier v = NoteVerifier.parse(VKEY).orThrow();
    String tampered = NOTE.replace("cryptography", "cryptographY");
    assertThat(SignedNote.open(tampered, v).code()).isEqualTo("invalid_signature");
  }

  @Test
  void everySingleBitOfTheSignature_matters() {
    NoteVerifier v = NoteVerifier.parse(VKEY).orThrow();
    byte[] raw = Base64.getDecoder().decode(NOTE.substring(NOTE.lastIndexOf(' ') + 1).strip());
    for (int bit = 32; bit < raw.length * 8; bit++) {
      byte[] b = raw.clone();
      b[bit / 8] ^= (byte) (1 << (bit % 8));
      String note = TEXT + "\n\u2014 PeterNeumann " + Base64.getEncoder().encodeToString(b) + "\n";
      assertThat(SignedNote.open(note, v).isOk()).as("bit %d", bit).isFalse();
    }
  }

  @Test
  void signatureByAnotherKey_isUnverified() {
    NoteSigner other = NoteSigner.generate("PeterNeumann");
    NoteVerifier v = NoteVerifier.parse(VKEY).orThrow();
    assertThat(SignedNote.open(SignedNote.sign(TEXT, other), v).code())
        .isEqualTo("unverified_note");
  }

  @Test
  void unknownSignaturesAreIgnored_whenTheKnownOneVerifies() {
    NoteSigner other = NoteSigner.generate("witness.example/w1");
    String otherSig = SignedNote.sign(TEXT, other).substring(TEXT.length() + 1);
    NoteVerifier v = NoteVerifier.parse(VKEY).orThrow();
    assertThat(SignedNote.open(NOTE + otherSig, v)).isEqualTo(Checked.ok(TEXT));
    assertThat(SignedNote.parse(NOTE + otherSig).orThrow().signatures()).hasSize(2);
  }

  @Test
  void malformedNotes_areRejectedAsValues() {
    NoteVerifier v = NoteVerifier.parse(VKEY).orThrow();
    assertThat(SignedNote.open(TEXT, v).code()).isEqualTo("malformed_note");
    assertThat(SignedNote.open(NOTE.replace("\u2014", "-"), v).code()).isEqualTo("malformed_note");
    assertThat(SignedNote.open(NOTE.replace("then", "\tthen"), v).code())
        .isEqualTo("malformed_note");
    assertThat(SignedNote.open(NOTE.substring(0, NOTE.length() - 1), v).code())
        .isEqualTo("malformed_note");
  }

  @Test
  void manglingsOfTheKeys_areRejected() {
    // As Go's TestNewVerifier / TestNewSigner: proper substrings and single-byte increments fail.
    for (String key : new String[] {VKEY, SKEY}) {
      byte[] b = key.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < b.length; i++) {
        for (int j = i + 1; j <= b.length; j++) {
          if (i == 0 && j == b.length) {
            continue;
          }
          String k = new String(b, i, j - i, StandardCharsets.UTF_8);
          assertThat(parses(key == VKEY, k)).as("`%s`", k).isFalse();
        }
      }
      for (int i = 0; i < b.length; i++) {
        byte[] m = b.clone();
        m[i]++;
        String k = new String(m, StandardCharsets.UTF_8);
        assertThat(parses(key == VKEY, k)).as("`%s`", k).isFalse();
      }
    }
    // Wrong key length and unknown algorithm, each with an adjusted key hash (Go's vectors).
    assertThat(
            NoteVerifier.parse(
                    "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
                .isOk())
        .isFalse();
    assertThat(
            NoteVerifier.parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                .isOk())
        .isFalse();
  }

  @Test
  void generatedKeys_roundTripThroughTheirTextForms() {
    NoteSigner s = NoteSigner.generate("covenant.example/log");
    NoteSigner again = NoteSigner.parse(s.keyText()).orThrow();
    assertThat(again.verifier()).isEqualTo(s.verifier());
    assertThat(NoteVerifier.parse(s.verifier().keyText()).orThrow()).isEqualTo(s.verifier());
    String note = SignedNote.sign("hello\n", s);
    assertThat(SignedNote.open(note, again.verifier())).isEqualTo(Checked.ok("hello\n"));
  }

  private static boolean parses(boolean verifier, String key) {
    return verifier ? NoteVerifier.parse(key).isOk() : NoteSigner.parse(key).isOk();
  }
}
