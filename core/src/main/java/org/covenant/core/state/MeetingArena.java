package org.covenant.core.state;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Shared storage for what ended meetings keep (issue 15, toward 40 B/event): their packed
 * participants as slices of large byte chunks instead of a byte array, a string array and an
 * object each, and the ids and organisations they name interned once into the same chunks as
 * dense ints instead of a {@code String} each (a guest's id was a 24-byte object and its own
 * array, 56 bytes, per meeting it joined). One per projection.
 *
 * <p>Single writer, any number of readers: a slice's bytes are written before its address is
 * published (through a volatile field of the meeting), chunks and the string table grow copy on
 * write through volatile fields, so a reader that got an address or a string's number from a
 * published meeting finds the bytes it names. Nothing is ever moved or freed: a slice replaced
 * (a leave after the meeting's end re-packs its participants) stays as dead bytes, counted in
 * {@link #deadBytes}.
 */
final class MeetingArena {
  /** Bytes per chunk; a longer slice gets a chunk of its own. */
  static final int CHUNK = 1 << 18;

  private volatile byte[][] chunks = new byte[0][];
  private int chunkCount;
  /** Bytes used in the last chunk. */
  private int used = CHUNK;
  private long deadBytes;

  /**
   * Per string number, the {@link #compact} address of its slice (a varint length, then its UTF-8
   * bytes): issue 15, four bytes a string where a long took eight (0.5 B/event at 10M). Null
   * once a string's address does not fit an int (an arena past {@link #COMPACT_LIMIT} chunks),
   * when {@link #wideStrings} holds them all, written before it is cleared.
   */
  private volatile int[] strings = new int[16];
  /** Per string number its address, once one does not fit {@link #strings}; else null. */
  private volatile long[] wideStrings;
  private int stringCount;
  /**
   * Writer only: string number + 1 by hash, open addressing, at most two thirds full. The table
   * is a power of two long, so a number fits in the bits of its mask; the bits above hold the
   * same bits of the string's spread hash, and a probe compares bytes only where those match
   * (issue 15: at 50M each probe past another string cost two cache misses, its address and
   * its bytes, and interning was a quarter of a restore's thread).
   */
  private int[] slots = new int[32];
  /** Chunks a string's int address may name: {@link #COMPACT_LIMIT}, less in tests. */
  private final long stringChunks;

  MeetingArena() {
    this(COMPACT_LIMIT);
  }

  /**
   * An arena whose strings' addresses are kept as ints only in the first {@code stringChunks}
   * chunks (tests: the long form past {@link #COMPACT_LIMIT} without 4 GiB of chunks).
   */
  MeetingArena(long stringChunks) {
    this.stringChunks = Math.min(stringChunks, COMPACT_LIMIT);
  }

  static long address(int chunk, int offset) {
    return (long) chunk << 32 | offset;
  }

  /**
   * Chunks an int address reaches ({@link #compact}): 2^14 of {@link #CHUNK} bytes, 4 GiB of
   * slices (some 10 B/event: far past 50M events). Past it a meeting keeps its slice's view.
   */
  static final long COMPACT_LIMIT = 1L << 14;

  /** Whether {@code address} fits an int ({@link #compact}). */
  static boolean compactable(long address) {
    return address >>> 32 < COMPACT_LIMIT && offset(address) >= 0 && offset(address) < CHUNK;
  }

  /**
   * The address as an int, for a meeting's field (issue 15: four bytes, not eight): the chunk
   * above the 18 bits of the offset, unsigned. Only where {@link #compactable}.
   */
  static int compact(long address) {
    return (int) ((address >>> 32) << 18 | offset(address));
  }

  /** The address an int from {@link #compact} stands for. */
  static long expand(int compact) {
    return address(compact >>> 18, compact & (CHUNK - 1));
  }

  /** The chunk holding the slice at {@code address}. */
  byte[] chunk(long address) {
    return chunks[(int) (address >>> 32)];
  }

  static int offset(long address) {
    return (int) address;
  }

  /** Room for a slice of n bytes (single writer): its address, to fill then publish. */
  long reserve(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("slice of " + n + " bytes");
    }
    byte[][] cs = chunks;
    if (chunkCount > 0 && CHUNK - used >= n && cs[chunkCount - 1].length == CHUNK) {
      long a = address(chunkCount - 1, used);
      used += n;
      return a;
    }
    if (chunkCount == cs.length) {
      cs = Arrays.copyOf(cs, Math.max(8, chunkCount * 2));
    }
    if (n >= CHUNK) {
      // A chunk of its own; the next slice starts a new chunk (rare: some 10,000 participants).
      cs[chunkCount] = new byte[n];
      chunks = cs;
      chunkCount++;
      used = CHUNK;
      return address(chunkCount - 1, 0);
    }
    cs[chunkCount] = new byte[CHUNK];
    chunks = cs;
    chunkCount++;
    used = n;
    return address(chunkCount - 1, 0);
  }

  /** Copies n bytes of b into a new slice; its address. */
  long append(byte[] b, int from, int n) {
    long a = reserve(n);
    System.arraycopy(b, from, chunk(a), offset(a), n);
    return a;
  }

  /** Records that a slice of n bytes is no longer referenced. */
  void dead(int n) {
    deadBytes += n;
  }

  long deadBytes() {
    return deadBytes;
  }

  /** Bytes held in chunks (used, dead and slack). */
  long chunkBytes() {
    long n = 0;
    byte[][] cs = chunks;
    for (int i = 0; i < chunkCount; i++) {
      n += cs[i].length;
    }
    return n;
  }

  private static int spread(int h) {
    return (h ^ (h >>> 16)) * 0x9E3779B1;
  }

  /** Number of strings interned. */
  int strings() {
    return stringCount;
  }

  /**
   * The hash of a string as its UTF-8 bytes hash ({@code 31 * h + byte}, bytes unsigned): the
   * same from the string (its chars where all are ASCII, no encoding then) and from the bytes a
   * slice holds, so the table's rehash reads the chunks and makes no {@code String} per string
   * held (at 50M it made millions during a restore, issue 15).
   */
  static int hash(String s) {
    int h = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      if (ch >= 0x80) {
        return hash(s.getBytes(StandardCharsets.UTF_8), 0, -1);
      }
      h = 31 * h + ch;
    }
    return h;
  }

  /** The hash of the len bytes of b at {@code at} (len -1: to b's end), as {@link #hash(String)}. */
  static int hash(byte[] b, int at, int len) {
    int end = len < 0 ? b.length : at + len;
    int h = 0;
    for (int i = at; i < end; i++) {
      h = 31 * h + (b[i] & 0xff);
    }
    return h;
  }

  /** The number of string s, interned on first sight (single writer); s not null. */
  int intern(String s) {
    int sh = spread(hash(s));
    int mask = slots.length - 1;
    int tag = sh & ~mask;
    int i = sh & mask;
    while (true) {
      int v = slots[i];
      if (v == 0) {
        break;
      }
      if ((v & ~mask) == tag && is((v & mask) - 1, s)) {
        return (v & mask) - 1;
      }
      i = (i + 1) & mask;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return add(i, tag, b, 0, b.length);
  }

  /**
   * As {@link #intern(String)} of the string whose UTF-8 bytes are the {@code len} bytes of
   * {@code b} at {@code at}, which must be as {@link String#getBytes} encodes a string (a
   * checkpoint's restore, issue 15: interned from the bytes it read, no {@code String} decoded
   * and encoded again). The same number as that string's, and the same bytes stored.
   */
  int intern(byte[] b, int at, int len) {
    int sh = spread(hash(b, at, len));
    int mask = slots.length - 1;
    int tag = sh & ~mask;
    int i = sh & mask;
    while (true) {
      int v = slots[i];
      if (v == 0) {
        break;
      }
      if ((v & ~mask) == tag && is((v & mask) - 1, b, at, len)) {
        return (v & mask) - 1;
      }
      i = (i + 1) & mask;
    }
    return add(i, tag, b, at, len);
  }

  /**
   * Stores the len bytes of b at {@code at} as the next string, numbered in free slot i with
   * {@code tag} (both intern paths' miss); grows the table past two thirds full.
   */
  private int add(int i, int tag, byte[] b, int at, int len) {
    long a = reserve(varintLength(len) + len);
    byte[] c = chunk(a);
    int to = putVarint(c, offset(a), len);
    System.arraycopy(b, at, c, to, len);
    int k = stringCount;
    setAddress(k, a);
    stringCount = k + 1;
    slots[i] = tag | (k + 1);
    if ((k + 1) * 3L > slots.length * 2L) {
      rehash();
    }
    return k;
  }

  /** Whether string number k's bytes are the len bytes of b at {@code at}. */
  private boolean is(int k, byte[] b, int at, int len) {
    long a = addressOf(k);
    byte[] c = chunk(a);
    long x = bytesOf(c, offset(a));
    int from = (int) (x >>> 32);
    return (int) x == len && Arrays.equals(c, from, from + len, b, at, at + len);
  }

  /** Records string k's address (single writer; k is the next number, or one already held). */
  private void setAddress(int k, long a) {
    long[] w = wideStrings;
    if (w == null && !(compactable(a) && a >>> 32 < stringChunks)) {
      // Every address from now on as a long: the int ones copied, published before the ints
      // are dropped, so a reader finds each number it holds in the one or the other.
      w = new long[Math.max(16, k + (k >> 1) + 16)];
      int[] ss = strings;
      for (int i = 0; i < k; i++) {
        w[i] = expand(ss[i]);
      }
      wideStrings = w;
      strings = null;
    }
    if (w != null) {
      if (k == w.length) {
        w = Arrays.copyOf(w, k + (k >> 1) + 16);
      }
      w[k] = a;
      wideStrings = w;
      return;
    }
    int[] ss = strings;
    if (k == ss.length) {
      ss = Arrays.copyOf(ss, k + (k >> 1) + 16);
    }
    ss[k] = compact(a);
    strings = ss;
  }

  /** The address of string number k's slice. */
  private long addressOf(int k) {
    int[] ss = strings;
    // Read after the ints: null once they were dropped, when the longs are published.
    return ss != null ? expand(ss[k]) : wideStrings[k];
  }

  private void rehash() {
    int[] t = new int[slots.length * 2];
    int mask = t.length - 1;
    for (int k = 0; k < stringCount; k++) {
      long a = addressOf(k);
      byte[] c = chunk(a);
      long b = bytesOf(c, offset(a));
      int sh = spread(hash(c, (int) (b >>> 32), (int) b));
      int i = sh & mask;
      while (t[i] != 0) {
        i = (i + 1) & mask;
      }
      t[i] = (sh & ~mask) | (k + 1);
    }
    slots = t;
  }

  /** String number k. */
  String string(int k) {
    long a = addressOf(k);
    byte[] c = chunk(a);
    long b = bytesOf(c, offset(a));
    return new String(c, (int) (b >>> 32), (int) b, StandardCharsets.UTF_8);
  }

  /** Whether string number k is s, without making a string (an ASCII s: no allocation). */
  boolean is(int k, String s) {
    long a = addressOf(k);
    byte[] c = chunk(a);
    long b = bytesOf(c, offset(a));
    return utf8Is(c, (int) (b >>> 32), (int) b, s);
  }

  /**
   * The UTF-8 bytes of the string stored at {@code at} of chunk {@code c} (its varint length,
   * then the bytes): their offset in the high half, their length in the low half.
   */
  private static long bytesOf(byte[] c, int at) {
    int len = 0;
    int shift = 0;
    byte x;
    do {
      x = c[at++];
      len |= (x & 0x7f) << shift;
      shift += 7;
    } while (x < 0);
    return (long) at << 32 | len;
  }

  /**
   * The unsigned varint at {@code b[at]} (seven bits a byte, low bits first, the high bit set
   * while more follow): the one reader of the arena's varints, for its slices' prefixes and
   * participants alike.
   */
  static long varint(byte[] b, int at) {
    long v = 0;
    int shift = 0;
    byte x;
    do {
      x = b[at++];
      v |= (long) (x & 0x7f) << shift;
      shift += 7;
    } while (x < 0);
    return v;
  }

  /** Whether the len bytes of c at {@code at} are s in UTF-8 (an ASCII s: no allocation). */
  static boolean utf8Is(byte[] c, int at, int len, String s) {
    int n = s.length();
    // A char is at least one UTF-8 byte, so a longer string cannot be it.
    if (n > len) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char ch = s.charAt(i);
      if (ch >= 0x80) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.equals(c, at, at + len, b, 0, b.length);
      }
      if (c[at + i] != ch) {
        return false;
      }
    }
    return n == len;
  }

  static int varintLength(long v) {
    int n = 1;
    while ((v & ~0x7fL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /** Writes v as an unsigned varint at b[at]; the offset after it. */
  static int putVarint(byte[] b, int at, long v) {
    while ((v & ~0x7fL) != 0) {
      b[at++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    b[at++] = (byte) v;
    return at;
  }
}
