package org.covenant.core.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
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
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.junit.jupiter.api.Test;

/**
 * The terms preview is the engine's answer, item by item: accepting terms that forbid training
 * turns the held items' allow into deny; accepting terms that allow it does not free content
 * captured under terms that did not ({@code captured_under_other_terms}), but does for content
 * captured from now on.
 */
class TermsPreviewTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
  private static final Purpose TRAINING = Vocabulary.purpose("ai.training").orElseThrow();

  private static Clause permitTraining(String id, Condition... when) {
    return new Clause(id, "training", Effect.PERMIT, List.of("customer_content.*"),
        List.of(TRAINING.id()), Optional.of(Basis.CONSENT), List.of(when), List.of(), List.of());
  }

  /** open: training with consent; closed: no training; meeting: training when a notice is seen. */
  private static final DecisionEngine ENGINE = DecisionEngine.create(TermsCatalog.of(List.of(
      TermsVersion.of("open", "open", List.of(permitTraining("p1",
          new Condition.Consent(ConsentType.AI_TRAINING))), "sha256:open"),
      TermsVersion.of("closed", "closed", List.of(), "sha256:closed"),
      TermsVersion.of("meeting", "meeting", List.of(permitTraining("p2",
          new Condition.NoticeAcknowledged(org.covenant.core.vocab.Notice.RECORDING))),
          "sha256:meeting"))));

  private static Snapshot ledger(String terms) {
    GovernanceState s = GovernanceState.create(ENGINE.catalog()::knows);
    List<Event> events = List.of(
        new Event.AccountCreated(T0, "acme", "ann"),
        new Event.TermsAccepted(T0.plusSeconds(1), "acme", terms, "ann"),
        new Event.ConsentGranted(T0.plusSeconds(2), "acme", "ai_training", "ann"),
        new Event.ContentCreated(T0.plusSeconds(3), "c1", "customer_content.audio", "acme",
            Optional.empty(), Optional.of("ann"), List.of()),
        new Event.ContentCreated(T0.plusSeconds(4), "c2", "customer_content.transcript", "acme",
            Optional.empty(), Optional.of("ann"), List.of()),
        new Event.AccountCreated(T0.plusSeconds(5), "globex", "gus"),
        new Event.TermsAccepted(T0.plusSeconds(6), "globex", "open", "gus"),
        new Event.ContentCreated(T0.plusSeconds(7), "g1", "customer_content.audio", "globex",
            Optional.empty(), Optional.of("gus"), List.of()));
    for (Event e : events) {
      Outcome o = s.apply(e);
      assertThat(o.accepted()).as("%s: %s", e, o).isTrue();
    }
    return s.snapshot();
  }

  private static TermsPreview.PurposeChange training(TermsPreview.Preview r) {
    return r.purposes().stream().filter(p -> p.purpose().equals(TRAINING)).findFirst()
        .orElseThrow();
  }

  @Test
  void closingTerms_turnHeldAllowsIntoDenies_andNewContentToo() {
    Snapshot s = ledger("open");
    TermsPreview.Preview r = TermsPreview.of(ENGINE, s, "acme", "closed", NOW);
    assertThat(r.current()).contains("open");
    assertThat(r.items()).isEqualTo(2);
    TermsPreview.Held h = training(r).held();
    assertThat(h.allowedNow()).isEqualTo(2);
    assertThat(h.allowedAfter()).isZero();
    assertThat(h.allowToDeny()).isEqualTo(2);
    assertThat(h.reasonsAfter()).containsEntry(Reason.NO_PERMITTING_CLAUSE.code(), 2);
    // Each counted item agrees with the engine's own what-if decision.
    assertThat(ENGINE.decideIfAccepted(s, new DecisionRequest(TRAINING, "c1", NOW), "closed")
        .allowed()).isFalse();
    TermsPreview.Fresh audio = training(r).fresh().stream()
        .filter(f -> f.category().id().equals("customer_content.audio")).findFirst()
        .orElseThrow();
    assertThat(audio.now().allowed()).isTrue();
    assertThat(audio.after().allowed()).isFalse();
    assertThat(audio.changes()).isTrue();
    // Purposes no clause of either version allows do not change.
    assertThat(r.purposes()).hasSize(Vocabulary.purposes().size());
    assertThat(r.purposes().stream().filter(p -> !p.purpose().equals(TRAINING))
        .allMatch(p -> p.held().allowToDeny() == 0 && p.held().denyToAllow() == 0)).isTrue();
  }

  @Test
  void openingTerms_doNotFreeContentCapturedUnderOtherTerms_butFreeNewContent() {
    Snapshot s = ledger("closed");
    TermsPreview.Preview r = TermsPreview.of(ENGINE, s, "acme", "open", NOW);
    TermsPreview.Held h = training(r).held();
    assertThat(h.allowedNow()).isZero();
    assertThat(h.allowedAfter()).isZero();
    assertThat(h.denyToAllow()).isZero();
    assertThat(h.capturedUnderOtherTerms()).isEqualTo(2);
    assertThat(training(r).fresh()).allMatch(f -> !f.now().allowed() && f.after().allowed());
    // Another account's content is not counted.
    assertThat(r.items()).isEqualTo(2);
  }

  @Test
  void conditionsOnTheMeetingAreAssumedMetForNewContent_andSaidSo() {
    Snapshot s = ledger("closed");
    TermsPreview.Fresh f = training(TermsPreview.of(ENGINE, s, "acme", "meeting", NOW)).fresh()
        .get(0);
    assertThat(f.after().allowed()).isTrue();
    assertThat(f.dependsOnMeeting()).isTrue();
  }

  @Test
  void unknownTerms_areRefused() {
    assertThatThrownBy(() -> TermsPreview.of(ENGINE, ledger("open"), "acme", "nope", NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("`nope`");
  }
}
