package org.covenant.log;

import java.util.ArrayList;
import java.util.List;

/**
 * The C2SP tlog-tiles entry bundle encoding: entries back to back, each a big-endian uint16 length
 * followed by that many bytes. So an entry (a leaf) is at most 65535 bytes.
 */
public final class EntryBundle {
  /** The largest entry a bundle can hold. */
  public static final int MAX_ENTRY = 0xFFFF;

  private EntryBundle() {}

  /**
   * Encodes {@code entries}.
   *
   * @throws LogException {@code leaf_too_large} when an entry exceeds {@link #MAX_ENTRY} bytes
   */
  public static byte[] encode(List<byte[]> entries) {
    int total = 0;
    for (byte[] e : entries) {
      if (e.length > MAX_ENTRY) {
        throw new LogException(
            "leaf_too_large", "an entry of " + e.length + " bytes exceeds 65535");
      }
      total += 2 + e.length;
    }
    byte[] out = new byte[total];
    int pos = 0;
    for (byte[] e : entries) {
      out[pos] = (byte) (e.length >>> 8);
      out[pos + 1] = (byte) e.length;
      System.arraycopy(e, 0, out, pos + 2, e.length);
      pos += 2 + e.length;
    }
    return out;
  }

  /**
   * Decodes a bundle. Fails with {@code malformed_bundle} when a length prefix runs past the end.
   */
  public static Checked<List<byte[]>> decode(byte[] bundle) {
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (pos < bundle.length) {
      if (pos + 2 > bundle.length) {
        return Checked.failed("malformed_bundle", "truncated length prefix of entry " + out.size());
      }
      int len = ((bundle[pos] & 0xff) << 8) | (bundle[pos + 1] & 0xff);
      if (pos + 2 + len > bundle.length) {
        return Checked.failed("malformed_bundle", "entry " + out.size() + " runs past the end");
      }
      byte[] e = new byte[len];
      System.arraycopy(bundle, pos + 2, e, 0, len);
      out.add(e);
      pos += 2 + len;
    }
    return Checked.ok(out);
  }

  /**
   * Hashes every entry of {@code bundle} (RFC 9162 leaf hashes) into {@code out} back to back and
   * returns how many there were, or -1 when the bundle is malformed or has more than {@code max}
   * entries. Allocation-free: this is the verifier's inner loop.
   */
  static int leafHashes(byte[] bundle, int max, TreeHasher hasher, byte[] out) {
    int pos = 0;
    int n = 0;
    while (pos < bundle.length) {
      if (pos + 2 > bundle.length || n == max) {
        return -1;
      }
      int len = ((bundle[pos] & 0xff) << 8) | (bundle[pos + 1] & 0xff);
      if (pos + 2 + len > bundle.length) {
        return -1;
      }
      hasher.leafHash(bundle, pos + 2, len, out, n * Hash.SIZE);
      pos += 2 + len;
      n++;
    }
    return n;
  }
}
