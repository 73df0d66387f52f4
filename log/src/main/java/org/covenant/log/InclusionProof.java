package org.covenant.log;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An RFC 9162 §2.1.3 inclusion proof: the audit path showing that leaf {@code index} is in the tree
 * of {@code treeSize} leaves. Verification follows §2.1.3.2 step by step and is a value, never an
 * exception.
 *
 * @param index the 0-based leaf index
 * @param treeSize the size of the tree the proof is for
 * @param path the audit path, bottom-up
 */
public record InclusionProof(long index, long treeSize, List<Hash> path) {
  /** Copies the path; sizes must be non-negative (a proof for a bad index simply fails). */
  public InclusionProof {
    Objects.requireNonNull(path, "path");
    path = List.copyOf(path);
    if (index < 0 || treeSize < 0) {
      throw new LogException("out_of_range", "index and tree size must be non-negative");
    }
  }

  /**
   * The root that this proof and {@code leafHash} imply, or empty when the proof cannot be for that
   * index and size (RFC 9162 §2.1.3.2 steps 1 to 4, and the final {@code sn == 0} check).
   */
  public Optional<Hash> rootFrom(Hash leafHash) {
    if (index >= treeSize) {
      return Optional.empty();
    }
    TreeHasher hasher = TreeHasher.local();
    long fn = index;
    long sn = treeSize - 1;
    byte[] r = leafHash.bytes();
    for (Hash p : path) {
      if (sn == 0) {
        return Optional.empty();
      }
      if ((fn & 1) == 1 || fn == sn) {
        hasher.nodeHash(p.raw(), 0, r, 0, r, 0);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        hasher.nodeHash(r, 0, p.raw(), 0, r, 0);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 ? Optional.of(Hash.wrap(r)) : Optional.empty();
  }

  /**
   * Whether the leaf with hash {@code leafHash} is at {@link #index} of the tree with {@code root}.
   */
  public boolean verify(Hash leafHash, Hash root) {
    return rootFrom(leafHash).map(root::equals).orElse(false);
  }
}
