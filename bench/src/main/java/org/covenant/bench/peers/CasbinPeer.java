package org.covenant.bench.peers;

import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;

/**
 * jCasbin 1.99: an ABAC model whose policy line names the purpose and the category pattern
 * ({@code keyMatch}) and whose matcher reads the request object's attributes; the lock
 * resolution is a chain of conditionals in the matcher. The request object is a JavaBean made
 * from the facts on every call.
 */
public final class CasbinPeer implements PeerEngine {
  /** The matcher, in Casbin's expression language. */
  public static final String MATCHER = "r.purpose == p.purpose"
      + " && keyMatch(r.obj.category, p.category)"
      + " && r.obj.consentAtCapture && r.obj.consentAtUse"
      + " && (r.obj.accountLocked ? r.obj.accountValue"
      + " : (r.obj.groupLocked ? r.obj.groupValue"
      + " : (r.obj.userSet ? r.obj.userValue"
      + " : (r.obj.groupSet ? r.obj.groupValue : r.obj.accountValue))))";

  private final Enforcer enforcer;

  /** Builds the model and its one policy line. */
  public CasbinPeer() {
    Model m = new Model();
    m.addDef("r", "r", "purpose, obj");
    m.addDef("p", "p", "purpose, category");
    m.addDef("e", "e", "some(where (p.eft == allow))");
    m.addDef("m", "m", MATCHER);
    enforcer = new Enforcer(m);
    enforcer.enableLog(false);
    if (!enforcer.addPolicy("ai.training", "customer_content.*")) {
      throw new IllegalStateException("casbin refused the policy line");
    }
  }

  @Override
  public boolean allows(RuleFacts f) {
    return enforcer.enforce(f.purpose(), new Content(f));
  }

  /** The request object Casbin's matcher reads (JavaBean getters). */
  public static final class Content {
    private final RuleFacts f;

    Content(RuleFacts f) {
      this.f = f;
    }

    /** The category id. */
    public String getCategory() {
      return f.category();
    }

    /** Consent in force at capture. */
    public boolean getConsentAtCapture() {
      return f.consentAtCapture();
    }

    /** Consent in force at use. */
    public boolean getConsentAtUse() {
      return f.consentAtUse();
    }

    /** Account-level value (false when unset). */
    public boolean getAccountValue() {
      return f.accountValue();
    }

    /** Account-level lock. */
    public boolean getAccountLocked() {
      return f.accountLocked();
    }

    /** Group level holds a value. */
    public boolean getGroupSet() {
      return f.groupSet();
    }

    /** Group-level value. */
    public boolean getGroupValue() {
      return f.groupValue();
    }

    /** Group-level lock. */
    public boolean getGroupLocked() {
      return f.groupLocked();
    }

    /** User level holds a value. */
    public boolean getUserSet() {
      return f.userSet();
    }

    /** User-level value. */
    public boolean getUserValue() {
      return f.userValue();
    }
  }
}
