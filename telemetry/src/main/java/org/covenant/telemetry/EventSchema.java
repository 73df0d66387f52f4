package org.covenant.telemetry;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The declaration of one telemetry event type: its data category (a
 * {@code service_generated.*} category of ARCHITECTURE.md §2), its classification and its fields.
 * Every event carries {@code account} (the privacy unit, a pseudonym) and {@code at}.
 */
public record EventSchema(
    String type, String category, Classification classification, String description,
    List<FieldSpec> fields) {
  public EventSchema {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(classification, "classification");
    Objects.requireNonNull(description, "description");
    fields = List.copyOf(fields);
    Set<String> seen = new HashSet<>();
    for (FieldSpec f : fields) {
      if (!seen.add(f.name())) {
        throw new IllegalArgumentException("duplicate field `" + f.name() + "` in `" + type + "`");
      }
    }
  }

  /** The field named {@code name}. */
  public Optional<FieldSpec> field(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst();
  }
}
