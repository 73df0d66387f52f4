package org.covenant.bench.peers;

/**
 * A peer engine deciding the consent rule from the {@link RuleFacts} it is given. Each call
 * builds the engine's own request from the facts (what an integrator would write) and evaluates
 * it; the rule is parsed or compiled once, when the peer is created.
 */
public interface PeerEngine extends AutoCloseable {
  /** True when the rule allows this request. */
  boolean allows(RuleFacts facts);

  /** Releases what the engine holds; most hold nothing. */
  @Override
  default void close() {}
}
