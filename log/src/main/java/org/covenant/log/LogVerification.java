package org.covenant.log;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What {@link LogVerifier} found: the log verified, or the first bad file. A value, never an
 * exception (ARCHITECTURE.md §7, STYLE.md "Types and errors").
 */
public sealed interface LogVerification {

  /**
   * Every leaf, tile and stored checkpoint checked out.
   *
   * @param size the tree size of the latest checkpoint
   * @param leaves the number of leaves rehashed from entry bundles
   * @param tiles the number of hash tile files compared, partial tiles kept for older checkpoints
   *     included
   * @param checkpoints the number of stored checkpoints verified (signature and consistency)
   */
  record Passed(long size, long leaves, long tiles, int checkpoints) implements LogVerification {}

  /**
   * The first bad file.
   *
   * @param code lowercase snake: {@code checkpoint_missing}, {@code malformed_note}, {@code
   *     invalid_signature}, {@code unverified_note}, {@code malformed_checkpoint}, {@code
   *     checkpoint_origin_mismatch}, {@code bundle_missing}, {@code malformed_bundle}, {@code
   *     leaf_hash_mismatch}, {@code tile_missing}, {@code tile_mismatch}, {@code root_mismatch},
   *     {@code checkpoint_size_mismatch}, {@code checkpoint_root_mismatch}, {@code
   *     checkpoint_inconsistent} (not returned: every kept checkpoint's root is compared with the
   *     root of its first leaves first, which makes consecutive ones consistent; the whole-tree
   *     verifier could not reach it either), {@code checkpoint_history_missing}, {@code log_io}
   * @param file the bad file, relative to {@code DIR/log/} (e.g. {@code tile/0/x001/234})
   * @param leafIndex the first leaf the bad data covers, when it covers leaves
   * @param message what is wrong, lowercase
   */
  record Failed(String code, String file, OptionalLong leafIndex, String message)
      implements LogVerification {
    /** Requires every part. */
    public Failed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(leafIndex, "leafIndex");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Whether the log verified. */
  default boolean ok() {
    return this instanceof Passed;
  }
}
