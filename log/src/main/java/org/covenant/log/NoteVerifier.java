package org.covenant.log;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An Ed25519 note verifier key (C2SP signed-note, as golang.org/x/mod/sumdb/note): a key name, the
 * key ID {@code SHA-256(name || 0x0A || 0x01 || publicKey)[:4]} and the raw 32-byte public key. Its
 * text form {@code <name>+<8 hex key ID>+<base64(0x01 || publicKey)>} is what {@code covenant log
 * key} prints and what auditors configure (ARCHITECTURE.md §7). Immutable and thread-safe.
 */
public final class NoteVerifier {
  /** The signed-note signature type byte of Ed25519. */
  static final byte ALG_ED25519 = 0x01;

  private static final byte[] X509_ED25519_PREFIX =
      HexFormat.of().parseHex("302a300506032b6570032100");

  private final String name;
  private final int keyId;
  private final byte[] publicKey;
  private final PublicKey key;

  private NoteVerifier(String name, byte[] publicKey) {
    this.name = name;
    this.publicKey = publicKey;
    this.keyId = keyId(name, publicKey);
    this.key = decodePublicKey(publicKey);
  }

  /**
   * The verifier for a raw 32-byte Ed25519 public key under {@code name}.
   *
   * @throws LogException {@code bad_key} when the name is not a valid key name (empty, spaces or
   *     {@code +}) or the key is not 32 bytes: both are programming errors here
   */
  public static NoteVerifier of(String name, byte[] publicKey) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(publicKey, "publicKey");
    if (!isValidName(name) || publicKey.length != 32) {
      throw new LogException("bad_key", "`" + name + "` with a " + publicKey.length + "-byte key");
    }
    return new NoteVerifier(name, publicKey.clone());
  }

  /**
   * Parses a verifier key text {@code <name>+<hash>+<base64 key>}. Fails with {@code bad_vkey} when
   * it is malformed or not Ed25519, and {@code vkey_hash_mismatch} when the key ID does not match
   * the name and key.
   */
  public static Checked<NoteVerifier> parse(String vkey) {
    // The base64 key may itself contain `+`: split off only the first two fields (Go's chop).
    String[] parts = vkey.split("\\+", 3);
    if (parts.length != 3) {
      return Checked.failed("bad_vkey", "a verifier key is `name+hash+key`, got `" + vkey + "`");
    }
    String name = parts[0];
    byte[] typed = decodeKeyParts(name, parts[1], parts[2]);
    if (typed == null || typed[0] != ALG_ED25519 || typed.length != 33) {
      return Checked.failed("bad_vkey", "`" + vkey + "` is not an ed25519 verifier key");
    }
    byte[] pub = Arrays.copyOfRange(typed, 1, 33);
    if (Integer.parseUnsignedInt(parts[1], 16) != keyId(name, pub)) {
      return Checked.failed("vkey_hash_mismatch", "the key id of `" + vkey + "` does not match");
    }
    try {
      return Checked.ok(new NoteVerifier(name, pub));
    } catch (LogException e) {
      return Checked.failed("bad_vkey", "`" + vkey + "` is not an ed25519 public key");
    }
  }

  /** The key name, e.g. {@code covenant.local/log}; by convention the log's origin. */
  public String name() {
    return name;
  }

  /** The 32-bit key ID, the first four bytes of the key hash read big-endian. */
  public int keyId() {
    return keyId;
  }

  /** The raw 32-byte Ed25519 public key (RFC 8032 encoding). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The verifier key text {@code <name>+<8 hex digits>+<base64(0x01 || publicKey)>}. */
  public String keyText() {
    byte[] typed = new byte[33];
    typed[0] = ALG_ED25519;
    System.arraycopy(publicKey, 0, typed, 1, 32);
    return name + "+" + hex8(keyId) + "+" + Base64.getEncoder().encodeToString(typed);
  }

  /** Whether {@code signature} is a valid Ed25519 signature of {@code message} by this key. */
  public boolean verify(byte[] message, byte[] signature) {
    if (signature.length != 64) {
      return false;
    }
    try {
      Signature ed = Signature.getInstance("Ed25519");
      ed.initVerify(key);
      ed.update(message);
      return ed.verify(signature);
    } catch (SignatureException e) {
      return false;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new LogException("no_ed25519", "the jdk cannot verify ed25519", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoteVerifier v
        && name.equals(v.name)
        && Arrays.equals(publicKey, v.publicKey);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(publicKey);
  }

  @Override
  public String toString() {
    return keyText();
  }

  /** {@code SHA-256(name || 0x0A || 0x01 || publicKey)[:4]} read big-endian. */
  static int keyId(String name, byte[] publicKey) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(name.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      sha.update(ALG_ED25519);
      sha.update(publicKey);
      byte[] h = sha.digest();
      return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
    } catch (NoSuchAlgorithmException e) {
      throw new LogException("no_sha256", "the jdk has no sha-256", e);
    }
  }

  static String hex8(int keyId) {
    return HexFormat.of().toHexDigits(keyId);
  }

  /**
   * The decoded {@code type || key} bytes when {@code hash16} is 8 hex digits, {@code key64} is
   * non-empty base64 and {@code name} is a valid key name; null otherwise (as Go's NewVerifier).
   */
  static byte[] decodeKeyParts(String name, String hash16, String key64) {
    if (!isValidName(name) || hash16.length() != 8 || key64.isEmpty()) {
      return null;
    }
    for (int i = 0; i < 8; i++) {
      char c = hash16.charAt(i);
      if (c >= 0x80 || Character.digit(c, 16) < 0) {
        return null;
      }
    }
    try {
      byte[] typed = Base64.getDecoder().decode(key64);
      return typed.length == 0 ? null : typed;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A key name is non-empty, has no Unicode space and no {@code +} (C2SP signed-note). */
  static boolean isValidName(String name) {
    if (name.isEmpty() || name.indexOf('+') >= 0) {
      return false;
    }
    return name.codePoints()
        .noneMatch(
            cp ->
                Character.isWhitespace(cp)
                    || Character.isSpaceChar(cp)
                    || cp == 0x85
                    || Character.getType(cp) == Character.SURROGATE);
  }

  private static PublicKey decodePublicKey(byte[] raw) {
    byte[] der = Arrays.copyOf(X509_ED25519_PREFIX, X509_ED25519_PREFIX.length + 32);
    System.arraycopy(raw, 0, der, X509_ED25519_PREFIX.length, 32);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new LogException("bad_key", "not an ed25519 public key", e);
    }
  }
}
