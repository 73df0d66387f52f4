package org.covenant.log;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An Ed25519 note signer (C2SP signed-note; golang.org/x/mod/sumdb/note): the log's signing key.
 * Its secret text form is {@code PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x01 || seed)>}, with
 * the 32-byte RFC 8032 seed. Signatures are deterministic (RFC 8032), so the same key and text give
 * the same note byte for byte. Immutable and thread-safe; {@link #toString()} never shows the seed.
 */
public final class NoteSigner {
  private static final byte[] PKCS8_ED25519_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");

  private final byte[] seed;
  private final PrivateKey key;
  private final NoteVerifier verifier;

  private NoteSigner(String name, byte[] seed) {
    this.seed = seed;
    this.key = decodePrivateKey(seed);
    this.verifier = NoteVerifier.of(name, publicKeyOf(seed));
  }

  /**
   * A fresh random key named {@code name}.
   *
   * @throws LogException {@code bad_key} when {@code name} is not a valid key name (empty, spaces
   *     or {@code +})
   */
  public static NoteSigner generate(String name) {
    Objects.requireNonNull(name, "name");
    if (!NoteVerifier.isValidName(name)) {
      throw new LogException("bad_key", "`" + name + "` is not a valid key name");
    }
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
      KeyPair pair = gen.generateKeyPair();
      byte[] seed =
          ((EdECPrivateKey) pair.getPrivate())
              .getBytes()
              .orElseThrow(() -> new LogException("no_ed25519", "the jdk hid the ed25519 seed"));
      return new NoteSigner(name, seed);
    } catch (NoSuchAlgorithmException e) {
      throw new LogException("no_ed25519", "the jdk has no ed25519", e);
    }
  }

  /**
   * Parses a signer key text. Fails with {@code bad_skey} when it is malformed or not Ed25519 and
   * {@code skey_hash_mismatch} when the key ID does not match the name and the derived public key.
   */
  public static Checked<NoteSigner> parse(String skey) {
    // The base64 seed may itself contain `+`: split off only the first four fields (Go's chop).
    String[] parts = skey.split("\\+", 5);
    if (parts.length != 5 || !parts[0].equals("PRIVATE") || !parts[1].equals("KEY")) {
      return Checked.failed("bad_skey", "a signer key is `PRIVATE+KEY+name+hash+key`");
    }
    String name = parts[2];
    byte[] typed = NoteVerifier.decodeKeyParts(name, parts[3], parts[4]);
    if (typed == null || typed[0] != NoteVerifier.ALG_ED25519 || typed.length != 33) {
      return Checked.failed("bad_skey", "the signer key of `" + name + "` is not ed25519");
    }
    NoteSigner signer = new NoteSigner(name, Arrays.copyOfRange(typed, 1, 33));
    if (Integer.parseUnsignedInt(parts[3], 16) != signer.keyId()) {
      return Checked.failed("skey_hash_mismatch", "the key id of `" + name + "` does not match");
    }
    return Checked.ok(signer);
  }

  /** The key name. */
  public String name() {
    return verifier.name();
  }

  /** The 32-bit key ID. */
  public int keyId() {
    return verifier.keyId();
  }

  /** The matching verifier (public) key. */
  public NoteVerifier verifier() {
    return verifier;
  }

  /**
   * The secret key text {@code PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>}. Keep it secret.
   */
  public String keyText() {
    byte[] typed = new byte[33];
    typed[0] = NoteVerifier.ALG_ED25519;
    System.arraycopy(seed, 0, typed, 1, 32);
    return "PRIVATE+KEY+"
        + name()
        + "+"
        + NoteVerifier.hex8(keyId())
        + "+"
        + Base64.getEncoder().encodeToString(typed);
  }

  /** The 64-byte Ed25519 signature of {@code message} (RFC 8032, deterministic). */
  public byte[] sign(byte[] message) {
    try {
      Signature ed = Signature.getInstance("Ed25519");
      ed.initSign(key);
      ed.update(message);
      return ed.sign();
    } catch (NoSuchAlgorithmException | InvalidKeyException | SignatureException e) {
      throw new LogException("no_ed25519", "the jdk cannot sign with ed25519", e);
    }
  }

  @Override
  public String toString() {
    return "NoteSigner[" + name() + "+" + NoteVerifier.hex8(keyId()) + "]";
  }

  private static PrivateKey decodePrivateKey(byte[] seed) {
    byte[] der = Arrays.copyOf(PKCS8_ED25519_PREFIX, PKCS8_ED25519_PREFIX.length + 32);
    System.arraycopy(seed, 0, der, PKCS8_ED25519_PREFIX.length, 32);
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new LogException("no_ed25519", "the jdk cannot load an ed25519 seed", e);
    }
  }

  /**
   * Derives the public key from a seed. The JDK has no public API for that, but its Ed25519 key
   * pair generator draws exactly the 32 seed bytes from the random source it is given (RFC 8032
   * §5.1.5), so a source that returns the seed yields the matching pair. The Go known-answer test
   * (NoteSignerTest) pins this down.
   */
  private static byte[] publicKeyOf(byte[] seed) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
      gen.initialize(NamedParameterSpec.ED25519, new SeedSource(seed));
      KeyPair pair = gen.generateKeyPair();
      byte[] priv =
          ((EdECPrivateKey) pair.getPrivate())
              .getBytes()
              .orElseThrow(() -> new LogException("no_ed25519", "the jdk hid the ed25519 seed"));
      if (!Arrays.equals(priv, seed)) {
        throw new LogException("no_ed25519", "the jdk did not derive the key from the seed");
      }
      byte[] spki = pair.getPublic().getEncoded();
      return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    } catch (GeneralSecurityException e) {
      throw new LogException("no_ed25519", "the jdk cannot derive an ed25519 public key", e);
    }
  }

  /** A "random" source that returns one fixed seed: only for deriving a key pair from it. */
  private static final class SeedSource extends SecureRandom {
    private final byte[] seed;

    SeedSource(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new LogException("no_ed25519", "the jdk asked for " + bytes.length + " seed bytes");
      }
      System.arraycopy(seed, 0, bytes, 0, seed.length);
    }
  }
}
