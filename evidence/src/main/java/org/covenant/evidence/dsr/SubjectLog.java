package org.covenant.evidence.dsr;

import org.covenant.evidence.LedgerFeed;

/**
 * What a data subject request needs of the transparency log's writer (docs/DATA-RIGHTS-DSR.md):
 * the log level with the ledger before an export, and a person's salt erased after their
 * erasure's events are logged. In a data directory that is the process's own {@link LedgerFeed};
 * in a cluster, the elected writer, which may be another member (docs/CLUSTER.md).
 */
public interface SubjectLog {
  /** Brings the log level with the ledger (or waits, for a while, for its writer to). */
  void catchUp();

  /**
   * Logs every ledger event, then erases the salt of {@code subject} of {@code account}.
   *
   * @return whether a salt was erased
   */
  boolean erase(String account, String subject);

  /** The log's writer is this process's {@code feed}. */
  static SubjectLog of(LedgerFeed feed) {
    return new SubjectLog() {
      @Override
      public void catchUp() {
        feed.catchUp();
      }

      @Override
      public boolean erase(String account, String subject) {
        return feed.erase(account, subject);
      }
    };
  }
}
