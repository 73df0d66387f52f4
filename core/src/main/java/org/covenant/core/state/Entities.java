package org.covenant.core.state;

import static org.covenant.core.state.MeetingArena.varint;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Notice;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.Vocabulary;

/** The mutable projection's entities; only {@link GovernanceState} writes them. */
final class Entities {
  private Entities() {}

  /** n slots, each the shared empty history until written ({@link History#writable}). */
  @SuppressWarnings("unchecked")
  static <V> History<V>[] histories(int n) {
    History<V>[] h = (History<V>[]) new History<?>[n];
    java.util.Arrays.fill(h, History.none());
    return h;
  }

  private static final History<Boolean>[] NO_ACKS = histories(Notice.values().length);
  private static final History<Boolean>[] NO_FEATURES = histories(Vocabulary.features().size());
  private static final Meeting[] NO_MEETINGS = new Meeting[0];
  private static final long[] NO_STAMPS = new long[0];
  private static final long F_TRUE = 1L << 62;
  private static final int F_SHIFT = 56;
  private static final long F_POS = (1L << F_SHIFT) - 1;

  static {
    if (Vocabulary.features().size() > 63) {
      throw new IllegalStateException("feature ordinals must fit in 6 bits");
    }
  }

  /** A setting value at one scope; {@code null} entries in a history mean "cleared". */
  record SettingValue(boolean value, boolean locked) {}

  /**
   * The settings written at one scope (account, a group or a user: each is one), one history per
   * key: the shared empty ones until a setting is written there (issue 15: most users and groups
   * never have one, and an array of their own, 56 bytes, was 0.6 B/event at 10M; the scope was
   * an object of its own, 16 bytes more, before it was what it belongs to).
   */
  abstract static class SettingsScope {
    private static final History<SettingValue>[] NONE =
        histories(Vocabulary.settings().size());

    /** Read only: written through {@link #own}. */
    volatile History<SettingValue>[] byKey = NONE;

    /** The histories, made this scope's own on first write (single writer). */
    History<SettingValue>[] own() {
      History<SettingValue>[] h = byKey;
      if (h == NONE) {
        h = histories(NONE.length);
        byKey = h;
      }
      return h;
    }
  }

  static final class Account extends SettingsScope {
    final String id;
    final String owner;
    final long at;
    final long pos;
    final ConcurrentHashMap<String, User> users = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();
    final History<String> terms;
    /** Only real changes are recorded, so the first entry of each is always a grant. */
    final History<Boolean>[] consents;
    /**
     * The index of the ledger by account (issue 15: the server's listings read it, not a
     * replay of their own): the positions of every event that belongs to the account (its own,
     * its meetings', the deletion of its content), of its governance changes
     * ({@link GovernanceState#auditKind}), of its terms and consent events, and of its content.
     */
    final PositionList events = new PositionList();
    final PositionList audit = new PositionList();
    final PositionList termsAndConsents = new PositionList();
    final PositionList content = new PositionList();
    /**
     * Its number in the projection holding it ({@link GovernanceState#numbered}), -1 until
     * that registers it; an account that replaces it there (the replicated index of a moved
     * account, or the account adopted back) takes the same number. Written before the account
     * is published.
     */
    int number = -1;
    /** The account's meetings in the order they started; the first {@link #meetingCount}. */
    volatile Meeting[] meetings = NO_MEETINGS;
    volatile int meetingCount;

    /** Appends a meeting (single writer; the array before the count). */
    void addMeeting(Meeting m) {
      Meeting[] ms = meetings;
      int n = meetingCount;
      if (n == ms.length) {
        ms = java.util.Arrays.copyOf(ms, Math.max(4, n + (n >> 1) + 1));
        ms[n] = m;
        meetings = ms;
      } else {
        ms[n] = m;
      }
      meetingCount = n + 1;
    }

    Account(String id, String owner, long at, long pos) {
      this(id, owner, at, pos, new History<>(), histories(ConsentType.values().length));
    }

    /**
     * An account whose terms and consent histories are {@code terms} and {@code consents} (the
     * replicated index of an account a sharded projection stops holding in full).
     */
    Account(String id, String owner, long at, long pos, History<String> terms,
        History<Boolean>[] consents) {
      this.id = id;
      this.owner = owner;
      this.at = at;
      this.pos = pos;
      this.terms = terms;
      this.consents = consents;
    }
  }

  static final class User extends SettingsScope {
    /**
     * The account object whose users map holds this user (see {@link Meeting#hostIn}). Issue
     * 15: in the object's padding (header and fields 44 bytes, aligned to 48 with or without
     * it).
     */
    final Account account;
    final String id;
    final Role role;
    /**
     * Its group: the {@link Group} its account held under the group's id when the user was
     * added (or restored), else the id; null for none. Issue 15, random decisions: a setting
     * resolved for a meeting's host reads the host's group, which was the account's groups map
     * (the id's string, the table, the node, the group); from here it is one load where {@link
     * #groupIn} says the group is still the one the map holds. Read the id with {@link
     * #group()}.
     */
    private final Object group;
    final long at;
    final long pos;

    User(Account account, String id, Role role, Object group, long at, long pos) {
      if (!(group instanceof String || group instanceof Group || group == null)) {
        throw new IllegalArgumentException("a group is a group or an id");
      }
      this.account = account;
      this.id = id;
      this.role = role;
      this.group = group;
      this.at = at;
      this.pos = pos;
    }

    /** Its group's id, or null for none. */
    String group() {
      Object g = group;
      return g instanceof Group x ? x.id : (String) g;
    }

    /**
     * Its group in account {@code a} (the object a's groups map holds under the group's id)
     * when the user knows it, else null (ask the map; also when it has none). It knows it when
     * {@code a} is the account object the user was added to: an account's map never replaces
     * a group (a duplicate id is rejected), and an account rebuilt is another object.
     */
    Group groupIn(Account a) {
      return group instanceof Group g && account == a ? g : null;
    }
  }

  static final class Group extends SettingsScope {
    final String id;
    final long at;
    final long pos;

    Group(String id, long at, long pos) {
      this.id = id;
      this.at = at;
      this.pos = pos;
    }
  }

  static final class Participant {
    /** The participant id, the one string the meeting keeps for it. */
    final String id;
    /** true while present; the first true entry is the first join. */
    final History<Boolean> present = new History<>();
    /** One entry per notice, written on the first acknowledgement (they last for the meeting). */
    volatile History<Boolean>[] acks = NO_ACKS;
    /**
     * The organisation each {@code participant.joined} named (null: none), written when it
     * changes. It may have no account in this ledger (§3): it is never looked up.
     */
    final History<String> organisation = new History<>();

    Participant(String id) {
      this.id = id;
    }

    /** The acknowledgement slots, made this participant's own on first write. */
    History<Boolean>[] ownAcks() {
      if (acks == NO_ACKS) {
        acks = histories(NO_ACKS.length);
      }
      return acks;
    }
  }

  /**
   * A meeting (issue 15, a thin handle): what identity and the decision path read on every
   * meeting ({@link #idHash}, {@link #account}, {@link #host}) in fields of its own, and all the
   * rest in one {@link #state} that is what the meeting is now. While it runs, and in the rare
   * cases below, a {@link Body} of its own holds its id, stamps, feature log and participants.
   * Once it has ended and its participants are packed with the meeting's prefix ({@link
   * #prefix}), the body is dropped: the id, the start and end stamps and the feature log are
   * read from the packed slice, and the handle is 32 bytes (the meeting object was 80 bytes
   * with every field, ended or not: 6.9 B/event at 10M).
   *
   * <p>One writer, any number of readers. {@link #state} is the one volatile a reader starts
   * from and it only ever moves forward: body → packed, packed → packed again (a leave after
   * the end re-packs), or packed → a body again (a leave whose gap does not fit the packed form:
   * the participants are live again). A reader reads {@link #state} once per question and
   * answers from what it found; whatever it found is complete and never changes afterwards,
   * but for a body's single-writer fields (features, end, participants), which are published
   * as before (copy on write, volatile, the end's time before its position). The packed slice's
   * address in {@link #slice} is written before {@link #state} and, being volatile itself, is
   * read after it: a reader that got the arena reads either the address it went with or a
   * newer one, whose bytes were written before that address was, so every address it reads
   * names a whole slice with the same prefix (the stamps, id and features do not change after
   * the end).
   */
  static final class Meeting {
    /** The id's {@link String#hashCode()}, for {@link MeetingIndex}. */
    final int idHash;
    final String account;
    /**
     * The host: the host's {@link User} as the meeting's account held it when the meeting was
     * started (or restored), else the host's id. Issue 15, random decisions: a setting
     * condition reads the host's user, which was the account's users map (the id's string, the
     * table, the node, then the user: four dependent cache misses); from here it is one, where
     * {@link #hostIn} says the user is still the one the map holds. Read the id with {@link
     * #host()}. One reference either way: no byte more per meeting.
     */
    private final Object host;
    /**
     * What the meeting is: a {@link Body} (running, or ended but not packed with its prefix);
     * or, once packed with its prefix, the {@link MeetingArena} holding its slice at {@link
     * #slice}, or the {@link EndedParticipants} view itself when that view is worth keeping
     * (many participants: its index costs a walk to build) or the address does not fit an int
     * (an arena past {@link MeetingArena#COMPACT_LIMIT} bytes).
     */
    private volatile Object state;
    /** The packed slice's {@link MeetingArena#compact} address; written before {@link #state}. */
    private volatile int slice;

    /**
     * What a meeting keeps while it runs; for an ended one whose stamps or feature log do not
     * fit the packed prefix ({@link #prefix} null), or whose packed participants came back
     * live, for good.
     */
    private static final class Body {
      /**
       * Its id as UTF-8: a {@code String} object per meeting is not kept, {@link #id()} makes
       * one when a reader needs it. Exact: identifiers are well-formed UTF-16
       * ({@code Identifiers}), so the bytes decode to the very id.
       */
      final byte[] idBytes;
      final long at;
      final long pos;
      /**
       * Every feature change of the meeting in ledger order (issue 15, compact state): per
       * entry its time, then its position with the value in bit 62 and the feature's ordinal in
       * bits 56 to 61, in one array for all features. Both stamps ascend over the whole array,
       * so "the entry of feature f in force at (t, p)" is the last entry of f in the prefix with
       * time ≤ t and position ≤ p, which is what {@link History#at} finds in f's own history.
       * Published copy on write (single writer).
       */
      volatile long[] features = NO_STAMPS;
      /** When it ended ({@link TimeKey}); read only once {@link #endedPos} is set. */
      long endedAt;
      /** The position of its end, 0 while it runs; written after {@link #endedAt}. */
      volatile long endedPos;
      /**
       * The participants while the meeting runs; null once they are {@link #closed} (set
       * before this is cleared: a reader that finds null here finds them there).
       */
      volatile ConcurrentHashMap<String, Participant> participants;
      /**
       * Its packed participants when they are packed without the prefix, or stale ones kept
       * when they came back live (a reader that found null participants reads them); else
       * null.
       */
      volatile EndedParticipants closed;

      Body(byte[] idBytes, long at, long pos, ConcurrentHashMap<String, Participant> live) {
        this.idBytes = idBytes;
        this.at = at;
        this.pos = pos;
        this.participants = live;
      }
    }

    Meeting(String id, String account, Object host, long at, long pos) {
      this(id, account, host, at, pos, new ConcurrentHashMap<>());
    }

    /**
     * A meeting whose participants are {@code participants}; null only for one restored ended
     * (its packed participants set before it is published), which needs no map.
     */
    Meeting(String id, String account, Object host, long at, long pos,
        ConcurrentHashMap<String, Participant> participants) {
      this(id.getBytes(java.nio.charset.StandardCharsets.UTF_8), id.hashCode(), account, host,
          at, pos, participants);
    }

    /**
     * As above, the id given as its UTF-8 bytes (kept: do not change them) and its {@link
     * String#hashCode()} (a checkpoint's restore, issue 15: the id as read, no {@code String}
     * decoded and encoded again per meeting).
     */
    Meeting(byte[] idBytes, int idHash, String account, Object host, long at, long pos,
        ConcurrentHashMap<String, Participant> participants) {
      if (!(host instanceof String || host instanceof User || host == null)) {
        throw new IllegalArgumentException("a host is a user or an id");
      }
      this.idHash = idHash;
      this.account = account;
      this.host = host;
      this.state = new Body(idBytes, at, pos, participants);
    }

    /** The host's id. */
    String host() {
      Object h = host;
      return h instanceof User u ? u.id : (String) h;
    }

    /**
     * The host's user in account {@code a} (the object its users map holds under the host's
     * id), when the meeting knows it, else null (ask the map). It knows it when {@code a} is
     * the account object the user was added to: an account's map never replaces a user (a
     * duplicate id is rejected), and an account rebuilt (a shard's prune, a restore) is another
     * object with users of its own.
     */
    User hostIn(Account a) {
      return host instanceof User u && u.account == a ? u : null;
    }

    /** Its body (single writer: the meeting still has one). */
    private Body body() {
      if (state instanceof Body b) {
        return b;
      }
      throw new IllegalStateException("meeting has ended and is packed");
    }

    /** The address of the packed slice of a packed state {@code s} (reads {@link #slice}). */
    private long address(Object s) {
      return s instanceof MeetingArena ? MeetingArena.expand(slice)
          : ((EndedParticipants) s).address();
    }

    /** The arena of a packed state {@code s}. */
    private static MeetingArena arena(Object s) {
      return s instanceof MeetingArena a ? a : ((EndedParticipants) s).arena();
    }

    /** Whether this meeting is packed with its prefix (no body: its state is in the slice). */
    boolean packed() {
      return !(state instanceof Body);
    }

    /** Its id (a new {@code String} each call: keep it where it is used more than once). */
    String id() {
      Object s = state;
      if (s instanceof Body b) {
        return new String(b.idBytes, java.nio.charset.StandardCharsets.UTF_8);
      }
      long slice = address(s);
      byte[] buf = arena(s).chunk(slice);
      int at = idAt(buf, prefixAt(buf, slice));
      int len = (int) varint(buf, at);
      at += MeetingArena.varintLength(len);
      return new String(buf, at, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Its id's UTF-8 bytes (checkpoints). Shared: do not change. */
    byte[] idBytes() {
      Object s = state;
      if (s instanceof Body b) {
        return b.idBytes;
      }
      long slice = address(s);
      byte[] buf = arena(s).chunk(slice);
      int at = idAt(buf, prefixAt(buf, slice));
      int len = (int) varint(buf, at);
      at += MeetingArena.varintLength(len);
      return java.util.Arrays.copyOfRange(buf, at, at + len);
    }

    /** Whether its id is {@code s}, without making a string (an ASCII id: no allocation). */
    boolean idIs(String id) {
      Object s = state;
      if (s instanceof Body b) {
        return MeetingArena.utf8Is(b.idBytes, 0, b.idBytes.length, id);
      }
      long slice = address(s);
      byte[] buf = arena(s).chunk(slice);
      int at = idAt(buf, prefixAt(buf, slice));
      int len = (int) varint(buf, at);
      return MeetingArena.utf8Is(buf, at + MeetingArena.varintLength(len), len, id);
    }

    /** When it started ({@link TimeKey}). */
    long at() {
      Object s = state;
      if (s instanceof Body b) {
        return b.at;
      }
      long slice = address(s);
      byte[] buf = arena(s).chunk(slice);
      int i = prefixAt(buf, slice);
      i += MeetingArena.varintLength(varint(buf, i));
      i += MeetingArena.varintLength(varint(buf, i));
      return EndedParticipants.untimeCode(varint(buf, i));
    }

    /** The position of its start. */
    long pos() {
      Object s = state;
      if (s instanceof Body b) {
        return b.pos;
      }
      long slice = address(s);
      byte[] buf = arena(s).chunk(slice);
      return varint(buf, prefixAt(buf, slice));
    }

    /** Whether it had started at (t, p): its start at or before both. */
    boolean startedBy(long t, long p) {
      Object s = state;
      if (s instanceof Body b) {
        return b.pos <= p && b.at <= t;
      }
      long slice = address(s);
      byte[] buf = arena(s).chunk(slice);
      int i = prefixAt(buf, slice);
      long pos = varint(buf, i);
      if (pos > p) {
        return false;
      }
      i += MeetingArena.varintLength(pos);
      i += MeetingArena.varintLength(varint(buf, i));
      return EndedParticipants.untimeCode(varint(buf, i)) <= t;
    }

    /** When it ended ({@link TimeKey}); meaningful only once {@link #endedPos} is not 0. */
    long endedAt() {
      Object s = state;
      if (s instanceof Body b) {
        return b.endedAt;
      }
      long slice = address(s);
      byte[] buf = arena(s).chunk(slice);
      int i = prefixAt(buf, slice);
      i += MeetingArena.varintLength(varint(buf, i));
      i += MeetingArena.varintLength(varint(buf, i));
      long at = varint(buf, i);
      i += MeetingArena.varintLength(at);
      return EndedParticipants.untimeCode(at) + EndedParticipants.untimeCode(varint(buf, i));
    }

    /** The position of its end, 0 while it runs. */
    long endedPos() {
      Object s = state;
      if (s instanceof Body b) {
        return b.endedPos;
      }
      long slice = address(s);
      byte[] buf = arena(s).chunk(slice);
      int i = prefixAt(buf, slice);
      long pos = varint(buf, i);
      return pos + varint(buf, i + MeetingArena.varintLength(pos));
    }

    /** Records the end (single writer, while it runs): its time, then its position. */
    void end(long at, long pos) {
      Body b = body();
      b.endedAt = at;
      b.endedPos = pos;
    }

    /** Whether it had ended at (t, p). */
    boolean endedBy(long t, long p) {
      Object s = state;
      if (s instanceof Body b) {
        long pos = b.endedPos;
        return pos != 0 && pos <= p && b.endedAt <= t;
      }
      // Packed: the end's position first (a capture inside the meeting stops here).
      long slice = address(s);
      byte[] buf = arena(s).chunk(slice);
      int i = prefixAt(buf, slice);
      long pos = varint(buf, i);
      i += MeetingArena.varintLength(pos);
      long gap = varint(buf, i);
      if (pos + gap > p) {
        return false;
      }
      i += MeetingArena.varintLength(gap);
      long at = varint(buf, i);
      i += MeetingArena.varintLength(at);
      return EndedParticipants.untimeCode(at) + EndedParticipants.untimeCode(varint(buf, i))
          <= t;
    }

    /** Whether it has ended (at the head). */
    boolean hasEnded() {
      Object s = state;
      return !(s instanceof Body b) || b.endedPos != 0;
    }

    /** Where the prefix of the slice at {@code slice} starts in its chunk b. */
    private static int prefixAt(byte[] b, long slice) {
      int at = MeetingArena.offset(slice);
      return at + MeetingArena.varintLength(varint(b, at));
    }

    /** Where the id starts in a prefix starting at {@code at} of b (past the four stamps). */
    private static int idAt(byte[] b, int at) {
      for (int k = 0; k < 4; k++) {
        while (b[at++] < 0) {
          // a continuation byte
        }
      }
      return at;
    }

    /**
     * The prefix the packed slice carries for the meeting (issue 15), all it keeps but the
     * handle's fields: its start position as a varint, its end's position as a gap from it,
     * its start time in {@link EndedParticipants} time code, its end's time as a gap from it
     * in the same code (the four stamps first: {@link #endedBy} reads no further); then its id
     * (a varint length and the UTF-8 bytes), then its feature log: the number of entries as a
     * varint, then per entry its time as a gap from the entry before (the first from the
     * meeting's start) in time code, and its position as a gap the same way, shifted left
     * seven bits over the feature's ordinal (six bits) and the value (one bit). Null when the
     * meeting has not ended, or a time is before 1970 or a gap is negative or does not fit:
     * the meeting then keeps its body.
     */
    private byte[] prefix() {
      Object s = state;
      if (!(s instanceof Body b) || b.endedPos == 0) {
        return null;
      }
      long[] log = b.features;
      byte[] id = b.idBytes;
      try {
        // Each word computed twice, for the length and then written (issue 15: an array of them
        // per meeting was the largest garbage of a checkpoint's restore, 8 B/event at 10M).
        long t = b.at;
        long p = b.pos;
        if (p < 0 || b.endedPos < p) {
          return null;
        }
        long w0 = p;
        long w1 = b.endedPos - p;
        long w2 = EndedParticipants.timeCode(t);
        long w3 = EndedParticipants.timeCode(Math.subtractExact(b.endedAt, t));
        int len = MeetingArena.varintLength(id.length) + id.length
            + MeetingArena.varintLength(log.length / 2)
            + MeetingArena.varintLength(w0) + MeetingArena.varintLength(w1)
            + MeetingArena.varintLength(w2) + MeetingArena.varintLength(w3);
        for (int i = 0; i < log.length; i += 2) {
          long w = log[i + 1];
          long wp = w & F_POS;
          if (log[i] < t || wp < p || wp - p > (Long.MAX_VALUE >>> 7)) {
            return null;
          }
          len += MeetingArena.varintLength(EndedParticipants.timeCode(log[i] - t))
              + MeetingArena.varintLength(featureWord(w, wp - p));
          t = log[i];
          p = wp;
        }
        byte[] out = new byte[len];
        int o = MeetingArena.putVarint(out, 0, w0);
        o = MeetingArena.putVarint(out, o, w1);
        o = MeetingArena.putVarint(out, o, w2);
        o = MeetingArena.putVarint(out, o, w3);
        o = MeetingArena.putVarint(out, o, id.length);
        System.arraycopy(id, 0, out, o, id.length);
        o += id.length;
        o = MeetingArena.putVarint(out, o, log.length / 2);
        t = b.at;
        p = b.pos;
        for (int i = 0; i < log.length; i += 2) {
          long w = log[i + 1];
          long wp = w & F_POS;
          o = MeetingArena.putVarint(out, o, EndedParticipants.timeCode(log[i] - t));
          o = MeetingArena.putVarint(out, o, featureWord(w, wp - p));
          t = log[i];
          p = wp;
        }
        return out;
      } catch (ArithmeticException e) {
        return null;
      }
    }

    /** A feature log entry's word in the prefix: its position's gap, its feature, its value. */
    private static long featureWord(long w, long gap) {
      return gap << 7 | ((w >>> F_SHIFT) & 0x3f) << 1 | ((w & F_TRUE) != 0 ? 1 : 0);
    }

    /** The feature log from the packed prefix (see {@link #prefix}) of packed state s. */
    private long[] packedFeatureLog(Object s) {
      long slice = address(s);
      byte[] buf = arena(s).chunk(slice);
      int[] at = {prefixAt(buf, slice)};
      long p = next(buf, at);
      next(buf, at);
      long t = EndedParticipants.untimeCode(next(buf, at));
      next(buf, at);
      int idLen = (int) next(buf, at);
      at[0] += idLen;
      int n = (int) next(buf, at);
      if (n == 0) {
        return NO_STAMPS;
      }
      long[] log = new long[2 * n];
      for (int i = 0; i < log.length; i += 2) {
        t += EndedParticipants.untimeCode(next(buf, at));
        long w = next(buf, at);
        p += w >>> 7;
        log[i] = t;
        log[i + 1] = p | ((w >>> 1) & 0x3f) << F_SHIFT | ((w & 1) != 0 ? F_TRUE : 0);
      }
      return log;
    }

    private static long next(byte[] b, int[] at) {
      long v = 0;
      int shift = 0;
      int i = at[0];
      while (true) {
        byte x = b[i++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          at[0] = i;
          return v;
        }
        shift += 7;
      }
    }

    /**
     * The participants while the meeting runs (single-writer map); null once it has ended and
     * they are {@link #closed()}.
     */
    ConcurrentHashMap<String, Participant> participants() {
      return state instanceof Body b ? b.participants : null;
    }

    /**
     * Makes the packed participants live again (single writer: a leave whose gap does not fit
     * the packed form). A packed meeting gets a body again, the packed participants kept in it
     * as the stale copy a reader that found no live map reads.
     */
    void revive(ConcurrentHashMap<String, Participant> live) {
      Object s = state;
      if (s instanceof Body b) {
        b.participants = live;
        return;
      }
      Body b = new Body(idBytes(), at(), pos(), live);
      b.features = featureLog();
      b.endedAt = endedAt();
      b.endedPos = endedPos();
      b.closed = closed();
      state = b;
    }

    /** The compacted participants (a view; do not keep it), or null while it runs. */
    EndedParticipants closed() {
      Object s = state;
      if (s instanceof Body b) {
        return b.closed;
      }
      if (s instanceof MeetingArena a) {
        return EndedParticipants.at(a, MeetingArena.expand(slice));
      }
      return (EndedParticipants) s;
    }

    /**
     * Sets the compacted participants (single writer, the meeting has ended, its participants
     * are not live); the ones replaced become dead bytes. With the meeting's prefix in their
     * slice the body is dropped, its fields read from the slice from then on.
     */
    void closed(EndedParticipants c) {
      EndedParticipants old = closed();
      Object s = state;
      if (c.prefixLength() > 0) {
        if (!c.indexed() && MeetingArena.compactable(c.address())) {
          slice = MeetingArena.compact(c.address());
          state = c.arena();
        } else {
          state = c;
        }
      } else if (s instanceof Body b) {
        b.closed = c;
      } else {
        throw new IllegalStateException("a packed meeting re-packed without its prefix");
      }
      if (old != null) {
        old.arena().dead(old.sliceLength());
      }
    }

    /** Counts the packed slice as dead bytes of its arena (the meeting is dropped). */
    void release() {
      EndedParticipants c = closed();
      if (c != null) {
        c.arena().dead(c.sliceLength());
      }
    }

    /**
     * Compacts the participants into {@code arena} (the meeting has ended); keeps them live if
     * they do not fit.
     */
    void close(MeetingArena arena) {
      ConcurrentHashMap<String, Participant> live = participants();
      if (live == null) {
        return;
      }
      byte[] prefix = prefix();
      EndedParticipants c = prefix == null ? null : EndedParticipants.of(arena, prefix, live);
      if (c == null) {
        c = EndedParticipants.of(arena, live);
      }
      if (c != null) {
        pack(c);
      }
    }

    /**
     * The prefix to pack the meeting's participants with (its stamps, id and feature log), or
     * an empty one when they do not fit it (a checkpoint's restore).
     */
    byte[] packPrefix() {
      byte[] p = prefix();
      return p == null ? new byte[0] : p;
    }

    /**
     * Sets the packed participants (single writer, the meeting has ended): when their slice
     * carries the meeting's prefix, the body is dropped (read from the slice); else the body
     * keeps them and its participant map is cleared after.
     */
    void pack(EndedParticipants c) {
      Object s = state;
      closed(c);
      if (c.prefixLength() == 0 && s instanceof Body b) {
        b.participants = null;
      }
    }

    /** Appends a change of feature f (single writer; stamps at or after every earlier one). */
    void addFeature(int f, long at, long pos, boolean on) {
      if (pos < 0 || pos > F_POS) {
        throw new IllegalArgumentException("position " + pos + " out of range");
      }
      Body b = body();
      long[] old = b.features;
      long[] next = java.util.Arrays.copyOf(old, old.length + 2);
      next[old.length] = at;
      next[old.length + 1] = pos | ((long) f << F_SHIFT) | (on ? F_TRUE : 0);
      b.features = next;
    }

    /** The index (into the log, in entries) of f's entry in force at (t, p), or -1. */
    private static int featureEntry(long[] log, int f, long t, long p) {
      int found = -1;
      for (int i = 0; i < log.length; i += 2) {
        long word = log[i + 1];
        if (log[i] > t || (word & F_POS) > p) {
          break;
        }
        if ((int) ((word >>> F_SHIFT) & 0x3f) == f) {
          found = i;
        }
      }
      return found;
    }

    /** The position that switched feature f on, if it is on at (t, p); else -1. No allocation. */
    long featureOnPos(int f, long t, long p) {
      Object s = state;
      if (!(s instanceof Body b)) {
        return packedFeatureOnPos(s, f, t, p);
      }
      long[] log = b.features;
      int i = featureEntry(log, f, t, p);
      return i >= 0 && (log[i + 1] & F_TRUE) != 0 ? log[i + 1] & F_POS : -1;
    }

    /** {@link #featureOnPos} read from the packed prefix of packed state s, no allocation. */
    private long packedFeatureOnPos(Object s, int f, long t, long p) {
      long slice = address(s);
      byte[] b = arena(s).chunk(slice);
      int i = prefixAt(b, slice);
      long ep = varint(b, i);
      i += MeetingArena.varintLength(ep);
      i += MeetingArena.varintLength(varint(b, i));
      long code = varint(b, i);
      long et = EndedParticipants.untimeCode(code);
      i += MeetingArena.varintLength(code);
      i += MeetingArena.varintLength(varint(b, i));
      int idLen = (int) varint(b, i);
      i += MeetingArena.varintLength(idLen) + idLen;
      int n = (int) varint(b, i);
      i += MeetingArena.varintLength(n);
      long found = -1;
      for (int k = 0; k < n; k++) {
        long v = 0;
        int shift = 0;
        byte x;
        do {
          x = b[i++];
          v |= (long) (x & 0x7f) << shift;
          shift += 7;
        } while (x < 0);
        et += EndedParticipants.untimeCode(v);
        v = 0;
        shift = 0;
        do {
          x = b[i++];
          v |= (long) (x & 0x7f) << shift;
          shift += 7;
        } while (x < 0);
        ep += v >>> 7;
        if (et > t || ep > p) {
          break;
        }
        if ((int) ((v >>> 1) & 0x3f) == f) {
          found = (v & 1) != 0 ? ep : -1;
        }
      }
      return found;
    }

    /** Feature f's entry in force at (t, p), as {@link History#at}; or null. */
    History.Entry<Boolean> feature(int f, long t, long p) {
      long[] log = featureLog();
      int i = featureEntry(log, f, t, p);
      return i < 0 ? null
          : new History.Entry<>(log[i], log[i + 1] & F_POS, (log[i + 1] & F_TRUE) != 0);
    }

    /**
     * The feature log itself (checkpoints): per entry its time, then its position with the
     * value and the ordinal on top, ascending. Shared, never written: do not change it.
     */
    long[] featureLog() {
      Object s = state;
      return s instanceof Body b ? b.features : packedFeatureLog(s);
    }

    /** The position of feature log entry word {@code w}. */
    static long featurePos(long w) {
      return w & F_POS;
    }

    /**
     * Sets the feature log from a checkpoint (format 4), before the meeting is published.
     *
     * @throws IllegalArgumentException when an ordinal is not a feature or the stamps do not
     *     ascend
     */
    void restoreFeatureLog(long[] log) {
      if ((log.length & 1) != 0) {
        throw new IllegalArgumentException("feature log of odd length");
      }
      for (int i = 0; i < log.length; i += 2) {
        long word = log[i + 1];
        if ((int) ((word >>> F_SHIFT) & 0x3f) >= NO_FEATURES.length || word < 0
            || (i > 0 && (log[i] < log[i - 2] || (word & F_POS) < (log[i - 1] & F_POS)))) {
          throw new IllegalArgumentException("feature log entry " + i / 2 + " out of range");
        }
      }
      body().features = log.length == 0 ? NO_STAMPS : log;
    }

    /** The features' changes as one history per feature (checkpoints, reports; not hot). */
    History<Boolean>[] features() {
      long[] log = featureLog();
      History<Boolean>[] out = histories(NO_FEATURES.length);
      for (int i = 0; i < log.length; i += 2) {
        long word = log[i + 1];
        History.writable(out, (int) ((word >>> F_SHIFT) & 0x3f))
            .add(log[i], word & F_POS, (word & F_TRUE) != 0);
      }
      return out;
    }

    /**
     * Sets the changes from one history per feature (a checkpoint's restore, before the meeting
     * is published): merged in ledger order, the features of one position in ordinal order.
     */
    void restoreFeatures(History<Boolean>[] slots) {
      List<long[]> all = new java.util.ArrayList<>();
      for (int f = 0; f < slots.length; f++) {
        for (History.Entry<Boolean> e : slots[f].all()) {
          all.add(new long[] {e.at(), e.pos(), f, e.value() ? 1 : 0});
        }
      }
      // Stable: within one feature the entries keep their order.
      all.sort(java.util.Comparator.comparingLong((long[] x) -> x[1]).thenComparingLong(x -> x[2]));
      long[] log = new long[all.size() * 2];
      for (int i = 0; i < all.size(); i++) {
        long[] x = all.get(i);
        if (i > 0 && x[0] < log[2 * i - 2]) {
          throw new IllegalArgumentException("feature changes out of time order");
        }
        log[2 * i] = x[0];
        log[2 * i + 1] = x[1] | (x[2] << F_SHIFT) | (x[3] != 0 ? F_TRUE : 0);
      }
      body().features = all.isEmpty() ? NO_STAMPS : log;
    }
  }

  /** A registered content item; immutable. */
  record Content(
      String id,
      Category category,
      String account,
      String meeting,
      String author,
      List<String> contributors,
      long at,
      long pos) {}
}
