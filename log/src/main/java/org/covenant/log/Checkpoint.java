package org.covenant.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A C2SP tlog-checkpoint body: the origin line, the decimal tree size, the base64 root hash and
 * optional extension lines. It is the text of a signed note ({@link SignedCheckpoint}); the log's
 * key name matches its origin (ARCHITECTURE.md §7).
 *
 * @param origin the log identity, e.g. {@code covenant.local/log}
 * @param size the number of leaves
 * @param root the RFC 9162 Merkle tree head at that size
 * @param extensions opaque non-empty extension lines (not recommended; Covenant writes none)
 */
public record Checkpoint(String origin, long size, Hash root, List<String> extensions) {
  /** Validates each line: non-empty origin and extensions without newlines, size >= 0. */
  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(root, "root");
    extensions = List.copyOf(extensions);
    if (origin.isEmpty() || origin.indexOf('\n') >= 0) {
      throw new LogException("bad_checkpoint", "the origin must be one non-empty line");
    }
    if (size < 0) {
      throw new LogException("bad_checkpoint", "the tree size must be non-negative");
    }
    for (String e : extensions) {
      if (e.isEmpty() || e.indexOf('\n') >= 0) {
        throw new LogException("bad_checkpoint", "extension lines must be non-empty lines");
      }
    }
  }

  /** A checkpoint with no extension lines. */
  public static Checkpoint of(String origin, long size, Hash root) {
    return new Checkpoint(origin, size, root, List.of());
  }

  /** The note text: each line followed by a newline. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append(origin).append('\n').append(size).append('\n').append(root.base64()).append('\n');
    for (String e : extensions) {
      b.append(e).append('\n');
    }
    return b.toString();
  }

  /**
   * Parses a checkpoint note text. Fails with {@code malformed_checkpoint} when there are fewer
   * than three lines, a line is empty, the size is not a canonical decimal or the root is not 32
   * bytes of base64.
   */
  public static Checked<Checkpoint> parse(String text) {
    if (!text.endsWith("\n")) {
      return malformed("the text must end in a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      return malformed("a checkpoint has at least three lines");
    }
    for (String line : lines) {
      if (line.isEmpty()) {
        return malformed("empty line");
      }
    }
    String size = lines[1];
    if (!size.chars().allMatch(c -> c >= '0' && c <= '9')
        || (size.length() > 1 && size.charAt(0) == '0')
        || size.length() > 19) {
      return malformed("tree size `" + size + "` is not a decimal number");
    }
    long n;
    try {
      n = Long.parseLong(size);
    } catch (NumberFormatException e) {
      return malformed("tree size `" + size + "` is too large");
    }
    Checked<Hash> root = Hash.fromBase64(lines[2]);
    if (!(root instanceof Checked.Ok<Hash> ok)) {
      return malformed("root `" + lines[2] + "` is not 32 bytes of base64");
    }
    List<String> ext = new ArrayList<>(List.of(lines).subList(3, lines.length));
    return Checked.ok(new Checkpoint(lines[0], n, ok.value(), ext));
  }

  private static <T> Checked<T> malformed(String why) {
    return Checked.failed("malformed_checkpoint", why);
  }
}
