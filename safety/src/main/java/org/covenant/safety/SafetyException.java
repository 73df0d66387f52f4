package org.covenant.safety;

import java.util.Objects;

/**
 * The one unchecked exception family of the safety module: bugs and infrastructure failures
 * (an unreadable corpus, a corrupt model file), never scan outcomes, which are values
 * ({@link ScanResult}, {@link ReviewOutcome}).
 *
 * <p>Each instance carries a lowercase snake error {@link #code()} (for example
 * {@code model_invalid}, {@code corpus_invalid}) that the CLI and the server report verbatim.
 */
public final class SafetyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  /** Creates an exception with error code {@code code} and a lowercase message. */
  public SafetyException(String code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** Creates an exception with error code {@code code}, a lowercase message and a cause. */
  public SafetyException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable lowercase snake error code, e.g. {@code model_invalid}. */
  public String code() {
    return code;
  }
}
