package org.covenant.evidence;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The salts of {@link Pseudonyms}, keyed by (account, person id), packed (issue 15, compact
 * state): each key's UTF-8 bytes in one shared byte array, each salt as its 16 raw bytes in
 * another, and an open-addressing table (at most half full) of dense indexes, instead of a hash
 * map node, a key string and a 32-character hex string per salt (about 160 bytes per person; about
 * 50 here). A server holds one salt per person of every account (guests included), so this grew
 * with the ledger.
 *
 * <p>Salts that are not 32 lowercase hex digits (never written by {@link Pseudonyms}, but a
 * {@code salts.json} may hold them) are kept as the strings they were, beside the table, so every
 * salt reads back exactly as stored. Not thread-safe: {@link Pseudonyms} guards it.
 */
final class SaltTable {
  private static final int SALT = 16;
  private static final HexFormat HEX = HexFormat.of();

  /** Key i is {@code keys[keyEnd[i-1] .. keyEnd[i])}: varint account length, account, id. */
  private byte[] keys = new byte[256];
  private int[] keyEnd = new int[16];
  private byte[] salts = new byte[16 * SALT];
  /** Indexes whose salt was erased (their key stays, so a later salt reuses the index). */
  private final BitSet erased = new BitSet();
  private int count;
  private int live;
  /** index + 1 per slot, 0 empty; a power of two, at least twice {@link #count}. */
  private int[] slots = new int[32];
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
    int i = find(key(account, id));
    if (i >= 0 && !erased.get(i)) {
      return HEX.formatHex(salts, i * SALT, (i + 1) * SALT);
    }
    Map<String, String> m = irregular.get(account);
    return m == null ? null : m.get(id);
  }

  /** The salt of (account, id) as raw bytes, or null. */
  byte[] bytes(String account, String id) {
    int i = find(key(account, id));
    if (i >= 0 && !erased.get(i)) {
      return Arrays.copyOfRange(salts, i * SALT, (i + 1) * SALT);
    }
    Map<String, String> m = irregular.get(account);
    String s = m == null ? null : m.get(id);
    return s == null ? null : HEX.parseHex(s);
  }

  /** Stores (replaces) the salt of (account, id). */
  void put(String account, String id, String salt) {
    byte[] k = key(account, id);
    int i = find(k);
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
      i = append(k);
    } else if (erased.get(i)) {
      erased.clear(i);
    } else {
      live--;
    }
    live++;
    byte[] raw = HEX.parseHex(salt);
    System.arraycopy(raw, 0, salts, i * SALT, SALT);
  }

  /** Erases the salt of (account, id); the one it had (hex), or null. */
  String remove(String account, String id) {
    int i = find(key(account, id));
    if (i >= 0 && !erased.get(i)) {
      String had = HEX.formatHex(salts, i * SALT, (i + 1) * SALT);
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
      int from = i == 0 ? 0 : keyEnd[i - 1];
      int len = 0;
      int shift = 0;
      int at = from;
      while (true) {
        byte b = keys[at++];
        len |= (b & 0x7f) << shift;
        if (b >= 0) {
          break;
        }
        shift += 7;
      }
      String account = new String(keys, at, len, StandardCharsets.UTF_8);
      String id = new String(keys, at + len, keyEnd[i] - at - len, StandardCharsets.UTF_8);
      each.accept(account, id, HEX.formatHex(salts, i * SALT, (i + 1) * SALT));
    }
    irregular.forEach((a, m) -> m.forEach((id, s) -> each.accept(a, id, s)));
  }

  /** What {@link #forEach} gives. */
  interface SaltConsumer {
    void accept(String account, String id, String salt);
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

  private static byte[] key(String account, String id) {
    byte[] a = account.getBytes(StandardCharsets.UTF_8);
    byte[] b = id.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[5 + a.length + b.length];
    int n = 0;
    int len = a.length;
    while (len >= 0x80) {
      k[n++] = (byte) (len | 0x80);
      len >>>= 7;
    }
    k[n++] = (byte) len;
    System.arraycopy(a, 0, k, n, a.length);
    System.arraycopy(b, 0, k, n + a.length, b.length);
    return Arrays.copyOf(k, n + a.length + b.length);
  }

  private static int hash(byte[] b, int from, int to) {
    int h = 1;
    for (int k = from; k < to; k++) {
      h = 31 * h + b[k];
    }
    return (h ^ (h >>> 16)) * 0x9E3779B1;
  }

  private int find(byte[] k) {
    int mask = slots.length - 1;
    int s = hash(k, 0, k.length) & mask;
    while (true) {
      int v = slots[s];
      if (v == 0) {
        return -1;
      }
      int i = v - 1;
      int from = i == 0 ? 0 : keyEnd[i - 1];
      if (keyEnd[i] - from == k.length
          && Arrays.equals(keys, from, keyEnd[i], k, 0, k.length)) {
        return i;
      }
      s = (s + 1) & mask;
    }
  }

  private int append(byte[] k) {
    int i = count;
    int from = i == 0 ? 0 : keyEnd[i - 1];
    if (from + k.length > keys.length) {
      keys = Arrays.copyOf(keys, Math.max(from + k.length, keys.length + (keys.length >> 1)));
    }
    if (i == keyEnd.length) {
      int cap = i + (i >> 1) + 1;
      keyEnd = Arrays.copyOf(keyEnd, cap);
      salts = Arrays.copyOf(salts, cap * SALT);
    }
    System.arraycopy(k, 0, keys, from, k.length);
    keyEnd[i] = from + k.length;
    count = i + 1;
    if (2 * count > slots.length) {
      int[] next = new int[slots.length * 2];
      int mask = next.length - 1;
      for (int j = 0; j < count; j++) {
        int f = j == 0 ? 0 : keyEnd[j - 1];
        int s = hash(keys, f, keyEnd[j]) & mask;
        while (next[s] != 0) {
          s = (s + 1) & mask;
        }
        next[s] = j + 1;
      }
      slots = next;
    } else {
      int mask = slots.length - 1;
      int s = hash(k, 0, k.length) & mask;
      while (slots[s] != 0) {
        s = (s + 1) & mask;
      }
      slots[s] = i + 1;
    }
    return i;
  }
}
