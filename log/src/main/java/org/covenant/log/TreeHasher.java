package org.covenant.log;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * RFC 9162 §2.1.1 hashing with SHA-256: a leaf hash is {@code SHA-256(0x00 || data)} and an
 * interior node hash is {@code SHA-256(0x01 || left || right)} (ARCHITECTURE.md §7). An instance
 * owns a {@link MessageDigest} and is not thread-safe: one per thread.
 */
public final class TreeHasher {
  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;
  private static final Hash EMPTY_ROOT = Hash.wrap(create().sha.digest());

  private static final ThreadLocal<TreeHasher> LOCAL = ThreadLocal.withInitial(TreeHasher::create);

  private final MessageDigest sha;

  private TreeHasher(MessageDigest sha) {
    this.sha = sha;
  }

  /**
   * A new hasher.
   *
   * @throws LogException {@code no_sha256} when the JDK lacks SHA-256 (never on a conforming JDK)
   */
  public static TreeHasher create() {
    try {
      return new TreeHasher(MessageDigest.getInstance("SHA-256"));
    } catch (NoSuchAlgorithmException e) {
      throw new LogException("no_sha256", "the jdk has no sha-256", e);
    }
  }

  /** This thread's shared hasher, for code that must not allocate one per call. */
  static TreeHasher local() {
    return LOCAL.get();
  }

  /** The root of the empty tree: {@code SHA-256()} of no bytes (RFC 9162 §2.1.1). */
  public static Hash emptyRoot() {
    return EMPTY_ROOT;
  }

  /** {@code SHA-256(0x00 || data)}. */
  public Hash leafHash(byte[] data) {
    byte[] out = new byte[Hash.SIZE];
    leafHash(data, 0, data.length, out, 0);
    return Hash.wrap(out);
  }

  /** {@code SHA-256(0x01 || left || right)}. */
  public Hash nodeHash(Hash left, Hash right) {
    byte[] out = new byte[Hash.SIZE];
    nodeHash(left.raw(), 0, right.raw(), 0, out, 0);
    return Hash.wrap(out);
  }

  /** Leaf hash of {@code data[off, off+len)} written to {@code out[outOff, outOff+32)}. */
  void leafHash(byte[] data, int off, int len, byte[] out, int outOff) {
    sha.update(LEAF_PREFIX);
    sha.update(data, off, len);
    finish(out, outOff);
  }

  /** Node hash of two 32-byte hashes read from arrays, written without allocating. */
  void nodeHash(byte[] left, int leftOff, byte[] right, int rightOff, byte[] out, int outOff) {
    sha.update(NODE_PREFIX);
    sha.update(left, leftOff, Hash.SIZE);
    sha.update(right, rightOff, Hash.SIZE);
    finish(out, outOff);
  }

  private void finish(byte[] out, int outOff) {
    try {
      sha.digest(out, outOff, Hash.SIZE);
    } catch (DigestException e) {
      throw new LogException("digest_failed", "sha-256 refused a 32-byte output buffer", e);
    }
  }
}
