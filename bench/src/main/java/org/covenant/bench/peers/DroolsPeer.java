package org.covenant.bench.peers;

import org.kie.api.KieBase;
import org.kie.api.KieBaseConfiguration;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.runtime.StatelessKieSession;
import org.kie.internal.conf.ConstraintJittingThresholdOption;

/**
 * Drools 10.2 (the classic engine, constraints evaluated by drools-mvel, not jitted: see below): one DRL rule matching
 * the request fact; the lock resolution is a boolean constraint over its properties. Each request
 * is a new fact executed in a stateless session of a KieBase built once.
 */
public final class DroolsPeer implements PeerEngine {
  /** The rule, in DRL. */
  public static final String DRL = """
      package org.covenant.bench.peers.rules;
      import org.covenant.bench.peers.DroolsPeer.Fact;

      rule "ai-training-consent"
      when
        $f : Fact( purpose == "ai.training", category str[startsWith] "customer_content.",
                   consentAtCapture == true, consentAtUse == true,
                   ( accountLocked == true && accountValue == true )
                   || ( accountLocked == false && groupLocked == true && groupValue == true )
                   || ( accountLocked == false && groupLocked == false && userSet == true
                        && userValue == true )
                   || ( accountLocked == false && groupLocked == false && userSet == false
                        && groupSet == true && groupValue == true )
                   || ( accountLocked == false && groupLocked == false && userSet == false
                        && groupSet == false && accountValue == true ) )
      then
        $f.allow();
      end
      """;

  private final StatelessKieSession session;

  /** Compiles the DRL into a KieBase. */
  public DroolsPeer() {
    KieServices ks = KieServices.Factory.get();
    KieFileSystem fs = ks.newKieFileSystem();
    fs.write("src/main/resources/org/covenant/bench/peers/rules/consent.drl", DRL);
    KieBuilder builder = ks.newKieBuilder(fs).buildAll();
    if (builder.getResults().hasMessages(Message.Level.ERROR)) {
      throw new IllegalStateException("the DRL does not compile: "
          + builder.getResults().getMessages());
    }
    // drools-mvel 10.2.0 jits a constraint after 20 evaluations into bytecode that calls a
    // method signature drools-core 10.2.0 no longer has (NoSuchMethodError
    // EvaluatorHelper.initOperators(..., Tuple, ...)): constraints stay interpreted by MVEL.
    KieBaseConfiguration conf = ks.newKieBaseConfiguration();
    conf.setOption(ConstraintJittingThresholdOption.get(-1));
    KieBase base = ks.newKieContainer(builder.getKieModule().getReleaseId()).newKieBase(conf);
    session = base.newStatelessKieSession();
  }

  @Override
  public boolean allows(RuleFacts facts) {
    Fact f = new Fact(facts);
    session.execute(f);
    return f.allowed;
  }

  /** The fact a request becomes (JavaBean getters, as DRL reads properties). */
  public static final class Fact {
    private final RuleFacts f;
    private boolean allowed;

    Fact(RuleFacts f) {
      this.f = f;
    }

    /** Called by the rule's consequence. */
    public void allow() {
      allowed = true;
    }

    /** The purpose. */
    public String getPurpose() {
      return f.purpose();
    }

    /** The category id. */
    public String getCategory() {
      return f.category();
    }

    /** Consent in force at capture. */
    public boolean isConsentAtCapture() {
      return f.consentAtCapture();
    }

    /** Consent in force at use. */
    public boolean isConsentAtUse() {
      return f.consentAtUse();
    }

    /** Account-level value (false when unset). */
    public boolean isAccountValue() {
      return f.accountValue();
    }

    /** Account-level lock. */
    public boolean isAccountLocked() {
      return f.accountLocked();
    }

    /** Group level holds a value. */
    public boolean isGroupSet() {
      return f.groupSet();
    }

    /** Group-level value. */
    public boolean isGroupValue() {
      return f.groupValue();
    }

    /** Group-level lock. */
    public boolean isGroupLocked() {
      return f.groupLocked();
    }

    /** User level holds a value. */
    public boolean isUserSet() {
      return f.userSet();
    }

    /** User-level value. */
    public boolean isUserValue() {
      return f.userValue();
    }
  }
}
