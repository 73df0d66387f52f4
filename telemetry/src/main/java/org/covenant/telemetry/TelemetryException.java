package org.covenant.telemetry;

/**
 * The one unchecked exception family of the telemetry module: bugs and infrastructure failures
 * (an unreadable file, a chart that cannot be written), never outcomes. Invalid input is returned
 * as an {@link InputProblem}, a rejected schema as a {@link SchemaReview}, a quarantined event as a
 * count in {@link GuardResult}.
 */
public final class TelemetryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  /**
   * @param code lowercase snake error code, e.g. {@code io_error}
   * @param message lowercase message without a final period
   */
  public TelemetryException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** As {@link #TelemetryException(String, String)} with the underlying cause. */
  public TelemetryException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The lowercase snake error code, the same string in CLI output and logs. */
  public String code() {
    return code;
  }
}
