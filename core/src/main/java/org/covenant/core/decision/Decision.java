package org.covenant.core.decision;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.covenant.core.terms.Basis;
import org.covenant.core.terms.Obligation;
import org.covenant.core.terms.Reason;

/**
 * A decision, as data (ARCHITECTURE.md §5 step 5): never an exception.
 *
 * @param verdict allow or deny
 * @param reasons on deny, why (the primary reason first); empty on allow
 * @param basis on allow, the legal basis
 * @param clauses cited clauses as {@code TERMS#ID}
 * @param obligations duties that travel with the data
 * @param evidence ledger positions the answer rests on, ascending
 * @param policyRevision the revision of the terms used (T_use's, else the catalog's)
 */
public record Decision(
    Verdict verdict,
    List<Reason> reasons,
    Optional<Basis> basis,
    List<String> clauses,
    List<Obligation> obligations,
    List<Long> evidence,
    String policyRevision) {
  /** Validates the shape: an allow has a basis and no reasons, a deny has a reason. */
  public Decision {
    Objects.requireNonNull(verdict, "verdict");
    reasons = List.copyOf(reasons);
    Objects.requireNonNull(basis, "basis");
    clauses = List.copyOf(clauses);
    obligations = List.copyOf(obligations);
    // The engine's own evidence is immutable already: no copy (and no boxing) per decision.
    evidence = evidence instanceof EvidenceList ? evidence : List.copyOf(evidence);
    Objects.requireNonNull(policyRevision, "policyRevision");
    if (verdict == Verdict.ALLOW && (basis.isEmpty() || !reasons.isEmpty())) {
      throw new IllegalArgumentException("an allow has a basis and no reasons");
    }
    if (verdict == Verdict.DENY && (reasons.isEmpty() || basis.isPresent())) {
      throw new IllegalArgumentException("a deny has reasons and no basis");
    }
  }

  /** The primary reason (= reasons[0]); empty on allow. */
  public Optional<Reason> reason() {
    return reasons.isEmpty() ? Optional.empty() : Optional.of(reasons.get(0));
  }

  /** True on allow. */
  public boolean allowed() {
    return verdict == Verdict.ALLOW;
  }

  /** A deny with one reason and no clause. */
  public static Decision deny(Reason reason, List<Long> evidence, String policyRevision) {
    return new Decision(Verdict.DENY, List.of(reason), Optional.empty(), List.of(), List.of(),
        evidence, policyRevision);
  }
}
