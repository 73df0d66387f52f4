package org.covenant.cli.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.AnswerJson;
import org.covenant.format.scenario.Query;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;

/**
 * Runs a scenario against a persisted {@link Ledger}. If the ledger is empty, the scenario's
 * events are appended to it (durably, each with its scenario key). Otherwise nothing is
 * appended: each event is reported as it fared when the scenario was first applied (an in-memory
 * replay of the scenario says whether it was accepted and, if not, its code), and an event that
 * should have been accepted but is not in the ledger is reported {@code rejected:not_in_ledger}.
 * Queries are always answered from the ledger.
 */
public final class LedgerBackend implements ScenarioBackend {
  private final Ledger ledger;
  private final Runnable close;
  private final List<String> keys;
  private final DecisionEngine engine;
  private final GovernanceState replay;
  private int next;

  /**
   * A backend over an open ledger, which it closes.
   *
   * @param keys one idempotency key per scenario event, in order
   */
  public LedgerBackend(Ledger ledger, TermsCatalog catalog, List<String> keys) {
    this(ledger, catalog, keys, ledger::close);
  }

  /**
   * A backend over an open ledger whose owner {@code close} closes it, after bringing what follows
   * the ledger (its transparency log) level with the appended events.
   *
   * @param keys one idempotency key per scenario event, in order
   */
  public LedgerBackend(Ledger ledger, TermsCatalog catalog, List<String> keys, Runnable close) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.close = Objects.requireNonNull(close, "close");
    this.keys = List.copyOf(keys);
    this.engine = DecisionEngine.create(catalog);
    this.replay = ledger.head() == 0 ? null : GovernanceState.create(catalog::knows);
  }

  /** True when the ledger held events already, so the scenario's are checked, not appended. */
  public boolean readOnly() {
    return replay != null;
  }

  @Override
  public Appended append(Event event) {
    String key = keys.get(next++);
    if (replay == null) {
      AppendResult r = ledger.append(Append.of(event, key));
      if (r instanceof AppendResult.Rejected rej) {
        return new Appended(false, Optional.of(rej.rejection().code().code()),
            rej.rejection().message());
      }
      return new Appended(true, Optional.empty(), "");
    }
    Outcome o = replay.apply(event);
    if (o instanceof Outcome.Rejected rej) {
      return new Appended(false, Optional.of(rej.rejection().code().code()),
          rej.rejection().message());
    }
    if (ledger.positionOf(key).isEmpty()) {
      return new Appended(false, Optional.of("not_in_ledger"), "the ledger already held other "
          + "events and does not hold this one (import the scenario into an empty ledger)");
    }
    return new Appended(true, Optional.empty(), "");
  }

  @Override
  public ObjectNode decision(Query.DecisionQuery q) {
    return AnswerJson.decision(engine.decide(ledger.snapshot(),
        new DecisionRequest(q.purpose(), q.content(), q.at(), q.region())));
  }

  @Override
  public ObjectNode setting(Query.SettingQuery q) {
    return AnswerJson.setting(ledger.snapshot().setting(q.account(), q.user(), q.key(),
        TimeKey.of(q.at())));
  }

  @Override
  public ObjectNode notices(Query.NoticesQuery q) {
    return AnswerJson.notices(ledger.snapshot().notices(q.meeting(), q.participant(),
        TimeKey.of(q.at())));
  }

  @Override
  public void close() {
    close.run();
  }
}
