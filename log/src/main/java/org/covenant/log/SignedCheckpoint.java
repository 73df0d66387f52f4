package org.covenant.log;

import java.util.Objects;

/**
 * A checkpoint together with the exact signed note it came from, as served at {@code
 * DIR/log/checkpoint} (C2SP tlog-checkpoint in a C2SP signed-note). The note is what a receipt
 * embeds and what any signed-note verifier checks.
 *
 * @param checkpoint the parsed body
 * @param note the whole signed note text, signature lines included
 */
public record SignedCheckpoint(Checkpoint checkpoint, String note) {
  /** Requires both parts. */
  public SignedCheckpoint {
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(note, "note");
  }

  /** Signs {@code checkpoint} with {@code signer}. */
  public static SignedCheckpoint sign(Checkpoint checkpoint, NoteSigner signer) {
    return new SignedCheckpoint(checkpoint, SignedNote.sign(checkpoint.text(), signer));
  }

  /**
   * Verifies {@code note} with {@code verifier} and parses its text as a checkpoint. Fails with the
   * codes of {@link SignedNote#open} and {@link Checkpoint#parse}.
   */
  public static Checked<SignedCheckpoint> open(String note, NoteVerifier verifier) {
    return SignedNote.open(note, verifier)
        .flatMap(Checkpoint::parse)
        .map(c -> new SignedCheckpoint(c, note));
  }

  /** The tree size. */
  public long size() {
    return checkpoint.size();
  }

  /** The root hash. */
  public Hash root() {
    return checkpoint.root();
  }
}
