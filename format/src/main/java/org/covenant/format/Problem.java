package org.covenant.format;

import java.util.Objects;

/**
 * Input that is not well-formed, with where it is: the source (a file name or {@code <stdin>}),
 * the position inside it (a line and column, or a path such as {@code events[3]}) and the field.
 * Problems are values: parsers return them, callers print them and exit 2 (ARCHITECTURE.md §8).
 *
 * @param source the file or stream
 * @param location where in it, e.g. {@code line 12, column 5} or {@code events[3]}
 * @param field the offending field, or empty when the whole item is wrong
 * @param message what is wrong, lowercase, user input in backticks
 */
public record Problem(String source, String location, String field, String message) {
  /** Validates the fields. */
  public Problem {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /** One line for humans: {@code file: events[3]: field `at`: bad timestamp}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(source);
    if (!location.isEmpty()) {
      sb.append(": ").append(location);
    }
    if (!field.isEmpty()) {
      sb.append(": field `").append(field).append('`');
    }
    return sb.append(": ").append(message).toString();
  }
}
