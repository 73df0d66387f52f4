package org.covenant.telemetry;

/**
 * Receives progress of long runs (reading, guarding, generating, writing) so that a front end can
 * print a line with the rate. Called from the working thread, at most every few hundred thousand rows.
 */
@FunctionalInterface
public interface StageProgress {
  /**
   * @param stage what is being done, e.g. {@code read}
   * @param done units done so far in this stage
   * @param total units in this stage, or {@code -1} when unknown
   */
  void update(String stage, long done, long total);

  /** StageProgress that goes nowhere. */
  static StageProgress none() {
    return (stage, done, total) -> { };
  }
}
