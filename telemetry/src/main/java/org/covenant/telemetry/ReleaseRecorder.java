package org.covenant.telemetry;

/**
 * Port: records each privacy release, e.g. as a transparency-log leaf (ARCHITECTURE.md §7). The
 * composition root wires it to the log; it is called after the ledger line is written.
 */
@FunctionalInterface
public interface ReleaseRecorder {
  /** Records one release's budget entry. */
  void record(BudgetEntry entry);

  /** A recorder that records nothing. */
  static ReleaseRecorder none() {
    return entry -> { };
  }
}
