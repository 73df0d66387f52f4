package org.covenant.log;

import java.util.Objects;

/**
 * The one unchecked exception family of the log module: an infrastructure failure (disk, missing
 * JDK algorithm) or a broken precondition (a bug in the caller), never an ordinary outcome.
 * Outcomes such as a bad signature or a tampered tile are values ({@link Checked}, {@link
 * LogVerification}). The {@link #code()} is a lowercase snake string, stable across CLI, REST and
 * logs (STYLE.md, "Types and errors").
 */
public final class LogException extends RuntimeException {
  private final String code;

  /** An exception with a stable error code and a lowercase message naming the offending input. */
  public LogException(String code, String message) {
    super(code + ": " + message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** As {@link #LogException(String, String)}, keeping the underlying cause. */
  public LogException(String code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The lowercase snake error code, e.g. {@code log_io} or {@code out_of_range}. */
  public String code() {
    return code;
  }
}
