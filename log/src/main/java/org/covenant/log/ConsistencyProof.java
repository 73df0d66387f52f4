package org.covenant.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 9162 §2.1.4 consistency proof: evidence that the tree of {@code toSize} leaves extends the
 * tree of {@code fromSize} leaves without rewriting it. Verification follows §2.1.4.2 step by step
 * and is a value, never an exception.
 *
 * @param fromSize the size of the earlier tree
 * @param toSize the size of the later tree
 * @param path the proof nodes in RFC order
 */
public record ConsistencyProof(long fromSize, long toSize, List<Hash> path) {
  /** Copies the path; sizes must be non-negative (a proof between bad sizes simply fails). */
  public ConsistencyProof {
    Objects.requireNonNull(path, "path");
    path = List.copyOf(path);
    if (fromSize < 0 || toSize < 0) {
      throw new LogException("out_of_range", "tree sizes must be non-negative");
    }
  }

  /**
   * Whether the tree with root {@code toRoot} of {@link #toSize} leaves extends the tree with root
   * {@code fromRoot} of {@link #fromSize} leaves. Equal sizes need equal roots and an empty path;
   * the empty tree is a prefix of every tree and needs an empty path.
   */
  public boolean verify(Hash fromRoot, Hash toRoot) {
    if (fromSize > toSize) {
      return false;
    }
    if (fromSize == toSize) {
      return path.isEmpty() && fromRoot.equals(toRoot);
    }
    if (fromSize == 0) {
      return path.isEmpty();
    }
    // Step 1.
    if (path.isEmpty()) {
      return false;
    }
    // Step 2: a power-of-two first tree is itself a node of the second; the path omits it.
    List<Hash> c = path;
    if (Long.bitCount(fromSize) == 1) {
      c = new ArrayList<>(path.size() + 1);
      c.add(fromRoot);
      c.addAll(path);
    }
    TreeHasher hasher = TreeHasher.local();
    // Step 3.
    long fn = fromSize - 1;
    long sn = toSize - 1;
    // Step 4.
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    // Step 5.
    byte[] fr = c.get(0).bytes();
    byte[] sr = c.get(0).bytes();
    // Step 6.
    for (int i = 1; i < c.size(); i++) {
      byte[] ci = c.get(i).raw();
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        hasher.nodeHash(ci, 0, fr, 0, fr, 0);
        hasher.nodeHash(ci, 0, sr, 0, sr, 0);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        hasher.nodeHash(sr, 0, ci, 0, sr, 0);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    // Step 7.
    return sn == 0 && fromRoot.matches(fr, 0) && toRoot.matches(sr, 0);
  }
}
