package org.covenant.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The right edge of a tiled Merkle tree, immutable: its size and, for each tile level, the
 * partial (rightmost, not yet full) tile with every perfect subtree hash inside it. That is all a
 * log keeps in memory of its tree: at most {@value #LEVELS} tiles of {@value #SLOTS} hashes, so
 * O(log n) whatever the size. The root of the current size, and every node of the right edge, come
 * from here; nodes in full tiles are read from storage ({@link TileCache}).
 *
 * <p>Layout of a tile tree (C2SP tlog-tiles, tiles of height 8): level {@code L} tile {@code t}
 * holds the hashes of the tree nodes of height {@code 8L} numbered {@code 256t} to {@code 256t +
 * 255}. Its tree keeps, for each height {@code r} in 0 to 8 above them, the perfect subtree
 * hashes of height {@code 8L + r} inside the tile: slot {@code 512 - (512 >> r) + k} holds the
 * {@code k}-th of them, so slots 0 to 255 are the tile's own hashes (its stored bytes) and slot
 * 510 its root, which is the hash {@code t} of the level {@code L + 1} tile.
 */
final class Frontier {
  /** Tile levels: heights 0 to 63 are levels 0 to 7. */
  static final int LEVELS = 8;

  /** Hashes in a full tile tree: 256 + 128 + ... + 2 + 1. */
  static final int SLOTS = 511;

  private static final int W = TilePaths.TILE_WIDTH;
  private static final int ROOT_SLOT = 510;
  private static final Frontier EMPTY = new Frontier(0, new byte[LEVELS][]);

  private final long size;
  // INVARIANT: windows[L] is the tile tree of level L's partial tile, holding the (size >>> 8L)
  // % 256 hashes of that tile and the perfect nodes above them; null when that count is 0. Never
  // mutated once this frontier is published.
  private final byte[][] windows;

  private Frontier(long size, byte[][] windows) {
    this.size = size;
    this.windows = windows;
  }

  /** The frontier of the empty tree. */
  static Frontier empty() {
    return EMPTY;
  }

  /** The number of leaves. */
  long size() {
    return size;
  }

  /** Slot of the {@code k}-th node of height {@code r} above a tile's hashes. */
  static int slot(int r, long k) {
    return (512 - (512 >>> r)) + (int) k;
  }

  /**
   * The partial tile widths of a tree of {@code size} leaves: element {@code L} is the number of
   * hashes in level {@code L}'s partial tile (0: none).
   */
  static int[] partialWidths(long size) {
    int[] out = new int[LEVELS];
    for (int level = 0; level < LEVELS; level++) {
      out[level] = (int) ((size >>> (8 * level)) % W);
    }
    return out;
  }

  /**
   * The frontier of a tree of {@code size} leaves from its partial tiles' stored bytes ({@code
   * partials[L]} of {@code partialWidths(size)[L]} hashes, or null when that width is 0). Not
   * checked: compare {@link #root()} with a signed checkpoint before trusting it.
   */
  static Frontier load(long size, byte[][] partials) {
    int[] widths = partialWidths(size);
    byte[][] windows = new byte[LEVELS][];
    TreeHasher hasher = TreeHasher.local();
    for (int level = 0; level < LEVELS; level++) {
      int width = widths[level];
      if (width == 0) {
        continue;
      }
      byte[] tree = new byte[SLOTS * Hash.SIZE];
      System.arraycopy(partials[level], 0, tree, 0, width * Hash.SIZE);
      for (int r = 1; r < 8; r++) {
        for (int k = 0; k < width >>> r; k++) {
          hasher.nodeHash(tree, slot(r - 1, 2L * k) * Hash.SIZE, tree,
              slot(r - 1, 2L * k + 1) * Hash.SIZE, tree, slot(r, k) * Hash.SIZE);
        }
      }
      windows[level] = tree;
    }
    return new Frontier(size, windows);
  }

  /**
   * The tile tree of a full tile: its 256 hashes ({@code tile}, 8192 bytes) and every node above
   * them up to its root in slot 510.
   */
  static byte[] fullTree(byte[] tile) {
    byte[] tree = new byte[SLOTS * Hash.SIZE];
    System.arraycopy(tile, 0, tree, 0, W * Hash.SIZE);
    TreeHasher hasher = TreeHasher.local();
    for (int r = 1; r <= 8; r++) {
      for (int k = 0; k < W >>> r; k++) {
        hasher.nodeHash(tree, slot(r - 1, 2L * k) * Hash.SIZE, tree,
            slot(r - 1, 2L * k + 1) * Hash.SIZE, tree, slot(r, k) * Hash.SIZE);
      }
    }
    return tree;
  }

  /** Whether the partial tile of {@code level} holds tile index {@code tile}. */
  boolean holdsTile(int level, long tile) {
    return tile == (size >>> (8 * level)) / W && windows[level] != null;
  }

  /** The tile tree of {@code level}'s partial tile; see {@link #holdsTile}. */
  byte[] window(int level) {
    return windows[level];
  }

  /** The stored bytes of {@code level}'s partial tile, empty when it has no hashes. */
  byte[] partialTile(int level) {
    int width = (int) ((size >>> (8 * level)) % W);
    return width == 0 ? new byte[0] : Arrays.copyOf(windows[level], width * Hash.SIZE);
  }

  /** Hashes held: the slots of the partial tile trees. */
  long hashes() {
    long n = 0;
    for (byte[] w : windows) {
      n += w == null ? 0 : SLOTS;
    }
    return n;
  }

  /** Partial tiles held. */
  int tiles() {
    int n = 0;
    for (byte[] w : windows) {
      n += w == null ? 0 : 1;
    }
    return n;
  }

  /**
   * The Merkle tree head of the current size (RFC 9162 §2.1.1) from the right edge alone: for each
   * set bit {@code h} of the size, the perfect subtree of height {@code h} ending at the last leaf,
   * folded from the lowest.
   */
  Hash root() {
    if (size == 0) {
      return TreeHasher.emptyRoot();
    }
    TreeHasher hasher = TreeHasher.local();
    byte[] acc = null;
    for (int h = 0; h < 64; h++) {
      if ((size >>> h & 1) == 0) {
        continue;
      }
      byte[] node = new byte[Hash.SIZE];
      copyEdgeNode(h, (size >>> h) - 1, node, 0);
      if (acc == null) {
        acc = node;
      } else {
        hasher.nodeHash(node, 0, acc, 0, acc, 0);
      }
    }
    return Hash.wrap(acc);
  }

  /**
   * Copies node ({@code h}, {@code index}), which must lie in a partial tile of this frontier
   * ({@link #holdsTile} of level {@code h / 8} and tile {@code (index << h % 8) / 256}).
   */
  void copyEdgeNode(int h, long index, byte[] dst, int off) {
    int level = h >>> 3;
    int r = h & 7;
    long k = index & ((W >>> r) - 1);
    System.arraycopy(windows[level], slot(r, k) * Hash.SIZE, dst, off, Hash.SIZE);
  }

  /** A tile filled by an {@link #extend}: its level, index and tile tree. */
  record Completed(int level, long index, byte[] tree) {
    /** The tile's stored bytes: its 256 hashes. */
    byte[] tile() {
      return Arrays.copyOf(tree, W * Hash.SIZE);
    }
  }

  /** The frontier after an append and the tiles it filled, lowest level first within a leaf. */
  record Extension(Frontier frontier, List<Completed> completed) {}

  /**
   * The frontier after appending the leaves whose data is {@code leaves}; this one is unchanged
   * (a failed commit simply drops the extension).
   */
  Extension extend(List<byte[]> leaves) {
    Builder b = new Builder(this);
    TreeHasher hasher = TreeHasher.local();
    byte[] leafHash = new byte[Hash.SIZE];
    for (byte[] leaf : leaves) {
      hasher.leafHash(leaf, 0, leaf.length, leafHash, 0);
      b.add(leafHash, hasher);
    }
    return new Extension(new Frontier(b.size, b.windows), b.completed);
  }

  /** The copy-on-write state of one {@link #extend}. */
  private static final class Builder {
    private final byte[][] windows;
    private final boolean[] owned = new boolean[LEVELS];
    private final List<Completed> completed = new ArrayList<>();
    private final byte[] cur = new byte[Hash.SIZE];
    private long size;

    Builder(Frontier from) {
      this.windows = from.windows.clone();
      this.size = from.size;
    }

    // Stores leaf hash number `size` and every perfect node it completes (the carry of a binary
    // counter); a node of height 8(L + 1) is the root of a level-L tile, which is then full.
    void add(byte[] leafHash, TreeHasher hasher) {
      long index = size;
      int h = 0;
      System.arraycopy(leafHash, 0, cur, 0, Hash.SIZE);
      put(0, index);
      while ((index & 1) == 1) {
        byte[] w = windows[h >>> 3];
        int left = slot(h & 7, (index - 1) & ((W >>> (h & 7)) - 1)) * Hash.SIZE;
        hasher.nodeHash(w, left, cur, 0, cur, 0);
        index >>>= 1;
        h++;
        put(h, index);
      }
      size++;
    }

    private void put(int h, long index) {
      int level = h >>> 3;
      int r = h & 7;
      if (r == 0 && h > 0) {
        byte[] full = writable(level - 1);
        System.arraycopy(cur, 0, full, ROOT_SLOT * Hash.SIZE, Hash.SIZE);
        completed.add(new Completed(level - 1, index, full));
        windows[level - 1] = null;
        owned[level - 1] = false;
      }
      byte[] w = writable(level);
      System.arraycopy(cur, 0, w, slot(r, index & ((W >>> r) - 1)) * Hash.SIZE, Hash.SIZE);
    }

    private byte[] writable(int level) {
      if (!owned[level]) {
        byte[] w = windows[level];
        windows[level] = w == null ? new byte[SLOTS * Hash.SIZE] : w.clone();
        owned[level] = true;
      }
      return windows[level];
    }
  }
}
