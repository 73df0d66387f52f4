package org.covenant.core.state;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.covenant.core.state.Entities.Meeting;
import org.covenant.core.vocab.Vocabulary;

/**
 * The registered content items as capture stamps in primitive arrays (ARCHITECTURE.md §3
 * {@code content.created}): each item gets a dense index, and at that index sit one row of three
 * longs (its capture time; its position with the category in the top byte; the end of its id's
 * bytes and its author, its number in the projection's {@link MeetingArena}: {@link #ROW}) and
 * one reference (its meeting, or its owner when it has none: an item's owner is its meeting's
 * account), and its id as UTF-8 bytes in one shared byte array (no {@code String} per item: about
 * 40 bytes saved on a short id). An open-addressing table (at most two thirds full) maps ids to
 * indexes. About 34 bytes per item plus the id's bytes, against some 250 for a record with
 * optionals, an instant and a list.
 *
 * <p>The other contributors, which about one item in ten has, are not a column (issue 15: a
 * reference per item, 4 bytes, for the nine in ten with none): the top bit of the item's
 * position word says it has some, and they are found in a side list of (item, contributors)
 * in item order by binary search.
 *
 * <p>Owner and meeting are the projection's own canonical objects (the account id string, the
 * {@link Meeting}). The author is interned in the arena, where a guest's id already is once its
 * meeting has ended (issue 15: a guest author's {@code String}, some 48 bytes, was kept alive by
 * the table alone); it is made a string again only when read ({@link View#author}, not on the
 * decision path unless a notice condition asks). Nothing in the arena is freed: the author of an
 * item dropped by a {@link #merge} stays there, as the ids of ended meetings' guests do.
 *
 * <p>One writer, any number of readers: the writer fills the next index (its row, its owner,
 * its id's bytes, then its slot), then publishes the count through a volatile field; a reader
 * reads the count first and trusts only indexes below it (a slot may name an item past the
 * count: {@link View#find} skips it before reading its row or owner). A row is written whole
 * before the count (the restore writes it long by long, before the table is published). Growing
 * copies the arrays into a new {@link Columns} published the same way (arrays that did not grow
 * are shared: a reader of the old columns reads only indexes it counted, and rows past its count
 * that the writer fills in a shared array are not read). Readers share one {@link View} per
 * published columns ({@link #view}).
 */
final class ContentTable {
  /**
   * Longs per item in the rows: {@link #AT}, the capture time; {@link #WORD}, the position with
   * the category above it and {@link #OTHERS} on top; {@link #REF}, the end of the item's id in
   * the id bytes (high half) and its author entry (low half: its number in the arena + 1,
   * negated when the author is the host of the item's meeting, which the notice condition asks
   * first and answers without the string; 0: none). The end of item i - 1's id, where item i's
   * starts, is the long just before item i's row.
   *
   * <p>Issue 15: these were three columns (two longs, an int, an int: the same 24 bytes an item),
   * and a random look-up paid a cache miss in each of them one after the other; a row is one
   * line, or two when it straddles a line's end (a quarter of the rows).
   */
  private static final int ROW = 3;
  private static final int AT = 0;
  private static final int WORD = 1;
  private static final int REF = 2;
  private static final int CATEGORY_SHIFT = 56;
  /** Categories fit six bits (the vocabulary has a dozen): bit 62 is {@link #NUMBERED}. */
  private static final int CATEGORIES = 64;
  private static final long POS = (1L << CATEGORY_SHIFT) - 1;
  /** In the position word: the item has contributors besides its owner (in the side list). */
  private static final long OTHERS = 1L << 63;
  /**
   * In the position word: bits {@link #NUMBER_SHIFT} to 55 hold the owning account's number in
   * the projection ({@link AccountNumbers}) and the position has only the bits below them.
   * Issue 15, random decisions: the owner is then found from the row (the number, then the
   * account in a flat table of a few kilobytes per thousand accounts) without loading the
   * item's meeting and the account map's node, two dependent cache misses. An item whose
   * position or account number does not fit (past 2^36 positions or 2^20 - 1 accounts) is not
   * numbered and its owner is found as before.
   */
  private static final long NUMBERED = 1L << 62;
  private static final int NUMBER_SHIFT = 36;
  private static final long NUMBERED_POS = (1L << NUMBER_SHIFT) - 1;
  private static final int NUMBERS = (1 << (CATEGORY_SHIFT - NUMBER_SHIFT)) - 1;
  private static final long NUMBER_BITS = (long) NUMBERS << NUMBER_SHIFT;
  /** Items per run of {@link Columns#runs}. */
  private static final int RUN = 32;
  /** A run's length half when its ids' lengths differ. */
  private static final long MIXED = 0xffffffffL;

  static {
    if (Vocabulary.categories().size() > CATEGORIES) {
      throw new ExceptionInInitializerError("more categories than the content rows hold");
    }
  }

  /** The owning account's number of an item, or -1 (see {@link #NUMBERED}). */
  static int number(long word) {
    return (word & NUMBERED) == 0 ? -1 : (int) ((word & NUMBER_BITS) >>> NUMBER_SHIFT);
  }

  /** The position of an item from its position word. */
  static long pos(long word) {
    return word & ((word & NUMBERED) == 0 ? POS : NUMBERED_POS);
  }

  /** The position word of an item (without {@link #OTHERS}). */
  static long word(long pos, int category, int number) {
    long w = pos | ((long) category << CATEGORY_SHIFT);
    return number >= 0 && number < NUMBERS && pos <= NUMBERED_POS
        ? w | NUMBERED | ((long) number << NUMBER_SHIFT) : w;
  }

  /** Account numbers by id (the projection's {@link AccountNumbers}): -1 for none. */
  interface AccountNumbers {
    int number(String account);
  }

  /**
   * The other contributors of the items that have some, in item order (single writer): entry k
   * is item {@code items[k]}'s, its contributors {@code flat[ends[k - 1] .. ends[k])} (issue 15:
   * one array of them all, not an array of its own per item, 16 to 24 bytes less an item that
   * has some, 0.5 B/event at 10M); the entries past the ones written hold {@link
   * Integer#MAX_VALUE}, so {@code items} ascends over its whole length and a reader can search
   * it without a count (an entry written after its view counted has an item index past every
   * one it asks for). Grown copy on write: a reader on the old arrays finds every item it
   * counted there.
   */
  private static final class Others {
    final int[] items;
    final int[] ends;
    final String[] flat;
    int size;

    Others(int capacity) {
      this(null, capacity, capacity);
    }

    /**
     * A copy of {@code from} (or an empty list) with room for {@code capacity} entries and
     * {@code room} contributors: filled in the constructor, so a reader that gets the copy
     * through a race still sees what it holds (final fields).
     */
    private Others(Others from, int capacity, int room) {
      items = new int[capacity];
      ends = new int[capacity];
      flat = new String[room];
      int n = from == null ? 0 : from.size;
      Arrays.fill(items, n, capacity, Integer.MAX_VALUE);
      if (n > 0) {
        System.arraycopy(from.items, 0, items, 0, n);
        System.arraycopy(from.ends, 0, ends, 0, n);
        System.arraycopy(from.flat, 0, flat, 0, from.ends[n - 1]);
      }
      size = n;
    }

    /** This list, or a larger copy, with item i's contributors appended (single writer). */
    Others with(int i, String[] others) {
      if (size > 0 && items[size - 1] >= i) {
        throw new IllegalArgumentException("contributors of item " + i + " out of item order");
      }
      int used = size == 0 ? 0 : ends[size - 1];
      int need = Math.addExact(used, others.length);
      Others o = this;
      if (size == items.length || need > flat.length) {
        int capacity = size < items.length ? items.length : size + (size >> 1) + 16;
        o = new Others(this, capacity, Math.max(need, flat.length + (flat.length >> 1) + 16));
      }
      // The values and their end before the index: a reader that finds the index finds them.
      System.arraycopy(others, 0, o.flat, used, others.length);
      o.ends[o.size] = need;
      o.items[o.size] = i;
      o.size++;
      return o;
    }

    /** Item i's contributors (it has some), a new array. */
    String[] of(int i) {
      int k = Arrays.binarySearch(items, i);
      return Arrays.copyOfRange(flat, k == 0 ? 0 : ends[k - 1], ends[k]);
    }
  }

  /** The arrays, swapped together when they grow. */
  private static final class Columns {
    /**
     * The item rows, {@link #ROW} longs an item: see {@link ContentTable#ROW}. One array for
     * what were three columns (the same 24 bytes an item), so that a look-up's id bounds, stamps
     * and author come in one cache line, not three (issue 15, random decisions).
     */
    final long[] rows;
    /** Per item its meeting, or its account when it has none (one reference for both, §3). */
    final Object[] owners;
    /** Written before {@link #count}; see {@link Others}. */
    Others others = new Others(16);
    final int capacity;
    /** The ids' UTF-8 bytes, item after item: item i's ends where {@link #idEnd} says. */
    final byte[] idBytes;
    /**
     * index + 1 per slot; 0 is empty. At most two thirds full at capacity (issue 15: three
     * quarters saved 0.2 B/event but is the one change to a random decision's loads; kept at
     * two thirds until a quiet machine shows the decision p50 unchanged), of any length (a
     * hash is mapped to a slot by multiplication, not a mask: issue 15, a power of two at least
     * twice the capacity took 2 to 4 slots, 8 to 16 bytes, per item).
     */
    final int[] slots;
    /** Where the tag of the hash starts in a slot entry ({@link #tagShift}). */
    final int tagShift;
    /**
     * Per run of {@link #RUN} items (item i in run i / RUN): where the run's first id starts
     * in {@link #idBytes} (high half) and the length of every id of the run so far (low half),
     * or {@link #MIXED} once two differ. Issue 15, random decisions: a look-up then finds its
     * candidate's id from the slot alone, where an id starts at the end of the previous item's
     * (its row): the id's bytes are read while the row is (one cache miss after the slot, not
     * two); ids of one length, as numbered or generated ones are, keep their runs uniform. A
     * long per 32 items (0.25 B an item). Written before the count, as the rows are; a run only
     * ever goes from uniform to mixed, so a reader that counted item i reads a length that
     * holds for it.
     */
    final long[] runs;
    volatile int count;

    Columns(int capacity, int idBytes) {
      this.capacity = capacity;
      rows = new long[Math.multiplyExact(capacity, ROW)];
      owners = new Object[capacity];
      this.idBytes = new byte[idBytes];
      slots = new int[Math.toIntExact(Math.max(4, capacity) * 3L / 2 + 1)];
      tagShift = tagShift(capacity);
      runs = new long[(capacity + RUN - 1) / RUN];
    }

    private Columns(Columns c, byte[] idBytes) {
      capacity = c.capacity;
      rows = c.rows;
      owners = c.owners;
      others = c.others;
      slots = c.slots;
      tagShift = c.tagShift;
      runs = c.runs;
      this.idBytes = idBytes;
      count = c.count;
    }

    /** End (exclusive) of item i's id in {@link #idBytes}; it starts where item i - 1's ends. */
    int idEnd(int i) {
      return (int) (rows[i * ROW + REF] >>> 32);
    }

    int idStart(int i) {
      return i == 0 ? 0 : idEnd(i - 1);
    }

    /** Item i's author entry (see {@link ContentTable#ROW}). */
    int author(int i) {
      return (int) rows[i * ROW + REF];
    }

    /** Sets item i's id end, keeping its author entry, and its run's (single writer). */
    void idEnd(int i, int end) {
      int l = i * ROW + REF;
      int from = idStart(i);
      rows[l] = (long) end << 32 | (rows[l] & 0xffffffffL);
      int r = i / RUN;
      if (i % RUN == 0) {
        runs[r] = (long) from << 32 | (end - from);
      } else if ((int) runs[r] != end - from) {
        runs[r] |= MIXED;
      }
    }

    /**
     * Whether item i's id is {@code id}, its bytes found by its run where that is uniform (see
     * {@link #runs}), else by its row.
     */
    boolean isById(int i, String id) {
      long run = runs[i / RUN];
      int n = (int) run;
      if (n == (int) MIXED) {
        return is(i, id);
      }
      if (n != id.length()) {
        // UTF-8 never has fewer bytes than the string has chars.
        return n > id.length() && is(i, id);
      }
      int from = (int) (run >>> 32) + (i % RUN) * n;
      for (int k = 0; k < n; k++) {
        byte b = idBytes[from + k];
        if (b < 0) {
          return is(i, id);
        }
        if (b != id.charAt(k)) {
          return false;
        }
      }
      return true;
    }

    /** Sets item i's author entry, keeping its id end. */
    void author(int i, int ref) {
      int l = i * ROW + REF;
      rows[l] = (rows[l] & ~0xffffffffL) | (ref & 0xffffffffL);
    }

    String id(int i) {
      int from = idStart(i);
      return new String(idBytes, from, idEnd(i) - from, StandardCharsets.UTF_8);
    }

    /** Whether item i's id is {@code id}, without making a string for ASCII ids. */
    boolean is(int i, String id) {
      int from = idStart(i);
      int n = idEnd(i) - from;
      if (n == id.length()) {
        for (int k = 0; k < n; k++) {
          byte b = idBytes[from + k];
          if (b < 0) {
            return id(i).equals(id);
          }
          if (b != id.charAt(k)) {
            return false;
          }
        }
        return true;
      }
      // UTF-8 never has fewer bytes than the string has chars.
      return n > id.length() && id(i).equals(id);
    }

    /** String.hashCode of item i's id. */
    int hash(int i) {
      int from = idStart(i);
      int to = idEnd(i);
      int h = 0;
      for (int k = from; k < to; k++) {
        byte b = idBytes[k];
        if (b < 0) {
          return id(i).hashCode();
        }
        h = 31 * h + b;
      }
      return h;
    }

    /** Room for {@code more} id bytes, in a copy when needed. */
    Columns withIdRoom(int more) {
      int used = count == 0 ? 0 : idEnd(count - 1);
      if (used + more <= idBytes.length) {
        return this;
      }
      byte[] b = Arrays.copyOf(idBytes, Math.max(used + more, idBytes.length + (idBytes.length >> 1)));
      return new Columns(this, b);
    }

    Columns grow() {
      int n = count;
      int used = n == 0 ? 0 : idEnd(n - 1);
      Columns c = new Columns(capacity + (capacity >> 1), Math.max(idBytes.length, used));
      System.arraycopy(rows, 0, c.rows, 0, n * ROW);
      System.arraycopy(owners, 0, c.owners, 0, n);
      System.arraycopy(runs, 0, c.runs, 0, (n + RUN - 1) / RUN);
      c.others = others;
      System.arraycopy(idBytes, 0, c.idBytes, 0, used);
      c.index(n);
      c.count = n;
      return c;
    }

    /** Indexes items 0 to n - 1 in the empty slot table. */
    void index(int n) {
      int[] t = slots;
      for (int i = 0; i < n; i++) {
        int h = hash(i);
        int s = slot(h, t.length);
        while (t[s] != 0) {
          s = s + 1 == t.length ? 0 : s + 1;
        }
        t[s] = entry(i, h);
      }
    }

    int entry(int i, int h) {
      return ContentTable.entry(i, h, tagShift);
    }

    int index1(int v) {
      return ContentTable.index1(v, tagShift);
    }

    boolean tagMatches(int v, int h) {
      return ContentTable.tagMatches(v, h, tagShift);
    }

    /** The slot holding {@code id}, or the empty slot where it would go. */
    int free(String id) {
      int[] t = slots;
      int h = id.hashCode();
      int i = slot(h, t.length);
      while (true) {
        int s = t[i];
        if (s == 0 || (tagMatches(s, h) && is(index1(s) - 1, id))) {
          return i;
        }
        i = i + 1 == t.length ? 0 : i + 1;
      }
    }
  }

  private volatile Columns columns = new Columns(1024, 16 * 1024);
  /** Where the authors are interned: the projection's arena. */
  private final MeetingArena arena;
  /** The owning accounts' numbers (writer side). */
  private final AccountNumbers numbers;

  ContentTable(MeetingArena arena) {
    this(arena, account -> -1);
  }

  ContentTable(MeetingArena arena, AccountNumbers numbers) {
    this.arena = arena;
    this.numbers = numbers;
  }

  private static int spread(int h) {
    return (h ^ (h >>> 16)) * 0x9E3779B1;
  }

  /**
   * Where the tag starts in the slot entries of a table of this capacity: the bits an item
   * index + 1 needs (at most 30: the rows of a larger capacity would not fit an array), so
   * every bit above them, the sign's included, holds a tag of the hash. Issue 15: the tag was
   * six bits at a fixed place, dropped from a capacity of 2^25 on (past some 26M items, about
   * 90M events of the scale workload), where a random look-up then compared an id, a row and
   * an id-bytes miss, on every probe it passed; below that, more bits spare the comparison on
   * more of the mismatched candidates (1 in 64 of them was compared; at 10M events, 10 bits:
   * 1 in 1,024).
   */
  static int tagShift(int capacity) {
    return 32 - Integer.numberOfLeadingZeros(capacity);
  }

  /**
   * The slot entry of item i whose id hashes to h: i + 1 below {@code shift}, the hash's low
   * bits from it up, so that a probe compares the id of an item only when those bits match (at
   * a load of up to two thirds a probe passes more items, and each id compared is a cache miss
   * on a large table; the home slot takes the spread hash's high bits).
   */
  static int entry(int i, int h, int shift) {
    return (i + 1) | (h << shift);
  }

  /** The item index + 1 of entry v. */
  static int index1(int v, int shift) {
    return v & ((1 << shift) - 1);
  }

  /** Whether entry v may be the item whose id hashes to h (its tag matches). */
  static boolean tagMatches(int v, int h, int shift) {
    return (v >>> shift) == ((h << shift) >>> shift);
  }

  /** The home slot of hash h in a table of n slots (the spread hash's high bits, scaled). */
  private static int slot(int h, int n) {
    return (int) (((spread(h) & 0xffffffffL) * n) >>> 32);
  }

  /**
   * What an item's first reference holds: its meeting, whose account is the item's (§3: an item
   * in a meeting belongs to the meeting's account), or its account when it has none.
   *
   * @throws IllegalArgumentException when the meeting is another account's
   */
  private static Object owner(String account, Meeting meeting) {
    if (meeting == null) {
      return account;
    }
    if (!meeting.account.equals(account)) {
      throw new IllegalArgumentException("content of account `" + account + "` in meeting `"
          + meeting.id() + "` of account `" + meeting.account + "`");
    }
    return meeting;
  }

  /** The author column's entry of string number k, the host of the item's meeting or not. */
  private static int authorRef(int k, boolean host) {
    return host ? -(k + 1) : k + 1;
  }

  /** Number of items. */
  int size() {
    return columns.count;
  }

  /** Appends an item; the caller checked that the id is new. Single writer. */
  void add(String id, int category, String account, Meeting meeting, String author,
      List<String> contributors, long at, long pos) {
    if (pos < 0 || pos > POS || category < 0 || category >= CATEGORIES) {
      throw new IllegalArgumentException("position " + pos + " or category " + category
          + " out of range");
    }
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    Columns c = columns;
    int n = c.count;
    if (n == c.capacity) {
      c = c.grow();
      columns = c;
    }
    Columns roomy = c.withIdRoom(bytes.length);
    if (roomy != c) {
      c = roomy;
      columns = c;
    }
    int from = c.idStart(n);
    System.arraycopy(bytes, 0, c.idBytes, from, bytes.length);
    c.owners[n] = owner(account, meeting);
    int authorRef = author == null ? 0 : authorRef(arena.intern(author), meeting != null
        && author.equals(meeting.host()));
    long word = word(pos, category, numbers.number(account));
    if (contributors.size() > 1) {
      // The first contributor is always the owning account (Event.ContentCreated normalizes).
      c.others = c.others.with(n,
          contributors.subList(1, contributors.size()).toArray(String[]::new));
      word |= OTHERS;
    }
    int l = n * ROW;
    c.rows[l + AT] = at;
    c.rows[l + WORD] = word;
    c.rows[l + REF] = authorRef & 0xffffffffL;
    c.idEnd(n, from + bytes.length);
    c.slots[c.free(id)] = c.entry(n, id.hashCode());
    c.count = n + 1;
  }

  /**
   * Rebuilds the table without the items of the accounts {@code drop} accepts and with every
   * item of {@code other}, still in position order (a sharded projection's move,
   * docs/CLUSTER.md, "Moves in the projection"); returns the ids of the items dropped. The new
   * columns are published at once; a reader keeps the columns it viewed. Single writer.
   */
  List<String> merge(java.util.function.Predicate<String> drop, ContentTable other) {
    View a = view();
    View b = other == null ? null : other.view();
    int na = a.count();
    int nb = b == null ? 0 : b.count();
    // Sized for what stays: the memory of the items dropped is released.
    int items = nb;
    int bytes = nb == 0 ? 0 : b.c.idEnd(nb - 1);
    for (int i = 0; i < na; i++) {
      if (!drop.test(a.account(i))) {
        items++;
        bytes += a.c.idEnd(i) - a.c.idStart(i);
      }
    }
    ContentTable out = new ContentTable(arena, numbers);
    out.columns = new Columns(Math.max(1024, items + (items >> 3)),
        Math.max(16 * 1024, bytes + (bytes >> 3)));
    java.util.List<String> dropped = new java.util.ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < na || j < nb) {
      if (i < na && (j >= nb || a.pos(i) < b.pos(j))) {
        if (drop.test(a.account(i))) {
          dropped.add(a.id(i));
        } else {
          out.copy(a, i);
        }
        i++;
      } else {
        out.copy(b, j);
        j++;
      }
    }
    columns = out.columns;
    return dropped;
  }

  /** Appends item i of {@code from} as it is there. Single writer. */
  private void copy(View from, int i) {
    String[] others = from.others(i);
    List<String> contributors;
    if (others == null) {
      contributors = List.of();
    } else {
      String[] all = new String[others.length + 1];
      all[0] = from.account(i);
      System.arraycopy(others, 0, all, 1, others.length);
      contributors = Arrays.asList(all);
    }
    add(from.id(i), from.category(i), from.account(i), from.meeting(i), from.author(i),
        contributors, from.at(i), from.pos(i));
  }

  /**
   * A filler of this empty table with n items whose ids take {@code idBytes} UTF-8 bytes (a
   * checkpoint's restore, format 4): the reader writes each column straight into the table's
   * own arrays, sized to the items (room for an eighth more), so a restore makes no copy and no
   * object per item; {@link Filler#finish} checks them, builds the id index and publishes.
   * Single writer, before the state is published.
   *
   * @throws IllegalArgumentException when the table is not empty or a size is negative
   */
  Filler filler(int n, int idBytes) {
    if (columns.count != 0) {
      throw new IllegalArgumentException("restore into a table that has items");
    }
    if (n < 0 || idBytes < 0) {
      throw new IllegalArgumentException("negative item count or id bytes");
    }
    return new Filler(new Columns(Math.max(1024, n + (n >> 3)),
        Math.max(16 * 1024, idBytes + (idBytes >> 3))), n, idBytes);
  }

  /** Writes the columns of a restore in place; see {@link #filler}. */
  final class Filler {
    private final Columns c;
    private final int n;
    private final int bytes;
    private long lastPos = -1;
    private boolean indexed;
    /**
     * Per item, its owner's account number + 1 as {@link #owner} was given it (0: none), until
     * {@link #pos} puts it in the row's position word. Issue 15: the owner column no longer
     * reads and writes the rows, a 24-byte stride over every item, in a pass of its own; the
     * numbers go in the word in the position column's pass, which writes it anyway.
     */
    private int[] ownerNumbers;

    private Filler(Columns c, int n, int bytes) {
      this.c = c;
      this.n = n;
      this.bytes = bytes;
    }

    /** The array the ids' bytes go in, item after item, from 0 to the id bytes given. */
    byte[] idBytes() {
      return c.idBytes;
    }

    /** Where item i's id ends in {@link #idBytes}; they ascend (an id may be empty). */
    void idEnd(int i, int end) {
      if (end < c.idStart(i) || end > bytes) {
        throw new IllegalArgumentException("content item " + i + ": id end " + end
            + " out of range");
      }
      c.idEnd(i, end);
    }

    /** Item i's category (before its position). */
    void category(int i, int category) {
      if (category < 0 || category >= CATEGORIES) {
        throw new IllegalArgumentException("content item " + i + ": category " + category
            + " out of range");
      }
      c.rows[i * ROW + WORD] |= (long) category << CATEGORY_SHIFT;
    }

    /** Item i's owning account, numbered as the projection numbers it ({@link #numbers}). */
    void owner(int i, String account) {
      owner(i, account, account == null ? -1 : numbers.number(account));
    }

    /**
     * Item i's owning account and its number in the projection ({@link AccountNumbers}; -1 for
     * none), which the caller found (issue 15: a checkpoint's reader numbers each string of its
     * table once, where a look-up per item loaded the account's string and the map's node).
     */
    void owner(int i, String account, int number) {
      if (account == null) {
        throw new IllegalArgumentException("content item " + i + " has no owner");
      }
      // Put in the row by the position (read after), which leaves it out when it does not fit.
      if (number >= 0 && number < NUMBERS) {
        if (ownerNumbers == null) {
          ownerNumbers = new int[n];
        }
        ownerNumbers[i] = number + 1;
      }
      Object o = c.owners[i];
      if (o instanceof Meeting m) {
        ContentTable.owner(account, m); // throws when the meeting is another account's
      } else {
        c.owners[i] = account;
      }
    }

    void meeting(int i, Meeting m) {
      meeting(i, m, -1);
    }

    /**
     * Item i's meeting (after its owner), whose account's number in the projection is
     * {@code number} (-1: not known). Issue 15: where that is the number {@link #owner} gave the
     * item, the meeting is its owner's account's (one number an account), told without
     * loading the owner's string and the meeting (two cache misses an item on a checkpoint's
     * restore at 50M); else the strings are compared. Once per item.
     */
    void meeting(int i, Meeting m, int number) {
      if (m == null) {
        return;
      }
      if (number >= 0 && ownerNumbers != null && ownerNumbers[i] == number + 1) {
        c.owners[i] = m;
        return;
      }
      Object o = c.owners[i];
      if (o instanceof String account) {
        ContentTable.owner(account, m); // throws when the meeting is another account's
      } else if (o instanceof Meeting other && other != m) {
        throw new IllegalArgumentException("content item " + i + " has two meetings");
      }
      c.owners[i] = m;
    }

    /**
     * Item i's author as its number in the projection's arena + 1 (0: none), as the
     * checkpoint's string table interns it once per string, and whether it is the host of the
     * item's meeting (the restore tells it from the strings' numbers, issue 15: no string or
     * bytes compared per item).
     */
    void author(int i, int number, boolean host) {
      if (number < 0 || number > arena.strings()) {
        throw new IllegalArgumentException("content item " + i + ": author " + number
            + " out of range");
      }
      // The meeting column is read before this one (format 4).
      c.author(i, number == 0 ? 0 : authorRef(number - 1,
          host && c.owners[i] instanceof Meeting));
    }

    /** Item i's contributors after the owner, or null for none; items in order. */
    void others(int i, String[] others) {
      if (others != null) {
        c.others = c.others.with(i, others);
        c.rows[i * ROW + WORD] |= OTHERS;
      }
    }

    void at(int i, long at) {
      c.rows[i * ROW + AT] = at;
    }

    /** Item i's position (after its category); they ascend. */
    void pos(int i, long pos) {
      if (pos <= lastPos || pos > POS) {
        throw new IllegalArgumentException("content item " + i + ": position " + pos
            + " out of range or not after " + lastPos);
      }
      lastPos = pos;
      int number = ownerNumbers == null ? 0 : ownerNumbers[i];
      long word = number == 0 || pos > NUMBERED_POS ? pos
          : pos | NUMBERED | ((long) (number - 1) << NUMBER_SHIFT);
      c.rows[i * ROW + WORD] |= word;
    }

    /**
     * Indexes the ids, once every {@link #idEnd} is set, before the other columns are (a
     * checkpoint's restore does it on its second thread while the first reads them on, issue
     * 15): it reads the ids and their ends only and writes the index only, so it may run while
     * another thread fills the other columns, given it sees every {@link #idEnd} first.
     */
    void index() {
      if ((n == 0 ? 0 : c.idEnd(n - 1)) != bytes) {
        throw new IllegalArgumentException("content id lengths do not add up to " + bytes);
      }
      if (!indexed) {
        c.index(n);
        indexed = true;
      }
    }

    /** Checks that every id fits its bytes, indexes the ids and publishes the items. */
    void finish() {
      ownerNumbers = null;
      index();
      for (int i = 0; i < n; i++) {
        if (c.owners[i] == null) {
          throw new IllegalArgumentException("content item " + i + " has no owner");
        }
      }
      c.count = n;
      columns = c;
    }
  }

  /**
   * The view of the columns last published, made once per publication and shared by every
   * reader (a view holds nothing but the columns and the arena: issue 15, one object fewer per
   * decision). Racy but safe: a reader that finds the view of older columns makes its own, and
   * a view read through the race is complete (final fields).
   */
  private View shared;

  /** A reader's view of the columns: indexes below the count it reads are complete. */
  View view() {
    Columns c = columns;
    View v = shared;
    if (v == null || v.c != c) {
      v = new View(c, arena);
      shared = v;
    }
    return v;
  }

  /** Columns as one reader saw them. */
  static final class View {
    private final Columns c;
    private final MeetingArena arena;

    View(Columns c, MeetingArena arena) {
      this.c = c;
      this.arena = arena;
    }

    /** Number of complete items this view sees; indexes below it are in ledger order. */
    int count() {
      return c.count;
    }

    /**
     * The index of the item, or -1. Issue 15: it reads the slot, then the candidate's id's
     * bytes, found from the slot by the item's run where the run's ids are of one length
     * ({@link Columns#runs}; else from the previous row), and nothing else: it read the owner
     * and its meeting too, so that those misses overlapped the id's, where the decision path
     * now finds the owner from the row's account number ({@link #number}), a load the
     * processor makes beside the id's, and reads the meeting only when a condition asks.
     */
    int find(String id) {
      Columns c = this.c;
      int n = c.count;
      int[] t = c.slots;
      int h = id.hashCode();
      int i = slot(h, t.length);
      while (true) {
        int s = t[i];
        if (s == 0) {
          return -1;
        }
        if (c.tagMatches(s, h)) {
          int k = c.index1(s) - 1;
          if (k < n && c.isById(k, id)) {
            return k;
          }
        }
        i = i + 1 == t.length ? 0 : i + 1;
      }
    }

    /** The UTF-8 bytes of every item's id, item after item (a checkpoint's writer). */
    byte[] idBytes() {
      return c.idBytes;
    }

    /** Where item i's id starts in {@link #idBytes}. */
    int idStart(int i) {
      return c.idStart(i);
    }

    /** Where item i's id ends (exclusive) in {@link #idBytes}. */
    int idEnd(int i) {
      return c.idEnd(i);
    }

    /** The item's id (a new string: prefer the caller's own where it has one). */
    String id(int i) {
      return c.id(i);
    }

    int category(int i) {
      return (int) (c.rows[i * ROW + WORD] >>> CATEGORY_SHIFT) & (CATEGORIES - 1);
    }

    /**
     * The owning account's number in the projection ({@link AccountNumbers}), read from the
     * item's row without its owner or meeting; -1 when the item is not numbered.
     */
    int number(int i) {
      return ContentTable.number(c.rows[i * ROW + WORD]);
    }

    String account(int i) {
      Object o = c.owners[i];
      return o instanceof Meeting m ? m.account : (String) o;
    }

    Meeting meeting(int i) {
      return c.owners[i] instanceof Meeting m ? m : null;
    }

    /** The author (a new string each call: keep it where it is used more than once), or null. */
    String author(int i) {
      int k = c.author(i);
      return k == 0 ? null : arena.string(Math.abs(k) - 1);
    }

    /** Whether the author is {@code s} (s not null), without making a string for ASCII. */
    boolean authorIs(int i, String s) {
      int k = c.author(i);
      return k != 0 && arena.is(Math.abs(k) - 1, s);
    }

    /**
     * The author's entry: 0 for none, else its number in {@link #arena} + 1, negated when it is
     * the host of the item's meeting.
     */
    int authorRef(int i) {
      return c.author(i);
    }

    /** The arena the author numbers are in. */
    MeetingArena arena() {
      return arena;
    }

    /** The contributors other than the owner (a new array), or null for none. */
    String[] others(int i) {
      return c.rows[i * ROW + WORD] < 0 ? c.others.of(i) : null;
    }

    long at(int i) {
      return c.rows[i * ROW + AT];
    }

    long pos(int i) {
      return ContentTable.pos(c.rows[i * ROW + WORD]);
    }
  }
}
