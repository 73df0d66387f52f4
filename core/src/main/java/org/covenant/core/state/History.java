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

  @SuppressWarnings("unchecked")
  private volatile Entry<V>[] entries = (Entry<V>[]) EMPTY;

  void add(long at, long pos, V value) {
    Entry<V>[] old = entries;
    Entry<V>[] next = Arrays.copyOf(old, old.length + 1);
    next[old.length] = new Entry<>(at, pos, value);
    entries = next;
  }

  /** The entry in force at (t, p): the last one with time ≤ t and position ≤ p, or null. */
  Entry<V> at(long t, long p) {
    Entry<V>[] es = entries;
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
    return es.length == 0 ? null : es[0];
  }

  /** The latest entry, or null when empty. */
  Entry<V> last() {
    Entry<V>[] es = entries;
    return es.length == 0 ? null : es[es.length - 1];
  }

  /** A stable copy of every entry, for reports. */
  Entry<V>[] all() {
    return entries;
  }
}
