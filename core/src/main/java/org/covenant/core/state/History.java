package org.covenant.core.state;

import java.util.Arrays;

/**
 * An append-only timeline of values, each stamped with the ledger position and time of the event
 * that set it. Entries arrive in ledger order, and accepted events never go back in time, so both
 * stamps ascend and "the value as of (time t, position p)" is a binary search.
 *
 * <p>One writer, any number of readers: the writer publishes a new array through a volatile field
 * (copy on write). Histories are short (a setting changes a few times), so the copy is cheap and
 * readers never lock.
 */
final class History<V> {
  /** One stamped value. */
  record Entry<V>(long at, long pos, V value) {}

  private static final Entry<?>[] EMPTY = new Entry<?>[0];
  /** The shared empty history that unwritten slots point to; never written to. */
  private static final History<?> NONE = new History<>();

  @SuppressWarnings("unchecked")
  private volatile Entry<V>[] entries = (Entry<V>[]) EMPTY;

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
    Entry<V>[] old = entries;
    Entry<V>[] next = Arrays.copyOf(old, old.length + 1);
    next[old.length] = new Entry<>(at, pos, value);
    entries = next;
  }

  /** The entry in force at (t, p): the last one with time ≤ t and position ≤ p, or null. */
  Entry<V> at(long t, long p) {
    Entry<V>[] es = entries;
    if (es == null) {
      // A history published to this reader before its constructor's write: nothing visible.
      return null;
    }
    int lo = 0;
    int hi = es.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Entry<V> e = es[mid];
      if (e.at <= t && e.pos <= p) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? null : es[found];
  }

  /** The first entry, or null when empty. */
  Entry<V> first() {
    Entry<V>[] es = entries;
    return es == null || es.length == 0 ? null : es[0];
  }

  /** The latest entry, or null when empty. */
  Entry<V> last() {
    Entry<V>[] es = entries;
    return es == null || es.length == 0 ? null : es[es.length - 1];
  }

  /** A stable copy of every entry, for reports. */
  @SuppressWarnings("unchecked")
  Entry<V>[] all() {
    Entry<V>[] es = entries;
    return es == null ? (Entry<V>[]) EMPTY : es;
  }
}
