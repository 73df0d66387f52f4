package org.covenant.log;

import java.util.Objects;

/**
 * An append-only RFC 9162 §2.1 Merkle tree held in memory: the Merkle tree head of any size up to
 * the current one, inclusion proofs (§2.1.3.1) and consistency proofs (§2.1.4.1) between any two
 * sizes. Every complete (perfect) subtree hash is kept, about 64 bytes per leaf, so a root or a
 * proof costs O(log n) array reads and at most one right-edge recomputation: microseconds.
 *
 * <p>Thread-safety: one writer ({@link #append}) and any number of concurrent readers. Readers see
 * every leaf appended before the {@link #size()} they read.
 */
public final class MerkleTree {
  private static final int MAX_LEVELS = 64;
  private final HashColumn[] levels = new HashColumn[MAX_LEVELS];
  private final TreeHasher writeHasher = TreeHasher.create();
  private final byte[] scratch = new byte[Hash.SIZE];
  private volatile long size;

  private MerkleTree() {
    for (int i = 0; i < MAX_LEVELS; i++) {
      levels[i] = new HashColumn();
    }
  }

  /** An empty tree. */
  public static MerkleTree create() {
    return new MerkleTree();
  }

  /** The number of leaves. */
  public long size() {
    return size;
  }

  /** Appends a leaf whose data is {@code data}: its hash is {@code SHA-256(0x00 || data)}. */
  public void append(byte[] data) {
    Objects.requireNonNull(data, "data");
    writeHasher.leafHash(data, 0, data.length, scratch, 0);
    long index = size;
    addLeafHash(index, scratch, 0);
    size = index + 1;
  }

  /** Appends a leaf by its already computed leaf hash. */
  public void appendLeafHash(Hash leafHash) {
    long index = size;
    addLeafHash(index, leafHash.raw(), 0);
    size = index + 1;
  }

  /** Appends {@code count} leaf hashes stored back to back in {@code hashes} from {@code off}. */
  void appendLeafHashes(byte[] hashes, int off, int count) {
    long base = size;
    for (int i = 0; i < count; i++) {
      addLeafHash(base + i, hashes, off + i * Hash.SIZE);
    }
    size = base + count;
  }

  /** Forgets leaves from {@code newSize} on (an append that did not commit). Writer only. */
  void truncate(long newSize) {
    if (newSize < 0 || newSize > size) {
      throw new LogException(
          "out_of_range", "cannot truncate a tree of " + size + " to " + newSize);
    }
    size = newSize;
  }

  // Stores leaf hash number `leafIndex` and every perfect subtree it completes; the caller
  // publishes the new size afterwards, so readers never see a half-built right edge.
  private void addLeafHash(long leafIndex, byte[] src, int off) {
    long index = leafIndex;
    levels[0].set(index, src, off);
    int level = 0;
    // A node that is a right child completes its parent; climb while that holds.
    while ((index & 1) == 1) {
      HashColumn column = levels[level];
      byte[] left = column.chunkOf(index - 1);
      byte[] right = column.chunkOf(index);
      writeHasher.nodeHash(
          left,
          HashColumn.offsetInChunk(index - 1),
          right,
          HashColumn.offsetInChunk(index),
          scratch,
          0);
      index >>>= 1;
      level++;
      levels[level].set(index, scratch, 0);
    }
  }

  /** The Merkle tree head of the current tree (RFC 9162 §2.1.1). */
  public Hash root() {
    return root(size);
  }

  /**
   * The Merkle tree head of the first {@code treeSize} leaves.
   *
   * @throws LogException {@code out_of_range} unless {@code 0 <= treeSize <= size()}
   */
  public Hash root(long treeSize) {
    checkRange(0, treeSize, size, "tree size");
    if (treeSize == 0) {
      return TreeHasher.emptyRoot();
    }
    return Hash.wrap(subtree(0, treeSize));
  }

  /** The leaf hash at {@code index}, which must be below {@link #size()}. */
  public Hash leafHash(long index) {
    checkRange(0, index, size - 1, "leaf index");
    return node(0, index);
  }

  /**
   * The hash of the perfect subtree of height {@code level} whose leaves start at {@code index <<
   * level}; it must lie within the current tree. Tiles are made of these (C2SP tlog-tiles).
   */
  public Hash node(int level, long index) {
    if (level < 0 || level >= MAX_LEVELS) {
      throw new LogException("out_of_range", "level " + level + " is not in [0, 63]");
    }
    checkRange(0, index, (size >>> level) - 1, "node index");
    byte[] out = new byte[Hash.SIZE];
    levels[level].copyTo(index, out, 0);
    return Hash.wrap(out);
  }

  /** Copies perfect node ({@code level}, {@code index}) into {@code dst}; no bounds check. */
  void copyNode(int level, long index, byte[] dst, int off) {
    levels[level].copyTo(index, dst, off);
  }

  /**
   * The audit path of leaf {@code index} in the tree of the first {@code treeSize} leaves: PATH(m,
   * D[n]) of RFC 9162 §2.1.3.1.
   *
   * @throws LogException {@code out_of_range} unless {@code 0 <= index < treeSize <= size()}
   */
  public InclusionProof inclusionProof(long index, long treeSize) {
    checkRange(1, treeSize, size, "tree size");
    checkRange(0, index, treeSize - 1, "leaf index");
    return ProofWalker.inclusionProof(this::subtree, index, treeSize);
  }

  /**
   * The consistency proof between the trees of the first {@code fromSize} and {@code toSize}
   * leaves: PROOF(m, D[n]) of RFC 9162 §2.1.4.1, empty when {@code fromSize} is 0 or equals {@code
   * toSize}.
   *
   * @throws LogException {@code out_of_range} unless {@code 0 <= fromSize <= toSize <= size()}
   */
  public ConsistencyProof consistencyProof(long fromSize, long toSize) {
    checkRange(0, toSize, size, "tree size");
    checkRange(0, fromSize, toSize, "first tree size");
    return ProofWalker.consistencyProof(this::subtree, fromSize, toSize);
  }

  /** MTH(D[offset : offset+n]) from the stored perfect subtrees ({@link ProofWalker}). */
  private byte[] subtree(long offset, long n) {
    return ProofWalker.subtree(offset, n, (level, index, dst, off) ->
        levels[level].copyTo(index, dst, off));
  }

  private static void checkRange(long min, long value, long max, String what) {
    if (value < min || value > max) {
      throw new LogException(
          "out_of_range", what + " " + value + " is not in [" + min + ", " + max + "]");
    }
  }
}
