package org.covenant.core.invariant;

import java.util.List;
import java.util.Objects;
import org.covenant.core.terms.Condition;
import org.covenant.core.vocab.Vocabulary;

/**
 * A property every terms version should have (ARCHITECTURE.md §5 invariants), as data: for every
 * matching (category, purpose) and every combination of settings, consents, notices and feature
 * states, an allow must satisfy each {@code allowRequires} condition, and must not happen at all
 * when {@code neverAllow}.
 *
 * @param id stable id
 * @param title the promise in words
 * @param categories category patterns it covers
 * @param purposes purpose patterns it covers
 * @param allowRequires conditions that must hold whenever the terms allow
 * @param neverAllow true when no allow is acceptable
 */
public record Invariant(
    String id,
    String title,
    List<String> categories,
    List<String> purposes,
    List<Condition> allowRequires,
    boolean neverAllow) {
  /** Validates and copies; an invariant must require something. */
  public Invariant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    categories = List.copyOf(categories);
    purposes = List.copyOf(purposes);
    allowRequires = List.copyOf(allowRequires);
    if (!neverAllow && allowRequires.isEmpty()) {
      throw new IllegalArgumentException("invariant `" + id
          + "` needs allow_requires or never_allow");
    }
  }

  /** Whether it covers this category and purpose. */
  public boolean covers(String category, String purpose) {
    return categories.stream().anyMatch(p -> Vocabulary.matches(p, category))
        && purposes.stream().anyMatch(p -> Vocabulary.matches(p, purpose));
  }
}
