package org.covenant.core.invariant;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.covenant.core.terms.Evaluation;

/**
 * A counterexample: a world (the state of every atom the decision depends on) in which the terms
 * allow what the invariant rules out.
 *
 * @param invariant the invariant broken
 * @param terms the terms version
 * @param category the category
 * @param purpose the purpose
 * @param world each atom and its value, e.g. {@code consent.ai_training.at_use → missing}
 * @param evaluation what the terms answered in that world
 * @param unmet the required conditions that do not hold (empty for never_allow)
 */
public record Violation(
    Invariant invariant,
    String terms,
    String category,
    String purpose,
    Map<String, String> world,
    Evaluation evaluation,
    List<String> unmet) {
  /** Validates and copies. */
  public Violation {
    Objects.requireNonNull(invariant, "invariant");
    Objects.requireNonNull(terms, "terms");
    world = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(world));
    Objects.requireNonNull(evaluation, "evaluation");
    unmet = List.copyOf(unmet);
  }
}
