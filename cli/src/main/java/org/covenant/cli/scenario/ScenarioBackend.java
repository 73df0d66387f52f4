package org.covenant.cli.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.format.scenario.Query;

/**
 * Where a scenario runs: the in-process engine, a persisted ledger, or a server over HTTP. Every
 * backend answers in the same JSON shapes ({@code AnswerJson}), so the runner compares
 * expectations identically and the three can never disagree unnoticed.
 */
public interface ScenarioBackend extends AutoCloseable {
  /** What happened to an appended event. */
  record Appended(boolean accepted, Optional<String> code, String message) {}

  /** Appends one event. */
  Appended append(Event event);

  /** A decision answer (verdict, reasons, basis, clauses, obligations, …). */
  ObjectNode decision(Query.DecisionQuery q);

  /** An effective setting answer ({@code value}, {@code level}). */
  ObjectNode setting(Query.SettingQuery q);

  /** A notices answer ({@code notices}, {@code muted}). */
  ObjectNode notices(Query.NoticesQuery q);

  @Override
  default void close() {}
}
