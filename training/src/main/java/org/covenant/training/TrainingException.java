package org.covenant.training;

import org.covenant.core.CovenantException;

/**
 * The training module's exception family: infrastructure failures (a file that cannot be written,
 * a log that cannot be opened) and broken invariants. Bad input is never thrown: readers and
 * builders return {@link org.covenant.format.Result} values whose problems name the record or the
 * byte offset.
 */
public final class TrainingException extends CovenantException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception carrying a lowercase snake error code. */
  public TrainingException(String code, String message) {
    super(code, message);
  }

  /** Creates an exception carrying a lowercase snake error code and a cause. */
  public TrainingException(String code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
