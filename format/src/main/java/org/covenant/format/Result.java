package org.covenant.format;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** A parse result: a value, or the problems that kept it from being one. */
public sealed interface Result<T> {
  /** The value. */
  record Ok<T>(T value) implements Result<T> {
    /** Validates the value. */
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The problems (at least one). */
  record Failed<T>(List<Problem> problems) implements Result<T> {
    /** Validates and copies. */
    public Failed {
      problems = List.copyOf(problems);
      if (problems.isEmpty()) {
        throw new IllegalArgumentException("a failure needs at least one problem");
      }
    }
  }

  /** A value. */
  static <T> Result<T> ok(T value) {
    return new Ok<>(value);
  }

  /** One problem. */
  static <T> Result<T> failed(Problem problem) {
    return new Failed<>(List.of(problem));
  }

  /** The value, or throws {@link FormatException} naming the first problem (for callers that treat input as trusted, such as built-in resources). */
  default T orThrow() {
    if (this instanceof Ok<T> ok) {
      return ok.value();
    }
    Problem p = ((Failed<T>) this).problems().get(0);
    throw new FormatException(p.location(), p.field(), p.toString());
  }

  /** Maps the value. */
  default <U> Result<U> map(Function<T, U> f) {
    if (this instanceof Ok<T> ok) {
      return new Ok<>(f.apply(ok.value()));
    }
    return new Failed<>(((Failed<T>) this).problems());
  }
}
