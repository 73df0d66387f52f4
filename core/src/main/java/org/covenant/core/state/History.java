package org.covenant.core.state;

import java.util.Arrays;

/**
 * An append-only timeline of values, each stamped with the ledger position and time of the event
 * that set it. Entries arrive in ledger order, and accepted events never go back in time, so both
 * stamps ascend and "the value as of (time t, position p)" is a binary search.
 *
 * <p>Kept as primitive columns (issue 15, compact state): one {@code long[]} of (time, position)
 * pairs, and the values beside it only when they are not booleans. A boolean (presence, an
 * acknowledgement, a feature, a consent, the end of a meeting: most histories) is a bit of its
 * position word, so such a history is one object and one array, with no object per entry.
 * {@link Entry} objects are made on read.
 *
 * <p>One writer, any number of readers: the writer publishes a new array through a volatile field
 * (copy on write), after the values array it goes with. Histories are short (a setting changes a
 * few times), so the copy is cheap and readers never lock.
 */
final class History<V> {
  /** One stamped value. */
  record Entry<V>(long at, long pos, V value) {}

  private static final long[] EMPTY = new long[0];
  /** Bit of the position word that holds a boolean value (positions stay far below 2^62). */
  private static final long TRUE = 1L << 62;
  private static final long POS = TRUE - 1;
  /** The shared empty history that unwritten slots point to; never written to. */
  private static final History<?> NONE = new History<>();

  /** (time, position word) per entry; published last. */
  private volatile long[] stamps = EMPTY;
  /** The values, when not all booleans (null while they are); written before {@link #stamps}. */
  private Object[] values;

  /** The shared empty history (see {@link #writable}). */
  @SuppressWarnings("unchecked")
  static <V> History<V> none() {
    return (History<V>) NONE;
  }

  /**
   * The history in slot i, replacing the shared empty one with a fresh history on first write:
   * most slots (a feature never switched on, a notice never acknowledged, a setting never
   * written) then cost one reference, not an object.
   */
  static <V> History<V> writable(History<V>[] slots, int i) {
    History<V> h = slots[i];
    if (h == NONE) {
      h = new History<>();
      slots[i] = h;
    }
    return h;
  }

  void add(long at, long pos, V value) {
    if (this == NONE) {
      throw new IllegalStateException("the shared empty history is never written");
    }
    if (pos < 0 || pos > POS) {
      throw new IllegalArgumentException("position " + pos + " out of range");
    }
    long[] old = stamps;
    int n = old.length / 2;
    long word = pos;
    if (values == null && value instanceof Boolean b) {
      word = b ? pos | TRUE : pos;
    } else {
      Object[] vs = values;
      if (vs == null) {
        // The first value that is not a boolean: the earlier booleans move to the values.
        vs = new Object[n];
        for (int i = 0; i < n; i++) {
          vs[i] = (old[2 * i + 1] & TRUE) != 0;
        }
      }
      Object[] next = Arrays.copyOf(vs, n + 1);
      next[n] = value;
      values = next;
    }
    long[] next = Arrays.copyOf(old, old.length + 2);
    next[2 * n] = at;
    next[2 * n + 1] = word;
    stamps = next;
  }

  @SuppressWarnings("unchecked")
  private Entry<V> entry(long[] s, int i) {
    long word = s[2 * i + 1];
    Object[] vs = values;
    V v = vs == null || vs.length <= i
        ? (V) Boolean.valueOf((word & TRUE) != 0) : (V) vs[i];
    return new Entry<>(s[2 * i], word & POS, v);
  }

  /** The entry in force at (t, p): the last one with time ≤ t and position ≤ p, or null. */
  Entry<V> at(long t, long p) {
    long[] s = stamps;
    int i = find(s, t, p);
    return i < 0 ? null : entry(s, i);
  }

  /**
   * The index of the entry in force at (t, p), or -1: {@link #at} without the {@link Entry}, for
   * the decision path (issue 15: no object per look-up). Read the entry with {@link #pos(int)} and
   * {@link #value(int)}; an index stays valid, since entries are only ever appended.
   */
  int index(long t, long p) {
    return find(stamps, t, p);
  }

  /** Number of entries (the writer's view, or a reader's at the moment it asks). */
  int size() {
    long[] s = stamps;
    return s == null ? 0 : s.length / 2;
  }

  /**
   * The time of entry i (below {@link #size}): with {@link #pos(int)} and {@link #value(int)},
   * an entry read without an {@link Entry} (issue 15: a meeting's close read every participant's
   * histories through {@link #all}, a fifth of what a replay's applying thread allocated).
   */
  long time(int i) {
    return stamps[2 * i];
  }

  /** The ledger position of entry i (an index {@link #index} returned). */
  long pos(int i) {
    return stamps[2 * i + 1] & POS;
  }

  /** The value of entry i (an index {@link #index} returned); a boolean is not boxed anew. */
  @SuppressWarnings("unchecked")
  V value(int i) {
    Object[] vs = values;
    // The values array was written before the stamps this index was found in.
    return vs == null || vs.length <= i
        ? (V) Boolean.valueOf((stamps[2 * i + 1] & TRUE) != 0) : (V) vs[i];
  }

  private static int find(long[] s, long t, long p) {
    if (s == null) {
      // A history published to this reader before its constructor's write: nothing visible.
      return -1;
    }
    int lo = 0;
    int hi = s.length / 2 - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (s[2 * mid] <= t && (s[2 * mid + 1] & POS) <= p) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The first entry, or null when empty. */
  Entry<V> first() {
    long[] s = stamps;
    return s == null || s.length == 0 ? null : entry(s, 0);
  }

  /** The latest entry, or null when empty. */
  Entry<V> last() {
    long[] s = stamps;
    return s == null || s.length == 0 ? null : entry(s, s.length / 2 - 1);
  }

  /** A stable copy of every entry, for reports and checkpoints. */
  @SuppressWarnings("unchecked")
  Entry<V>[] all() {
    long[] s = stamps;
    if (s == null) {
      return (Entry<V>[]) new Entry<?>[0];
    }
    Entry<V>[] out = (Entry<V>[]) new Entry<?>[s.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = entry(s, i);
    }
    return out;
  }
}
