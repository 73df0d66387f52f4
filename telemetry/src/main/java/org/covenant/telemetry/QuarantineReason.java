package org.covenant.telemetry;

import java.util.Locale;

/**
 * Why the {@link IngestionGuard} quarantined an event (never aggregated) or dropped it. The first
 * failing check is the reason; checks run in this order: the table's type and schema
 * ({@code unknown_type}, {@code schema_rejected}, {@code wrong_type}); undeclared fields
 * ({@code direct_identifier} when the value looks like one, else {@code unexpected_field});
 * pseudonym fields ({@code direct_identifier}, {@code invalid_pseudonym}); required fields
 * ({@code missing_field}); each declared field in schema order ({@code unknown_value},
 * {@code out_of_range}); and last, for optional events, {@code optional_not_allowed}.
 */
public enum QuarantineReason {
  /** The event type is not in the catalogue. */
  UNKNOWN_TYPE,
  /** The event type's schema fails review: nothing of it is ingested. */
  SCHEMA_REJECTED,
  /** A declared field arrived with another encoding than its type. */
  WRONG_TYPE,
  /** A value looks like an email address, IP address or phone number. */
  DIRECT_IDENTIFIER,
  /** A field the schema does not declare carries a value. */
  UNEXPECTED_FIELD,
  /** A pseudonym field holds something that is not a pseudonym. */
  INVALID_PSEUDONYM,
  /** A required field is null. */
  MISSING_FIELD,
  /** A region, enum or flag outside its declared values. */
  UNKNOWN_VALUE,
  /** A number outside its bounds, or an instant outside the file's window. */
  OUT_OF_RANGE,
  /** Optional diagnostics from a user whose {@code diagnostics.optional} was off then: dropped. */
  OPTIONAL_NOT_ALLOWED;

  /** The lowercase snake code used in summaries and logs. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for {@link #OPTIONAL_NOT_ALLOWED}: a policy drop, not a broken event. */
  public boolean drop() {
    return this == OPTIONAL_NOT_ALLOWED;
  }
}
