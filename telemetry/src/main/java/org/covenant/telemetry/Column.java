package org.covenant.telemetry;

import java.util.Objects;

/**
 * One column of an {@link EventTable}: a name, an encoding and its values in one primitive array.
 * {@code i32} columns hold ints, timestamps (seconds from the file's base) and dictionary indexes
 * (pseudonyms, strings); {@code u8} columns hold regions, enums and flags as dictionary codes.
 * Nulls are {@link #NULL_I32} and {@link #NULL_U8}.
 *
 * <p>The arrays are shared, not copied, so that kernels run over them at memory speed: treat them as
 * read-only once the column is built.
 */
public final class Column {
  /** The null of an {@code i32} column. */
  public static final int NULL_I32 = Integer.MIN_VALUE;
  /** The null of a {@code u8} column (code 255). */
  public static final byte NULL_U8 = (byte) 0xFF;

  /** Column encodings; the code is the byte in the file. */
  public enum Encoding {
    I32(1, 4),
    U8(2, 1);

    final int code;
    final int width;

    Encoding(int code, int width) {
      this.code = code;
      this.width = width;
    }

    /** Bytes per value. */
    public int width() {
      return width;
    }

    static Encoding of(int code) {
      for (Encoding e : values()) {
        if (e.code == code) {
          return e;
        }
      }
      return null;
    }
  }

  private final String name;
  private final Encoding encoding;
  private final String dictionary;
  private final int[] ints;
  private final byte[] bytes;

  private Column(String name, Encoding encoding, String dictionary, int[] ints, byte[] bytes) {
    this.name = Objects.requireNonNull(name, "name");
    this.encoding = encoding;
    this.dictionary = Objects.requireNonNull(dictionary, "dictionary");
    this.ints = ints;
    this.bytes = bytes;
  }

  /** An {@code i32} column; {@code dictionary} names the dictionary its values index, or is empty. */
  public static Column ints(String name, String dictionary, int[] values) {
    return new Column(name, Encoding.I32, dictionary, Objects.requireNonNull(values), null);
  }

  /** A {@code u8} column; {@code dictionary} names the dictionary its codes index, or is empty. */
  public static Column bytes(String name, String dictionary, byte[] values) {
    return new Column(name, Encoding.U8, dictionary, null, Objects.requireNonNull(values));
  }

  public String name() {
    return name;
  }

  public Encoding encoding() {
    return encoding;
  }

  /** The name of the dictionary the values index, or empty for plain numbers. */
  public String dictionary() {
    return dictionary;
  }

  /** The values of an {@code i32} column (shared). */
  public int[] ints() {
    if (ints == null) {
      throw new TelemetryException("wrong_encoding", "column `" + name + "` is u8");
    }
    return ints;
  }

  /** The codes of a {@code u8} column (shared). */
  public byte[] bytes() {
    if (bytes == null) {
      throw new TelemetryException("wrong_encoding", "column `" + name + "` is i32");
    }
    return bytes;
  }

  /** Number of values. */
  public int rows() {
    return ints != null ? ints.length : bytes.length;
  }

  /** True when row {@code i} holds no value. */
  public boolean isNull(int i) {
    return ints != null ? ints[i] == NULL_I32 : bytes[i] == NULL_U8;
  }

  /** The column restricted to the rows where {@code keep} is true, in order ({@code kept} of them). */
  Column select(boolean[] keep, int kept) {
    if (ints != null) {
      int[] out = new int[kept];
      int j = 0;
      for (int i = 0; i < keep.length; i++) {
        if (keep[i]) {
          out[j++] = ints[i];
        }
      }
      return new Column(name, encoding, dictionary, out, null);
    }
    byte[] out = new byte[kept];
    int j = 0;
    for (int i = 0; i < keep.length; i++) {
      if (keep[i]) {
        out[j++] = bytes[i];
      }
    }
    return new Column(name, encoding, dictionary, null, out);
  }

  /** The column with rows in the order {@code perm}. */
  Column permute(int[] perm) {
    if (ints != null) {
      int[] out = new int[perm.length];
      for (int i = 0; i < perm.length; i++) {
        out[i] = ints[perm[i]];
      }
      return new Column(name, encoding, dictionary, out, null);
    }
    byte[] out = new byte[perm.length];
    for (int i = 0; i < perm.length; i++) {
      out[i] = bytes[perm[i]];
    }
    return new Column(name, encoding, dictionary, null, out);
  }

  /** The same values under another dictionary name (after the guard recoded them). */
  Column recoded(String newDictionary, byte[] codes) {
    return new Column(name, Encoding.U8, newDictionary, null, codes);
  }
}
