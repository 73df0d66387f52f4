package org.covenant.training;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * An immutable column of strings stored as one UTF-8 blob and {@code count + 1} offsets: the
 * layout used on disk by {@link CorpusFile}, so reading is a bulk copy. Also serves as a
 * dictionary (id → index) through {@link #indexOf}.
 */
public final class Strings {
  private final byte[] blob;
  private final int[] offsets;
  private volatile Map<String, Integer> index;

  Strings(byte[] blob, int[] offsets) {
    this.blob = blob;
    this.offsets = offsets;
  }

  /** An empty column. */
  static Strings empty() {
    return new Strings(new byte[0], new int[] {0});
  }

  /** The number of strings. */
  public int size() {
    return offsets.length - 1;
  }

  /** String {@code i}. */
  public String get(int i) {
    return new String(blob, offsets[i], offsets[i + 1] - offsets[i], StandardCharsets.UTF_8);
  }

  /** The UTF-8 bytes of string {@code i}. */
  public byte[] bytes(int i) {
    return Arrays.copyOfRange(blob, offsets[i], offsets[i + 1]);
  }

  /** The index of {@code s}, or -1 (the first one when a string repeats). */
  public int indexOf(String s) {
    Map<String, Integer> m = index;
    if (m == null) {
      m = new HashMap<>(size() * 2);
      for (int i = size() - 1; i >= 0; i--) {
        m.put(get(i), i);
      }
      index = m;
    }
    Integer found = m.get(s);
    return found == null ? -1 : found;
  }

  byte[] blob() {
    return blob;
  }

  int[] offsets() {
    return offsets;
  }

  /** Builds a column, optionally deduplicating (a dictionary). */
  static final class Builder {
    private byte[] blob = new byte[1 << 12];
    private int[] offsets = new int[1 << 8];
    private int count;
    private final Map<String, Integer> dedup;

    Builder(boolean dictionary) {
      dedup = dictionary ? new HashMap<>() : null;
    }

    /** Appends (or, in a dictionary, finds) {@code s} and returns its index. */
    int add(String s) {
      if (dedup != null) {
        Integer found = dedup.get(s);
        if (found != null) {
          return found;
        }
        dedup.put(s, count);
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      int end = offsets[count];
      long need = (long) end + b.length;
      if (need > Integer.MAX_VALUE - 16) {
        throw new TrainingException("corpus_too_large", "a string column passed 2 GiB");
      }
      if (need > blob.length) {
        blob = Arrays.copyOf(blob, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, blob.length * 2L)));
      }
      System.arraycopy(b, 0, blob, end, b.length);
      if (count + 2 > offsets.length) {
        offsets = Arrays.copyOf(offsets, offsets.length * 2);
      }
      offsets[count + 1] = end + b.length;
      return count++;
    }

    int size() {
      return count;
    }

    Strings build() {
      return new Strings(Arrays.copyOf(blob, offsets[count]), Arrays.copyOf(offsets, count + 1));
    }
  }
}
