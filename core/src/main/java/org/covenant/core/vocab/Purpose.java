package org.covenant.core.vocab;

import java.util.Objects;

/**
 * A processing purpose of the built-in taxonomy (ARCHITECTURE.md §2).
 *
 * @param id stable id, e.g. {@code ai.training}
 * @param ordinal dense index into {@link Vocabulary#purposes()}
 * @param fideslang the fideslang data use key
 * @param dpv the W3C DPV purpose concept (prefixed IRI)
 */
public record Purpose(String id, int ordinal, String fideslang, String dpv) {
  /** Validates the fields. */
  public Purpose {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(fideslang, "fideslang");
    Objects.requireNonNull(dpv, "dpv");
  }
}
