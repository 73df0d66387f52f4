package org.covenant.core.state;

import org.covenant.core.state.Entities.Account;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.ConditionOracle;
import org.covenant.core.terms.Reason;
import java.util.Optional;

/**
 * The §5 conditions of content an account would capture at a time t, before it exists (the
 * terms preview, docs/DECISIONS.md "Previewing new terms"): settings resolve at the account
 * level (no host is known), consents as they stand at t, and the capture is at t, so a consent
 * "at capture" is the consent now. Conditions on the meeting the content would come from
 * (features active, notices acknowledged) cannot be known: they are answered as met and
 * {@link #dependsOnMeeting()} records that one was asked. Contributors other than the account
 * are not known either: only the account's own consent is checked.
 */
public final class ProspectiveConditions implements ConditionOracle {
  private final Snapshot s;
  private final Account owner;
  private final long t;
  private boolean dependsOnMeeting;

  ProspectiveConditions(Snapshot s, Account owner, long t) {
    this.s = s;
    this.owner = owner;
    this.t = t;
  }

  /** Whether an answer rested on a meeting feature or notice, answered as met. */
  public boolean dependsOnMeeting() {
    return dependsOnMeeting;
  }

  @Override
  public Optional<Reason> check(Condition condition) {
    if (condition instanceof Condition.Setting k) {
      if (owner == null) {
        return Optional.of(Reason.SETTING_DISABLED);
      }
      SettingResolution r = s.resolve(owner, null, k.setting(), t, Snapshot.noEvidence());
      if (r.value()) {
        return Optional.empty();
      }
      return Optional.of(r.parentDisabled() ? Reason.PARENT_DISABLED : Reason.SETTING_DISABLED);
    }
    if (condition instanceof Condition.MeetingFeature
        || condition instanceof Condition.NoticeAcknowledged) {
      dependsOnMeeting = true;
      return Optional.empty();
    }
    if (condition instanceof Condition.Consent k) {
      return consent(k.consent());
    }
    if (condition instanceof Condition.ConsentAtCapture k) {
      return consent(k.consent());
    }
    if (condition instanceof Condition.AllContributorsConsent k) {
      return consent(k.consent());
    }
    throw new IllegalStateException("unhandled condition " + condition.kind());
  }

  private Optional<Reason> consent(org.covenant.core.vocab.ConsentType c) {
    return s.consent(owner, c, t, s.position(), Snapshot.noEvidence()).asConsentCondition();
  }
}
