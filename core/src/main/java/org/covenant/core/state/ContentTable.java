package org.covenant.core.state;

import java.util.List;
import org.covenant.core.state.Entities.Meeting;

/**
 * The registered content items as capture stamps in primitive columns (ARCHITECTURE.md §3
 * {@code content.created}): each item gets a dense index, and its id, category, owner, meeting,
 * author, other contributors, capture time and position sit at that index. An open-addressing
 * table maps ids to indexes. About 45 bytes per item plus its id, against some 250 for a record
 * with optionals, an instant and a list per item.
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
  /** The arrays, swapped together when they grow. */
  private static final class Columns {
    final String[] ids;
    final byte[] category;
    final String[] account;
    final Meeting[] meeting;
    final String[] author;
    /** Contributors other than the owning account, or null (the common case: none). */
    final String[][] others;
    final long[] at;
    final long[] pos;
    /** index + 1 per slot; 0 is empty. Length a power of two, at least twice the capacity. */
    final int[] slots;
    volatile int count;

    Columns(int capacity) {
      ids = new String[capacity];
      category = new byte[capacity];
      account = new String[capacity];
      meeting = new Meeting[capacity];
      author = new String[capacity];
      others = new String[capacity][];
      at = new long[capacity];
      pos = new long[capacity];
      slots = new int[Integer.highestOneBit(Math.max(4, capacity)) * 4];
    }

    Columns grow() {
      int capacity = ids.length * 2;
      Columns c = new Columns(capacity);
      int n = count;
      System.arraycopy(ids, 0, c.ids, 0, n);
      System.arraycopy(category, 0, c.category, 0, n);
      System.arraycopy(account, 0, c.account, 0, n);
      System.arraycopy(meeting, 0, c.meeting, 0, n);
      System.arraycopy(author, 0, c.author, 0, n);
      System.arraycopy(others, 0, c.others, 0, n);
      System.arraycopy(at, 0, c.at, 0, n);
      System.arraycopy(pos, 0, c.pos, 0, n);
      for (int i = 0; i < n; i++) {
        c.slots[c.free(ids[i])] = i + 1;
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
        if (s == 0 || ids[s - 1].equals(id)) {
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
    if (n == c.ids.length) {
      c = c.grow();
      columns = c;
    }
    c.ids[n] = id;
    c.category[n] = (byte) category;
    c.account[n] = account;
    c.meeting[n] = meeting;
    c.author[n] = author;
    if (contributors.size() > 1) {
      // The first contributor is always the owning account (Event.ContentCreated normalizes).
      c.others[n] = contributors.subList(1, contributors.size()).toArray(String[]::new);
    }
    c.at[n] = at;
    c.pos[n] = pos;
    c.slots[c.free(id)] = n + 1;
    c.count = n + 1;
  }

  /** A reader's view of the columns: indexes below {@link #count()} are complete. */
  View view() {
    return new View(columns);
  }

  /** Columns as one reader saw them. */
  static final class View {
    private final Columns c;

    View(Columns c) {
      this.c = c;
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
        if (s <= n && c.ids[s - 1].equals(id)) {
          return s - 1;
        }
        i = (i + 1) & mask;
      }
    }

    String id(int i) {
      return c.ids[i];
    }

    int category(int i) {
      return c.category[i];
    }

    String account(int i) {
      return c.account[i];
    }

    Meeting meeting(int i) {
      return c.meeting[i];
    }

    String author(int i) {
      return c.author[i];
    }

    String[] others(int i) {
      return c.others[i];
    }

    long at(int i) {
      return c.at[i];
    }

    long pos(int i) {
      return c.pos[i];
    }
  }
}
