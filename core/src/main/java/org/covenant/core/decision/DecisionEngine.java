package org.covenant.core.decision;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.covenant.core.state.ConsentStatus;
import org.covenant.core.state.ContentRecord;
import org.covenant.core.state.SettingResolution;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.ConditionOracle;
import org.covenant.core.terms.Evaluation;
import org.covenant.core.terms.Obligation;
import org.covenant.core.terms.Reason;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.ConsentType;

/**
 * Decides whether a purpose may use a content item at a time (ARCHITECTURE.md §5): T_use, then
 * T_capture, forbid beats permit, deny by default. Pure: it reads an immutable {@link Snapshot}
 * and never performs I/O, so it can be called from any thread.
 */
public final class DecisionEngine {
  private final TermsCatalog catalog;

  private DecisionEngine(TermsCatalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  /** An engine over these terms. */
  public static DecisionEngine create(TermsCatalog catalog) {
    return new DecisionEngine(catalog);
  }

  /** The terms it knows. */
  public TermsCatalog catalog() {
    return catalog;
  }

  /** Decides one request against a snapshot. */
  public Decision decide(Snapshot snapshot, DecisionRequest request) {
    long t = TimeKey.of(request.at());
    long p = snapshot.position();
    Optional<ContentRecord> found = snapshot.content(request.content(), t);
    if (found.isEmpty()) {
      return Decision.deny(Reason.UNKNOWN_CONTENT, List.of(), catalog.revision());
    }
    ContentRecord c = found.get();
    Evidence evidence = new Evidence();
    evidence.accept(c.position());
    long captureT = TimeKey.of(c.at());
    long captureP = c.position() - 1;
    Optional<Snapshot.Stamped<String>> use = snapshot.terms(c.account(), t, p);
    Optional<Snapshot.Stamped<String>> capture = snapshot.terms(c.account(), captureT, captureP);
    if (use.isEmpty() || capture.isEmpty()) {
      use.ifPresent(s -> evidence.accept(s.position()));
      return Decision.deny(Reason.NO_TERMS_ACCEPTED, evidence.sorted(), catalog.revision());
    }
    evidence.accept(use.get().position());
    evidence.accept(capture.get().position());
    TermsVersion tUse = version(use.get().value());
    TermsVersion tCapture = version(capture.get().value());
    ConditionOracle oracle = new SnapshotOracle(snapshot, c, t, p, captureT, captureP, evidence);
    Evaluation u = tUse.evaluate(c.category(), request.purpose(), oracle);
    if (!u.allow()) {
      return new Decision(Verdict.DENY, u.reasons(), Optional.empty(), cite(tUse, u.clauses()),
          List.of(), evidence.sorted(), tUse.revision());
    }
    if (tCapture == tUse) {
      return new Decision(Verdict.ALLOW, List.of(), u.basis(), cite(tUse, u.clauses()),
          u.obligations(), evidence.sorted(), tUse.revision());
    }
    Evaluation k = tCapture.evaluate(c.category(), request.purpose(), oracle);
    if (!k.allow()) {
      List<Reason> reasons = new ArrayList<>(k.reasons().size() + 1);
      reasons.add(Reason.CAPTURED_UNDER_OTHER_TERMS);
      reasons.addAll(k.reasons());
      return new Decision(Verdict.DENY, reasons, Optional.empty(), cite(tCapture, k.clauses()),
          List.of(), evidence.sorted(), tUse.revision());
    }
    LinkedHashSet<Obligation> obligations = new LinkedHashSet<>(u.obligations());
    obligations.addAll(k.obligations());
    return new Decision(Verdict.ALLOW, List.of(), u.basis(), cite(tUse, u.clauses()),
        List.copyOf(obligations), evidence.sorted(), tUse.revision());
  }

  private TermsVersion version(String name) {
    // INVARIANT: the ledger accepts only terms the catalog knows (unknown_terms), and an engine
    // is always built over the catalog its ledger was validated with.
    return catalog.version(name).orElseThrow(() -> new IllegalStateException(
        "terms `" + name + "` accepted by the ledger but unknown to the engine"));
  }

  private static List<String> cite(TermsVersion v, List<Clause> clauses) {
    List<String> out = new ArrayList<>(clauses.size());
    for (Clause c : clauses) {
      out.add(v.name() + "#" + c.id());
    }
    return out;
  }

  /** Collects ledger positions without boxing until the end. */
  static final class Evidence implements LongConsumer {
    private long[] positions = new long[8];
    private int size;

    @Override
    public void accept(long position) {
      if (position <= 0) {
        return;
      }
      if (size == positions.length) {
        positions = java.util.Arrays.copyOf(positions, size * 2);
      }
      positions[size++] = position;
    }

    List<Long> sorted() {
      long[] copy = java.util.Arrays.copyOf(positions, size);
      java.util.Arrays.sort(copy);
      List<Long> out = new ArrayList<>(size);
      long prev = -1;
      for (long v : copy) {
        if (v != prev) {
          out.add(v);
          prev = v;
        }
      }
      return out;
    }
  }

  /** Answers §5 conditions for one content item from the ledger snapshot. */
  private static final class SnapshotOracle implements ConditionOracle {
    private final Snapshot s;
    private final ContentRecord c;
    private final long t;
    private final long p;
    private final long captureT;
    private final long captureP;
    private final Evidence evidence;

    SnapshotOracle(Snapshot s, ContentRecord c, long t, long p, long captureT, long captureP,
        Evidence evidence) {
      this.s = s;
      this.c = c;
      this.t = t;
      this.p = p;
      this.captureT = captureT;
      this.captureP = captureP;
      this.evidence = evidence;
    }

    @Override
    public Optional<Reason> check(Condition condition) {
      if (condition instanceof Condition.Setting k) {
        SettingResolution r = s.settingFor(c, k.setting(), t, evidence);
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
      if (condition instanceof Condition.Consent k) {
        return asConsent(s.consent(c.account(), k.consent(), t, p, evidence));
      }
      if (condition instanceof Condition.ConsentAtCapture k) {
        return atCapture(c.account(), k.consent());
      }
      if (condition instanceof Condition.AllContributorsConsent k) {
        Optional<Reason> owner = atCapture(c.account(), k.consent());
        if (owner.isPresent()) {
          return owner;
        }
        for (String other : c.contributors()) {
          if (other.equals(c.account())) {
            continue;
          }
          if (s.consent(other, k.consent(), t, p, evidence) != ConsentStatus.IN_FORCE
              || s.consent(other, k.consent(), captureT, captureP, evidence)
                  != ConsentStatus.IN_FORCE) {
            return Optional.of(Reason.CONTRIBUTOR_CONSENT_MISSING);
          }
        }
        return Optional.empty();
      }
      if (condition instanceof Condition.NoticeAcknowledged n) {
        return s.noticeAcknowledgedAtCapture(c, n.notice(), evidence)
            ? Optional.empty()
            : Optional.of(Reason.NOTICE_NOT_ACKNOWLEDGED);
      }
      throw new IllegalStateException("unhandled condition " + condition.kind());
    }

    private Optional<Reason> atCapture(String account, ConsentType consent) {
      ConsentStatus now = s.consent(account, consent, t, p, evidence);
      if (now != ConsentStatus.IN_FORCE) {
        return asConsent(now);
      }
      return s.consent(account, consent, captureT, captureP, evidence) == ConsentStatus.IN_FORCE
          ? Optional.empty()
          : Optional.of(Reason.CONSENT_NOT_AT_CAPTURE);
    }

    private static Optional<Reason> asConsent(ConsentStatus status) {
      return switch (status) {
        case IN_FORCE -> Optional.empty();
        case WITHDRAWN -> Optional.of(Reason.CONSENT_WITHDRAWN);
        case MISSING -> Optional.of(Reason.CONSENT_MISSING);
      };
    }
  }
}
