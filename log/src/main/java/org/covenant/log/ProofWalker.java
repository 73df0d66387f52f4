package org.covenant.log;

import java.util.ArrayList;
import java.util.List;

/**
 * The proof recursions of RFC 9162 §2.1.3.1 (PATH, inclusion) and §2.1.4.1 (SUBPROOF,
 * consistency), once, over any tree that can hash its subtrees: the in-memory {@link MerkleTree}
 * and the tiled {@link TileCache.Tree}. The ranges the recursions ask for always start at a
 * multiple of the largest power of two not above their length, so a tree that keeps its perfect
 * subtrees answers {@link Subtrees#subtree} with {@link #subtree(long, long, PerfectNodes)}.
 */
final class ProofWalker {
  private ProofWalker() {}

  /** The hook: the hash of a subtree. */
  @FunctionalInterface
  interface Subtrees {
    /**
     * MTH(D[offset : offset+n]) of RFC 9162 §2.1.1 for {@code n >= 1}, a new array.
     * INVARIANT: {@code offset} is a multiple of the largest power of two not above {@code n}.
     */
    byte[] subtree(long offset, long n);
  }

  /** A tree's perfect subtrees. */
  @FunctionalInterface
  interface PerfectNodes {
    /** Copies the hash of the perfect subtree of height {@code level} number {@code index}. */
    void copy(int level, long index, byte[] dst, int off);
  }

  /**
   * The audit path of leaf {@code index} in the tree of the first {@code treeSize} leaves,
   * PATH(m, D[n]) of RFC 9162 §2.1.3.1; the caller checks {@code 0 <= index < treeSize}.
   */
  static InclusionProof inclusionProof(Subtrees tree, long index, long treeSize) {
    List<Hash> path = new ArrayList<>();
    path(tree, index, 0, treeSize, path);
    return new InclusionProof(index, treeSize, path);
  }

  /**
   * PROOF(m, D[n]) of RFC 9162 §2.1.4.1 between the first {@code fromSize} and {@code toSize}
   * leaves, empty when {@code fromSize} is 0 or equals {@code toSize}; the caller checks
   * {@code 0 <= fromSize <= toSize}.
   */
  static ConsistencyProof consistencyProof(Subtrees tree, long fromSize, long toSize) {
    List<Hash> path = new ArrayList<>();
    if (fromSize > 0 && fromSize < toSize) {
      subproof(tree, fromSize, 0, toSize, true, path);
    }
    return new ConsistencyProof(fromSize, toSize, path);
  }

  /**
   * MTH(D[offset : offset+n]) for {@code n >= 1} from a tree's perfect subtrees: under the
   * invariant of {@link Subtrees#subtree} the left parts are perfect and only the right edge is
   * hashed again.
   */
  static byte[] subtree(long offset, long n, PerfectNodes nodes) {
    byte[] out = new byte[Hash.SIZE];
    if (Long.bitCount(n) == 1) {
      int level = Long.numberOfTrailingZeros(n);
      nodes.copy(level, offset >>> level, out, 0);
      return out;
    }
    long k = Long.highestOneBit(n);
    byte[] left = subtree(offset, k, nodes);
    byte[] right = subtree(offset + k, n - k, nodes);
    TreeHasher.local().nodeHash(left, 0, right, 0, out, 0);
    return out;
  }

  // PATH(m, D[offset : offset+n]) of RFC 9162 §2.1.3.1.
  private static void path(Subtrees tree, long m, long offset, long n, List<Hash> out) {
    if (n == 1) {
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m < k) {
      path(tree, m, offset, k, out);
      out.add(Hash.wrap(tree.subtree(offset + k, n - k)));
    } else {
      path(tree, m - k, offset + k, n - k, out);
      out.add(Hash.wrap(tree.subtree(offset, k)));
    }
  }

  // SUBPROOF(m, D[offset : offset+n], b) of RFC 9162 §2.1.4.1.
  private static void subproof(Subtrees tree, long m, long offset, long n, boolean whole,
      List<Hash> out) {
    if (m == n) {
      if (!whole) {
        out.add(Hash.wrap(tree.subtree(offset, m)));
      }
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m <= k) {
      subproof(tree, m, offset, k, whole, out);
      out.add(Hash.wrap(tree.subtree(offset + k, n - k)));
    } else {
      subproof(tree, m - k, offset + k, n - k, false, out);
      out.add(Hash.wrap(tree.subtree(offset, k)));
    }
  }
}
