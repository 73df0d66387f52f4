package org.covenant.log;

import java.util.Arrays;

/**
 * The hashes of one tree level, indexed from 0, stored in chunks so that growth never copies more
 * than one chunk. One writer appends; readers may read concurrently any index below a size the
 * writer published through a volatile write made after {@link #set}.
 */
final class HashColumn {
  private static final int CHUNK_BITS = 12;
  private static final int CHUNK_HASHES = 1 << CHUNK_BITS;
  private static final long CHUNK_MASK = CHUNK_HASHES - 1;
  private static final int FIRST_CHUNK_HASHES = 16;

  // INVARIANT: every chunk except possibly the last allocated one holds CHUNK_HASHES hashes; the
  // table is replaced (never mutated in place) whenever a chunk is added or regrown, so a reader
  // that sees a table sees every chunk's contents as they were when it was published.
  private volatile byte[][] table = new byte[0][];

  /**
   * Stores the 32 bytes of {@code src} at {@code off} as hash number {@code index}. Writer only.
   */
  void set(long index, byte[] src, int off) {
    int chunk = (int) (index >>> CHUNK_BITS);
    int pos = (int) (index & CHUNK_MASK) * Hash.SIZE;
    byte[][] t = table;
    if (chunk >= t.length || t[chunk] == null || t[chunk].length < pos + Hash.SIZE) {
      t = grow(t, chunk, pos + Hash.SIZE);
    }
    System.arraycopy(src, off, t[chunk], pos, Hash.SIZE);
  }

  /** Copies hash number {@code index} to {@code dst} at {@code off}. */
  void copyTo(long index, byte[] dst, int off) {
    byte[] chunk = table[(int) (index >>> CHUNK_BITS)];
    System.arraycopy(chunk, (int) (index & CHUNK_MASK) * Hash.SIZE, dst, off, Hash.SIZE);
  }

  /** The chunk array holding {@code index} and the offset of its hash, for bulk comparisons. */
  byte[] chunkOf(long index) {
    return table[(int) (index >>> CHUNK_BITS)];
  }

  static int offsetInChunk(long index) {
    return (int) (index & CHUNK_MASK) * Hash.SIZE;
  }

  private byte[][] grow(byte[][] t, int chunk, int needed) {
    byte[][] next = Arrays.copyOf(t, Math.max(t.length, chunk + 1));
    byte[] old = next[chunk];
    int capacity = CHUNK_HASHES * Hash.SIZE;
    if (chunk == 0) {
      // The first chunk grows by doubling so that the many short upper levels stay small.
      capacity = Math.max(FIRST_CHUNK_HASHES * Hash.SIZE, old == null ? 0 : old.length);
      while (capacity < needed) {
        capacity *= 2;
      }
    }
    byte[] fresh = new byte[capacity];
    if (old != null) {
      System.arraycopy(old, 0, fresh, 0, old.length);
    }
    next[chunk] = fresh;
    table = next;
    return next;
  }
}
