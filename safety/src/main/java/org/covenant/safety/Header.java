package org.covenant.safety;

import java.util.Objects;

/**
 * One message header as it arrived, unfolded and with RFC 2047 encoded words decoded.
 *
 * @param name the field name as written (compare case-insensitively)
 * @param value the unfolded, decoded field body, trimmed
 */
public record Header(String name, String value) {
  /** Validates that both parts are present and the name is not blank. */
  public Header {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isBlank()) {
      throw new IllegalArgumentException("header name is blank");
    }
  }

  /** Whether this header's name equals {@code other}, ignoring case. */
  public boolean is(String other) {
    return name.equalsIgnoreCase(other);
  }
}
