package org.covenant.core.state;

import static org.covenant.core.state.MeetingArena.varint;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.covenant.core.state.Entities.Participant;
import org.covenant.core.vocab.Notice;

/**
 * The participants of a meeting that has ended, compacted (issue 15, compact state): every
 * participant's presence, organisation and acknowledgement histories in one {@code byte[]} for
 * the whole meeting, as variable-length gaps (about 300 bytes per participant live; 70 as
 * fixed-width longs; some 25 here plus the id).
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
  private static final int NOTICES = Notice.values().length;
  private static final long SECOND = 1_000_000_000L;
  private static final long MILLI = 1_000_000L;

  /*
   * The packed form is one slice of a MeetingArena (issue 15: no byte array, string array or
   * object of its own per ended meeting; the instance is a view made when a reader asks, kept
   * only for meetings of more than SCAN participants): the length of the meeting's own prefix
   * as a varint and the prefix (its stamps, id and feature log, Entities.Meeting; none: length
   * 0), then a varint count of participants, a varint count of strings shifted left one bit over
   * the width flag (1: every string number takes three bytes, 0: four), baseAt, basePos, the
   * data's length as a varint, then per string its number in the arena plus one (0: null) in
   * that width, the participant ids in the live map's iteration order (the first count), then
   * the organisation values (null: none named); then the data.
   *
   * baseAt and basePos are gaps from an origin (issue 15: 8 and 4 bytes as absolute values,
   * some 2 and 1 as gaps, per ended meeting): the meeting's start, which a prefix begins with
   * (its position as a varint, a varint, its time in time() code), or 0 and 0 without one.
   * baseAt is a varint: time() of its gap from the origin shifted left one bit; or 1, then
   * baseAt itself as eight bytes, when the gap is negative or does not fit. basePos is the
   * zigzag varint of its gap from the origin (two's complement, wrapping: any value fits).
   *
   * The data: per participant i, in order, its section: its length in bytes (a varint; a
   * reader skips to participant i over the sections before it), then four varints (counts of
   * presence, organisation and acknowledgement entries, and the index of its first organisation
   * value among the organisation values), then the entries. A presence or organisation entry is
   * its time and its position as gaps from the entry before it in its list (the first from
   * baseAt/basePos), the presence value in the position gap's low bit; an acknowledgement entry
   * is its time and position as gaps from the base, the notice ordinal in the position gap's
   * low six bits. Times are time() encoded.
   */
  private final MeetingArena arena;
  private final long address;
  private final byte[] buf;
  /** Where the meeting's prefix starts in {@link #buf}, and its length. */
  private final int prefixAt;
  private final int prefixLength;
  private final int count;
  private final int stringCount;
  /** Bytes per string number: 3 or 4. */
  private final int refWidth;
  /** Where the string numbers start in {@link #buf}. */
  private final int refsAt;
  /** Where the data starts and ends in {@link #buf}. */
  private final int dataAt;
  private final int dataEnd;
  /**
   * Where each section's body starts (after its length) in {@link #buf}, only for meetings of
   * more than {@link #SCAN} participants; null for the others, which find a section by skipping
   * the ones before it.
   */
  private final int[] start;
  /** Up to this many participants, no offsets and no index: a linear walk. */
  private static final int SCAN = 8;
  /** The earliest time and position of every entry: the gaps' origin. */
  private final long baseAt;
  private final long basePos;
  /** Open-addressing index + 1 of ids by hash, for meetings with many participants; or null. */
  private final int[] slots;

  /** The view of the slice at {@code address} (checked when it was written). */
  private EndedParticipants(MeetingArena arena, long address) {
    this.arena = arena;
    this.address = address;
    byte[] b = arena.chunk(address);
    this.buf = b;
    int at = MeetingArena.offset(address);
    long v = 0;
    int shift = 0;
    for (shift = 0, v = 0; ; shift += 7) {
      byte x = b[at++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        break;
      }
    }
    prefixAt = at;
    prefixLength = (int) v;
    long originAt = 0;
    long originPos = 0;
    if (prefixLength > 0) {
      originPos = varint(b, at);
      int q = at + MeetingArena.varintLength(originPos);
      q += MeetingArena.varintLength(varint(b, q));
      originAt = untime(varint(b, q));
    }
    at += prefixLength;
    // count
    for (shift = 0, v = 0; ; shift += 7) {
      byte x = b[at++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        break;
      }
    }
    count = (int) v;
    for (shift = 0, v = 0; ; shift += 7) {
      byte x = b[at++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        break;
      }
    }
    stringCount = (int) (v >>> 1);
    refWidth = (v & 1) != 0 ? 3 : 4;
    v = varint(b, at);
    at += MeetingArena.varintLength(v);
    if ((v & 1) == 0) {
      baseAt = originAt + untime(v >>> 1);
    } else {
      long t = 0;
      for (int k = 0; k < 8; k++) {
        t = t << 8 | (b[at++] & 0xff);
      }
      baseAt = t;
    }
    v = varint(b, at);
    at += MeetingArena.varintLength(v);
    basePos = originPos + ((v >>> 1) ^ -(v & 1));
    for (shift = 0, v = 0; ; shift += 7) {
      byte x = b[at++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        break;
      }
    }
    refsAt = at;
    dataAt = at + refWidth * stringCount;
    dataEnd = dataAt + (int) v;
    int n = count;
    start = n > SCAN ? offsets(b, dataAt, dataEnd, n) : null;
    if (n > SCAN) {
      slots = new int[Integer.highestOneBit(n) * 4];
      int mask = slots.length - 1;
      for (int i = 0; i < n; i++) {
        int s = spread(string(i).hashCode()) & mask;
        while (slots[s] != 0) {
          s = (s + 1) & mask;
        }
        slots[s] = i + 1;
      }
    } else {
      slots = null;
    }
  }

  /** The participants packed at {@code address} of {@code arena} (a meeting's accessor). */
  static EndedParticipants at(MeetingArena arena, long address) {
    return new EndedParticipants(arena, address);
  }

  /** Where the packed form is in its arena. */
  long address() {
    return address;
  }

  MeetingArena arena() {
    return arena;
  }

  /** The bytes holding the slice (with {@link #prefixAt}: the meeting's prefix). Shared. */
  byte[] buf() {
    return buf;
  }

  int prefixAt() {
    return prefixAt;
  }

  int prefixLength() {
    return prefixLength;
  }

  private byte[] prefix() {
    return Arrays.copyOfRange(buf, prefixAt, prefixAt + prefixLength);
  }

  /** Whether this view is worth keeping (its offsets and index cost a walk to build). */
  boolean indexed() {
    return start != null;
  }

  /** The slice's length in bytes. */
  int sliceLength() {
    return dataEnd - MeetingArena.offset(address);
  }

  /** String number k of this meeting (ids, then organisation values); null for none. */
  private String string(int k) {
    int ref = ref(k);
    return ref == 0 ? null : arena.string(ref - 1);
  }

  private int ref(int k) {
    byte[] b = buf;
    if (refWidth == 3) {
      int at = refsAt + 3 * k;
      return (b[at] & 0xff) << 16 | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff);
    }
    int at = refsAt + 4 * k;
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  /** baseAt's code (see the layout above): time() of its gap from originAt, or -1: raw. */
  private static long baseAtCode(long baseAt, long originAt) {
    long gap = baseAt - originAt;
    if (gap < 0 || baseAt < originAt) {
      return -1;
    }
    long c = time(gap);
    return c > Long.MAX_VALUE >>> 1 ? -1 : c << 1;
  }

  /**
   * The packed form in the arena, its strings interned.
   *
   * @throws IllegalArgumentException when the sections do not add up to the data
   */
  private static EndedParticipants pack(MeetingArena arena, byte[] prefix, String[] strings,
      int n, byte[] data, int dataLength, long baseAt, long basePos) {
    offsets(data, 0, dataLength, n);
    int[] refs = new int[strings.length];
    for (int k = 0; k < strings.length; k++) {
      refs[k] = strings[k] == null ? 0 : arena.intern(strings[k]) + 1;
    }
    return packRefs(arena, prefix, refs, n, data, dataLength, baseAt, basePos, false);
  }

  /**
   * As above, the data checked and the strings interned: their numbers + 1 (0: null), in
   * three bytes each when they all fit, else (or {@code wide}: tests) four.
   */
  static EndedParticipants packRefs(MeetingArena arena, byte[] prefix, int[] refs,
      int n, byte[] data, int dataLength, long baseAt, long basePos, boolean wide) {
    int stringCount = refs.length;
    long originAt = 0;
    long originPos = 0;
    if (prefix.length > 0) {
      originPos = varint(prefix, 0);
      int q = MeetingArena.varintLength(originPos);
      q += MeetingArena.varintLength(varint(prefix, q));
      originAt = untime(varint(prefix, q));
    }
    int width = wide ? 4 : 3;
    for (int r : refs) {
      if (r >>> 24 != 0) {
        width = 4;
      }
    }
    long counted = (long) stringCount << 1 | (width == 3 ? 1 : 0);
    long atCode;
    try {
      atCode = baseAtCode(baseAt, originAt);
    } catch (ArithmeticException e) {
      atCode = -1;
    }
    long gapPos = basePos - originPos;
    long zig = (gapPos << 1) ^ (gapPos >> 63);
    int head = MeetingArena.varintLength(prefix.length) + prefix.length
        + MeetingArena.varintLength(n) + MeetingArena.varintLength(counted)
        + (atCode < 0 ? 9 : MeetingArena.varintLength(atCode))
        + MeetingArena.varintLength(zig) + MeetingArena.varintLength(dataLength);
    long a = arena.reserve(head + width * stringCount + dataLength);
    byte[] b = arena.chunk(a);
    int at = MeetingArena.offset(a);
    at = MeetingArena.putVarint(b, at, prefix.length);
    System.arraycopy(prefix, 0, b, at, prefix.length);
    at += prefix.length;
    at = MeetingArena.putVarint(b, at, n);
    at = MeetingArena.putVarint(b, at, counted);
    if (atCode < 0) {
      b[at++] = 1;
      for (int k = 7; k >= 0; k--) {
        b[at++] = (byte) (baseAt >>> (8 * k));
      }
    } else {
      at = MeetingArena.putVarint(b, at, atCode);
    }
    at = MeetingArena.putVarint(b, at, zig);
    at = MeetingArena.putVarint(b, at, dataLength);
    for (int r : refs) {
      if (width == 4) {
        b[at++] = (byte) (r >>> 24);
      }
      b[at++] = (byte) (r >>> 16);
      b[at++] = (byte) (r >>> 8);
      b[at++] = (byte) r;
    }
    System.arraycopy(data, 0, b, at, dataLength);
    return new EndedParticipants(arena, a);
  }

  /**
   * The body offset of each of the n sections of {@code data} from {@code from} to {@code to}.
   *
   * @throws IllegalArgumentException when a section runs past the end or bytes are left over
   */
  private static int[] offsets(byte[] data, int from, int to, int n) {
    int[] out = new int[n];
    int at = from;
    for (int i = 0; i < n; i++) {
      long len = 0;
      int shift = 0;
      while (true) {
        if (at >= to || shift > 28) {
          throw new IllegalArgumentException("participant " + i + "'s section length is cut off");
        }
        byte x = data[at++];
        len |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          break;
        }
        shift += 7;
      }
      if (len < 1 || len > to - at) {
        throw new IllegalArgumentException("participant " + i + "'s section of " + len
            + " bytes runs past the end");
      }
      out[i] = at;
      at += (int) len;
    }
    if (at != to) {
      throw new IllegalArgumentException((to - at) + " bytes after the last section");
    }
    return out;
  }

  /** Where participant i's section body starts in {@link #buf}. */
  private int section(int i) {
    if (start != null) {
      return start[i];
    }
    byte[] data = buf;
    int at = dataAt;
    for (int k = 0; ; k++) {
      int len = 0;
      int shift = 0;
      byte x;
      do {
        x = data[at++];
        len |= (x & 0x7f) << shift;
        shift += 7;
      } while (x < 0);
      if (k == i) {
        return at;
      }
      at += len;
    }
  }

  private static int spread(int h) {
    return (h ^ (h >>> 16)) * 0x9E3779B1;
  }

  /** A time gap (≥ 0 nanoseconds) as one unsigned number: whole seconds and milliseconds short. */
  private static long time(long gap) {
    if (gap < 0) {
      throw new ArithmeticException("time gap out of range");
    }
    if (gap % SECOND == 0) {
      return (gap / SECOND) << 2;
    }
    if (gap % MILLI == 0) {
      return (gap / MILLI) << 2 | 1;
    }
    if (gap > Long.MAX_VALUE >>> 2) {
      throw new ArithmeticException("time gap out of range");
    }
    return gap << 2 | 2;
  }

  /** {@code gap << shift | low}, or an ArithmeticException when it does not fit. */
  private static long word(long gap, int shift, int low) {
    if (gap < 0 || gap > Long.MAX_VALUE >>> shift) {
      throw new ArithmeticException("position gap out of range");
    }
    return gap << shift | low;
  }

  /** A time gap (≥ 0) as {@link #time} codes it (the meetings' packed feature logs). */
  static long timeCode(long gap) {
    return time(gap);
  }

  static long untimeCode(long v) {
    return untime(v);
  }

  private static long untime(long v) {
    long g = v >>> 2;
    int kind = (int) (v & 3);
    return kind == 0 ? g * SECOND : kind == 1 ? g * MILLI : g;
  }

  /** The encoder: a growing byte array of unsigned varints. */
  private static final class Out {
    byte[] b = new byte[64];
    int n;

    void append(byte[] x, int len) {
      if (n + len > b.length) {
        b = Arrays.copyOf(b, Math.max(b.length * 2, n + len));
      }
      System.arraycopy(x, 0, b, n, len);
      n += len;
    }

    void put(long v) {
      if (n + 10 > b.length) {
        b = Arrays.copyOf(b, b.length * 2 + 10);
      }
      while ((v & ~0x7fL) != 0) {
        b[n++] = (byte) (v | 0x80);
        v >>>= 7;
      }
      b[n++] = (byte) v;
    }
  }

  /** A reader of {@link #data} from an offset. */
  private final class In {
    int at;

    In(int at) {
      this.at = at;
    }

    long next() {
      long v = 0;
      int shift = 0;
      byte[] data = buf;
      while (true) {
        byte x = data[at++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
        shift += 7;
      }
    }
  }

  /**
   * The participants of a live map, in its iteration order; null when a gap between two stamps
   * does not fit (some 70 years within one meeting): the meeting then keeps its live map.
   */
  static EndedParticipants of(MeetingArena arena, ConcurrentHashMap<String, Participant> live) {
    return of(arena, NO_PREFIX, live);
  }

  private static final byte[] NO_PREFIX = new byte[0];

  /** As above, the meeting's {@code prefix} (its id and feature log) in the same slice. */
  static EndedParticipants of(MeetingArena arena, byte[] prefix,
      ConcurrentHashMap<String, Participant> live) {
    int n = 0;
    Participant[] ps = new Participant[live.size()];
    // The values in the entries' order (one traversal of the table), without an entry each.
    for (Participant p : live.values()) {
      if (n == ps.length) {
        ps = Arrays.copyOf(ps, n * 2 + 1);
      }
      ps[n++] = p;
    }
    return of(arena, prefix, n == ps.length ? ps : Arrays.copyOf(ps, n));
  }

  private static EndedParticipants of(MeetingArena arena, byte[] prefix, Participant[] ps) {
    try {
      return encode(arena, prefix, ps);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /**
   * The packed form of the participants' live histories, read entry by entry in place (issue
   * 15: no {@link History.Entry} or array of them per entry; a replay closes every meeting).
   */
  private static EndedParticipants encode(MeetingArena arena, byte[] prefix,
      Participant[] ps) {
    int n = ps.length;
    // The writer's own histories: nothing is appended to them while they are read here.
    History<?>[][] acks = new History<?>[n][];
    long baseAt = Long.MAX_VALUE;
    long basePos = Long.MAX_VALUE;
    int orgCount = 0;
    for (int i = 0; i < n; i++) {
      Participant x = ps[i];
      acks[i] = x.acks;
      for (History<?> h : acks[i]) {
        for (int j = 0, m = h.size(); j < m; j++) {
          baseAt = Math.min(baseAt, h.time(j));
          basePos = Math.min(basePos, h.pos(j));
        }
      }
      if (x.present.size() > 0) {
        baseAt = Math.min(baseAt, x.present.time(0));
        basePos = Math.min(basePos, x.present.pos(0));
      }
      int orgs = x.organisation.size();
      if (orgs > 0) {
        baseAt = Math.min(baseAt, x.organisation.time(0));
        basePos = Math.min(basePos, x.organisation.pos(0));
      }
      orgCount += orgs;
    }
    if (baseAt == Long.MAX_VALUE) {
      baseAt = 0;
      basePos = 0;
    }
    String[] strings = new String[n + orgCount];
    Out all = new Out();
    Out w = new Out();
    int o = 0;
    for (int i = 0; i < n; i++) {
      Participant x = ps[i];
      History<Boolean> present = x.present;
      History<String> organisation = x.organisation;
      strings[i] = x.id;
      w.n = 0;
      int ackCount = 0;
      for (History<?> h : acks[i]) {
        ackCount += h.size();
      }
      int presents = present.size();
      int orgs = organisation.size();
      w.put(presents);
      w.put(orgs);
      w.put(ackCount);
      w.put(o);
      long t = baseAt;
      long p = basePos;
      for (int j = 0; j < presents; j++) {
        w.put(time(present.time(j) - t));
        w.put(word(present.pos(j) - p, 1, Boolean.TRUE.equals(present.value(j)) ? 1 : 0));
        t = present.time(j);
        p = present.pos(j);
      }
      t = baseAt;
      p = basePos;
      for (int j = 0; j < orgs; j++) {
        w.put(time(organisation.time(j) - t));
        w.put(word(organisation.pos(j) - p, 0, 0));
        t = organisation.time(j);
        p = organisation.pos(j);
        strings[n + o++] = organisation.value(j);
      }
      for (int k = 0; k < acks[i].length; k++) {
        History<?> h = acks[i][k];
        for (int j = 0, m = h.size(); j < m; j++) {
          w.put(time(h.time(j) - baseAt));
          w.put(word(h.pos(j) - basePos, 6, k));
        }
      }
      all.put(w.n);
      all.append(w.b, w.n);
    }
    return pack(arena, prefix, strings, n, all.b, all.n, baseAt, basePos);
  }

  /**
   * The packed form read back from a checkpoint (format 4) as {@link #writeTo} gave it: no
   * participant, history or map is rebuilt.
   *
   * @throws IllegalArgumentException when an offset is out of range or an id is missing
   */
  static EndedParticipants restore(MeetingArena arena, String[] strings, int n, byte[] data,
      long baseAt, long basePos) {
    return restore(arena, NO_PREFIX, strings, n, data, baseAt, basePos);
  }

  /** As above, the meeting's {@code prefix} (its id and feature log) in the same slice. */
  static EndedParticipants restore(MeetingArena arena, byte[] prefix, String[] strings, int n,
      byte[] data, long baseAt, long basePos) {
    if (n < 0 || strings.length < n) {
      throw new IllegalArgumentException(n + " participants and " + strings.length
          + " strings");
    }
    for (int i = 0; i < n; i++) {
      if (strings[i] == null) {
        throw new IllegalArgumentException("participant " + i + " has no id");
      }
    }
    return pack(arena, prefix, strings, n, data, data.length, baseAt, basePos);
  }

  /**
   * As above, the strings already interned in {@code arena} (a checkpoint's restore interns
   * each string of its table once): their numbers + 1, 0 for null.
   */
  static EndedParticipants restoreRefs(MeetingArena arena, byte[] prefix, int[] refs, int n,
      byte[] data, long baseAt, long basePos) {
    if (n < 0 || refs.length < n) {
      throw new IllegalArgumentException(n + " participants and " + refs.length + " strings");
    }
    for (int i = 0; i < n; i++) {
      if (refs[i] <= 0 || refs[i] > arena.strings()) {
        throw new IllegalArgumentException("participant " + i + " has no id");
      }
    }
    for (int r : refs) {
      if (r < 0 || r > arena.strings()) {
        throw new IllegalArgumentException("string number " + r + " out of range");
      }
    }
    offsets(data, 0, data.length, n); // throws when the sections do not add up
    return packRefs(arena, prefix, refs, n, data, data.length, baseAt, basePos, false);
  }

  /** Receives the packed form (a checkpoint's writer); the arrays are shared: do not change. */
  interface Packed {
    void accept(String[] strings, int count, byte[] data, long baseAt, long basePos);
  }

  /** Hands the packed form to {@code out} (copies: the strings are made anew). */
  void writeTo(Packed out) {
    String[] strings = new String[stringCount];
    for (int k = 0; k < strings.length; k++) {
      strings[k] = string(k);
    }
    out.accept(strings, count, Arrays.copyOfRange(buf, dataAt, dataEnd), baseAt, basePos);
  }

  /** The latest position of any entry (0 with none): whether a checkpoint may copy it whole. */
  long lastPos() {
    long max = 0;
    for (int i = 0; i < count; i++) {
      In r = new In(section(i));
      int present = (int) r.next();
      int orgs = (int) r.next();
      int acks = (int) r.next();
      r.next();
      long pos = basePos;
      for (int k = 0; k < present; k++) {
        r.next();
        pos += r.next() >>> 1;
      }
      max = Math.max(max, pos);
      pos = basePos;
      for (int k = 0; k < orgs; k++) {
        r.next();
        pos += r.next();
      }
      max = Math.max(max, pos);
      for (int k = 0; k < acks; k++) {
        r.next();
        max = Math.max(max, basePos + (r.next() >>> 6));
      }
    }
    return max;
  }

  /**
   * The participants as they were at position p (entries after p dropped, the order kept): what
   * a projection that stopped at p holds, byte for byte, for a meeting that ended by p (every
   * participant joined before the end, so none is left empty). Null when it does not fit.
   */
  EndedParticipants upTo(MeetingArena arena, long p) {
    Participant[] all = thawAll();
    Participant[] cut = new Participant[all.length];
    for (int i = 0; i < all.length; i++) {
      Participant x = all[i];
      Participant y = new Participant(x.id);
      for (History.Entry<Boolean> e : x.present.all()) {
        if (e.pos() <= p) {
          y.present.add(e.at(), e.pos(), e.value());
        }
      }
      for (History.Entry<String> e : x.organisation.all()) {
        if (e.pos() <= p) {
          y.organisation.add(e.at(), e.pos(), e.value());
        }
      }
      for (int k = 0; k < x.acks.length; k++) {
        for (History.Entry<Boolean> e : x.acks[k].all()) {
          if (e.pos() <= p) {
            History.writable(y.ownAcks(), k).add(e.at(), e.pos(), e.value());
          }
        }
      }
      cut[i] = y;
    }
    return of(arena, prefix(), cut);
  }

  /** Number of participants. */
  int size() {
    return count;
  }

  /** Participant i's id (a new string each call). */
  String id(int i) {
    return string(i);
  }

  /** Whether participant i's id is s (an ASCII s: no allocation). */
  boolean idIs(int i, String s) {
    return arena.is(ref(i) - 1, s);
  }

  /**
   * The index of the participant whose id is string number k of {@link #arena}, or -1: as
   * {@link #find} of that string (the arena interns a string once, so equal numbers are equal
   * ids), comparing numbers instead of bytes where the participants are walked.
   */
  int findNumber(int k) {
    if (slots != null) {
      return find(arena.string(k));
    }
    for (int i = 0; i < count; i++) {
      if (ref(i) == k + 1) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the participant, or -1. */
  int find(String id) {
    if (slots == null) {
      for (int i = 0; i < count; i++) {
        if (idIs(i, id)) {
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
      if (idIs(v - 1, id)) {
        return v - 1;
      }
      s = (s + 1) & mask;
    }
  }

  /** Whether participant i ever joined (its presence history has an entry). */
  boolean joined(int i) {
    // The first varint of the section is the presence count: zero is the single byte 0.
    return buf[section(i)] != 0;
  }

  /** Whether participant i is present at (t, p) by its own history. */
  boolean present(int i, long t, long p) {
    In r = new In(section(i));
    int n = (int) r.next();
    r.next();
    r.next();
    r.next();
    long at = baseAt;
    long pos = basePos;
    boolean value = false;
    for (int k = 0; k < n; k++) {
      at += untime(r.next());
      long word = r.next();
      pos += word >>> 1;
      if (at > t || pos > p) {
        break;
      }
      value = (word & 1) != 0;
    }
    return value;
  }

  /** The position of participant i's acknowledgement of notice n at or before (t, p), or -1. */
  long acknowledged(int i, int n, long t, long p) {
    In r = new In(section(i));
    int present = (int) r.next();
    int orgs = (int) r.next();
    int acks = (int) r.next();
    r.next();
    for (int k = 0; k < 2 * (present + orgs); k++) {
      r.next();
    }
    for (int k = 0; k < acks; k++) {
      long at = baseAt + untime(r.next());
      long word = r.next();
      if ((int) (word & 0x3f) == n) {
        long pos = basePos + (word >>> 6);
        return at <= t && pos <= p ? pos : -1;
      }
    }
    return -1;
  }

  /**
   * The organisation participant i's last join at or before (t, p) named: {@code result[0]}
   * true when there is such an entry, the value (null: none named) returned.
   */
  String organisation(int i, long t, long p, boolean[] found) {
    In r = new In(section(i));
    int present = (int) r.next();
    int n = (int) r.next();
    r.next();
    int org = count + (int) r.next();
    for (int k = 0; k < 2 * present; k++) {
      r.next();
    }
    long at = baseAt;
    long pos = basePos;
    int last = -1;
    for (int k = 0; k < n; k++) {
      at += untime(r.next());
      pos += r.next();
      if (at > t || pos > p) {
        break;
      }
      last = k;
    }
    found[0] = last >= 0;
    return last >= 0 ? string(org + last) : null;
  }

  /** Participant i as live histories again (for checkpoints; not on any hot path). */
  Participant thaw(int i) {
    Participant x = new Participant(string(i));
    In r = new In(section(i));
    int present = (int) r.next();
    int orgs = (int) r.next();
    int acks = (int) r.next();
    int org = count + (int) r.next();
    long at = baseAt;
    long pos = basePos;
    for (int k = 0; k < present; k++) {
      at += untime(r.next());
      long word = r.next();
      pos += word >>> 1;
      x.present.add(at, pos, (word & 1) != 0);
    }
    at = baseAt;
    pos = basePos;
    for (int k = 0; k < orgs; k++) {
      at += untime(r.next());
      pos += r.next();
      x.organisation.add(at, pos, string(org + k));
    }
    for (int k = 0; k < acks; k++) {
      long a = baseAt + untime(r.next());
      long word = r.next();
      History.writable(x.ownAcks(), (int) (word & 0x3f)).add(a, basePos + (word >>> 6), true);
    }
    return x;
  }

  /** Whether participant i's last presence entry says present. */
  boolean lastPresent(int i) {
    return present(i, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /** Every participant as live histories again, in order. */
  Participant[] thawAll() {
    Participant[] ps = new Participant[count];
    for (int j = 0; j < ps.length; j++) {
      ps[j] = thaw(j);
    }
    return ps;
  }

  /**
   * A copy with participant i's presence ending at (at, pos): a leave after the end; null when
   * its gap does not fit (see {@link #of}).
   */
  EndedParticipants left(int i, long at, long pos) {
    Participant[] ps = thawAll();
    ps[i].present.add(at, pos, false);
    return of(arena, prefix(), ps);
  }

  static {
    if (NOTICES > 63) {
      throw new IllegalStateException("notice ordinals must fit in 6 bits");
    }
  }
}
