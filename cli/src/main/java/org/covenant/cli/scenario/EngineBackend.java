package org.covenant.cli.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.AnswerJson;
import org.covenant.format.scenario.Query;

/** Runs a scenario against the in-process engine over an in-memory ledger. */
public final class EngineBackend implements ScenarioBackend {
  private final GovernanceState state;
  private final DecisionEngine engine;

  /** A fresh ledger over these terms. */
  public EngineBackend(TermsCatalog catalog) {
    this.state = GovernanceState.create(catalog::knows);
    this.engine = DecisionEngine.create(catalog);
  }

  @Override
  public Appended append(Event event) {
    Outcome o = state.apply(event);
    if (o instanceof Outcome.Rejected r) {
      return new Appended(false, Optional.of(r.rejection().code().code()),
          r.rejection().message());
    }
    return new Appended(true, Optional.empty(), "");
  }

  @Override
  public ObjectNode decision(Query.DecisionQuery q) {
    Snapshot s = state.snapshot();
    return AnswerJson.decision(engine.decide(s, new DecisionRequest(q.purpose(), q.content(),
        q.at(), q.region())));
  }

  @Override
  public ObjectNode setting(Query.SettingQuery q) {
    return AnswerJson.setting(state.snapshot().setting(q.account(), q.user(), q.key(),
        TimeKey.of(q.at())));
  }

  @Override
  public ObjectNode notices(Query.NoticesQuery q) {
    return AnswerJson.notices(state.snapshot().notices(q.meeting(), q.participant(),
        TimeKey.of(q.at())));
  }
}
