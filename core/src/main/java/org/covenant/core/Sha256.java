package org.covenant.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the one digest Covenant names things by (policy revisions, corpus and file digests,
 * pseudonyms, token hashes): lowercase hex, optionally prefixed {@code sha256:}. Pure; the
 * Merkle tree's and signed notes' hashing stay in the {@code log} module, which owns those
 * formats.
 */
public final class Sha256 {
  /** The prefix of a named digest, e.g. a policy revision {@code sha256:…}. */
  public static final String PREFIX = "sha256:";

  private Sha256() {}

  /** A fresh digest (every JDK has SHA-256; its absence is a broken runtime, not an outcome). */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /**
   * One digest per thread for {@link #hex(byte[])}: {@code MessageDigest.getInstance} looks the
   * provider up on every call (it showed in the profile of {@code POST /v1/events}, two digests
   * per event). {@code digest(bytes)} completes and resets it, so it is reused as fresh.
   */
  private static final ThreadLocal<MessageDigest> DIGEST =
      ThreadLocal.withInitial(Sha256::newDigest);

  /** The hex digest of these bytes. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(DIGEST.get().digest(bytes));
  }

  /** The hex digest of this text's UTF-8 bytes. */
  public static String hex(String text) {
    return hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Completes a digest the caller has fed, as hex. */
  public static String hex(MessageDigest fed) {
    return HexFormat.of().formatHex(fed.digest());
  }

  /** {@code sha256:} and the hex digest of this text's UTF-8 bytes. */
  public static String named(String text) {
    return PREFIX + hex(text);
  }
}
