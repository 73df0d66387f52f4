package org.covenant.training;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import org.covenant.log.Hash;
import org.covenant.log.TreeHasher;

/**
 * The RFC 9162 §2.1.1 Merkle tree head of a list of leaves, streamed: O(log n) memory, with the
 * log module's hashing ({@link TreeHasher}: leaf {@code SHA-256(0x00‖d)}, node
 * {@code SHA-256(0x01‖l‖r)}). Large lists are split as the RFC splits them (the largest power of
 * two below n on the left) and the two halves hashed on two threads.
 */
public final class MerkleRoot {
  private static final int PARALLEL_FROM = 1 << 16;

  private final TreeHasher hasher = TreeHasher.create();
  /** Perfect subtrees, largest (leftmost) at the bottom; sizes are distinct powers of two. */
  private final Deque<Hash> hashes = new ArrayDeque<>();
  private final Deque<Long> sizes = new ArrayDeque<>();
  private long count;

  /** An empty accumulator. */
  public MerkleRoot() {}

  /** Appends a leaf whose data is {@code data}. */
  public void add(byte[] data) {
    Hash h = hasher.leafHash(data);
    long size = 1;
    while (!sizes.isEmpty() && sizes.peek() == size) {
      sizes.pop();
      h = hasher.nodeHash(hashes.pop(), h);
      size *= 2;
    }
    hashes.push(h);
    sizes.push(size);
    count++;
  }

  /** The number of leaves added. */
  public long count() {
    return count;
  }

  /** The tree head of the leaves added so far (the empty root for none). */
  public Hash root() {
    if (hashes.isEmpty()) {
      return TreeHasher.emptyRoot();
    }
    Hash r = null;
    for (Hash h : hashes) {
      r = r == null ? h : hasher.nodeHash(h, r);
    }
    return r;
  }

  /** The tree head of leaves {@code leaf(0) … leaf(n - 1)}, on up to two threads. */
  public static Hash of(int n, IntFunction<byte[]> leaf) {
    if (n < PARALLEL_FROM) {
      return range(0, n, leaf);
    }
    int k = Integer.highestOneBit(n - 1);
    CompletableFuture<Hash> left = CompletableFuture.supplyAsync(() -> range(0, k, leaf));
    Hash right = range(k, n, leaf);
    return TreeHasher.create().nodeHash(left.join(), right);
  }

  private static Hash range(int from, int to, IntFunction<byte[]> leaf) {
    MerkleRoot m = new MerkleRoot();
    for (int i = from; i < to; i++) {
      m.add(leaf.apply(i));
    }
    return m.root();
  }
}
