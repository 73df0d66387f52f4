package org.covenant.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Guards the side-by-side benchmark's premise in every build: on a few thousand generated
 * requests, every peer gives exactly Covenant's answers on the one rule, and Covenant's own two
 * entries give the generator model's answers.
 */
class PeerAnswersTest {
  private static ConsentWorkload workload;
  private static boolean[] covenant;

  @BeforeAll
  static void generate() {
    workload = ConsentWorkload.generate(300, 4096, 7);
    covenant = Contestant.covenantRuleAnswers(workload);
  }

  @ParameterizedTest
  @EnumSource(Contestant.class)
  void everyEngine_answersAsCovenant(Contestant c) {
    try (Contestant.Decider d = c.open(workload)) {
      int allows = c.check(d, workload, covenant);
      // both answers occur often enough that a constant answer would fail
      assertThat(allows).isBetween(workload.size() / 20, workload.size() * 19 / 20);
    }
  }

  @Test
  void theWorkload_exercisesEveryBranchOfTheRule() {
    int locked = 0;
    int groupLocked = 0;
    int userDecides = 0;
    int consentLostAfterCapture = 0;
    int consentOnlyAfterCapture = 0;
    int service = 0;
    for (int i = 0; i < workload.size(); i++) {
      RuleFacts f = workload.facts(i);
      locked += f.accountLocked() ? 1 : 0;
      groupLocked += !f.accountLocked() && f.groupLocked() ? 1 : 0;
      userDecides += !f.accountLocked() && !f.groupLocked() && f.userSet() ? 1 : 0;
      consentLostAfterCapture += f.consentAtCapture() && !f.consentAtUse() ? 1 : 0;
      consentOnlyAfterCapture += !f.consentAtCapture() && f.consentAtUse() ? 1 : 0;
      service += f.category().startsWith("service_generated.") ? 1 : 0;
    }
    assertThat(java.util.List.of(locked, groupLocked, userDecides, consentLostAfterCapture,
        consentOnlyAfterCapture, service)).allMatch(n -> n > 20);
    // the rule and the default terms disagree on some requests (the feature, service data)
    int differ = 0;
    for (int i = 0; i < workload.size(); i++) {
      differ += workload.ruleAnswer(i) != workload.defaultAnswer(i) ? 1 : 0;
    }
    assertThat(differ).isGreaterThan(100);
  }

  @Test
  void aPeerThatIgnoresTheLock_isCaughtBeforeTiming() {
    Contestant.Decider wrong = i -> {
      RuleFacts f = workload.facts(i);
      return f.category().startsWith("customer_content.") && f.consentAtCapture()
          && f.consentAtUse() && (f.userSet() ? f.userValue() : f.accountValue());
    };
    assertThatThrownBy(() -> Contestant.CEL.check(wrong, workload, covenant))
        .isInstanceOf(Contestant.AnswerMismatch.class)
        .hasMessageContaining("cel gives")
        .hasMessageContaining("different from covenant-rule");
  }
}
