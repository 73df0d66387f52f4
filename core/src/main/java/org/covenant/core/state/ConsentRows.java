package org.covenant.core.state;

import java.util.Optional;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.Reason;
import org.covenant.core.vocab.ConsentType;

/**
 * The consent rows of the §5 conditions table ({@code consent}, {@code consent_at_capture},
 * {@code all_contributors_consent}), written once over the facts they read. The online oracle
 * ({@link ContentConditions}) answers the facts from a snapshot, reporting evidence as it reads;
 * a batch evaluation answers them from a precompiled class of an account's timeline. Both get
 * their answers here, in the same order of reads.
 */
public final class ConsentRows {
  private ConsentRows() {}

  /** What the consent rows read about one content item at one time of use. */
  public interface Facts {
    /** The owning account's consent at the time of use. */
    ConsentStatus ownerAtUse(ConsentType consent);

    /** The owning account's consent when the content was created. */
    ConsentStatus ownerAtCapture(ConsentType consent);

    /**
     * Whether every contributor other than the owner has the consent in force both at use and
     * at capture (true when there is none).
     */
    boolean othersInForce(ConsentType consent);
  }

  /** The consent a consent row reads, or empty when the condition is not a consent row. */
  public static Optional<ConsentType> consentOf(Condition condition) {
    if (condition instanceof Condition.Consent k) {
      return Optional.of(k.consent());
    }
    if (condition instanceof Condition.ConsentAtCapture k) {
      return Optional.of(k.consent());
    }
    if (condition instanceof Condition.AllContributorsConsent k) {
      return Optional.of(k.consent());
    }
    return Optional.empty();
  }

  /**
   * A consent row's answer: empty when it holds, else its reason.
   *
   * @throws IllegalArgumentException when the condition is not a consent row ({@link #consentOf})
   */
  public static Optional<Reason> check(Condition condition, Facts facts) {
    if (condition instanceof Condition.Consent k) {
      return facts.ownerAtUse(k.consent()).asConsentCondition();
    }
    if (condition instanceof Condition.ConsentAtCapture k) {
      return atCapture(k.consent(), facts);
    }
    if (condition instanceof Condition.AllContributorsConsent k) {
      Optional<Reason> owner = atCapture(k.consent(), facts);
      if (owner.isPresent()) {
        return owner;
      }
      return facts.othersInForce(k.consent())
          ? Optional.empty()
          : Optional.of(Reason.CONTRIBUTOR_CONSENT_MISSING);
    }
    throw new IllegalArgumentException("`" + condition.text() + "` is not a consent condition");
  }

  /**
   * In force now (else the consent row's reason) and in force when the content was created (else
   * {@code consent_not_at_capture}).
   */
  private static Optional<Reason> atCapture(ConsentType consent, Facts facts) {
    ConsentStatus now = facts.ownerAtUse(consent);
    if (now != ConsentStatus.IN_FORCE) {
      return now.asConsentCondition();
    }
    return facts.ownerAtCapture(consent) == ConsentStatus.IN_FORCE
        ? Optional.empty()
        : Optional.of(Reason.CONSENT_NOT_AT_CAPTURE);
  }
}
