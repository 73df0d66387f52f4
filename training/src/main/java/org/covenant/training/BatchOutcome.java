package org.covenant.training;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.Verdict;
import org.covenant.core.terms.Basis;
import org.covenant.core.terms.Obligation;
import org.covenant.core.terms.Reason;

/**
 * What the batch kernel answers for a record: a {@link Decision} without per-record evidence (a
 * dataset build cites one ledger position for every record instead). Distinct outcomes are few,
 * so the kernel hands out small integer ids and keeps one instance of each.
 *
 * @param verdict allow or deny
 * @param reasons on deny, why (primary first)
 * @param basis on allow, the basis
 * @param clauses cited clauses as {@code TERMS#ID}
 * @param obligations duties that travel with the data
 * @param policyRevision T_use's revision, else the catalog's
 */
public record BatchOutcome(Verdict verdict, List<Reason> reasons, Optional<Basis> basis,
    List<String> clauses, List<Obligation> obligations, String policyRevision) {
  /** Validates and copies. */
  public BatchOutcome {
    Objects.requireNonNull(verdict, "verdict");
    reasons = List.copyOf(reasons);
    Objects.requireNonNull(basis, "basis");
    clauses = List.copyOf(clauses);
    obligations = List.copyOf(obligations);
    Objects.requireNonNull(policyRevision, "policyRevision");
  }

  /** True on allow. */
  public boolean allowed() {
    return verdict == Verdict.ALLOW;
  }

  /** The primary reason code, or empty on allow. */
  public String reasonCode() {
    return reasons.isEmpty() ? "" : reasons.get(0).code();
  }

  /** The decision the engine gives, evidence aside (an empty list). */
  public Decision decision() {
    return new Decision(verdict, reasons, basis, clauses, obligations, List.of(), policyRevision);
  }

  /** The outcome of a decision, dropping its evidence. */
  public static BatchOutcome of(Decision d) {
    return new BatchOutcome(d.verdict(), d.reasons(), d.basis(), d.clauses(), d.obligations(),
        d.policyRevision());
  }
}
