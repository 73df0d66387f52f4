package org.covenant.training;

import java.util.Arrays;

/**
 * Non-negative counts by int key (open addressing, linear probing): the per-group token counts of
 * {@link NaiveBayes}. Keys are {@code label * buckets + bucket}, never negative.
 */
final class SparseCounts {
  private static final int EMPTY = -1;
  private int[] keys;
  private long[] values;
  private int size;

  SparseCounts() {
    keys = new int[16];
    Arrays.fill(keys, EMPTY);
    values = new long[16];
  }

  void add(int key, long delta) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != EMPTY && keys[i] != key) {
      i = (i + 1) & mask;
    }
    if (keys[i] == EMPTY) {
      keys[i] = key;
      size++;
    }
    values[i] += delta;
  }

  int size() {
    return size;
  }

  /** Keys with non-zero counts, sorted. */
  int[] sortedKeys() {
    int[] out = new int[size];
    int w = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != EMPTY && values[i] != 0) {
        out[w++] = keys[i];
      }
    }
    out = Arrays.copyOf(out, w);
    Arrays.sort(out);
    return out;
  }

  long get(int key) {
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != EMPTY) {
      if (keys[i] == key) {
        return values[i];
      }
      i = (i + 1) & mask;
    }
    return 0;
  }

  private static int mix(int k) {
    int h = k * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private void grow() {
    int[] oldK = keys;
    long[] oldV = values;
    keys = new int[oldK.length * 2];
    Arrays.fill(keys, EMPTY);
    values = new long[oldK.length * 2];
    size = 0;
    for (int i = 0; i < oldK.length; i++) {
      if (oldK[i] != EMPTY) {
        add(oldK[i], oldV[i]);
      }
    }
  }
}
