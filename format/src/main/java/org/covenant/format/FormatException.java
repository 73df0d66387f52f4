package org.covenant.format;

import java.util.Objects;
import org.covenant.core.CovenantException;

/**
 * Thrown inside parsers to unwind to the point that knows the source and position, where it
 * becomes a {@link Problem}. It never escapes a public parse method as an exception unless the
 * method says so.
 */
public final class FormatException extends CovenantException {
  private static final long serialVersionUID = 1L;
  private final String field;
  private final String location;

  /** A problem with one field. */
  public FormatException(String field, String message) {
    this("", field, message);
  }

  /** A problem at a location, with one field. */
  public FormatException(String location, String field, String message) {
    super("invalid_input", message);
    this.location = Objects.requireNonNull(location, "location");
    this.field = Objects.requireNonNull(field, "field");
  }

  /** The offending field, or empty. */
  public String field() {
    return field;
  }

  /** Where inside the source, or empty. */
  public String location() {
    return location;
  }

  /** As a problem in a source, prefixing an outer location when this one has none. */
  public Problem toProblem(String source, String outerLocation) {
    String loc = location.isEmpty() ? outerLocation
        : outerLocation.isEmpty() ? location : outerLocation + ": " + location;
    return new Problem(source, loc, field, getMessage());
  }
}
