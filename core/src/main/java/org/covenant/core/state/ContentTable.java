package org.covenant.core.state;

import java.util.List;
import org.covenant.core.state.Entities.Meeting;

/**
 * The registered content items as capture stamps in primitive arrays (ARCHITECTURE.md §3
 * {@code content.created}): each item gets a dense index, and its capture time, position and
 * category (three longs) and its id, owner, meeting, author and other contributors (five
 * references) sit at that index. An open-addressing table maps ids to indexes. About 52 bytes
 * per item plus its id, against some 250 for a record with optionals, an instant and a list.
 *
 * <p>Owner, meeting and author are the projection's own canonical objects (the account id
 * string, the {@link Meeting}, the user or participant id string), so an item adds no strings
 * but its id.
 *
 * <p>One writer, any number of readers: the writer fills the columns at the next index, then
 * publishes the count through a volatile field; a reader trusts only indexes below the count it
 * read. Growing copies every array into a new {@link Columns} published the same way.
 */
final class ContentTable {
  /** Longs per item in {@code stamps}: capture time, position, category. */
  private static final int LONGS = 3;
  /** References per item in {@code refs}: id, account, meeting, author, other contributors. */
  private static final int REFS = 5;

  /**
   * The arrays, swapped together when they grow. Each item's fields sit side by side (row
   * layout), so reading one item touches two or three cache lines, not one per column.
   */
  private static final class Columns {
    final long[] stamps;
    final Object[] refs;
    final int capacity;
    /** index + 1 per slot; 0 is empty. Length a power of two, at least twice the capacity. */
    final int[] slots;
    volatile int count;

    Columns(int capacity) {
      this.capacity = capacity;
      stamps = new long[capacity * LONGS];
      refs = new Object[capacity * REFS];
      slots = new int[Integer.highestOneBit(Math.max(4, capacity)) * 4];
    }

    String id(int i) {
      return (String) refs[i * REFS];
    }

    Columns grow() {
      Columns c = new Columns(capacity * 2);
      int n = count;
      System.arraycopy(stamps, 0, c.stamps, 0, n * LONGS);
      System.arraycopy(refs, 0, c.refs, 0, n * REFS);
      for (int i = 0; i < n; i++) {
        c.slots[c.free(id(i))] = i + 1;
      }
      c.count = n;
      return c;
    }

    /** The slot holding {@code id}, or the empty slot where it would go. */
    int free(String id) {
      int mask = slots.length - 1;
      int i = spread(id.hashCode()) & mask;
      while (true) {
        int s = slots[i];
        if (s == 0 || id(s - 1).equals(id)) {
          return i;
        }
        i = (i + 1) & mask;
      }
    }
  }

  private volatile Columns columns = new Columns(1024);

  private static int spread(int h) {
    return (h ^ (h >>> 16)) * 0x9E3779B1;
  }

  /** Number of items. */
  int size() {
    return columns.count;
  }

  /** Appends an item; the caller checked that the id is new. Single writer. */
  void add(String id, int category, String account, Meeting meeting, String author,
      List<String> contributors, long at, long pos) {
    Columns c = columns;
    int n = c.count;
    if (n == c.capacity) {
      c = c.grow();
      columns = c;
    }
    int r = n * REFS;
    c.refs[r] = id;
    c.refs[r + 1] = account;
    c.refs[r + 2] = meeting;
    c.refs[r + 3] = author;
    if (contributors.size() > 1) {
      // The first contributor is always the owning account (Event.ContentCreated normalizes).
      c.refs[r + 4] = contributors.subList(1, contributors.size()).toArray(String[]::new);
    }
    int l = n * LONGS;
    c.stamps[l] = at;
    c.stamps[l + 1] = pos;
    c.stamps[l + 2] = category;
    c.slots[c.free(id)] = n + 1;
    c.count = n + 1;
  }

  /** A reader's view of the columns: indexes below the count it reads are complete. */
  View view() {
    return new View(columns);
  }

  /** Columns as one reader saw them. */
  static final class View {
    private final Columns c;

    View(Columns c) {
      this.c = c;
    }

    /** Number of complete items this view sees; indexes below it are in ledger order. */
    int count() {
      return c.count;
    }

    /** The index of the item, or -1. */
    int find(String id) {
      int n = c.count;
      int mask = c.slots.length - 1;
      int i = spread(id.hashCode()) & mask;
      while (true) {
        int s = c.slots[i];
        if (s == 0) {
          return -1;
        }
        if (s <= n && c.id(s - 1).equals(id)) {
          return s - 1;
        }
        i = (i + 1) & mask;
      }
    }

    String id(int i) {
      return c.id(i);
    }

    int category(int i) {
      return (int) c.stamps[i * LONGS + 2];
    }

    String account(int i) {
      return (String) c.refs[i * REFS + 1];
    }

    Meeting meeting(int i) {
      return (Meeting) c.refs[i * REFS + 2];
    }

    String author(int i) {
      return (String) c.refs[i * REFS + 3];
    }

    String[] others(int i) {
      return (String[]) c.refs[i * REFS + 4];
    }

    long at(int i) {
      return c.stamps[i * LONGS];
    }

    long pos(int i) {
      return c.stamps[i * LONGS + 1];
    }
  }
}
