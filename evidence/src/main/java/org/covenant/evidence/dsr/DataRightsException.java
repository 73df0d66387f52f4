package org.covenant.evidence.dsr;

import org.covenant.core.CovenantException;

/**
 * A data subject request that cannot be served as asked ({@code unknown_subject},
 * {@code subject_erased}, {@code log_behind}, {@code unknown_request}, …): the code is the same
 * string in the CLI, the REST problem and the logs.
 */
public final class DataRightsException extends CovenantException {
  private static final long serialVersionUID = 1L;

  /** An exception with its code and a message naming the input. */
  public DataRightsException(String code, String message) {
    super(code, message);
  }
}
