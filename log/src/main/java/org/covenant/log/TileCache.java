package org.covenant.log;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The full tiles of a log, read from its {@link LogStorage} when a root, a proof or a leaf hash
 * needs a node that is no longer on the right edge ({@link Frontier}), and kept in a bounded
 * least-recently-used cache. A full tile never changes, so a cached one stays valid for every
 * later size of the same log.
 *
 * <p>Nothing read is trusted: a tile's root must equal its hash in the tile one level up, itself
 * checked the same way, up to the partial tiles of the frontier, which the signed checkpoint's
 * root covers. A tile that is missing, of the wrong length or that does not hash to its parent is
 * a {@code log_corrupt} error naming its path; it is never used.
 *
 * <p>Thread-safety: any number of threads; two may load the same tile at once (both check it).
 */
final class TileCache {
  private static final int W = TilePaths.TILE_WIDTH;

  private final LogStorage storage;
  private final int capacity;
  // Access-ordered: the eldest entry is the least recently used. Guarded by `this`.
  private final LinkedHashMap<Long, byte[]> tiles;

  TileCache(LogStorage storage, int capacity) {
    if (capacity < 0) {
      throw new LogException("out_of_range", "a tile cache of " + capacity + " tiles");
    }
    this.storage = storage;
    this.capacity = capacity;
    this.tiles = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
        return size() > TileCache.this.capacity;
      }
    };
  }

  /** The most tiles kept. */
  int capacity() {
    return capacity;
  }

  /** Tiles cached now. */
  synchronized int size() {
    return tiles.size();
  }

  /** Forgets every cached tile. */
  synchronized void clear() {
    tiles.clear();
  }

  /** Caches the tile trees of tiles an append filled (computed, not read: nothing to check). */
  void admit(List<Frontier.Completed> completed) {
    if (capacity == 0) {
      return;
    }
    int from = Math.max(0, completed.size() - capacity);
    synchronized (this) {
      for (Frontier.Completed c : completed.subList(from, completed.size())) {
        tiles.put(key(c.level(), c.index()), c.tree());
      }
    }
  }

  /**
   * The tree of the committed log whose right edge is {@code frontier}; tiles it loads go to this
   * cache when {@code share}, else only to the view (a tree not yet known to extend the cached
   * one: a refresh checking a stored log).
   */
  Tree tree(Frontier frontier, boolean share) {
    return new Tree(frontier, share ? null : new HashMap<>());
  }

  private static long key(int level, long index) {
    return ((long) level << 56) | index;
  }

  private synchronized byte[] cached(long key) {
    return tiles.get(key);
  }

  private synchronized void put(long key, byte[] tree) {
    if (capacity > 0) {
      tiles.put(key, tree);
    }
  }

  /** A read-only view of one committed tree: roots, proofs and nodes of any size up to its own. */
  final class Tree {
    private final Frontier frontier;
    private final Map<Long, byte[]> local;

    private Tree(Frontier frontier, Map<Long, byte[]> local) {
      this.frontier = frontier;
      this.local = local;
    }

    /** The number of leaves. */
    long size() {
      return frontier.size();
    }

    /**
     * The Merkle tree head of the first {@code treeSize} leaves, {@code 0 <= treeSize <= size()}.
     */
    Hash root(long treeSize) {
      if (treeSize == frontier.size()) {
        return frontier.root();
      }
      if (treeSize == 0) {
        return TreeHasher.emptyRoot();
      }
      return Hash.wrap(subtree(0, treeSize));
    }

    /** The leaf hash at {@code index}, below {@link #size()}. */
    Hash leafHash(long index) {
      byte[] out = new byte[Hash.SIZE];
      node(0, index, out, 0);
      return Hash.wrap(out);
    }

    /** PATH(m, D[n]) of RFC 9162 §2.1.3.1, {@code 0 <= index < treeSize <= size()}. */
    InclusionProof inclusionProof(long index, long treeSize) {
      return ProofWalker.inclusionProof(this::subtree, index, treeSize);
    }

    /** PROOF(m, D[n]) of RFC 9162 §2.1.4.1, {@code 0 <= fromSize <= toSize <= size()}. */
    ConsistencyProof consistencyProof(long fromSize, long toSize) {
      return ProofWalker.consistencyProof(this::subtree, fromSize, toSize);
    }

    /** MTH(D[offset : offset+n]) from this tree's perfect nodes ({@link ProofWalker}). */
    private byte[] subtree(long offset, long n) {
      return ProofWalker.subtree(offset, n, this::node);
    }

    /** Copies perfect node ({@code h}, {@code index}) of this tree to {@code dst}. */
    void node(int h, long index, byte[] dst, int off) {
      int level = h >>> 3;
      int r = h & 7;
      long tile = (index << r) / W;
      byte[] tree = frontier.holdsTile(level, tile) ? frontier.window(level) : full(level, tile);
      long k = index & ((W >>> r) - 1);
      System.arraycopy(tree, Frontier.slot(r, k) * Hash.SIZE, dst, off, Hash.SIZE);
    }

    /** The checked tree of full tile ({@code level}, {@code index}), from cache or storage. */
    private byte[] full(int level, long index) {
      long key = key(level, index);
      byte[] tree = cached(key);
      if (tree == null && local != null) {
        tree = local.get(key);
      }
      if (tree != null) {
        return tree;
      }
      String path = TilePaths.tile(level, index, W);
      String where = "`" + storage.describe() + "/" + path + "`";
      byte[] data;
      try {
        data = storage.read(path).orElseThrow(
            () -> new LogException("log_corrupt", where + " is missing"));
      } catch (IOException e) {
        throw new LogException("log_io", "cannot read " + where, e);
      }
      if (data.length != W * Hash.SIZE) {
        throw new LogException("log_corrupt", where + " has " + data.length + " bytes, expected "
            + W * Hash.SIZE);
      }
      tree = Frontier.fullTree(data);
      byte[] parent = new byte[Hash.SIZE];
      node(8 * (level + 1), index, parent, 0);
      if (!Hash.wrap(parent).matches(tree, Frontier.slot(8, 0) * Hash.SIZE)) {
        throw new LogException("log_corrupt", where + " is corrupt: its hashes do not hash to "
            + "the tile's root in the tree of size " + frontier.size());
      }
      if (local != null) {
        local.put(key, tree);
      } else {
        put(key, tree);
      }
      return tree;
    }
  }
}
