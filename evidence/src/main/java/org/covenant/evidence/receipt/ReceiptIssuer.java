package org.covenant.evidence.receipt;

import java.util.List;
import java.util.Objects;
import org.covenant.log.NoteSigner;
import org.covenant.log.SignedCheckpoint;
import org.covenant.log.TiledLog;

/**
 * Issues consent receipts against a writable log: appends the receipt's canonical JSON as one leaf
 * (a durable commit under a new signed checkpoint), then composes the {@link SignedReceipt} with
 * the inclusion proof against that checkpoint (ARCHITECTURE.md §7). Callers that batch the
 * receipt's leaf with other leaves use {@link SignedReceipt#issue} directly instead.
 */
public final class ReceiptIssuer {
  private final TiledLog log;
  private final NoteSigner signer;

  private ReceiptIssuer(TiledLog log, NoteSigner signer) {
    this.log = log;
    this.signer = signer;
  }

  /** An issuer appending to {@code log}, which {@code signer} signs. */
  public static ReceiptIssuer create(TiledLog log, NoteSigner signer) {
    return new ReceiptIssuer(
        Objects.requireNonNull(log, "log"), Objects.requireNonNull(signer, "signer"));
  }

  /**
   * Logs {@code receipt} and returns it signed, with its proof.
   *
   * @throws org.covenant.log.LogException when the log cannot commit (nothing is issued then)
   */
  public SignedReceipt issue(ConsentReceipt receipt) {
    long index = log.append(List.of(receipt.canonicalBytes()));
    // Another append may have committed meanwhile; any checkpoint at or after ours proves it.
    SignedCheckpoint checkpoint = log.checkpoint();
    return SignedReceipt.issue(
        receipt, signer, index, checkpoint, log.inclusionProof(index, checkpoint.size()));
  }
}
