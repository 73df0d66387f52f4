package org.covenant.telemetry;

import java.util.Objects;

/**
 * Invalid input, as a value: the file, the field (a path such as {@code events[2].fields[0].type})
 * and a lowercase message. The CLI turns it into exit code 2.
 */
public record InputProblem(String file, String field, String message) {
  public InputProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /** One line for humans: {@code FILE: FIELD: MESSAGE}. */
  public String describe() {
    return file + ": " + (field.isEmpty() ? "" : field + ": ") + message;
  }
}
