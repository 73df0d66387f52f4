package org.covenant.core.invariant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.covenant.core.terms.Basis;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.Effect;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Vocabulary;
import org.junit.jupiter.api.Test;

/** The exhaustive invariant check (ARCHITECTURE.md §5): a counterexample exactly when one exists. */
class InvariantCheckerTest {
  private static final Condition CONSENT = new Condition.Consent(ConsentType.AI_TRAINING);
  private static final Invariant TRAINING_NEEDS_CONSENT = new Invariant("consent-for-training",
      "no customer content for ai.training without consent", List.of("customer_content.*"),
      List.of("ai.training"), List.of(CONSENT), false);

  private static TermsVersion terms(Clause... clauses) {
    return TermsVersion.of("t", "test", List.of(clauses), "sha256:test");
  }

  private static Clause permit(String id, String category, List<Condition> when) {
    return new Clause(id, id, Effect.PERMIT, List.of(category), List.of("ai.training"),
        Optional.of(Basis.CONSENT), when, List.of(), List.of());
  }

  @Test
  void aPermitRequiringTheConsentHolds() {
    TermsVersion t = terms(permit("p", "customer_content.*", List.of(CONSENT)));
    assertThat(InvariantChecker.check(t, List.of(TRAINING_NEEDS_CONSENT))).isEmpty();
    assertThat(InvariantChecker.worlds(t, TRAINING_NEEDS_CONSENT)).isPositive();
  }

  @Test
  void anUnconditionalPermitIsCaughtWithAMinimalWorld() {
    TermsVersion t = terms(permit("broad", "customer_content.audio", List.of()));
    List<Violation> vs = InvariantChecker.check(t, List.of(TRAINING_NEEDS_CONSENT));
    assertThat(vs).hasSize(1);
    Violation v = vs.get(0);
    assertThat(v.category()).isEqualTo("customer_content.audio");
    assertThat(v.purpose()).isEqualTo("ai.training");
    assertThat(v.evaluation().allow()).isTrue();
    assertThat(v.unmet()).containsExactly(CONSENT.text() + " (consent_missing)");
    // Minimal: the consent the invariant requires is not granted in the counterexample.
    assertThat(v.world().values()).doesNotContain("in_force");
  }

  @Test
  void aForbidWithoutExceptionsSatisfiesNeverAllow() {
    Invariant never = new Invariant("no-marketing", "never", List.of("customer_content.*"),
        List.of("ai.training"), List.of(), true);
    Clause forbid = new Clause("f", "f", Effect.FORBID, List.of("customer_content.*"),
        List.of("ai.training"), Optional.empty(), List.of(), List.of(), List.of());
    assertThat(InvariantChecker.check(terms(forbid,
        permit("p", "customer_content.*", List.of())), List.of(never))).isEmpty();
    List<Violation> vs = InvariantChecker.check(terms(permit("p", "customer_content.chat",
        List.of())), List.of(never));
    assertThat(vs).extracting(Violation::category).containsExactly("customer_content.chat");
    assertThat(vs.get(0).unmet()).isEmpty();
    assertThat(Vocabulary.categories()).isNotEmpty();
  }
}
