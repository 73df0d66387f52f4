package org.covenant.evidence.receipt;

import java.util.Objects;

/**
 * The result of verifying a consent receipt offline: verified, or rejected with a lowercase snake
 * code ({@code malformed_receipt}, {@code receipt_key_mismatch}, {@code bad_receipt_signature}, the
 * checkpoint's {@code malformed_note}, {@code invalid_signature}, {@code unverified_note}, {@code
 * malformed_checkpoint}, or {@code receipt_not_included}) and a message. A value, never an
 * exception.
 */
public sealed interface ReceiptVerification {

  /**
   * Every check passed.
   *
   * @param receipt the verified receipt body
   * @param leafIndex its leaf index
   * @param treeSize the size of the checkpoint that includes it
   */
  record Verified(ConsentReceipt receipt, long leafIndex, long treeSize)
      implements ReceiptVerification {
    /** Requires the receipt. */
    public Verified {
      Objects.requireNonNull(receipt, "receipt");
    }
  }

  /**
   * A check failed.
   *
   * @param code the lowercase snake code of the first failed check
   * @param message what failed
   */
  record Rejected(String code, String message) implements ReceiptVerification {
    /** Requires both parts. */
    public Rejected {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Whether the receipt verified. */
  default boolean ok() {
    return this instanceof Verified;
  }
}
