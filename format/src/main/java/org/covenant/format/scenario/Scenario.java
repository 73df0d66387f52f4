package org.covenant.format.scenario;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A scenario file (ARCHITECTURE.md §8): events to append, each with what is expected of it, and
 * queries evaluated as of their own time.
 *
 * @param source the file it was read from
 * @param description documentation only
 * @param termsDir user terms to add to the built-in ones, resolved against the file
 * @param events the events in ledger order
 * @param queries the queries in file order
 */
public record Scenario(
    String source,
    Optional<String> description,
    Optional<Path> termsDir,
    List<ScenarioEvent> events,
    List<Query> queries) {
  /** Validates and copies. */
  public Scenario {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(termsDir, "termsDir");
    events = List.copyOf(events);
    queries = List.copyOf(queries);
  }
}
