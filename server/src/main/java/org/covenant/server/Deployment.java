package org.covenant.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.evidence.DataDirectory;
import org.covenant.evidence.LedgerFeed;
import org.covenant.evidence.ProjectionCheckpoints;
import org.covenant.evidence.dsr.DsrRequests;
import org.covenant.evidence.dsr.SubjectRequests;
import org.covenant.log.TiledLog;
import org.covenant.safety.ScanModel;
import org.covenant.server.auth.TokenKind;
import org.covenant.server.auth.TokenStore;
import org.covenant.store.CheckpointStore;
import org.covenant.store.DocumentTable;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;

/**
 * Assembles a server from a data directory (ARCHITECTURE.md §9), laid out and locked as
 * {@link DataDirectory} says: the ledger in {@code DIR/ledger.db} (SQLite) or in PostgreSQL, the
 * transparency log (held for the server's lifetime) fed by the evidence module's
 * {@link LedgerFeed}, the API tokens' hashes, the decision log and the invite scan model when
 * present. Secrets are generated on first start, never shipped.
 */
public final class Deployment {
  /** A server and, on first start, the operator token's secret (shown once). */
  public record Opened(CovenantServer server, Optional<String> operatorSecret,
      TokenStore tokens) {}

  /** Where a data directory keeps the server's scan model: {@code safety/scan.model}. */
  public static final String SCAN_MODEL_FILE = ScanRoutes.MODEL_FILE;

  /** The table of issued consent receipts ({@code DIR/evidence/receipts.db} with SQLite). */
  public static final String RECEIPT_TABLE = "consent_receipts";

  private Deployment() {}

  /** An in-memory server (tests, benchmarks): no files, tokens in memory, no scan model. */
  public static Opened inMemory(ServerConfig config, TermsCatalog catalog, Clock clock) {
    return inMemory(config, catalog, clock, Optional.empty());
  }

  /** An in-memory server that scans invites with {@code scanModel} when present. */
  public static Opened inMemory(ServerConfig config, TermsCatalog catalog, Clock clock,
      Optional<ScanModel> scanModel) {
    Namespace main = Namespace.over("main", Ledger.open(LedgerConfig.memory(), catalog),
        DecisionLog.inMemory(), clock, config.staleAfter());
    TokenStore tokens = TokenStore.inMemory();
    String secret = tokens.issue(TokenKind.OPERATOR, "operator", Optional.empty(),
        Optional.empty(), List.of(), clock.instant(), Optional.empty()).secret();
    Namespaces namespaces = new Namespaces(main, catalog, clock, config.staleAfter(), 256);
    CovenantServer server = CovenantServer.create(new CovenantServer.Parts(config, namespaces,
        catalog, tokens, Optional.empty(), Optional.empty(), Receipts.none(), clock,
        scanModel));
    return new Opened(server, Optional.of(secret), tokens);
  }

  /**
   * A server over a data directory, with the ledger there (SQLite) or in PostgreSQL when
   * {@code ledger} is a {@link LedgerConfig.Postgres}. Issues the operator token on first start.
   *
   * @throws org.covenant.log.LogException {@code ledger_behind_log} or {@code ledger_log_mismatch}
   *     when the ledger is not the one the directory's transparency log records (a lost or
   *     replaced database); the log is left as it is and nothing is left open
   */
  public static Opened open(Path dataDir, LedgerConfig ledger, ServerConfig config,
      TermsCatalog catalog, Clock clock) {
    return open(dataDir, ledger, config, catalog, clock, ProjectionCheckpoints.Policy.defaults(),
        DsrRequests.DEFAULT_DUE);
  }

  /**
   * As {@link #open(Path, LedgerConfig, ServerConfig, TermsCatalog, Clock)}, writing projection
   * checkpoints as {@code checkpointPolicy} says (docs/DECISIONS.md, "Projection checkpoints").
   */
  public static Opened open(Path dataDir, LedgerConfig ledger, ServerConfig config,
      TermsCatalog catalog, Clock clock, ProjectionCheckpoints.Policy checkpointPolicy) {
    return open(dataDir, ledger, config, catalog, clock, checkpointPolicy,
        DsrRequests.DEFAULT_DUE);
  }

  /**
   * As {@link #open(Path, LedgerConfig, ServerConfig, TermsCatalog, Clock)}, with data subject
   * requests due {@code dsrDue} after they are received.
   */
  public static Opened open(Path dataDir, LedgerConfig ledger, ServerConfig config,
      TermsCatalog catalog, Clock clock, java.time.Duration dsrDue) {
    return open(dataDir, ledger, config, catalog, clock, ProjectionCheckpoints.Policy.defaults(),
        dsrDue);
  }

  /**
   * As {@link #open(Path, LedgerConfig, ServerConfig, TermsCatalog, Clock)}, writing projection
   * checkpoints as {@code checkpointPolicy} says and with data subject requests due
   * {@code dsrDue} after they are received.
   */
  public static Opened open(Path dataDir, LedgerConfig ledger, ServerConfig config,
      TermsCatalog catalog, Clock clock, ProjectionCheckpoints.Policy checkpointPolicy,
      java.time.Duration dsrDue) {
    DataDirectory dir = DataDirectory.at(dataDir).create();
    // The log first: the projection checkpoints are checked against it before the ledger opens.
    TiledLog log = dir.openLog();
    // The salts open beside the ledger's restore (they need nothing of it).
    java.util.function.Supplier<org.covenant.evidence.Pseudonyms> salts = dir.pseudonymsAhead();
    CheckpointStore checkpoints = null;
    List<Ledger.Start> starts = List.of();
    try {
      checkpoints = dir.checkpoints(ledger);
      starts = ProjectionCheckpoints.candidates(checkpoints, log, null);
    } catch (RuntimeException e) {
      System.getLogger(Deployment.class.getName()).log(System.Logger.Level.WARNING,
          "projection checkpoints unavailable (" + e.getMessage() + "): the ledger is replayed"
              + " and none are written");
    }
    Namespace main;
    try {
      // The directory is built from the ledger's own replay: the ledger is read once.
      main = Namespace.open("main", ledger, catalog, DecisionLog.open(dataDir), clock,
          config.staleAfter(), starts);
    } catch (RuntimeException e) {
      if (checkpoints != null) {
        checkpoints.close();
      }
      log.close();
      throw e;
    }
    Ledger l = main.ledger();
    LedgerFeed feed;
    try {
      // Refuses a ledger behind its log (lost or replaced), then brings a lagging log level.
      feed = dir.feed(log, l, salts);
      feed.catchUp();
    } catch (RuntimeException e) {
      if (checkpoints != null) {
        checkpoints.close();
      }
      log.close();
      main.close();
      throw e;
    }
    if (checkpoints != null) {
      // Closed with the namespace, before the log: a clean shutdown writes one more.
      main.closeFirst(ProjectionCheckpoints.start(checkpoints, feed, l, checkpointPolicy));
    }
    TokenStore tokens = TokenStore.open(dataDir);
    Optional<String> secret = Optional.empty();
    if (tokens.list().stream().noneMatch(t -> t.kind() == TokenKind.OPERATOR)) {
      secret = Optional.of(tokens.issue(TokenKind.OPERATOR, "operator", Optional.empty(),
          Optional.empty(), List.of(), clock.instant(), Optional.empty()).secret());
    }
    Namespaces namespaces = new Namespaces(main, catalog, clock, config.staleAfter(), 256);
    Path modelFile = dir.scanModel();
    Optional<ScanModel> model = Files.isRegularFile(modelFile)
        ? Optional.of(ScanModel.read(modelFile)) : Optional.empty();
    Receipts issuer = receipts(main, feed);
    CovenantServer server = CovenantServer.create(new CovenantServer.Parts(config, namespaces,
        catalog, tokens, Optional.of(log), Optional.of(feed), issuer, clock, model,
        DocumentTable.open(ledger instanceof LedgerConfig.Sqlite
            ? LedgerConfig.sqlite(dataDir.resolve("safety")) : ledger, ScanRoutes.REVIEW_TABLE),
        Optional.of(SubjectRequests.create(l, log, Optional.of(feed), dir.signer(),
            DsrRequests.open(dataDir), dsrDue))),
        // Issued receipts are kept beside the ledger, to be fetched again (docs/CLUSTER.md).
        ClusterView.single(issuer, DocumentTable.open(ledger instanceof LedgerConfig.Sqlite
            ? LedgerConfig.sqlite(dataDir.resolve("evidence")) : ledger, RECEIPT_TABLE)));
    return new Opened(server, secret, tokens);
  }

  /** Receipts of the main namespace's consent events, with the account's current terms. */
  private static Receipts receipts(Namespace main, LedgerFeed feed) {
    return (ns, position) -> ns != main ? Optional.empty()
        : feed.receipt(position, "rcpt-" + main.id() + "-", account -> main.directory()
            .account(account)
            .flatMap(Directory.AccountInfo::currentTerms)
            .orElse("none"));
  }
}
