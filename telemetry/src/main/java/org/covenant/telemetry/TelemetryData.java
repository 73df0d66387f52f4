package org.covenant.telemetry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A telemetry data set in memory: the time window, the string dictionaries (pseudonyms, region
 * names, enum values) and one {@link EventTable} per event type. The file form is {@link CtelFile}.
 *
 * @param baseEpochSecond the window start; timestamps are seconds from it
 * @param spanSeconds window length: valid timestamps are in {@code [0, spanSeconds)}
 * @param clusteredByAccount whether every table is sorted by account (then by time), which lets the
 *     aggregation bound contributions in one streaming pass
 * @param dictionaries named string lists indexed by column values
 * @param tables event tables, one per type
 */
public record TelemetryData(
    long baseEpochSecond, int spanSeconds, boolean clusteredByAccount,
    Map<String, List<String>> dictionaries, List<EventTable> tables) {
  /** Dictionary of pseudonyms (accounts, users). */
  public static final String PSEUDONYMS = "pseudonyms";
  /** Dictionary of region names as written by the producer. */
  public static final String REGIONS = "regions";

  public TelemetryData {
    if (spanSeconds <= 0) {
      throw new IllegalArgumentException("spanSeconds must be positive");
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    dictionaries.forEach((k, v) -> copy.put(Objects.requireNonNull(k), List.copyOf(v)));
    dictionaries = java.util.Collections.unmodifiableMap(copy);
    tables = List.copyOf(tables);
  }

  /** The table of {@code type}. */
  public Optional<EventTable> table(String type) {
    return tables.stream().filter(t -> t.type().equals(type)).findFirst();
  }

  /** The dictionary named {@code name}, empty when absent. */
  public List<String> dictionary(String name) {
    return dictionaries.getOrDefault(name, List.of());
  }

  /** Total events in all tables. */
  public long events() {
    long n = 0;
    for (EventTable t : tables) {
      n += t.rows();
    }
    return n;
  }
}
