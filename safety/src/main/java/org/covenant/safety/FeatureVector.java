package org.covenant.safety;

import java.util.Arrays;
import java.util.Locale;

/**
 * The distinct features of one message: 32-bit keys (already mixed, so {@code key & mask} is
 * the bucket of a hashed model), counts, and where each feature's readable name comes from.
 * Names are built only when asked ({@link #name(int)}), so scanning does not allocate one
 * String per token.
 */
final class FeatureVector {
  private static final int EMPTY = 0;

  private int[] table;
  private int[] keys;
  private float[] counts;
  private byte[] namespace;
  private int[] refSource;
  private int[] refStart;
  private int[] refEnd;
  private int size;
  private final CharSequence[] sources;

  FeatureVector(CharSequence[] sources, int expected) {
    this.sources = sources;
    int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
    table = new int[cap];
    keys = new int[expected];
    counts = new float[expected];
    namespace = new byte[expected];
    refSource = new int[expected];
    refStart = new int[expected];
    refEnd = new int[expected];
  }

  int size() {
    return size;
  }

  int key(int i) {
    return keys[i];
  }

  float count(int i) {
    return counts[i];
  }

  Namespace namespace(int i) {
    return Namespace.ALL[namespace[i]];
  }

  /** Adds {@code 1} to the feature {@code key}, remembering where its name is on first sight. */
  void add(int key, Namespace ns, int source, int start, int end) {
    // INVARIANT: table slots hold index + 1 of an entry, 0 meaning free
    int mask = table.length - 1;
    int slot = key & mask;
    while (true) {
      int e = table[slot];
      if (e == EMPTY) {
        break;
      }
      if (keys[e - 1] == key) {
        counts[e - 1] += 1f;
        return;
      }
      slot = (slot + 1) & mask;
    }
    if (size == keys.length) {
      grow();
      add(key, ns, source, start, end);
      return;
    }
    keys[size] = key;
    counts[size] = 1f;
    namespace[size] = (byte) ns.ordinal();
    refSource[size] = source;
    refStart[size] = start;
    refEnd[size] = end;
    size++;
    table[slot] = size;
    if (size * 2 > table.length) {
      rehash(table.length * 2);
    }
  }

  private void grow() {
    int cap = keys.length * 2;
    keys = Arrays.copyOf(keys, cap);
    counts = Arrays.copyOf(counts, cap);
    namespace = Arrays.copyOf(namespace, cap);
    refSource = Arrays.copyOf(refSource, cap);
    refStart = Arrays.copyOf(refStart, cap);
    refEnd = Arrays.copyOf(refEnd, cap);
  }

  private void rehash(int cap) {
    table = new int[cap];
    int mask = cap - 1;
    for (int i = 0; i < size; i++) {
      int slot = keys[i] & mask;
      while (table[slot] != EMPTY) {
        slot = (slot + 1) & mask;
      }
      table[slot] = i + 1;
    }
  }

  /** The readable name of feature {@code i}, e.g. {@code subject:free}, {@code link:x.example}. */
  String name(int i) {
    Namespace ns = namespace(i);
    CharSequence src = sources[refSource[i]];
    StringBuilder b = new StringBuilder(ns.prefix());
    boolean space = false;
    for (int k = refStart[i]; k < refEnd[i]; k++) {
      char c = src.charAt(k);
      if (!Tokens.isTokenChar(c) && c != '!' && ns.isToken()) {
        space = true;
        continue;
      }
      if (space && b.length() > ns.prefix().length()) {
        b.append(' ');
      }
      space = false;
      b.append(c);
    }
    // feature hashes ignore case, so names are shown in lower case
    return b.toString().toLowerCase(Locale.ROOT);
  }

  /** The kinds of feature, each with its own hash seed and name prefix. */
  enum Namespace {
    BODY(""),
    SUBJECT("subject:"),
    LINK("link:"),
    HEADER(""),
    ANOMALY("anomaly:"),
    SHAPE(""),
    FROM_TEXT("from:"),
    TO_TEXT("to:"),
    MAILER_TEXT("mailer:"),
    URL_TEXT("url:"),
    CHARS("chars:");

    private static final Namespace[] ALL = values();

    private final String prefix;

    Namespace(String prefix) {
      this.prefix = prefix;
    }

    String prefix() {
      return prefix;
    }

    boolean isText() {
      return this == BODY || this == SUBJECT;
    }

    boolean isToken() {
      return isText() || this == FROM_TEXT || this == TO_TEXT || this == MAILER_TEXT
          || this == URL_TEXT;
    }

    int seed() {
      return 0x9e3779b9 * (ordinal() + 1);
    }
  }
}
