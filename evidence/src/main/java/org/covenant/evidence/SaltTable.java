package org.covenant.evidence;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The salts of {@link Pseudonyms}, keyed by (account, person id), packed (issue 15, compact
 * state): each key's bytes and each salt's 16 raw bytes in chunks of a fixed size, and an
 * open-addressing table of dense indexes, instead of a hash map node, a key string and a
 * 32-character hex string per salt (about 160 bytes per person; about 40 here). A server holds
 * one salt per person of every account (guests included), so this grows with the ledger: at 50M
 * events some 5 million salts.
 *
 * <p>Issue 15, toward 40 B/event: the table took about 51 bytes a person at 10M events, 5 of the
 * 44 bytes an event. A key names its account by a number (accounts are few, their ids repeated
 * in every key were some 7 bytes of it); the arrays grow by whole chunks, so they carry no growth
 * slack (one array each, grown by half, carried a quarter on average) and growing copies
 * nothing; and the index is not a power of two long but kept between one half and two thirds
 * full (a power of two at least twice the keys took 2 to 4 slots, 8 to 16 bytes, a key).
 *
 * <p>Salts that are not 32 lowercase hex digits (never written by {@link Pseudonyms}, but a
 * {@code salts.json} may hold them) are kept as the strings they were, beside the table, so every
 * salt reads back exactly as stored. Not thread-safe: {@link Pseudonyms} guards it.
 */
final class SaltTable {
  private static final int SALT = 16;
  private static final HexFormat HEX = HexFormat.of();
  /** Salts (and key addresses) per chunk: a chunk of salts is 64 KiB. */
  private static final int SHIFT = 12;
  private static final int PER_CHUNK = 1 << SHIFT;
  /** Bytes per key chunk; a key's address is its chunk above these 16 bits and its offset. */
  private static final int KEY_SHIFT = 16;
  private static final int KEY_CHUNK = 1 << KEY_SHIFT;

  /**
   * Key i is at address {@code keyAt(i)} of these chunks: a varint of the length of the rest,
   * then the account's number as a varint, then the id's UTF-8 bytes. A key never straddles two
   * chunks; one longer than a chunk gets a chunk of its own. The last chunk grows by doubling
   * up to {@link #KEY_CHUNK} (a small table stays small).
   */
  private byte[][] keys = new byte[0][];
  private int keyChunks;
  /** Bytes used in the last key chunk. */
  private int keyUsed;
  /** Per index, chunked by {@link #PER_CHUNK}: its key's address. */
  private int[][] keyAt = new int[0][];
  /** Per index, chunked by {@link #PER_CHUNK}: its salt's 16 raw bytes. */
  private byte[][] salts = new byte[0][];
  /** The accounts' ids by number, and their numbers. */
  private String[] accounts = new String[4];
  private final Map<String, Integer> accountNumbers = new HashMap<>();
  /** Indexes whose salt was erased (their key stays, so a later salt reuses the index). */
  private final BitSet erased = new BitSet();
  private int count;
  private int live;
  /**
   * index + 1 per slot, 0 empty; of any length (a hash is mapped to a slot by multiplication),
   * rebuilt at one half full when a key would make it more than two thirds full.
   */
  private int[] slots = new int[16];
  /** Whether {@link #putNew} stored salts {@link #index} has not indexed yet. */
  private boolean unindexed;
  /** Salts stored in another form than 32 lowercase hex digits, by account then id. */
  private final Map<String, Map<String, String>> irregular = new HashMap<>();

  /** Number of salts held. */
  long size() {
    long n = live;
    for (Map<String, String> m : irregular.values()) {
      n += m.size();
    }
    return n;
  }

  /** The salt of (account, id) as stored (hex), or null. */
  String get(String account, String id) {
    int i = find(account, id);
    if (i >= 0 && !erased.get(i)) {
      return HEX.formatHex(saltChunk(i), saltAt(i), saltAt(i) + SALT);
    }
    Map<String, String> m = irregular.get(account);
    return m == null ? null : m.get(id);
  }

  /** The salt of (account, id) as raw bytes, or null. */
  byte[] bytes(String account, String id) {
    int i = find(account, id);
    if (i >= 0 && !erased.get(i)) {
      return Arrays.copyOfRange(saltChunk(i), saltAt(i), saltAt(i) + SALT);
    }
    Map<String, String> m = irregular.get(account);
    String s = m == null ? null : m.get(id);
    return s == null ? null : HEX.parseHex(s);
  }

  /** Stores (replaces) the salt of (account, id). */
  void put(String account, String id, String salt) {
    int i = find(account, id);
    if (!regular(salt)) {
      if (i >= 0 && !erased.get(i)) {
        erased.set(i);
        live--;
      }
      irregular.computeIfAbsent(account, a -> new HashMap<>()).put(id, salt);
      return;
    }
    removeIrregular(account, id);
    if (i < 0) {
      i = append(key(number(account), id));
    } else if (erased.get(i)) {
      erased.clear(i);
    } else {
      live--;
    }
    live++;
    byte[] raw = HEX.parseHex(salt);
    System.arraycopy(raw, 0, saltChunk(i), saltAt(i), SALT);
  }

  /**
   * Stores the salt of (account, id) without indexing it (issue 15: a start's load of
   * {@code salts.json}): {@link #index} indexes every salt so stored at once, and nothing else
   * may be asked of the table in between. At 50M events the load put some 5 million salts, each
   * looked up first and the index rebuilt again and again as it grew: two thirds of the salts'
   * thread. The salt is the len characters of {@code salt} at {@code at} (as a parser holds
   * them: no string made for a regular salt). Whether (account, id) was stored twice is told
   * here for an irregular salt, by {@link #index} for the rest: the table is then to be dropped.
   *
   * @param account the account's number ({@link #accountNumber})
   * @return false when (account, id) already had an irregular salt
   */
  boolean putNew(int account, String accountId, String id, char[] salt, int at, int len) {
    if (!regular(salt, at, len)) {
      return irregular.computeIfAbsent(accountId, a -> new HashMap<>()).put(id,
          new String(salt, at, len)) == null;
    }
    unindexed = true;
    int i = add(key(account, id));
    live++;
    byte[] c = saltChunk(i);
    int to = saltAt(i);
    for (int k = 0; k < SALT; k++) {
      c[to + k] = (byte) (nibble(salt[at + 2 * k]) << 4 | nibble(salt[at + 2 * k + 1]));
    }
    return true;
  }

  /** The value of a lowercase hex digit ({@link #regular}). */
  private static int nibble(char c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
  }

  /** The account's number, given on first sight ({@link #putNew}). */
  int accountNumber(String account) {
    return number(account);
  }

  /**
   * Indexes the salts {@link #putNew} stored, in an index of the size that putting them one by
   * one would have grown (the same slots, the same memory); false, the table to be dropped, when
   * a key was stored twice (the check a parser's duplicate detection made per object, issue 15:
   * a set of every id of an account, built and dropped at each start).
   */
  boolean index() {
    if (!unindexed) {
      return true;
    }
    unindexed = false;
    long size = 16;
    // As append grows it: to twice the keys once they are more than two thirds of it.
    while (count * 3L > size * 2L) {
      long c = size * 2 / 3 + 1;
      size = Math.max(16, 2 * c);
    }
    int n = Math.toIntExact(size);
    // As rebuild(n) fills it, each slot's hash beside it (a temporary table): a key whose slot
    // holds the same hash is compared, with no look-up of another key's bytes on a probe.
    long[] t = new long[n];
    for (int i = 0; i < count; i++) {
      int a = keyAt(i);
      byte[] c = keys[a >>> KEY_SHIFT];
      int[] at = {a & (KEY_CHUNK - 1)};
      int len = varint(c, at);
      int h = hash(c, at[0], at[0] + len);
      int s = home(h, n);
      long v;
      while ((v = t[s]) != 0) {
        if ((int) (v >>> 32) == h && sameKey((int) v - 1, c, at[0], len)) {
          return false;
        }
        s = s + 1 == n ? 0 : s + 1;
      }
      t[s] = (long) h << 32 | (i + 1);
    }
    int[] slots = new int[n];
    for (int s = 0; s < n; s++) {
      slots[s] = (int) t[s];
    }
    this.slots = slots;
    for (Map.Entry<String, Map<String, String>> e : irregular.entrySet()) {
      for (String id : e.getValue().keySet()) {
        if (find(e.getKey(), id) >= 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether key number i is the len bytes of c at {@code at}. */
  private boolean sameKey(int i, byte[] c, int at, int len) {
    int a = keyAt(i);
    byte[] d = keys[a >>> KEY_SHIFT];
    int[] from = {a & (KEY_CHUNK - 1)};
    int n = varint(d, from);
    return n == len && Arrays.equals(d, from[0], from[0] + n, c, at, at + len);
  }

  /** Erases the salt of (account, id); the one it had (hex), or null. */
  String remove(String account, String id) {
    int i = find(account, id);
    if (i >= 0 && !erased.get(i)) {
      String had = HEX.formatHex(saltChunk(i), saltAt(i), saltAt(i) + SALT);
      erased.set(i);
      live--;
      return had;
    }
    return removeIrregular(account, id);
  }

  private String removeIrregular(String account, String id) {
    Map<String, String> m = irregular.get(account);
    if (m == null) {
      return null;
    }
    String had = m.remove(id);
    if (m.isEmpty()) {
      irregular.remove(account);
    }
    return had;
  }

  /** Every salt, as (account, id, hex salt); for the rare rewrite of the whole file. */
  void forEach(SaltConsumer each) {
    for (int i = 0; i < count; i++) {
      if (erased.get(i)) {
        continue;
      }
      int a = keyAt(i);
      byte[] c = keys[a >>> KEY_SHIFT];
      int[] at = {a & (KEY_CHUNK - 1)};
      int end = varint(c, at);
      end += at[0];
      String account = accounts[varint(c, at)];
      String id = new String(c, at[0], end - at[0], StandardCharsets.UTF_8);
      each.accept(account, id, HEX.formatHex(saltChunk(i), saltAt(i), saltAt(i) + SALT));
    }
    irregular.forEach((a, m) -> m.forEach((id, s) -> each.accept(a, id, s)));
  }

  /** What {@link #forEach} gives. */
  interface SaltConsumer {
    void accept(String account, String id, String salt);
  }

  /** Bytes the table's arrays take (tests: what a salt costs). */
  long footprint() {
    long n = 4L * slots.length;
    for (int k = 0; k < keyChunks; k++) {
      n += keys[k].length;
    }
    for (int[] c : keyAt) {
      n += c == null ? 0 : 4L * c.length;
    }
    for (byte[] c : salts) {
      n += c == null ? 0 : c.length;
    }
    return n;
  }

  /** Whether the len chars of s at {@code at} are 32 lowercase hex digits (as a string's are). */
  private static boolean regular(char[] s, int at, int len) {
    if (len != 2 * SALT) {
      return false;
    }
    for (int k = at; k < at + len; k++) {
      char c = s[k];
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean regular(String salt) {
    if (salt.length() != 2 * SALT) {
      return false;
    }
    for (int k = 0; k < salt.length(); k++) {
      char c = salt.charAt(k);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private byte[] saltChunk(int i) {
    return salts[i >>> SHIFT];
  }

  private static int saltAt(int i) {
    return (i & (PER_CHUNK - 1)) * SALT;
  }

  private int keyAt(int i) {
    return keyAt[i >>> SHIFT][i & (PER_CHUNK - 1)];
  }

  /** The account's number, given on first sight. */
  private int number(String account) {
    Integer k = accountNumbers.get(account);
    if (k != null) {
      return k;
    }
    int n = accountNumbers.size();
    if (n == accounts.length) {
      accounts = Arrays.copyOf(accounts, n * 2);
    }
    accounts[n] = account;
    accountNumbers.put(account, n);
    return n;
  }

  /** The key of (account number, id): the account's number as a varint, then the id. */
  private static byte[] key(int account, String id) {
    byte[] b = id.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[varintLength(account) + b.length];
    int n = putVarint(k, 0, account);
    System.arraycopy(b, 0, k, n, b.length);
    return k;
  }

  private static int putVarint(byte[] b, int at, int v) {
    while ((v & ~0x7f) != 0) {
      b[at++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    b[at++] = (byte) v;
    return at;
  }

  /** The varint at {@code at[0]} of b; moves {@code at[0]} past it. */
  private static int varint(byte[] b, int[] at) {
    int v = 0;
    int shift = 0;
    int i = at[0];
    byte x;
    do {
      x = b[i++];
      v |= (x & 0x7f) << shift;
      shift += 7;
    } while (x < 0);
    at[0] = i;
    return v;
  }

  private static int hash(byte[] b, int from, int to) {
    int h = 1;
    for (int k = from; k < to; k++) {
      h = 31 * h + b[k];
    }
    return (h ^ (h >>> 16)) * 0x9E3779B1;
  }

  /** The home slot of spread hash h in a table of n slots (its high bits, scaled). */
  private static int home(int h, int n) {
    return (int) (((h & 0xffffffffL) * n) >>> 32);
  }

  /** The index of (account, id), or -1. */
  private int find(String account, String id) {
    Integer a = accountNumbers.get(account);
    return a == null ? -1 : find(key(a, id));
  }

  private int find(byte[] k) {
    if (unindexed) {
      throw new IllegalStateException("salts stored and not indexed");
    }
    int[] t = slots;
    int s = home(hash(k, 0, k.length), t.length);
    while (true) {
      int v = t[s];
      if (v == 0) {
        return -1;
      }
      int a = keyAt(v - 1);
      byte[] c = keys[a >>> KEY_SHIFT];
      int[] at = {a & (KEY_CHUNK - 1)};
      int len = varint(c, at);
      if (len == k.length && Arrays.equals(c, at[0], at[0] + len, k, 0, len)) {
        return v - 1;
      }
      s = s + 1 == t.length ? 0 : s + 1;
    }
  }

  /** Stores key k as the next index (its salt still to be written); the index. */
  private int append(byte[] k) {
    int i = add(k);
    if ((long) count * 3 > (long) slots.length * 2) {
      rebuild();
    } else {
      int[] t = slots;
      int s = home(hash(k, 0, k.length), t.length);
      while (t[s] != 0) {
        s = s + 1 == t.length ? 0 : s + 1;
      }
      t[s] = i + 1;
    }
    return i;
  }

  /** Stores key k as the next index, not indexed (its salt still to be written); the index. */
  private int add(byte[] k) {
    int i = count;
    if (i == Integer.MAX_VALUE) {
      throw new IllegalStateException("salt table full");
    }
    int a = storeKey(k);
    int chunk = i >>> SHIFT;
    int slot = i & (PER_CHUNK - 1);
    if (chunk == keyAt.length) {
      keyAt = Arrays.copyOf(keyAt, Math.max(4, chunk * 2));
      salts = Arrays.copyOf(salts, keyAt.length);
    }
    if (keyAt[chunk] == null || keyAt[chunk].length == slot) {
      // The last chunk doubles up to its full size.
      int n = keyAt[chunk] == null ? 16 : Math.min(PER_CHUNK, slot * 2);
      keyAt[chunk] = keyAt[chunk] == null ? new int[n] : Arrays.copyOf(keyAt[chunk], n);
      salts[chunk] = salts[chunk] == null ? new byte[n * SALT]
          : Arrays.copyOf(salts[chunk], n * SALT);
    }
    keyAt[chunk][slot] = a;
    count = i + 1;
    return i;
  }

  /** Copies key k, with its length before it, into the key chunks; its address. */
  private int storeKey(byte[] k) {
    int n = varintLength(k.length) + k.length;
    int last = keyChunks - 1;
    if (last < 0 || keyUsed + n > keys[last].length) {
      if (last >= 0 && keys[last].length < KEY_CHUNK && keyUsed + n <= KEY_CHUNK) {
        // The last chunk doubles up to its full size.
        int size = keys[last].length;
        while (size < keyUsed + n) {
          size *= 2;
        }
        keys[last] = Arrays.copyOf(keys[last], Math.min(KEY_CHUNK, size));
      } else {
        if (keyChunks == 1 << (31 - KEY_SHIFT)) {
          throw new IllegalStateException("salt keys past 2 GiB");
        }
        if (keyChunks == keys.length) {
          keys = Arrays.copyOf(keys, Math.max(4, keyChunks * 2));
        }
        // A first chunk starts small; a key longer than a chunk gets one of its own.
        last = keyChunks;
        keys[last] = new byte[Math.max(n, last == 0 ? 256 : KEY_CHUNK)];
        keyChunks++;
        keyUsed = 0;
      }
    }
    byte[] c = keys[last];
    int at = putVarint(c, keyUsed, k.length);
    System.arraycopy(k, 0, c, at, k.length);
    int a = last << KEY_SHIFT | keyUsed;
    // A chunk of its own is full: the next key starts the next chunk.
    keyUsed = c.length > KEY_CHUNK ? c.length : at + k.length;
    return a;
  }

  private static int varintLength(int v) {
    int n = 1;
    while ((v & ~0x7f) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /** Indexes every key anew in a table half full. */
  private void rebuild() {
    rebuild(Math.toIntExact(Math.max(16, 2L * count)));
  }

  /** Indexes every key anew in a table of n slots. */
  private void rebuild(int n) {
    int[] t = new int[n];
    for (int i = 0; i < count; i++) {
      int a = keyAt(i);
      byte[] c = keys[a >>> KEY_SHIFT];
      int[] at = {a & (KEY_CHUNK - 1)};
      int len = varint(c, at);
      int s = home(hash(c, at[0], at[0] + len), t.length);
      while (t[s] != 0) {
        s = s + 1 == t.length ? 0 : s + 1;
      }
      t[s] = i + 1;
    }
    slots = t;
  }
}
