package org.covenant.bench.peers;

import org.jeasy.rules.api.Facts;
import org.jeasy.rules.api.Rules;
import org.jeasy.rules.api.RulesEngine;
import org.jeasy.rules.core.DefaultRulesEngine;
import org.jeasy.rules.core.RuleBuilder;

/**
 * Easy Rules 4.1: one rule whose condition is a Java lambda over the request fact (the cheapest
 * form Easy Rules offers; its MVEL and SpEL rules interpret an expression instead). The lock
 * resolution is written in that lambda.
 */
public final class EasyRulesPeer implements PeerEngine {
  private final Rules rules;
  private final RulesEngine engine = new DefaultRulesEngine();

  /** Builds the rule. */
  public EasyRulesPeer() {
    rules = new Rules(new RuleBuilder()
        .name("ai-training-consent")
        .description("AI training on customer content only with consent before capture and the"
            + " feature on, a lock at account level winning")
        .when(f -> {
          RuleFacts r = f.get("request");
          return r.purpose().equals("ai.training") && r.category().startsWith("customer_content.")
              && r.consentAtCapture() && r.consentAtUse() && (r.accountLocked() ? r.accountValue()
                  : r.groupLocked() ? r.groupValue() : r.userSet() ? r.userValue()
                      : r.groupSet() ? r.groupValue() : r.accountValue());
        })
        .then(f -> f.put("allow", Boolean.TRUE))
        .build());
  }

  @Override
  public boolean allows(RuleFacts facts) {
    Facts f = new Facts();
    f.put("request", facts);
    engine.fire(rules, f);
    return f.get("allow") != null;
  }
}
