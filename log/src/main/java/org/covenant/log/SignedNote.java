package org.covenant.log;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A C2SP signed note: a text ending in a newline, a blank line, then signature lines {@code — <key
 * name> <base64(4-byte key ID || signature)>}. Parsing and verifying follow
 * golang.org/x/mod/sumdb/note: the text is everything before the last blank line; signatures by
 * unknown keys are ignored; a signature by the known key that fails rejects the whole note
 * (ARCHITECTURE.md §7).
 *
 * @param text the signed text, ending in a newline
 * @param signatures the signature lines, in order
 */
public record SignedNote(String text, List<Signature> signatures) {
  private static final String SIG_PREFIX = "\u2014 ";
  private static final int MAX_SIGNATURES = 100;

  /**
   * One signature line.
   *
   * @param name the key name
   * @param keyId the 32-bit key ID
   * @param signature the signature bytes after the key ID, base64
   */
  public record Signature(String name, int keyId, String signature) {
    /** Requires a valid key name and a base64 signature. */
    public Signature {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(signature, "signature");
    }
  }

  /** Copies the signatures; the text must be a valid note text (ends in a newline). */
  public SignedNote {
    Objects.requireNonNull(text, "text");
    signatures = List.copyOf(signatures);
  }

  /**
   * Signs {@code text} with {@code signer} and returns the whole note.
   *
   * @throws LogException {@code bad_note_text} when the text does not end in a newline or holds
   *     control characters other than newline: the caller built it, so that is a bug
   */
  public static String sign(String text, NoteSigner signer) {
    String problem = textProblem(text);
    if (problem != null) {
      throw new LogException("bad_note_text", problem);
    }
    byte[] sig = signer.sign(text.getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.allocate(4 + sig.length).putInt(signer.keyId()).put(sig);
    return text
        + "\n"
        + SIG_PREFIX
        + signer.name()
        + " "
        + Base64.getEncoder().encodeToString(b.array())
        + "\n";
  }

  /**
   * Parses a note without verifying it. Fails with {@code malformed_note} on anything the format
   * forbids (C2SP signed-note "Format").
   */
  public static Checked<SignedNote> parse(String note) {
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (c < 0x20 && c != '\n') {
        return malformed("control character at offset " + i);
      }
    }
    if (!isWellFormedUtf16(note)) {
      return malformed("not valid unicode");
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      return malformed("no blank line before the signatures");
    }
    String text = note.substring(0, split + 1);
    String sigs = note.substring(split + 2);
    if (sigs.isEmpty() || !sigs.endsWith("\n")) {
      return malformed("the signature block must end in a newline");
    }
    List<Signature> out = new ArrayList<>();
    for (String line : sigs.substring(0, sigs.length() - 1).split("\n", -1)) {
      if (!line.startsWith(SIG_PREFIX)) {
        return malformed("signature line `" + line + "` does not start with an em dash");
      }
      String rest = line.substring(SIG_PREFIX.length());
      int space = rest.indexOf(' ');
      if (space < 0) {
        return malformed("signature line `" + line + "` has no signature");
      }
      String name = rest.substring(0, space);
      String b64 = rest.substring(space + 1);
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        return malformed("signature of `" + name + "` is not base64");
      }
      if (!NoteVerifier.isValidName(name) || b64.isEmpty() || raw.length < 5) {
        return malformed("signature line `" + line + "` is malformed");
      }
      if (out.size() == MAX_SIGNATURES) {
        return malformed("more than " + MAX_SIGNATURES + " signatures");
      }
      ByteBuffer b = ByteBuffer.wrap(raw);
      int keyId = b.getInt();
      byte[] sig = new byte[raw.length - 4];
      b.get(sig);
      out.add(new Signature(name, keyId, Base64.getEncoder().encodeToString(sig)));
    }
    return Checked.ok(new SignedNote(text, out));
  }

  /**
   * Parses {@code note} and returns its text when {@code verifier} signed it. Fails with {@code
   * malformed_note}, {@code invalid_signature} (a signature by this key that does not verify) or
   * {@code unverified_note} (no signature by this key).
   */
  public static Checked<String> open(String note, NoteVerifier verifier) {
    return parse(note).flatMap(n -> n.verifiedText(verifier));
  }

  /** This note's text when {@code verifier} signed it; failures as in {@link #open}. */
  public Checked<String> verifiedText(NoteVerifier verifier) {
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    Set<String> seen = new HashSet<>();
    boolean verified = false;
    for (Signature s : signatures) {
      if (!s.name().equals(verifier.name()) || s.keyId() != verifier.keyId()) {
        continue;
      }
      if (!seen.add(s.signature())) {
        continue;
      }
      if (!verifier.verify(message, Base64.getDecoder().decode(s.signature()))) {
        return Checked.failed(
            "invalid_signature", "the signature of `" + verifier.name() + "` does not verify");
      }
      verified = true;
    }
    if (!verified) {
      return Checked.failed(
          "unverified_note", "the note carries no signature by `" + verifier.keyText() + "`");
    }
    return Checked.ok(text);
  }

  /** Why {@code text} cannot be signed, or null when it can. */
  static String textProblem(String text) {
    if (text.isEmpty() || !text.endsWith("\n")) {
      return "a note text must end in a newline";
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\n') {
        return "control character at offset " + i;
      }
    }
    return isWellFormedUtf16(text) ? null : "not valid unicode";
  }

  private static boolean isWellFormedUtf16(String s) {
    try {
      StandardCharsets.UTF_8
          .newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(s));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static <T> Checked<T> malformed(String why) {
    return Checked.failed("malformed_note", why);
  }
}
