package org.covenant.core.terms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Notice;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.junit.jupiter.api.Test;

/**
 * {@link TermsVersion#evaluate} answers the common outcomes with shared evaluations and lists
 * only for the rare ones (issue 15); for random versions and random condition answers it must
 * answer exactly as §5 step 4 written plainly (the evaluation before that change, kept here),
 * also when one version is asked many times over (a shared answer must not carry an earlier
 * request's reasons or clauses).
 */
class TermsEvaluationTest {
  private static final Reason[] FAILURES = {Reason.SETTING_DISABLED, Reason.CONSENT_MISSING,
      Reason.CONSENT_WITHDRAWN, Reason.FEATURE_NOT_ACTIVE, Reason.NOTICE_NOT_ACKNOWLEDGED};

  @Test
  void sharedAnswersEqualThePlainEvaluation() {
    Random r = new Random(15);
    List<Condition> pool = new ArrayList<>();
    for (ConsentType c : ConsentType.values()) {
      pool.add(new Condition.Consent(c));
    }
    for (Notice n : Notice.values()) {
      pool.add(new Condition.NoticeAcknowledged(n));
    }
    pool.add(new Condition.Setting(Vocabulary.settings().get(0)));
    Category category = Vocabulary.categories().get(0);
    Purpose purpose = Vocabulary.purposes().get(0);
    int allows = 0;
    int multiple = 0;
    for (int v = 0; v < 300; v++) {
      List<Clause> clauses = new ArrayList<>();
      int n = 1 + r.nextInt(5);
      for (int i = 0; i < n; i++) {
        boolean permit = r.nextBoolean();
        List<Condition> conds = new ArrayList<>();
        int k = r.nextInt(permit ? 3 : 4);
        for (int j = 0; j < k; j++) {
          Condition c = pool.get(r.nextInt(pool.size()));
          if (!conds.contains(c)) {
            conds.add(c);
          }
        }
        List<Obligation> obligations = new ArrayList<>();
        for (int j = r.nextInt(3); j > 0; j--) {
          obligations.add(new Obligation("o" + r.nextInt(3), Map.of()));
        }
        clauses.add(new Clause("c" + i, "t", permit ? Effect.PERMIT : Effect.FORBID,
            List.of("*"), List.of("*"),
            permit ? Optional.of(Basis.values()[r.nextInt(Basis.values().length)])
                : Optional.empty(),
            permit ? conds : List.of(), permit ? List.of() : conds,
            permit ? obligations : List.of()));
      }
      TermsVersion version = TermsVersion.of("v" + v, "t", clauses, "r");
      for (int q = 0; q < 40; q++) {
        Map<Condition, Optional<Reason>> answers = new HashMap<>();
        for (Condition c : pool) {
          answers.put(c, r.nextInt(3) == 0 ? Optional.empty()
              : Optional.of(FAILURES[r.nextInt(FAILURES.length)]));
        }
        ConditionOracle oracle = answers::get;
        Evaluation got = version.evaluate(category, purpose, oracle);
        Evaluation want = plain(version, category, purpose, oracle);
        assertThat(got).isEqualTo(want);
        assertThat(version.cite(got.clauses())).isEqualTo(cite(version, want.clauses()));
        allows += got.allow() ? 1 : 0;
        multiple += got.clauses().size() > 1 ? 1 : 0;
      }
    }
    // The random versions reach every kind of answer, shared and not.
    assertThat(allows).isBetween(1000, 11000);
    assertThat(multiple).isGreaterThan(500);
  }

  private static List<String> cite(TermsVersion v, List<Clause> cited) {
    return cited.stream().map(c -> v.name() + "#" + c.id()).toList();
  }

  /** §5 step 4 as the evaluation was written before the shared answers. */
  private static Evaluation plain(TermsVersion v, Category category, Purpose purpose,
      ConditionOracle oracle) {
    List<Clause> matching = v.matching(category, purpose);
    List<Clause> firing = new ArrayList<>();
    List<Reason> forbidReasons = new ArrayList<>(List.of(Reason.FORBIDDEN));
    for (Clause f : matching) {
      if (f.effect() != Effect.FORBID) {
        continue;
      }
      List<Reason> failures = new ArrayList<>();
      boolean disabled = false;
      for (Condition c : f.conditionsInTableOrder()) {
        Optional<Reason> x = oracle.check(c);
        if (x.isEmpty()) {
          disabled = true;
          break;
        }
        failures.add(x.get());
      }
      if (!disabled) {
        firing.add(f);
        forbidReasons.addAll(failures);
      }
    }
    if (!firing.isEmpty()) {
      return new Evaluation(false, forbidReasons, Optional.empty(), firing, List.of());
    }
    List<Clause> holding = new ArrayList<>();
    List<Clause> misses = new ArrayList<>();
    List<Reason> missReasons = new ArrayList<>();
    for (Clause p : matching) {
      if (p.effect() != Effect.PERMIT) {
        continue;
      }
      Optional<Reason> failure = Optional.empty();
      for (Condition c : p.conditionsInTableOrder()) {
        failure = oracle.check(c);
        if (failure.isPresent()) {
          break;
        }
      }
      if (failure.isEmpty()) {
        holding.add(p);
      } else if (holding.isEmpty()) {
        misses.add(p);
        missReasons.add(failure.get());
      }
    }
    if (!holding.isEmpty()) {
      Basis basis = null;
      Set<Obligation> obligations = new LinkedHashSet<>();
      for (Clause p : holding) {
        Basis b = p.basis().orElseThrow();
        if (basis == null || b.ordinal() < basis.ordinal()) {
          basis = b;
        }
        obligations.addAll(p.obligations());
      }
      return new Evaluation(true, List.of(), Optional.of(basis), holding,
          List.copyOf(obligations));
    }
    missReasons.add(Reason.NO_PERMITTING_CLAUSE);
    return new Evaluation(false, missReasons, Optional.empty(), misses, List.of());
  }
}
