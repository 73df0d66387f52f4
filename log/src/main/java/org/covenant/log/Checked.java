package org.covenant.log;

import java.util.Objects;
import java.util.function.Function;

/**
 * The result of checking untrusted input (a note, a checkpoint, a key, an entry bundle): either the
 * value or a failure with a lowercase snake code and a message. Failures are ordinary outcomes, not
 * exceptions (STYLE.md, "Types and errors").
 *
 * @param <T> the value type
 */
public sealed interface Checked<T> {

  /** A successful outcome carrying its value. */
  record Ok<T>(T value) implements Checked<T> {
    /** Rejects a null value: absence is a {@link Failed}, never null. */
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A failed outcome: {@code code} is lowercase snake, {@code message} says what and where. */
  record Failed<T>(String code, String message) implements Checked<T> {
    /** Requires a non-blank code and a message. */
    public Failed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
      if (code.isBlank()) {
        throw new IllegalArgumentException("code must not be blank");
      }
    }
  }

  /** A successful outcome. */
  static <T> Checked<T> ok(T value) {
    return new Ok<>(value);
  }

  /** A failed outcome. */
  static <T> Checked<T> failed(String code, String message) {
    return new Failed<>(code, message);
  }

  /** Whether this is an {@link Ok}. */
  default boolean isOk() {
    return this instanceof Ok;
  }

  /**
   * The value, for callers that know the input is trusted (their own files, constants in tests).
   *
   * @throws LogException with the failure's code when this is a {@link Failed}
   */
  default T orThrow() {
    if (this instanceof Ok<T> ok) {
      return ok.value();
    }
    Failed<T> failed = (Failed<T>) this;
    throw new LogException(failed.code(), failed.message());
  }

  /** The failure code, or {@code "ok"} for a success. */
  default String code() {
    return this instanceof Failed<T> failed ? failed.code() : "ok";
  }

  /** Applies {@code f} to a success; a failure passes through with its code and message. */
  default <R> Checked<R> map(Function<? super T, ? extends R> f) {
    if (this instanceof Ok<T> ok) {
      return Checked.ok(f.apply(ok.value()));
    }
    Failed<T> failed = (Failed<T>) this;
    return Checked.failed(failed.code(), failed.message());
  }

  /** Applies the next check {@code f} to a success; a failure passes through unchanged. */
  default <R> Checked<R> flatMap(Function<? super T, Checked<R>> f) {
    if (this instanceof Ok<T> ok) {
      return f.apply(ok.value());
    }
    Failed<T> failed = (Failed<T>) this;
    return Checked.failed(failed.code(), failed.message());
  }
}
