package org.covenant.safety;

/** Character classes and hashing shared by the feature extractor and the lure lexicon. */
final class Tokens {
  static final int MIN_LENGTH = 2;
  static final int MAX_LENGTH = 24;
  private static final boolean[] ASCII_TOKEN = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      ASCII_TOKEN[c] = true;
    }
    for (char c = 'A'; c <= 'Z'; c++) {
      ASCII_TOKEN[c] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      ASCII_TOKEN[c] = true;
    }
    ASCII_TOKEN['$'] = true;
    ASCII_TOKEN['\''] = true;
    ASCII_TOKEN['-'] = true;
    ASCII_TOKEN['_'] = true;
  }

  private Tokens() {}

  static boolean isTokenChar(char c) {
    return c < 128 ? ASCII_TOKEN[c] : Character.isLetterOrDigit(c);
  }

  static boolean isEdgeJunk(char c) {
    return c == '\'' || c == '-' || c == '_';
  }

  /** FNV-1a over the lowercased chars of {@code s[start, end)}: the namespace-free token hash. */
  static int hash(CharSequence s, int start, int end) {
    int h = 0x811c9dc5;
    for (int k = start; k < end; k++) {
      char c = s.charAt(k);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      } else if (c >= 128) {
        c = Character.toLowerCase(c);
      }
      h = (h ^ c) * 0x01000193;
    }
    return h;
  }

  /** The token hash of a whole string (for lexicons). */
  static int hash(CharSequence s) {
    return hash(s, 0, s.length());
  }

  /** The feature key of a base hash in a namespace: mixed so low bits are good buckets. */
  static int key(int base, int seed) {
    return fmix(base ^ seed);
  }

  /** The base hash of a token pair. */
  static int pair(int first, int second) {
    return first * 0x01000193 + second * 31 + 0x2545f491;
  }

  /** MurmurHash3's 32-bit finalizer. */
  static int fmix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
