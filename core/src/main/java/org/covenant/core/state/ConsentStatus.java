package org.covenant.core.state;

import java.util.Optional;
import org.covenant.core.terms.Reason;

/** The state of an account's consent at an instant (ARCHITECTURE.md §5 consent conditions). */
public enum ConsentStatus {
  /** Granted and not withdrawn since. */
  IN_FORCE,
  /** Not in force, but it was granted at some time before. */
  WITHDRAWN,
  /** Never granted up to that time (or the account does not exist). */
  MISSING;

  // Shared: a failed consent condition makes no object.
  private static final Optional<Reason> WITHDRAWN_REASON = Optional.of(Reason.CONSENT_WITHDRAWN);
  private static final Optional<Reason> MISSING_REASON = Optional.of(Reason.CONSENT_MISSING);

  /**
   * The {@code consent: C} condition's answer for this state (§5 table): holds when in force,
   * else {@code consent_withdrawn} if it was granted before, else {@code consent_missing}.
   */
  public Optional<Reason> asConsentCondition() {
    return switch (this) {
      case IN_FORCE -> Optional.empty();
      case WITHDRAWN -> WITHDRAWN_REASON;
      case MISSING -> MISSING_REASON;
    };
  }
}
