package org.covenant.telemetry;

import java.util.List;
import java.util.Objects;

/**
 * One declared field of a telemetry event type.
 *
 * @param name snake_case field name
 * @param type declared type
 * @param required whether an event must carry a value
 * @param min inclusive lower bound ({@link FieldType#INT} only; {@code Long.MIN_VALUE} when absent)
 * @param max inclusive upper bound ({@link FieldType#INT} only; {@code Long.MAX_VALUE} when absent)
 * @param values the closed value list ({@link FieldType#ENUM} only; empty otherwise)
 */
public record FieldSpec(
    String name, FieldType type, boolean required, long min, long max, List<String> values) {
  public FieldSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    values = List.copyOf(values);
    if (name.isBlank()) {
      throw new IllegalArgumentException("field name is blank");
    }
    if (min > max) {
      throw new IllegalArgumentException("min > max for field `" + name + "`");
    }
  }

  /** A field without bounds or values. */
  public static FieldSpec of(String name, FieldType type, boolean required) {
    return new FieldSpec(name, type, required, Long.MIN_VALUE, Long.MAX_VALUE, List.of());
  }

  /** True when both bounds are declared and fit a 32-bit column. */
  public boolean bounded() {
    return min > Integer.MIN_VALUE && max <= Integer.MAX_VALUE;
  }
}
