package org.covenant.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.covenant.cli.scenario.HttpBackend;
import org.covenant.cli.scenario.LedgerBackend;
import org.covenant.cli.scenario.ScenarioBackend;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.scenario.Scenario;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;

/**
 * Chooses where {@code scenario run} sends a scenario besides the in-memory engine: a persisted
 * ledger ({@code --data}/{@code --db}) or a server ({@code --server}).
 */
final class ScenarioBackends {
  private ScenarioBackends() {}

  /**
   * A backend over the persisted ledger in a data directory or PostgreSQL: an empty ledger
   * receives the scenario's events; a non-empty one answers the queries as it stands.
   */
  static ScenarioBackend persisted(Optional<Path> data, Optional<String> db, Scenario s,
      TermsCatalog catalog) {
    return new LedgerBackend(Ledger.open(LedgerConfig.of(data, db), catalog), catalog,
        ScenarioKeys.of(s));
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
