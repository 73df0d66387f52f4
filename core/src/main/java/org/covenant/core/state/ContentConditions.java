package org.covenant.core.state;

import java.util.Optional;
import java.util.function.LongConsumer;
import org.covenant.core.state.Entities.Account;
import org.covenant.core.state.Entities.Meeting;
import org.covenant.core.state.Entities.User;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.ConditionOracle;
import org.covenant.core.terms.Reason;
import org.covenant.core.vocab.ConsentType;

/**
 * The §5 conditions answered for one content item at one time of use, from a snapshot
 * (ARCHITECTURE.md §5 conditions table). The owning account, the meeting and its host are looked
 * up once, so that evaluating a whole terms version costs a few array and history look-ups.
 * Every ledger position consulted is reported to the evidence collector.
 */
public final class ContentConditions implements ConditionOracle, ConsentRows.Facts {
  private final Snapshot s;
  private final ContentRecord c;
  private final long t;
  private final long p;
  private final long captureT;
  private final long captureP;
  private final LongConsumer evidence;
  private final Account owner;
  /** Resolved on first use: most purposes never read the meeting or its host. */
  private boolean hostResolved;
  private User host;

  ContentConditions(Snapshot s, ContentRecord c, long t, LongConsumer evidence) {
    this.s = s;
    this.c = c;
    this.t = t;
    this.p = s.position();
    this.captureT = TimeKey.of(c.at());
    this.captureP = c.position() - 1;
    this.evidence = evidence;
    this.owner = s.account(c.account(), t);
  }

  private User host() {
    if (!hostResolved) {
      hostResolved = true;
      Meeting m = c.meeting().isPresent() ? s.state().meetings.get(c.meeting().get()) : null;
      host = m == null || owner == null ? null : s.user(owner, m.host, t);
    }
    return host;
  }

  /** The terms the owning account accepted last at or before the time of use. */
  public Optional<Snapshot.Stamped<String>> termsAtUse() {
    return terms(t, p);
  }

  /** The terms the owning account had accepted when the content was created. */
  public Optional<Snapshot.Stamped<String>> termsAtCapture() {
    return terms(captureT, captureP);
  }

  private Optional<Snapshot.Stamped<String>> terms(long time, long pos) {
    if (owner == null) {
      return Optional.empty();
    }
    History.Entry<String> e = owner.terms.at(time, Math.min(pos, p));
    return e == null ? Optional.empty() : Optional.of(new Snapshot.Stamped<>(e.value(), e.pos()));
  }

  @Override
  public Optional<Reason> check(Condition condition) {
    if (condition instanceof Condition.Setting k) {
      if (owner == null) {
        return Optional.of(Reason.SETTING_DISABLED);
      }
      SettingResolution r = s.resolve(owner, host(), k.setting(), t, evidence);
      if (r.value()) {
        return Optional.empty();
      }
      return Optional.of(r.parentDisabled() ? Reason.PARENT_DISABLED : Reason.SETTING_DISABLED);
    }
    if (condition instanceof Condition.MeetingFeature f) {
      return s.featureActiveAtCapture(c, f.feature(), evidence)
          ? Optional.empty()
          : Optional.of(Reason.FEATURE_NOT_ACTIVE);
    }
    if (condition instanceof Condition.Consent
        || condition instanceof Condition.ConsentAtCapture
        || condition instanceof Condition.AllContributorsConsent) {
      return ConsentRows.check(condition, this);
    }
    if (condition instanceof Condition.NoticeAcknowledged n) {
      return s.noticeAcknowledgedAtCapture(c, n.notice(), evidence)
          ? Optional.empty()
          : Optional.of(Reason.NOTICE_NOT_ACKNOWLEDGED);
    }
    throw new IllegalStateException("unhandled condition " + condition.kind());
  }

  @Override
  public ConsentStatus ownerAtUse(ConsentType consent) {
    return s.consent(owner, consent, t, p, evidence);
  }

  @Override
  public ConsentStatus ownerAtCapture(ConsentType consent) {
    return s.consent(owner, consent, captureT, captureP, evidence);
  }

  @Override
  public boolean othersInForce(ConsentType consent) {
    for (String other : c.contributors()) {
      if (other.equals(c.account())) {
        continue;
      }
      if (s.consent(other, consent, t, p, evidence) != ConsentStatus.IN_FORCE
          || s.consent(other, consent, captureT, captureP, evidence) != ConsentStatus.IN_FORCE) {
        return false;
      }
    }
    return true;
  }
}
