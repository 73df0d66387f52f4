package org.covenant.log;

/**
 * Resource paths of the C2SP tlog-tiles layout, relative to the log prefix ({@code DIR/log/} on
 * disk, the same paths over HTTP): {@code checkpoint}, {@code tile/<L>/<N>[.p/<W>]} and {@code
 * tile/entries/<N>[.p/<W>]}, with {@code N} in zero-padded three-digit path elements, all but the
 * last prefixed with {@code x} (1234067 is {@code x001/x234/067}).
 */
public final class TilePaths {
  /** Hashes (or entries) in a full tile or bundle. */
  public static final int TILE_WIDTH = 256;

  /** The path of the latest signed checkpoint. */
  public static final String CHECKPOINT = "checkpoint";

  /** The directory that keeps every checkpoint the log signed, one file per tree size. */
  public static final String CHECKPOINTS = "checkpoints";

  private TilePaths() {}

  /**
   * The path of the hash tile at {@code level} and {@code index}, {@code width} hashes wide (256
   * for a full tile, 1 to 255 for a partial one).
   */
  public static String tile(int level, long index, int width) {
    if (level < 0 || level > 63) {
      throw new LogException("out_of_range", "tile level " + level + " is not in [0, 63]");
    }
    return "tile/" + level + "/" + encodeIndex(index) + widthSuffix(width);
  }

  /** The path of the entry bundle {@code index}, {@code width} entries wide. */
  public static String entries(long index, int width) {
    return "tile/entries/" + encodeIndex(index) + widthSuffix(width);
  }

  /** The path of the checkpoint of {@code size} leaves kept in {@link #CHECKPOINTS}. */
  public static String checkpointAt(long size) {
    return CHECKPOINTS + "/" + size;
  }

  /** {@code N} as tlog-tiles path elements: 0 is {@code 000}, 1234067 is {@code x001/x234/067}. */
  public static String encodeIndex(long n) {
    if (n < 0) {
      throw new LogException("out_of_range", "tile index " + n + " is negative");
    }
    String last = three(n % 1000);
    StringBuilder prefix = new StringBuilder();
    for (long rest = n / 1000; rest > 0; rest /= 1000) {
      prefix.insert(0, "x" + three(rest % 1000) + "/");
    }
    return prefix + last;
  }

  private static String widthSuffix(int width) {
    if (width < 1 || width > TILE_WIDTH) {
      throw new LogException("out_of_range", "tile width " + width + " is not in [1, 256]");
    }
    return width == TILE_WIDTH ? "" : ".p/" + width;
  }

  private static String three(long v) {
    String s = Long.toString(v);
    return "000".substring(s.length()) + s;
  }
}
