package org.covenant.core.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.state.Snapshot;
import org.covenant.core.terms.Basis;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.Effect;
import org.covenant.core.terms.Reason;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Notice;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.junit.jupiter.api.Test;

/**
 * Fail closed, decided by the core from the condition itself: while the snapshot may be stale,
 * every decision that can rest on a condition kind reading changing state denies
 * {@code store_unavailable}, whichever kind it is; decisions resting only on facts fixed at
 * capture are answered from the snapshot.
 *
 * <p>The kinds are enumerated from the sealed {@link Condition} interface itself, so a new kind
 * (the data-rights rules) makes {@link #everyConditionKindFailsClosedWhenItReadsChangingState}
 * fail until it has a sample here, and is then checked like the others.
 */
class FailClosedTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant USE = Instant.parse("2026-02-01T00:00:00Z");
  private static final Purpose TRAINING = Vocabulary.purpose("ai.training").orElseThrow();

  /** One instance of each condition kind; a kind without a sample fails the test. */
  private static Condition sample(Class<?> kind) {
    if (kind == Condition.Setting.class) {
      return new Condition.Setting(Vocabulary.setting("recording.cloud").orElseThrow());
    } else if (kind == Condition.MeetingFeature.class) {
      return new Condition.MeetingFeature(Vocabulary.feature("recording.cloud").orElseThrow());
    } else if (kind == Condition.Consent.class) {
      return new Condition.Consent(ConsentType.AI_TRAINING);
    } else if (kind == Condition.ConsentAtCapture.class) {
      return new Condition.ConsentAtCapture(ConsentType.AI_TRAINING);
    } else if (kind == Condition.AllContributorsConsent.class) {
      return new Condition.AllContributorsConsent(ConsentType.AI_TRAINING);
    } else if (kind == Condition.NoticeAcknowledged.class) {
      return new Condition.NoticeAcknowledged(Notice.RECORDING);
    }
    return fail("condition kind %s has no sample in FailClosedTest: add one, so that its "
        + "fail-closed behaviour is checked", kind.getName());
  }

  /** A ledger where every sample condition holds: allowed when fresh. */
  private static Snapshot ledger(TermsCatalog catalog) {
    GovernanceState s = GovernanceState.create(catalog::knows);
    List<String> features = List.of("recording.cloud");
    List<Event> events = List.of(
        new Event.AccountCreated(T0, "acme", "ann"),
        new Event.TermsAccepted(T0.plusSeconds(1), "acme", "t1", "ann"),
        new Event.ConsentGranted(T0.plusSeconds(2), "acme", "ai_training", "ann"),
        new Event.MeetingStarted(T0.plusSeconds(3), "acme", "m1", "ann", features),
        new Event.NoticeAcknowledged(T0.plusSeconds(4), "m1", "ann", "recording"),
        new Event.ContentCreated(T0.plusSeconds(5), "c1", "customer_content.audio", "acme",
            Optional.of("m1"), Optional.of("ann"), List.of()));
    for (Event e : events) {
      Outcome o = s.apply(e);
      assertThat(o.accepted()).as("%s: %s", e, o).isTrue();
    }
    return s.snapshot();
  }

  private static DecisionEngine engine(Clause clause) {
    return DecisionEngine.create(TermsCatalog.of(List.of(
        TermsVersion.of("t1", "test terms", List.of(clause), "sha256:test"))));
  }

  private static Clause permitWhen(Condition c) {
    return new Clause("p1", "permit", Effect.PERMIT, List.of("customer_content.*"),
        List.of(TRAINING.id()), Optional.of(Basis.CONSENT), List.of(c), List.of(), List.of());
  }

  private static Clause forbidUnless(Condition c) {
    return new Clause("f1", "forbid", Effect.FORBID, List.of("customer_content.*"),
        List.of(TRAINING.id()), Optional.empty(), List.of(), List.of(c), List.of());
  }

  @Test
  void everyConditionKindFailsClosedWhenItReadsChangingState() {
    Class<?>[] kinds = Condition.class.getPermittedSubclasses();
    assertThat(kinds).hasSizeGreaterThanOrEqualTo(6);
    List<String> changing = new ArrayList<>();
    for (Class<?> kind : kinds) {
      Condition c = sample(kind);
      for (Clause clause : List.of(permitWhen(c), forbidUnless(c))) {
        DecisionEngine engine = engine(clause);
        Snapshot s = ledger(engine.catalog());
        DecisionRequest req = new DecisionRequest(TRAINING, "c1", USE);
        Decision fresh = engine.decide(s, req, a -> true, false).decision();
        DecisionEngine.Attributed stale = engine.decide(s, req, a -> true, true);
        if (clause.effect() == Effect.PERMIT) {
          assertThat(fresh.verdict()).as("%s fresh", c.text()).isEqualTo(Verdict.ALLOW);
        }
        assertThat(stale.account()).contains("acme");
        if (c.readsChangingState()) {
          assertThat(stale.decision().verdict()).as("%s stale", c.text()).isEqualTo(Verdict.DENY);
          assertThat(stale.decision().reasons()).as("%s stale", c.text())
              .containsExactly(Reason.STORE_UNAVAILABLE);
          assertThat(stale.decision().evidence()).isEqualTo(fresh.evidence());
        } else {
          assertThat(stale.decision()).as("%s stale", c.text()).isEqualTo(fresh);
        }
      }
      if (c.readsChangingState()) {
        changing.add(c.kind());
      }
    }
    // The §5 rows read at use (settings, consents) change; features and notices at capture do not.
    assertThat(changing).containsExactlyInAnyOrder("setting", "consent", "consent_at_capture",
        "all_contributors_consent");
  }

  @Test
  void aDecisionRestingOnNothingThatChangesIsServedWhileStale() {
    Clause unconditional = new Clause("p1", "permit", Effect.PERMIT, List.of("customer_content.*"),
        List.of(TRAINING.id()), Optional.of(Basis.LICENSE), List.of(), List.of(), List.of());
    DecisionEngine engine = engine(unconditional);
    Snapshot s = ledger(engine.catalog());
    Decision d = engine.decide(s, new DecisionRequest(TRAINING, "c1", USE), a -> true, true)
        .decision();
    assertThat(d.verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(d.basis()).contains(Basis.LICENSE);
  }

  @Test
  void anotherAccountsContentIsUnknownContent() {
    DecisionEngine engine = engine(permitWhen(new Condition.Consent(ConsentType.AI_TRAINING)));
    Snapshot s = ledger(engine.catalog());
    DecisionRequest req = new DecisionRequest(TRAINING, "c1", USE);
    DecisionEngine.Attributed other = engine.decide(s, req, "globex"::equals, false);
    assertThat(other.account()).isEmpty();
    assertThat(other.decision().reasons()).containsExactly(Reason.UNKNOWN_CONTENT);
    assertThat(other.decision().evidence()).isEmpty();
    assertThat(engine.decide(s, new DecisionRequest(TRAINING, "nope", USE)).reasons())
        .containsExactly(Reason.UNKNOWN_CONTENT);
    DecisionEngine.Attributed own = engine.decide(s, req, "acme"::equals, false);
    assertThat(own.account()).contains("acme");
    assertThat(own.decision().verdict()).isEqualTo(Verdict.ALLOW);
  }
}
