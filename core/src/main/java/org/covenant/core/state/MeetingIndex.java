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
 * Here a meeting costs one reference at a load of at most two thirds (6 to 12 bytes).
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

  /** The slot of t holding the meeting with this id, or -1. */
  private static int slot(Meeting[] t, String id) {
    int mask = t.length - 1;
    int h = id.hashCode();
    int i = spread(h) & mask;
    while (true) {
      Meeting m = at(t, i);
      if (m == null) {
        return -1;
      }
      if (m != GONE && m.idHash == h && m.idIs(id)) {
        return i;
      }
      i = (i + 1) & mask;
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
    int mask = t.length - 1;
    int h = m.idHash;
    int i = spread(h) & mask;
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
      } else if (x.idHash == h && x.idIs(id)) {
        SLOT.setRelease(t, i, m);
        return;
      }
      i = (i + 1) & mask;
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

  /** A new array for {@code live} meetings at a load of at most a third, published. */
  private Meeting[] rebuilt(int live) {
    Meeting[] old = table;
    int n = 16;
    while (n < live * 3L) {
      n <<= 1;
    }
    Meeting[] t = new Meeting[n];
    int mask = n - 1;
    int count = 0;
    for (Meeting m : old) {
      if (m != null && m != GONE) {
        int i = spread(m.idHash) & mask;
        while (t[i] != null) {
          i = (i + 1) & mask;
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
