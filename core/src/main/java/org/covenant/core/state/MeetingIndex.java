package org.covenant.core.state;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import org.covenant.core.state.Entities.Meeting;

/**
 * The meetings by id (issue 15, compact state): one open-addressing array of the meetings
 * themselves, keyed by their own id, instead of a {@code ConcurrentHashMap} whose node (32
 * bytes) and table slot cost about 40 bytes per meeting, ended meetings included, forever.
 * Here a meeting costs one reference at a load of one half to two thirds (6 to 8 bytes): the
 * table is not a power of two long, a hash is mapped to a slot by multiplication (issue 15: a
 * power of two at least three times the meetings took 3 to 6 slots, 12 to 24 bytes, a meeting;
 * 19 at 10M events).
 *
 * <p>One writer, any number of readers, as the map it replaces: slots are written with release
 * and read with acquire semantics, so a reader that finds a meeting sees it as the writer
 * published it; growing builds a new array and publishes it through a volatile field (a reader
 * still on the old array misses only meetings put after it looked, as it would have before the
 * put). A removal leaves a tombstone, so probes for other ids go on past it.
 */
final class MeetingIndex {
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Meeting[].class);
  /** A removed meeting's slot: not empty (probes continue), matches no id. */
  private static final Meeting GONE = new Meeting("\u0000removed", null, null, 0, 0);

  private volatile Meeting[] table = new Meeting[16];
  /** Live meetings; and live plus tombstones, what the load counts (writer only). */
  private int size;
  private int used;

  private static int spread(int h) {
    return (h ^ (h >>> 16)) * 0x9E3779B1;
  }

  private static Meeting at(Meeting[] t, int i) {
    return (Meeting) SLOT.getAcquire(t, i);
  }

  /** The home slot of hash h in a table of n slots (the spread hash's high bits, scaled). */
  private static int home(int h, int n) {
    return (int) (((spread(h) & 0xffffffffL) * n) >>> 32);
  }

  /** The slot of t holding the meeting with this id, or -1. */
  private static int slot(Meeting[] t, String id) {
    int n = t.length;
    int h = id.hashCode();
    int i = home(h, n);
    while (true) {
      Meeting m = at(t, i);
      if (m == null) {
        return -1;
      }
      if (m != GONE && m.idHash == h && m.idIs(id)) {
        return i;
      }
      i = i + 1 == n ? 0 : i + 1;
    }
  }

  /** The meeting with this id, or null. */
  Meeting get(String id) {
    Meeting[] t = table;
    int i = slot(t, id);
    return i < 0 ? null : at(t, i);
  }

  boolean containsKey(String id) {
    return get(id) != null;
  }

  /** Number of meetings held. */
  int size() {
    return size;
  }

  /** Puts the meeting under its own id ({@code id} must be it), replacing one with that id. */
  void put(String id, Meeting m) {
    if (!m.idIs(id)) {
      throw new IllegalArgumentException("meeting `" + m.id() + "` put under id `" + id + "`");
    }
    Meeting[] t = table;
    if ((used + 1) * 3L > t.length * 2L) {
      t = rebuilt(size + 1);
    }
    place(t, m, home(m.idHash, t.length), id);
  }

  /**
   * Puts every meeting of {@code ms} under its own id, as {@link #put} of each in turn would (a
   * later one with an id replaces an earlier), into a table grown once for them all, in the
   * order of their home slots (issue 15, a restore's millions of meetings): one put after
   * another then writes the table's slots in one sweep instead of at random. Each reference
   * stored into an old array (this one is humongous at scale) marks its card for the
   * collector's refinement threads to scan: at random, about one card a meeting, besides the
   * tables that growing by puts built and discarded on the way.
   */
  void putAll(Meeting[] ms) {
    int k = ms.length;
    Meeting[] t = table;
    if ((used + (long) k) * 3L > t.length * 2L) {
      t = rebuilt(Math.toIntExact(size + (long) k));
    }
    int n = t.length;
    // A counting sort by home slot, 64 slots (at most a card's references) a bucket, stable.
    int[] homes = new int[k];
    int[] starts = new int[(n >>> 6) + 2];
    for (int i = 0; i < k; i++) {
      int h = home(ms[i].idHash, n);
      homes[i] = h;
      starts[(h >>> 6) + 1]++;
    }
    for (int b = 1; b < starts.length; b++) {
      starts[b] += starts[b - 1];
    }
    int[] order = new int[k];
    for (int i = 0; i < k; i++) {
      order[starts[homes[i] >>> 6]++] = i;
    }
    for (int j = 0; j < k; j++) {
      int i = order[j];
      place(t, ms[i], homes[i], null);
    }
  }

  /**
   * Puts m under its own id into t, its home slot known, replacing one with that id; {@code id}
   * is m's id, or null to make it only if a hash matches.
   */
  private void place(Meeting[] t, Meeting m, int home, String id) {
    int n = t.length;
    int h = m.idHash;
    int i = home;
    int free = -1;
    while (true) {
      Meeting x = at(t, i);
      if (x == null) {
        break;
      }
      if (x == GONE) {
        if (free < 0) {
          free = i;
        }
      } else if (x.idHash == h) {
        // Only on a hash's match is the id made.
        if (id == null) {
          id = m.id();
        }
        if (x.idIs(id)) {
          SLOT.setRelease(t, i, m);
          return;
        }
      }
      i = i + 1 == n ? 0 : i + 1;
    }
    if (free >= 0) {
      SLOT.setRelease(t, free, m);
    } else {
      SLOT.setRelease(t, i, m);
      used++;
    }
    size++;
  }

  /** Removes the meeting with this id; the one removed, or null. Single writer. */
  Meeting remove(String id) {
    Meeting[] t = table;
    int i = slot(t, id);
    if (i < 0) {
      return null;
    }
    Meeting m = at(t, i);
    SLOT.setRelease(t, i, GONE);
    size--;
    return m;
  }

  /** Every meeting held, in no particular order (a copy: the writer may go on). */
  List<Meeting> values() {
    Meeting[] t = table;
    List<Meeting> out = new ArrayList<>(Math.max(16, size));
    for (int i = 0; i < t.length; i++) {
      Meeting m = at(t, i);
      if (m != null && m != GONE) {
        out.add(m);
      }
    }
    return out;
  }

  /** Slots in the table (tests: the load it keeps). */
  int slots() {
    return table.length;
  }

  /**
   * A new array for {@code live} meetings at a load of one half, published: it is rebuilt again
   * at two thirds (tombstones count), so the load stays between the two.
   */
  private Meeting[] rebuilt(int live) {
    Meeting[] old = table;
    int n = Math.toIntExact(Math.max(16, 2L * live));
    Meeting[] t = new Meeting[n];
    int count = 0;
    for (Meeting m : old) {
      if (m != null && m != GONE) {
        int i = home(m.idHash, n);
        while (t[i] != null) {
          i = i + 1 == n ? 0 : i + 1;
        }
        t[i] = m;
        count++;
      }
    }
    used = count;
    table = t;
    return t;
  }
}
