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
 * <p>Values from a small fixed set are coded in the position word too, so that reading them
 * touches no array and no value object (issue 15, decision latency: each is a cache miss on a
 * random decision): a cleared value ({@code null}), the four {@link Entities.SettingValue}s, and,
 * in a history made by {@link #names()} (an account's terms), up to {@value #MAX_CODES} minus
 * the fixed codes distinct strings per JVM (terms version names; a name past that goes to the
 * values array as any other value). A coded value reads back as one canonical object, equal to
 * the one written.
 *
 * <p>One writer, any number of readers: the writer publishes a new array through a volatile field
 * (copy on write), after the values array it goes with. Histories are short (a setting changes a
 * few times), so the copy is cheap and readers never lock.
 */
final class History<V> {
  /** One stamped value. */
  record Entry<V>(long at, long pos, V value) {}

  private static final long[] EMPTY = new long[0];
  /** Bit of the position word that holds a boolean value. */
  private static final long TRUE = 1L << 62;
  /** Where a coded value's code sits in the position word; 0 is a boolean (see {@link #TRUE}). */
  private static final int CODE_SHIFT = 56;
  private static final int MAX_CODES = 32;
  /** Positions below 2^56, as the content table's and a coded setting resolution's. */
  private static final long POS = (1L << CODE_SHIFT) - 1;
  /** Fixed codes: a cleared value, then the setting values (value, locked) as two bits. */
  private static final int NULL_CODE = 1;
  private static final int SETTING_CODE = 2;
  private static final int FIRST_NAME_CODE = SETTING_CODE + 4;
  /**
   * The value of each code. Name codes are appended under the class lock, each before any word
   * holding it is published (through {@link #stamps}), so a reader that sees the word sees it.
   */
  private static final Object[] CODED = new Object[MAX_CODES];
  private static int names = FIRST_NAME_CODE;
  /** The shared empty history that unwritten slots point to; never written to. */
  private static final History<?> NONE = new History<>(false);

  static {
    for (int v = 0; v < 4; v++) {
      CODED[SETTING_CODE + v] = new Entities.SettingValue((v & 2) != 0, (v & 1) != 0);
    }
  }

  /** (time, position word) per entry; published last. */
  private volatile long[] stamps = EMPTY;
  /**
   * The values, when not all coded in the position words (null while they are); written before
   * {@link #stamps}.
   */
  private Object[] values;
  /** Whether string values are coded too ({@link #names()}). */
  private final boolean codesNames;

  History() {
    this(false);
  }

  private History(boolean codesNames) {
    this.codesNames = codesNames;
  }

  /** A history whose string values are names from a small set (terms versions), coded. */
  static <V> History<V> names() {
    return new History<>(true);
  }

  /** The code of a name, or -1 when every code is taken. */
  private static synchronized int nameCode(String name) {
    for (int c = FIRST_NAME_CODE; c < names; c++) {
      if (CODED[c].equals(name)) {
        return c;
      }
    }
    if (names == MAX_CODES) {
      return -1;
    }
    CODED[names] = name;
    return names++;
  }

  /** The bits of the position word that hold {@code value}, or -1 when it has no code. */
  private long coded(Object value) {
    if (value instanceof Boolean b) {
      return b ? TRUE : 0;
    }
    if (value == null) {
      return (long) NULL_CODE << CODE_SHIFT;
    }
    if (value instanceof Entities.SettingValue v) {
      return (long) (SETTING_CODE + (v.value() ? 2 : 0) + (v.locked() ? 1 : 0)) << CODE_SHIFT;
    }
    if (codesNames && value instanceof String name) {
      int c = nameCode(name);
      return c < 0 ? -1 : (long) c << CODE_SHIFT;
    }
    return -1;
  }

  /** The value coded in a position word. */
  private static Object decode(long word) {
    int c = (int) (word >>> CODE_SHIFT) & (MAX_CODES - 1);
    return c == 0 ? Boolean.valueOf((word & TRUE) != 0) : CODED[c];
  }

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
      h = new History<>(false);
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
    long code = values == null ? coded(value) : -1;
    if (code >= 0) {
      word = pos | code;
    } else {
      Object[] vs = values;
      if (vs == null) {
        // The first value without a code: the earlier coded values move to the values.
        vs = new Object[n];
        for (int i = 0; i < n; i++) {
          vs[i] = decode(old[2 * i + 1]);
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
    V v = vs == null || vs.length <= i ? (V) decode(word) : (V) vs[i];
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

  /** The ledger position of entry i (an index {@link #index} returned). */
  long pos(int i) {
    return stamps[2 * i + 1] & POS;
  }

  /** The value of entry i (an index {@link #index} returned); a coded value is not made anew. */
  @SuppressWarnings("unchecked")
  V value(int i) {
    Object[] vs = values;
    // The values array was written before the stamps this index was found in.
    return vs == null || vs.length <= i ? (V) decode(stamps[2 * i + 1]) : (V) vs[i];
  }

  private static int find(long[] s, long t, long p) {
    if (s == null) {
      // A history published to this reader before its constructor's write: nothing visible.
      return -1;
    }
    int hi = s.length / 2 - 1;
    // The latest entry first: every look-up at the time of use of a snapshot at the head asks
    // for it, and it is one cache line where a binary search over a long history (a busy
    // account's terms, consents, settings) misses on several (issue 15, decision latency).
    // Both stamps ascend, so when the latest entry is in force no later one can be.
    if (hi >= 0 && s[2 * hi] <= t && (s[2 * hi + 1] & POS) <= p) {
      return hi;
    }
    int lo = 0;
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
