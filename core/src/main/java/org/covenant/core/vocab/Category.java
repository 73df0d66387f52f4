package org.covenant.core.vocab;

import java.util.Objects;

/**
 * A data category of the built-in taxonomy (ARCHITECTURE.md §2), with its owner and the fideslang
 * key and W3C DPV concept it maps to for export.
 *
 * @param id stable id, e.g. {@code customer_content.audio}
 * @param ordinal dense index into {@link Vocabulary#categories()}, for array-indexed lookups
 * @param owner the customer or the platform
 * @param identifiable false for aggregated data (no identifiers)
 * @param fideslang the fideslang data category key
 * @param dpv the W3C DPV concept (prefixed IRI)
 */
public record Category(
    String id, int ordinal, Owner owner, boolean identifiable, String fideslang, String dpv) {
  /** Validates the id and mappings. */
  public Category {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(fideslang, "fideslang");
    Objects.requireNonNull(dpv, "dpv");
  }

  /** The family, the part before the dot ({@code customer_content}). */
  public String family() {
    int dot = id.indexOf('.');
    return dot < 0 ? id : id.substring(0, dot);
  }
}
