package org.covenant.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.covenant.log.Hash;
import org.covenant.log.TreeHasher;

/**
 * The RFC 9162 §2.1.1 Merkle tree head of a list of leaves, with the log module's hashing
 * ({@link TreeHasher}: leaf {@code SHA-256(0x00‖d)}, node {@code SHA-256(0x01‖l‖r)}).
 *
 * <p>Streaming: a stack of perfect subtrees, O(log n) memory. Parallel ({@link #of}): the leaves
 * are cut into chunks of 2^16, each a perfect subtree but the last; chunk roots are computed on
 * every core and folded with the same stack, the last (partial) chunk's root joining on the
 * right, which is how RFC 9162 splits a tree (the left part always a power of two).
 */
public final class MerkleRoot {
  private static final int CHUNK_BITS = 16;
  private static final int CHUNK = 1 << CHUNK_BITS;

  private final TreeHasher hasher = TreeHasher.create();
  /** Perfect subtree roots, leftmost first; their sizes strictly decrease. */
  private Hash[] hashes = new Hash[64];
  private final long[] sizes = new long[64];
  private int depth;
  private long count;

  /** An empty accumulator. */
  public MerkleRoot() {}

  /** Appends a leaf whose data is {@code data}. */
  public void add(byte[] data) {
    push(hasher.leafHash(data), 1);
  }

  /** Appends a perfect subtree of {@code size} leaves (a power of two) by its root. */
  private void push(Hash h, long size) {
    Hash cur = h;
    long s = size;
    while (depth > 0 && sizes[depth - 1] == s) {
      depth--;
      cur = hasher.nodeHash(hashes[depth], cur);
      s *= 2;
    }
    hashes[depth] = cur;
    sizes[depth] = s;
    depth++;
    count += size;
  }

  /** The number of leaves added. */
  public long count() {
    return count;
  }

  /** The tree head of the leaves added so far (the empty root for none). */
  public Hash root() {
    return root(null);
  }

  /** The head with an extra subtree root {@code last} on the right (the partial last chunk). */
  private Hash root(Hash last) {
    Hash r = last;
    for (int i = depth - 1; i >= 0; i--) {
      r = r == null ? hashes[i] : hasher.nodeHash(hashes[i], r);
    }
    return r == null ? TreeHasher.emptyRoot() : r;
  }

  /** The tree head of leaves {@code leaf(0) … leaf(n - 1)}, on every core. */
  public static Hash of(int n, IntFunction<byte[]> leaf) {
    int chunks = (n + CHUNK - 1) / CHUNK;
    if (chunks <= 1) {
      return range(0, n, leaf);
    }
    int threads = Math.min(chunks, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "covenant-merkle");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Hash>> roots = new ArrayList<>(chunks);
      for (int c = 0; c < chunks; c++) {
        int from = c * CHUNK;
        int to = Math.min(n, from + CHUNK);
        roots.add(pool.submit(() -> range(from, to, leaf)));
      }
      MerkleRoot fold = new MerkleRoot();
      boolean partial = n % CHUNK != 0;
      int full = partial ? chunks - 1 : chunks;
      for (int c = 0; c < full; c++) {
        fold.push(roots.get(c).get(), CHUNK);
      }
      return fold.root(partial ? roots.get(chunks - 1).get() : null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("hashing interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r; // the leaf function's own failure, unchanged
      }
      throw new IllegalStateException("hashing failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static Hash range(int from, int to, IntFunction<byte[]> leaf) {
    MerkleRoot m = new MerkleRoot();
    for (int i = from; i < to; i++) {
      m.add(leaf.apply(i));
    }
    return m.root();
  }
}
