package org.covenant.core.terms;

import java.util.Objects;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Feature;
import org.covenant.core.vocab.Notice;
import org.covenant.core.vocab.SettingDef;

/**
 * A condition of a permit's {@code when} or a forbid's {@code unless} (ARCHITECTURE.md §5 table).
 * {@link #rank()} is the row of the table: when several conditions of a permit fail, the reason
 * is that of the first failing one in this order, whatever the order in the file.
 *
 * <p>Every kind says, through {@link #readsChangingState()}, whether it reads state that later
 * events change; the method is abstract, so a new kind cannot compile without saying, and the
 * engine fails closed on it when the snapshot may be stale.
 */
public sealed interface Condition {
  /** The row of the §5 table, 0-based. */
  int rank();

  /** The policy-file key, e.g. {@code setting}. */
  String kind();

  /** The argument, e.g. {@code recording.cloud}. */
  String argument();

  /**
   * Whether this condition reads state that a later ledger event can change at the time of use
   * (a setting, a consent): a decision resting on it may be wrong when the snapshot it reads is
   * stale, so {@link org.covenant.core.decision.DecisionEngine} answers it
   * {@code store_unavailable} then. False only for facts fixed at capture (a meeting's features,
   * a notice acknowledged before capture). Deliberately abstract: a new kind must say.
   */
  boolean readsChangingState();

  /** The policy-file form, e.g. {@code setting: recording.cloud}. */
  default String text() {
    return kind() + ": " + argument();
  }

  /** {@code setting: K}: K is effectively true for the content's meeting host at use. */
  record Setting(SettingDef setting) implements Condition {
    /** Validates the field. */
    public Setting {
      Objects.requireNonNull(setting, "setting");
    }

    @Override
    public int rank() {
      return 0;
    }

    @Override
    public boolean readsChangingState() {
      return true;
    }

    @Override
    public String kind() {
      return "setting";
    }

    @Override
    public String argument() {
      return setting.key();
    }
  }

  /** {@code meeting_feature: K}: K was active in the content's meeting at capture. */
  record MeetingFeature(Feature feature) implements Condition {
    /** Validates the field. */
    public MeetingFeature {
      Objects.requireNonNull(feature, "feature");
    }

    @Override
    public int rank() {
      return 1;
    }

    @Override
    public boolean readsChangingState() {
      return false;
    }

    @Override
    public String kind() {
      return "meeting_feature";
    }

    @Override
    public String argument() {
      return feature.key();
    }
  }

  /** {@code consent: C}: the owning account's C is in force at use. */
  record Consent(ConsentType consent) implements Condition {
    /** Validates the field. */
    public Consent {
      Objects.requireNonNull(consent, "consent");
    }

    @Override
    public int rank() {
      return 2;
    }

    @Override
    public boolean readsChangingState() {
      return true;
    }

    @Override
    public String kind() {
      return "consent";
    }

    @Override
    public String argument() {
      return consent.id();
    }
  }

  /** {@code consent_at_capture: C}: in force at capture and at use. */
  record ConsentAtCapture(ConsentType consent) implements Condition {
    /** Validates the field. */
    public ConsentAtCapture {
      Objects.requireNonNull(consent, "consent");
    }

    @Override
    public int rank() {
      return 3;
    }

    @Override
    public boolean readsChangingState() {
      return true;
    }

    @Override
    public String kind() {
      return "consent_at_capture";
    }

    @Override
    public String argument() {
      return consent.id();
    }
  }

  /** {@code all_contributors_consent: C}: the owner as at capture, then every contributor. */
  record AllContributorsConsent(ConsentType consent) implements Condition {
    /** Validates the field. */
    public AllContributorsConsent {
      Objects.requireNonNull(consent, "consent");
    }

    @Override
    public int rank() {
      return 4;
    }

    @Override
    public boolean readsChangingState() {
      return true;
    }

    @Override
    public String kind() {
      return "all_contributors_consent";
    }

    @Override
    public String argument() {
      return consent.id();
    }
  }

  /** {@code notice_acknowledged: N}: acknowledged in the meeting before capture. */
  record NoticeAcknowledged(Notice notice) implements Condition {
    /** Validates the field. */
    public NoticeAcknowledged {
      Objects.requireNonNull(notice, "notice");
    }

    @Override
    public int rank() {
      return 5;
    }

    @Override
    public boolean readsChangingState() {
      return false;
    }

    @Override
    public String kind() {
      return "notice_acknowledged";
    }

    @Override
    public String argument() {
      return notice.id();
    }
  }
}
