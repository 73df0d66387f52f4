package org.covenant.telemetry;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The types a telemetry field may declare. The first six can carry neither customer content nor a
 * direct identifier and have a columnar encoding ({@link CtelFile}); the others are recognised so that
 * the schema review ({@link SchemaReviewer}) can reject them with a reason instead of failing to parse.
 */
public enum FieldType {
  /** A pseudonymous id ({@code a-3f9c…}): allowed, it identifies no one without the key. */
  PSEUDONYM(true),
  /** One of the public regions (the partitions of every aggregate). */
  REGION(true),
  /** One of a closed list of short tokens declared in the schema. */
  ENUM(true),
  /** A bounded 32-bit integer ({@code min} and {@code max} required). */
  INT(true),
  /** An instant, stored as seconds from the file's base. */
  TIMESTAMP(true),
  /** A boolean. */
  BOOL(true),
  /** Unbounded string: can carry free text. */
  STRING(false),
  /** Free text: can carry chat, titles, transcripts. */
  TEXT(false),
  /** Structured blob: can carry anything. */
  JSON(false),
  /** Raw bytes: can carry anything. */
  BYTES(false),
  /** A URL: its path and query can carry file names and meeting links. */
  URL(false),
  /** A direct identifier. */
  EMAIL(false),
  /** A direct identifier. */
  IP(false),
  /** A direct identifier. */
  PHONE(false),
  /** A direct identifier (a person's name). */
  NAME(false);

  private final boolean admissible;

  FieldType(boolean admissible) {
    this.admissible = admissible;
  }

  /** True when a field of this type can pass review (the type itself carries no content or identifier). */
  public boolean admissible() {
    return admissible;
  }

  /** True for types whose values are numbers or flags, never strings. */
  public boolean numeric() {
    return this == INT || this == TIMESTAMP || this == BOOL;
  }

  /** The schema spelling, lowercase. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type named {@code id} in a schema file. */
  public static Optional<FieldType> of(String id) {
    return Arrays.stream(values()).filter(t -> t.id().equals(id)).findFirst();
  }
}
