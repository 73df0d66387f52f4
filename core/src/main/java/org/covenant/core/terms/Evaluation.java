package org.covenant.core.terms;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of one terms version to one request (ARCHITECTURE.md §5 step 4).
 *
 * @param allow whether it allows
 * @param reasons on deny, the reasons (primary first); empty on allow
 * @param basis on allow, the basis
 * @param clauses cited clauses: the holding permits, the firing forbids, or the near misses
 * @param obligations on allow, the union of the holding permits' obligations
 */
public record Evaluation(
    boolean allow,
    List<Reason> reasons,
    Optional<Basis> basis,
    List<Clause> clauses,
    List<Obligation> obligations) {
  /** Validates and copies. */
  public Evaluation {
    reasons = List.copyOf(reasons);
    Objects.requireNonNull(basis, "basis");
    clauses = List.copyOf(clauses);
    obligations = List.copyOf(obligations);
  }
}
