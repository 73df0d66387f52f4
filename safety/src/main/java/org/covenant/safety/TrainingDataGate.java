package org.covenant.safety;

/**
 * Port: may the scan model learn from this content? The composition root answers it with the
 * decision engine (purpose {@code ai.training} on the content, ARCHITECTURE.md §5, as of the
 * training round), so reviewed invites feed a training round only where the owning account's
 * terms and consents allow it. Asked at harvest time, not at review time: a consent withdrawn
 * in between wins.
 */
@FunctionalInterface
public interface TrainingDataGate {
  /** Whether training may use the content {@code contentId} now. */
  boolean mayLearnFrom(String contentId);

  /** A gate that allows nothing: the safe default until the engine is wired. */
  static TrainingDataGate denyAll() {
    return contentId -> false;
  }
}
