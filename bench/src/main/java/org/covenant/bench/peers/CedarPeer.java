package org.covenant.bench.peers;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.exception.InternalException;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimBool;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * cedar-java 4.10 (the {@code uber} jar, whose native library covers linux x86_64): one permit
 * policy over the action and the request context, the lock resolution an if-then-else chain;
 * the policy set is parsed once and cached on the native side. Every call crosses into Rust
 * through JNI with the request serialized as JSON: that, not the rule, is most of its cost.
 */
public final class CedarPeer implements PeerEngine {
  /** The rule, in Cedar. */
  public static final String POLICY = """
      permit (
        principal == Service::"trainer",
        action == Action::"ai.training",
        resource
      ) when {
        context.category like "customer_content.*"
        && context.consent_at_capture && context.consent_at_use
        && (if context.account_locked then context.account_value
            else if context.group_locked then context.group_value
            else if context.user_set then context.user_value
            else if context.group_set then context.group_value
            else context.account_value)
      };""";

  private final BasicAuthorizationEngine engine = new BasicAuthorizationEngine();
  private final PolicySet policies;
  private final EntityUID principal;
  private final EntityTypeName contentType;
  private final EntityTypeName actionType;
  private final Set<Entity> entities = Set.of();

  /** Parses and caches the policy. */
  public CedarPeer() {
    try {
      policies = PolicySet.parsePolicies(POLICY);
      policies.cache();
    } catch (InternalException | com.cedarpolicy.model.exception.CacheException e) {
      throw new IllegalStateException("the Cedar policy does not parse: " + e.getMessage(), e);
    }
    principal = EntityUID.parse("Service::\"trainer\"").orElseThrow();
    contentType = EntityTypeName.parse("Content").orElseThrow();
    actionType = EntityTypeName.parse("Action").orElseThrow();
  }

  @Override
  public boolean allows(RuleFacts f) {
    Map<String, Value> context = new HashMap<>(16);
    context.put("category", new PrimString(f.category()));
    context.put("consent_at_capture", new PrimBool(f.consentAtCapture()));
    context.put("consent_at_use", new PrimBool(f.consentAtUse()));
    context.put("account_value", new PrimBool(f.accountValue()));
    context.put("account_locked", new PrimBool(f.accountLocked()));
    context.put("group_set", new PrimBool(f.groupSet()));
    context.put("group_value", new PrimBool(f.groupValue()));
    context.put("group_locked", new PrimBool(f.groupLocked()));
    context.put("user_set", new PrimBool(f.userSet()));
    context.put("user_value", new PrimBool(f.userValue()));
    AuthorizationRequest q = new AuthorizationRequest(principal,
        new EntityUID(actionType, f.purpose()), new EntityUID(contentType, "content"), context);
    try {
      AuthorizationResponse r = engine.isAuthorized(q, policies, entities);
      return r.success.orElseThrow(() -> new IllegalStateException(
          "cedar failed: " + r.errors)).isAllowed();
    } catch (AuthException e) {
      throw new IllegalStateException("cedar failed: " + e.getMessage(), e);
    }
  }
}
