package org.covenant.core;

/**
 * The core's exception family: thrown only for programming errors and broken invariants, never
 * for outcomes (a denial is a {@code Decision}, a rejected event a {@code Rejection}).
 */
public class CovenantException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;

  /** Creates an exception carrying a lowercase snake error code. */
  public CovenantException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** Creates an exception carrying a lowercase snake error code and a cause. */
  public CovenantException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The error code, the same string in CLI output, REST problems and logs. */
  public String code() {
    return code;
  }
}
