package org.covenant.core.state;

import java.util.Arrays;

/**
 * An ascending list of ledger positions, compact (issue 15): the gaps as variable-length
 * integers in one byte array, with every 64th position kept whole beside its offset so that a
 * look-up or a page decodes at most 63 gaps. About 2 to 3 bytes per position where a
 * {@code long[]} takes 8 (and 16 with its growth slack).
 *
 * <p>One writer, any number of readers: the writer appends, then publishes the count through
 * a volatile field; arrays that grow are published before it, so a reader that read the count
 * reads arrays holding at least that many positions.
 */
final class PositionList {
  /**
   * Positions per block (issue 15: 64, not 32, halves the 12 bytes of a block's mark and
   * offset; a look-up decodes at most 63 gaps, and none is on the decision path).
   */
  private static final int SKIP = 64;

  /** The arrays, swapped together when one grows. */
  private static final class Data {
    final byte[] gaps;
    /** Position {@code SKIP * k}, whole. */
    final long[] marks;
    /** Offset in {@link #gaps} of the gap after position {@code SKIP * k}. */
    final int[] offsets;

    Data(byte[] gaps, long[] marks, int[] offsets) {
      this.gaps = gaps;
      this.marks = marks;
      this.offsets = offsets;
    }
  }

  private static final Data EMPTY = new Data(new byte[0], new long[0], new int[0]);

  private volatile Data data = EMPTY;
  private volatile int count;
  /** Bytes of {@code gaps} in use, and the last position: the writer's own. */
  private int used;
  private long last = -1;

  /** Appends a position, which must be greater than the last. Single writer. */
  void add(long position) {
    if (position <= last) {
      throw new IllegalArgumentException("position " + position + " after " + last);
    }
    int n = count;
    Data d = data;
    if (n % SKIP == 0) {
      int k = n / SKIP;
      if (k == d.marks.length) {
        int size = Math.max(2, k + (k >> 1) + 1);
        d = new Data(d.gaps, Arrays.copyOf(d.marks, size), Arrays.copyOf(d.offsets, size));
      }
      d.marks[k] = position;
      d.offsets[k] = used;
    } else {
      long gap = position - last;
      if (used + 10 > d.gaps.length) {
        d = new Data(Arrays.copyOf(d.gaps, Math.max(16, d.gaps.length + (d.gaps.length >> 1)
            + 10)), d.marks, d.offsets);
      }
      while (gap >= 0x80) {
        d.gaps[used++] = (byte) (gap | 0x80);
        gap >>>= 7;
      }
      d.gaps[used++] = (byte) gap;
    }
    if (d != data) {
      data = d;
    }
    last = position;
    count = n + 1;
  }

  /**
   * Fills an empty list at once with the n positions whose varints are in {@code g} from
   * {@code at} (a checkpoint's form: the first position, then each one's gap from the one before,
   * unsigned, seven bits a byte, low bits first), its arrays sized to fit (a checkpoint's
   * restore: no growth slack, one publication). Single writer, before the list is read. Issue
   * 15: a restore hands over the bytes it read (1 to 3 a position), not a {@code long} per
   * position made only to be encoded again; the gaps are encoded anew here, as {@link #add}
   * encodes them, whatever form the varints had. The bytes must hold n varints of at most ten
   * bytes.
   *
   * @throws IllegalArgumentException when the list is not empty or the positions do not ascend
   */
  void restore(byte[] g, int at, int n) {
    if (count != 0) {
      throw new IllegalArgumentException("restore into a list that has positions");
    }
    // First the gaps' bytes (and the ascent), then the arrays at their sizes.
    int bytes = 0;
    long prev = -1;
    long p = 0;
    int x = at;
    for (int i = 0; i < n; i++) {
      long v = 0;
      int shift = 0;
      byte b;
      do {
        b = g[x++];
        v |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while (b < 0);
      p += v;
      if (p <= prev) {
        throw new IllegalArgumentException("position " + p + " after " + prev);
      }
      if (i % SKIP != 0) {
        bytes += MeetingArena.varintLength(v);
      }
      prev = p;
    }
    int k = (n + SKIP - 1) / SKIP;
    byte[] gaps = new byte[bytes];
    long[] marks = new long[k];
    int[] offsets = new int[k];
    int u = 0;
    p = 0;
    x = at;
    for (int i = 0; i < n; i++) {
      long v = 0;
      int shift = 0;
      byte b;
      do {
        b = g[x++];
        v |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while (b < 0);
      p += v;
      if (i % SKIP == 0) {
        marks[i / SKIP] = p;
        offsets[i / SKIP] = u;
      } else {
        // v is the gap: every position ascended, so none wrapped.
        while (v >= 0x80) {
          gaps[u++] = (byte) (v | 0x80);
          v >>>= 7;
        }
        gaps[u++] = (byte) v;
      }
    }
    used = u;
    last = p;
    if (n > 0) {
      data = new Data(gaps, marks, offsets);
    } else {
      last = -1;
    }
    count = n;
  }

  /** Number of positions. */
  int size() {
    return count;
  }

  /** The last position, or -1 when empty (the writer's view). */
  long last() {
    return last;
  }

  /** Decodes positions from a block's first on; a cursor. */
  private static final class Cursor {
    private final Data d;
    private final int n;
    private int i;
    private int off;
    private long value;

    Cursor(Data d, int n, int block) {
      this.d = d;
      this.n = n;
      this.i = block * SKIP;
    }

    boolean hasNext() {
      return i < n;
    }

    long next() {
      if (i % SKIP == 0) {
        value = d.marks[i / SKIP];
        off = d.offsets[i / SKIP];
      } else {
        long gap = 0;
        int shift = 0;
        while (true) {
          byte b = d.gaps[off++];
          gap |= (long) (b & 0x7f) << shift;
          if (b >= 0) {
            break;
          }
          shift += 7;
        }
        value += gap;
      }
      i++;
      return value;
    }
  }

  /** The block whose first position is the last one at or before p (0 when none is). */
  private static int block(Data d, int n, long p) {
    int blocks = (n + SKIP - 1) / SKIP;
    int lo = 0;
    int hi = blocks - 1;
    int found = 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (d.marks[mid] <= p) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Whether the list holds {@code p}. Lock-free. */
  boolean contains(long p) {
    int n = count;
    if (n == 0) {
      return false;
    }
    Data d = data;
    Cursor c = new Cursor(d, n, block(d, n, p));
    for (int k = 0; k < SKIP && c.hasNext(); k++) {
      long v = c.next();
      if (v == p) {
        return true;
      }
      if (v > p) {
        return false;
      }
    }
    return false;
  }

  /** At most {@code limit} positions greater than {@code after}, ascending. */
  long[] after(long after, int limit) {
    int n = count;
    if (n == 0 || limit <= 0) {
      return new long[0];
    }
    Data d = data;
    Cursor c = new Cursor(d, n, block(d, n, after));
    long[] out = new long[Math.min(limit, 64)];
    int k = 0;
    while (c.hasNext() && k < limit) {
      long v = c.next();
      if (v > after) {
        if (k == out.length) {
          out = Arrays.copyOf(out, (int) Math.min(limit, out.length * 2L));
        }
        out[k++] = v;
      }
    }
    return Arrays.copyOf(out, k);
  }

  /** How many positions are at or before {@code p}. */
  int countUpTo(long p) {
    int n = count;
    if (n == 0) {
      return 0;
    }
    Data d = data;
    int b = block(d, n, p);
    if (d.marks[b] > p) {
      return 0;
    }
    Cursor c = new Cursor(d, n, b);
    int k = b * SKIP;
    while (c.hasNext() && c.next() <= p) {
      k++;
    }
    return k;
  }

  /** Every position at or before {@code p}, ascending. */
  long[] upTo(long p) {
    int n = count;
    Data d = data;
    Cursor c = new Cursor(d, n, 0);
    long[] out = new long[n];
    int k = 0;
    while (c.hasNext()) {
      long v = c.next();
      if (v > p) {
        break;
      }
      out[k++] = v;
    }
    return k == n ? out : Arrays.copyOf(out, k);
  }
}
