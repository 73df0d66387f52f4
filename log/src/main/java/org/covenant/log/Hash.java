package org.covenant.log;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A SHA-256 Merkle tree hash (32 bytes): a leaf hash, an interior node hash or a tree root (RFC
 * 9162 §2.1). Immutable; equal when the bytes are equal.
 */
public final class Hash {
  /** The length of every hash in bytes. */
  public static final int SIZE = 32;

  private final byte[] bytes;

  private Hash(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A hash holding a copy of {@code bytes}.
   *
   * @throws LogException {@code bad_hash_length} when {@code bytes} is not 32 bytes long (a bug:
   *     untrusted input goes through {@link #fromBase64} or {@link #fromHex})
   */
  public static Hash of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != SIZE) {
      throw new LogException("bad_hash_length", "a hash is 32 bytes, got " + bytes.length);
    }
    return new Hash(bytes.clone());
  }

  /** A hash copied from {@code 32} bytes of {@code buf} at {@code offset}. */
  public static Hash of(byte[] buf, int offset) {
    return new Hash(Arrays.copyOfRange(buf, offset, offset + SIZE));
  }

  /** Wraps an array this package just allocated and will not touch again. */
  static Hash wrap(byte[] bytes) {
    return new Hash(bytes);
  }

  /** Parses standard base64 (RFC 4648 §4) of exactly 32 bytes; {@code bad_hash} otherwise. */
  public static Checked<Hash> fromBase64(String text) {
    try {
      byte[] b = Base64.getDecoder().decode(text);
      if (b.length != SIZE) {
        return Checked.failed("bad_hash", "`" + text + "` is not 32 bytes of base64");
      }
      return Checked.ok(new Hash(b));
    } catch (IllegalArgumentException e) {
      return Checked.failed("bad_hash", "`" + text + "` is not base64");
    }
  }

  /** Parses 64 hexadecimal digits; {@code bad_hash} otherwise. */
  public static Checked<Hash> fromHex(String text) {
    if (text.length() != 2 * SIZE) {
      return Checked.failed("bad_hash", "`" + text + "` is not 64 hex digits");
    }
    try {
      return Checked.ok(new Hash(HexFormat.of().parseHex(text)));
    } catch (IllegalArgumentException e) {
      return Checked.failed("bad_hash", "`" + text + "` is not 64 hex digits");
    }
  }

  /** A copy of the 32 bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Copies the 32 bytes into {@code dst} at {@code offset}. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, SIZE);
  }

  /** Whether these bytes equal the 32 bytes of {@code buf} at {@code offset}. */
  public boolean matches(byte[] buf, int offset) {
    return Arrays.equals(bytes, 0, SIZE, buf, offset, offset + SIZE);
  }

  /** Lowercase hexadecimal, 64 digits. */
  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  /** Standard base64 with padding, as checkpoints and proofs print it. */
  public String base64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  byte[] raw() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hash h && Arrays.equals(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
