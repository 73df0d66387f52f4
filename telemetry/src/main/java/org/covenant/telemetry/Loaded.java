package org.covenant.telemetry;

import java.util.Objects;

/**
 * The outcome of reading input: the value, or the {@link InputProblem} that made the input invalid.
 *
 * @param <T> the value read
 */
public sealed interface Loaded<T> {

  /** The input was valid. */
  record Ok<T>(T value) implements Loaded<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The input was invalid; nothing was read. */
  record Invalid<T>(InputProblem problem) implements Loaded<T> {
    public Invalid {
      Objects.requireNonNull(problem, "problem");
    }
  }

  static <T> Loaded<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> Loaded<T> invalid(String file, String field, String message) {
    return new Invalid<>(new InputProblem(file, field, message));
  }

  /** The value, or a {@link TelemetryException} {@code invalid_input} for callers that treat it as a bug. */
  default T orThrow() {
    if (this instanceof Ok<T> ok) {
      return ok.value();
    }
    InputProblem p = ((Invalid<T>) this).problem();
    throw new TelemetryException("invalid_input", p.describe());
  }
}
