package org.covenant.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.covenant.cli.scenario.HttpBackend;
import org.covenant.cli.scenario.LedgerBackend;
import org.covenant.cli.scenario.ScenarioBackend;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.scenario.Scenario;

/**
 * Chooses where {@code scenario run} sends a scenario besides the in-memory engine: a persisted
 * ledger ({@code --data}/{@code --db}) or a server ({@code --server}).
 */
final class ScenarioBackends {
  private ScenarioBackends() {}

  /**
   * A backend over the persisted ledger in a data directory or PostgreSQL: an empty ledger
   * receives the scenario's events; a non-empty one answers the queries as it stands. A data
   * directory's transparency log follows the ledger ({@link LoggedLedger}): it is brought level
   * when the backend opens and when it closes, after the scenario's appends.
   */
  static ScenarioBackend persisted(Optional<Path> data, Optional<String> db, Scenario s,
      TermsCatalog catalog) {
    LoggedLedger l = LoggedLedger.open(data, db, catalog);
    return new LedgerBackend(l.ledger(), catalog, ScenarioKeys.of(s), l::close);
  }

  /** A backend that sends events and queries to a server's HTTP API. */
  static ScenarioBackend server(String url, Optional<String> token, Scenario s,
      TermsCatalog catalog) {
    String t = token.or(() -> Optional.ofNullable(System.getenv("COVENANT_TOKEN")))
        .orElseThrow(() -> new IllegalArgumentException(
            "--server needs an operator token: --token T or COVENANT_TOKEN"));
    return HttpBackend.open(CLIENT, url, t, catalog);
  }

  private static final java.net.http.HttpClient CLIENT = HttpBackend.client();
}
