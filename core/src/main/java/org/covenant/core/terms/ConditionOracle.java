package org.covenant.core.terms;

import java.util.Optional;

/**
 * Answers whether a condition holds for the request being decided: empty when it holds, else the
 * failure reason of the §5 table. The decision engine answers from a ledger snapshot; the
 * invariant checker answers from an enumerated abstract world. Both share one evaluation.
 */
@FunctionalInterface
public interface ConditionOracle {
  /** Empty when the condition holds; else why not. */
  Optional<Reason> check(Condition condition);
}
