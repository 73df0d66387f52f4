package org.covenant.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.format.EventJson;

/** An event's stored form: its wire JSON (ARCHITECTURE.md §3), the same in every adapter. */
final class EventRows {
  private EventRows() {}

  /** {@code ?, ?, ...}: n parameters for an {@code IN} list. */
  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  static String body(Event event) {
    return EventJson.line(event);
  }

  /**
   * A store that hands out rows undecoded: the ledger's replay reads the next page on one thread
   * while this one decodes and applies the last ({@code Ledger}).
   */
  interface RawReads {
    /** As {@link org.covenant.core.spi.EventStore#read}, not decoded yet. */
    Raw readRaw(long afterPosition, int limit);
  }

  /** As {@link RawReads} for a member's share ({@link ShardedStore#readShard}). */
  interface RawShardReads {
    /** As {@link ShardedStore#readShard}, not decoded yet. */
    Raw readShardRaw(long afterPosition, long upTo, java.util.Collection<String> accounts);
  }

  /** Rows read from a database, decoded together by {@link #decode()}. */
  static final class Raw {
    /** {@link EventRows#decodeHere}. */
    List<StoredEvent> decodeHere() {
      Packed p = packed;
      if (p != null) {
        return p.decode(false);
      }
      return EventRows.decodeHere(this);
    }

    /** Set when the rows came as one packed page ({@link #packed}); the arrays are then unused. */
    private Packed packed;

    // Plain arrays, sized for the page asked for (issue 15, "trusted replay"): the reader thread
    // is one of the replay's two busy cores, and boxed positions and growing lists were a
    // quarter of what it allocated per row.
    private long[] positions;
    /** Each a String, or the UTF-8 bytes of one (SQLite hands its text out as bytes). */
    private Object[] bodies;
    /** Each null, a String, or the UTF-8 bytes of one, made a string when decoded. */
    private Object[] keys;
    private int size;
    private final String where;

    Raw(String where) {
      this(where, 16);
    }

    /** Rows from {@code where}, room made for {@code expected} of them up front. */
    Raw(String where, int expected) {
      this.where = where;
      int n = Math.max(1, Math.min(expected, MAX_PRESIZE));
      positions = new long[n];
      bodies = new Object[n];
      keys = new Object[n];
    }

    /**
     * Adds a row. {@code key} may be the UTF-8 bytes of the key: it is then made a string by the
     * decoding thread, exactly as the driver's {@code getString} makes it
     * ({@code new String(bytes, UTF_8)}).
     */
    void add(long position, Object body, Object key) {
      if (size == positions.length) {
        int n = size * 2;
        positions = Arrays.copyOf(positions, n);
        bodies = Arrays.copyOf(bodies, n);
        keys = Arrays.copyOf(keys, n);
      }
      positions[size] = position;
      bodies[size] = body;
      keys[size] = key;
      size++;
    }

    int size() {
      return size;
    }

    /** Whether the rows came as one packed page ({@link EventRows#packed}). */
    boolean isPacked() {
      return packed != null;
    }

    private StoredEvent row(int i) {
      Object k = keys[i];
      String key = k instanceof byte[] utf8 ? new String(utf8, StandardCharsets.UTF_8) : (String) k;
      return EventRows.row(positions[i], bodies[i], key, where);
    }

    /**
     * The events, decoded on several cores when there are many: decoding dominates a replay
     * (the rows are read sequentially, the JSON is parsed independently for each).
     */
    List<StoredEvent> decode() {
      Packed p = packed;
      if (p != null) {
        return p.decode(true);
      }
      int n = size;
      StoredEvent[] out = new StoredEvent[n];
      IntStream range = IntStream.range(0, n);
      if (n >= PARALLEL_THRESHOLD) {
        range = range.parallel();
      }
      range.forEach(i -> out[i] = row(i));
      return Arrays.asList(out);
    }
  }

  /**
   * A page of {@code count} rows at the positions {@code after + 1} to {@code after + count},
   * read as one row (issue 15: the SQLite driver's JNI calls and arrays per row and column were
   * most of the replay's reader thread): the bodies joined by {@code '\n'}, the keys likewise.
   * Split and decoded where the page is decoded. A split that does not give {@code count} pieces
   * (a body or key holding a newline) or a piece that does not decode reads the page again row by
   * row through {@code rows}, so results and errors are exactly those of the rows.
   *
   * @param keys the non-null keys joined by {@code '\n'}, or null when the page has none
   * @param nullKeys the positions whose key is null, as decimal text joined by {@code ','}, or
   *     null when every row has one
   */
  static Raw packed(String where, long after, int count, byte[] bodies, byte[] keys,
      byte[] nullKeys, java.util.function.Supplier<Raw> rows) {
    Raw raw = new Raw(where, 1);
    raw.size = count;
    raw.packed = new Packed(after, count, bodies, keys, nullKeys, rows);
    return raw;
  }

  /** The rows of {@link #packed}. */
  private record Packed(long after, int count, byte[] bodies, byte[] keys, byte[] nullKeys,
      java.util.function.Supplier<Raw> rows) {
    List<StoredEvent> decode(boolean parallel) {
      List<StoredEvent> out;
      try {
        out = decodePacked(parallel);
      } catch (RuntimeException e) {
        out = null;
      }
      if (out != null) {
        return out;
      }
      Raw again = rows.get();
      return parallel ? again.decode() : EventRows.decodeHere(again);
    }

    /** The events, or null when the page does not split into {@code count} rows. */
    private List<StoredEvent> decodePacked(boolean parallel) {
      int n = count;
      int[] bodyEnds = ends(bodies, n);
      if (bodyEnds == null) {
        return null;
      }
      boolean[] keyless = null;
      int keyed = n;
      if (nullKeys != null) {
        keyless = new boolean[n];
        keyed = n - marks(nullKeys, after, keyless);
        if (keyed < 0) {
          return null;
        }
      }
      int[] keyEnds = null;
      if (keyed > 0) {
        keyEnds = keys == null ? null : ends(keys, keyed);
        if (keyEnds == null) {
          return null;
        }
      } else if (keys != null) {
        return null;
      }
      // Which piece of the keys is each row's: keys are packed for the keyed rows only (the
      // i-th row's is the i-th piece when every row has one).
      int[] keyAt = null;
      if (keyless != null && keyed > 0) {
        keyAt = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
          keyAt[i] = keyless[i] ? -1 : k++;
        }
      }
      int[] pieceOf = keyAt;
      StoredEvent[] out = new StoredEvent[n];
      boolean[] none = keyless;
      int[] ke = keyEnds;
      IntStream range = IntStream.range(0, n);
      if (parallel && n >= PARALLEL_THRESHOLD) {
        range = range.parallel();
      }
      range.forEach(i -> {
        int from = i == 0 ? 0 : bodyEnds[i - 1] + 1;
        Event event = EventJson.read(bodies, from, bodyEnds[i]);
        String key = null;
        if (none == null || !none[i]) {
          int j = pieceOf == null ? i : pieceOf[i];
          int kf = j == 0 ? 0 : ke[j - 1] + 1;
          key = new String(keys, kf, ke[j] - kf, StandardCharsets.UTF_8);
        }
        out[i] = new StoredEvent(after + 1 + i, event, Optional.ofNullable(key));
      });
      return Arrays.asList(out);
    }

    /**
     * The end (exclusive) of each of the {@code n} pieces of {@code b} joined by {@code '\n'},
     * or null when it holds another number of them.
     */
    private static int[] ends(byte[] b, int n) {
      int[] ends = new int[n];
      int found = 0;
      int i = 0;
      // Eight bytes at a time (a page's blob is about 1.5 MB, every byte of the replay passes
      // here): a byte of v is zero where b has a newline; the high bit of each byte of t is set
      // exactly where v's byte is zero (no carry crosses bytes: each byte's low 7 bits plus
      // 0x7F stay below 0x100).
      for (; i + 8 <= b.length; i += 8) {
        long v = (long) LONGS.get(b, i) ^ 0x0A0A0A0A0A0A0A0AL;
        long t = ~(((v & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL) | v | 0x7F7F7F7F7F7F7F7FL);
        while (t != 0) {
          if (found == n - 1) {
            return null;
          }
          ends[found++] = i + (Long.numberOfTrailingZeros(t) >>> 3);
          t &= t - 1;
        }
      }
      for (; i < b.length; i++) {
        if (b[i] == '\n') {
          if (found == n - 1) {
            return null;
          }
          ends[found++] = i;
        }
      }
      if (found != n - 1) {
        return null;
      }
      ends[n - 1] = b.length;
      return ends;
    }

    /** Little-endian longs over a byte array: byte k of the long is b[i + k]. */
    private static final java.lang.invoke.VarHandle LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class,
            java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * Marks the rows whose positions {@code text} lists (decimal, joined by {@code ','}) and
     * answers how many; -1 when the text is anything else or names a position off the page twice.
     */
    private static int marks(byte[] text, long after, boolean[] marked) {
      int count = 0;
      int i = 0;
      while (i < text.length) {
        long v = 0;
        int start = i;
        while (i < text.length && text[i] >= '0' && text[i] <= '9' && i - start < 18) {
          v = v * 10 + (text[i] - '0');
          i++;
        }
        long row = v - after - 1;
        if (i == start || row < 0 || row >= marked.length || marked[(int) row]) {
          return -1;
        }
        marked[(int) row] = true;
        count++;
        if (i < text.length) {
          if (text[i] != ',' || i == text.length - 1) {
            return -1;
          }
          i++;
        }
      }
      return count;
    }
  }

  /** The most rows a {@link Raw} makes room for before it is filled (a page is 10,000). */
  private static final int MAX_PRESIZE = 1 << 14;

  private static final int PARALLEL_THRESHOLD = 2048;

  /**
   * As {@link Raw#decode()}, on this thread only: the replay's pipeline decodes whole pages on
   * its decoder threads while the ledger applies the page before ({@code Ledger}).
   */
  static List<StoredEvent> decodeHere(Raw raw) {
    int n = raw.size;
    StoredEvent[] out = new StoredEvent[n];
    for (int i = 0; i < n; i++) {
      out[i] = raw.row(i);
    }
    return Arrays.asList(out);
  }

  static StoredEvent row(long position, Object body, String key, String where) {
    Event event;
    try {
      event = body instanceof byte[] utf8 ? EventJson.read(utf8) : EventJson.read((String) body);
    } catch (RuntimeException e) {
      throw new StoreException(StoreException.CORRUPT, where + ": the event at position "
          + position + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return new StoredEvent(position, event, Optional.ofNullable(key));
    } catch (IllegalArgumentException e) {
      throw new StoreException(StoreException.CORRUPT, where + ": the row at position "
          + position + " is invalid: " + e.getMessage(), e);
    }
  }
}
