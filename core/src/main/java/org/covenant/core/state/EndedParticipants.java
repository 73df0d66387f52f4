package org.covenant.core.state;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.covenant.core.state.Entities.Participant;
import org.covenant.core.vocab.Notice;

/**
 * The participants of a meeting that has ended, compacted (issue 15, compact state): every
 * participant's presence, organisation and acknowledgement histories in one {@code long[]} for
 * the whole meeting, instead of a map node, a participant object, two or three history objects
 * and their arrays each (about 300 bytes per participant, 70 here).
 *
 * <p>Nothing is dropped: the entries are the same (time, position) stamps the live histories
 * held, read with the same "last entry at or before (t, p)" search, so every query at any time,
 * the §5 capture-time conditions of the meeting's content and a {@code notices} query inside
 * the meeting before its end, answers exactly as before the meeting ended, without reading the
 * ledger (docs/DECISIONS.md, "Ended meetings are compacted"). The participants keep the order
 * the live map iterated them in, which is the order the engine walks them in (the first present
 * participant who had not acknowledged a notice ends the walk, and what it consulted is the
 * evidence).
 *
 * <p>Immutable: an event that changes an ended meeting's participants (a {@code
 * participant.left} after the end, the only one §3 accepts) makes a new instance.
 */
final class EndedParticipants {
  private static final long TRUE = 1L << 62;
  private static final long POS = TRUE - 1;
  private static final int NOTICES = Notice.values().length;

  /** Participant ids, in the live map's iteration order. */
  private final String[] ids;
  /**
   * Per participant i, {@code start[i]}: its section of {@link #data}: one header word (counts
   * of presence, organisation and acknowledgement entries, 24, 24 and 16 bits), then the
   * presence entries (time, position word with the value bit), the organisation entries (time,
   * position), the acknowledgement entries (time, position with the notice ordinal in bits 56
   * and up).
   */
  private final int[] start;
  private final long[] data;
  /** Organisation values (null: none named), participant i's from {@code orgStart[i]}. */
  private final String[] orgs;
  private final int[] orgStart;
  /** Open-addressing index + 1 of ids by hash, for meetings with many participants; or null. */
  private final int[] slots;

  private EndedParticipants(String[] ids, int[] start, long[] data, String[] orgs,
      int[] orgStart) {
    this.ids = ids;
    this.start = start;
    this.data = data;
    this.orgs = orgs;
    this.orgStart = orgStart;
    if (ids.length > 8) {
      slots = new int[Integer.highestOneBit(ids.length) * 4];
      int mask = slots.length - 1;
      for (int i = 0; i < ids.length; i++) {
        int s = spread(ids[i].hashCode()) & mask;
        while (slots[s] != 0) {
          s = (s + 1) & mask;
        }
        slots[s] = i + 1;
      }
    } else {
      slots = null;
    }
  }

  private static int spread(int h) {
    return (h ^ (h >>> 16)) * 0x9E3779B1;
  }

  /**
   * The participants of a live map, in its iteration order; null when one has more entries
   * than a section counts (the meeting then keeps its live map).
   */
  static EndedParticipants of(ConcurrentHashMap<String, Participant> live) {
    int n = 0;
    int longs = 0;
    int orgCount = 0;
    Participant[] ps = new Participant[live.size()];
    for (Map.Entry<String, Participant> e : live.entrySet()) {
      if (n == ps.length) {
        ps = Arrays.copyOf(ps, n * 2 + 1);
      }
      ps[n++] = e.getValue();
    }
    History.Entry<?>[][] present = new History.Entry<?>[n][];
    History.Entry<?>[][] organisation = new History.Entry<?>[n][];
    for (int i = 0; i < n; i++) {
      present[i] = ps[i].present.all();
      organisation[i] = ps[i].organisation.all();
      int acks = 0;
      for (History<Boolean> h : ps[i].acks) {
        acks += h.all().length;
      }
      longs += 1 + 2 * (present[i].length + organisation[i].length + acks);
      orgCount += organisation[i].length;
    }
    String[] ids = new String[n];
    int[] start = new int[n + 1];
    long[] data = new long[longs];
    String[] orgs = new String[orgCount];
    int[] orgStart = new int[n];
    int w = 0;
    int o = 0;
    for (int i = 0; i < n; i++) {
      Participant p = ps[i];
      ids[i] = p.id;
      start[i] = w;
      orgStart[i] = o;
      int header = w++;
      for (History.Entry<?> e : present[i]) {
        data[w++] = e.at();
        data[w++] = Boolean.TRUE.equals(e.value()) ? e.pos() | TRUE : e.pos();
      }
      for (History.Entry<?> e : organisation[i]) {
        data[w++] = e.at();
        data[w++] = e.pos();
        orgs[o++] = (String) e.value();
      }
      int acks = 0;
      for (int k = 0; k < p.acks.length; k++) {
        for (History.Entry<Boolean> e : p.acks[k].all()) {
          data[w++] = e.at();
          data[w++] = e.pos() | ((long) k << 56);
          acks++;
        }
      }
      if (present[i].length >= 0xffffff || organisation[i].length > 0xffffff) {
        // Sixteen million changes of one participant: keep the live histories.
        return null;
      }
      data[header] = present[i].length | ((long) organisation[i].length << 24)
          | ((long) acks << 48);
    }
    start[n] = w;
    return new EndedParticipants(ids, start, data, orgs, orgStart);
  }

  /** Number of participants. */
  int size() {
    return ids.length;
  }

  /** Participant i's id (the canonical string the live map held). */
  String id(int i) {
    return ids[i];
  }

  /** The index of the participant, or -1. */
  int find(String id) {
    if (slots == null) {
      for (int i = 0; i < ids.length; i++) {
        if (ids[i].equals(id)) {
          return i;
        }
      }
      return -1;
    }
    int mask = slots.length - 1;
    int s = spread(id.hashCode()) & mask;
    while (true) {
      int v = slots[s];
      if (v == 0) {
        return -1;
      }
      if (ids[v - 1].equals(id)) {
        return v - 1;
      }
      s = (s + 1) & mask;
    }
  }

  private int presentCount(int i) {
    return (int) (data[start[i]] & 0xffffff);
  }

  private int orgCount(int i) {
    return (int) ((data[start[i]] >>> 24) & 0xffffff);
  }

  private int ackCount(int i) {
    return (int) (data[start[i]] >>> 48);
  }

  /** The last of n entries from offset {@code off} at or before (t, p), as History.at; or -1. */
  private int at(int off, int n, long t, long p) {
    int lo = 0;
    int hi = n - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (data[off + 2 * mid] <= t && (data[off + 2 * mid + 1] & POS) <= p) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Whether participant i ever joined (its presence history has an entry). */
  boolean joined(int i) {
    return presentCount(i) > 0;
  }

  /** Whether participant i is present at (t, p) by its own history. */
  boolean present(int i, long t, long p) {
    int off = start[i] + 1;
    int k = at(off, presentCount(i), t, p);
    return k >= 0 && (data[off + 2 * k + 1] & TRUE) != 0;
  }

  /** The position of participant i's acknowledgement of notice n at or before (t, p), or -1. */
  long acknowledged(int i, int n, long t, long p) {
    int off = start[i] + 1 + 2 * (presentCount(i) + orgCount(i));
    int acks = ackCount(i);
    for (int k = 0; k < acks; k++) {
      long word = data[off + 2 * k + 1];
      if ((int) (word >>> 56) == n) {
        long pos = word & ((1L << 56) - 1);
        return data[off + 2 * k] <= t && pos <= p ? pos : -1;
      }
    }
    return -1;
  }

  /**
   * The organisation participant i's last join at or before (t, p) named: {@code result[0]}
   * true when there is such an entry, the value (null: none named) returned.
   */
  String organisation(int i, long t, long p, boolean[] found) {
    int off = start[i] + 1 + 2 * presentCount(i);
    int k = at(off, orgCount(i), t, p);
    found[0] = k >= 0;
    return k >= 0 ? orgs[orgStart[i] + k] : null;
  }

  /** Participant i as live histories again (for checkpoints; not on any hot path). */
  Participant thaw(int i) {
    Participant x = new Participant(ids[i]);
    int off = start[i] + 1;
    for (int k = 0; k < presentCount(i); k++) {
      long word = data[off + 2 * k + 1];
      x.present.add(data[off + 2 * k], word & POS, (word & TRUE) != 0);
    }
    off += 2 * presentCount(i);
    for (int k = 0; k < orgCount(i); k++) {
      x.organisation.add(data[off + 2 * k], data[off + 2 * k + 1], orgs[orgStart[i] + k]);
    }
    off += 2 * orgCount(i);
    for (int k = 0; k < ackCount(i); k++) {
      long word = data[off + 2 * k + 1];
      History.writable(x.ownAcks(), (int) (word >>> 56))
          .add(data[off + 2 * k], word & ((1L << 56) - 1), true);
    }
    return x;
  }

  /** Whether participant i's last presence entry says present. */
  boolean lastPresent(int i) {
    int n = presentCount(i);
    return n > 0 && (data[start[i] + 1 + 2 * (n - 1) + 1] & TRUE) != 0;
  }

  /** A copy with participant i's presence ending at (at, pos): a leave after the end. */
  EndedParticipants left(int i, long at, long pos) {
    if (presentCount(i) >= 0xffffff - 1) {
      throw new IllegalStateException("a participant's presence history is full");
    }
    int insert = start[i] + 1 + 2 * presentCount(i);
    long[] next = new long[data.length + 2];
    System.arraycopy(data, 0, next, 0, insert);
    next[insert] = at;
    next[insert + 1] = pos;
    System.arraycopy(data, insert, next, insert + 2, data.length - insert);
    next[start[i]] = data[start[i]] + 1;
    int[] starts = start.clone();
    for (int j = i + 1; j < starts.length; j++) {
      starts[j] += 2;
    }
    return new EndedParticipants(ids, starts, next, orgs, orgStart);
  }

  static {
    if (NOTICES > 63) {
      throw new IllegalStateException("notice ordinals must fit in 6 bits");
    }
  }
}
