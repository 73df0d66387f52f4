package org.covenant.telemetry;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of reviewing a catalogue: it passes when no problem was found. A problem names the
 * event type, the field (empty for the event as a whole), a lowercase snake code and a reason.
 */
public record SchemaReview(String catalogue, int schemas, List<Finding> problems) {
  public SchemaReview {
    Objects.requireNonNull(catalogue, "catalogue");
    problems = List.copyOf(problems);
  }

  /** True when every schema passed. */
  public boolean passed() {
    return problems.isEmpty();
  }

  /** True when the schema of {@code type} passed (its events may be ingested). */
  public boolean passed(String type) {
    return problems.stream().noneMatch(p -> p.type().equals(type));
  }

  /**
   * One reason a schema fails review.
   *
   * @param type the event type
   * @param field the offending field, or empty when the problem is the event's
   * @param code {@code customer_content}, {@code free_text}, {@code url_with_path},
   *     {@code direct_identifier}, {@code unbounded_number}, {@code unbounded_enum},
   *     {@code customer_content_category}, {@code missing_privacy_unit}, {@code missing_timestamp}
   * @param reason lowercase, names the field in backticks
   */
  public record Finding(String type, String field, String code, String reason) {
    public Finding {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
