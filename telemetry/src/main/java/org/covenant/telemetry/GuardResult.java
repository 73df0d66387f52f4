package org.covenant.telemetry;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@link IngestionGuard} let through, and what it kept out.
 *
 * @param accepted the valid events per type: region columns recoded to the index of the public
 *     region ({@code regions} order), every table clustered by account
 * @param regions the public partitions the region codes index
 * @param baseEpochSecond the window start of the timestamps
 * @param spanSeconds the window length
 * @param read events read
 * @param byReason quarantined or dropped events per {@link QuarantineReason#code()}, in check order
 * @param byField the same per {@code type.field:reason} ({@code type:reason} for whole-table reasons)
 * @param samples the first few offenders (type, row, field, reason): never the offending value, so
 *     that the quarantine does not spread the content it keeps out
 */
public record GuardResult(
    Map<String, EventTable> accepted, List<String> regions, long baseEpochSecond, int spanSeconds,
    long read, Map<String, Long> byReason, Map<String, Long> byField, List<Sample> samples) {
  public GuardResult {
    accepted = Map.copyOf(accepted);
    regions = List.copyOf(regions);
    byReason = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byReason));
    byField = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(byField));
    samples = List.copyOf(samples);
  }

  /** One quarantined event, without its values. */
  public record Sample(String type, int row, String field, String reason) {
    public Sample {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The accepted table of {@code type}. */
  public Optional<EventTable> table(String type) {
    return Optional.ofNullable(accepted.get(type));
  }

  /** Events accepted, over all types. */
  public long acceptedEvents() {
    return accepted.values().stream().mapToLong(EventTable::rows).sum();
  }

  /** Events quarantined (broken), excluding policy drops. */
  public long quarantined() {
    return byReason.entrySet().stream()
        .filter(e -> !e.getKey().equals(QuarantineReason.OPTIONAL_NOT_ALLOWED.code()))
        .mapToLong(Map.Entry::getValue).sum();
  }

  /** Optional events dropped because {@code diagnostics.optional} was off for the user then. */
  public long dropped() {
    return byReason.getOrDefault(QuarantineReason.OPTIONAL_NOT_ALLOWED.code(), 0L);
  }
}
