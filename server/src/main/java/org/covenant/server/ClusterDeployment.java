package org.covenant.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.evidence.DataDirectory;
import org.covenant.evidence.ProjectionCheckpoints;
import org.covenant.evidence.dsr.DsrRequests;
import org.covenant.evidence.dsr.SubjectRequests;
import org.covenant.log.NoteSigner;
import org.covenant.safety.ScanModel;
import org.covenant.server.auth.TokenKind;
import org.covenant.server.auth.TokenStore;
import org.covenant.server.cluster.ClusterDb;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.server.cluster.LedgerShard;
import org.covenant.server.cluster.MemberCheckpoints;
import org.covenant.server.cluster.Members;
import org.covenant.server.cluster.PgBackings;
import org.covenant.store.CheckpointStore;
import org.covenant.store.DocumentTable;
import org.covenant.store.LedgerConfig;

/**
 * Assembles a cluster member over PostgreSQL ({@code serve --db}, docs/CLUSTER.md): the ledger,
 * the transparency log, API tokens, the review queue, consent receipts, the decision log and the
 * log's salts all live in the database, so any number of members serve one service and a member
 * can be replaced by one with an empty data directory. The data directory holds only what a
 * member reads at start (the invite scan model). The member signs the log only with {@code
 * logKey}, and only while it holds the log lease.
 */
public final class ClusterDeployment {
  private ClusterDeployment() {}

  /**
   * A member of the cluster on {@code ledger}'s database, not started.
   *
   * @param logKey the log's signing key, for members that may be elected to write the log
   * @param timing lease and heartbeat lifetimes
   * @param waitForLog how long a member without the key waits at start for the log to exist;
   *     then it serves without it (the ledger and decisions) and opens it once a writer has
   *     created it
   */
  public static Deployment.Opened open(Path dataDir, LedgerConfig.Postgres ledger,
      ServerConfig config, TermsCatalog catalog, Clock clock, Optional<NoteSigner> logKey,
      ClusterNode.Timing timing, Duration waitForLog) {
    return open(dataDir, ledger, config, catalog, clock, logKey, timing, waitForLog,
        DsrRequests.DEFAULT_DUE);
  }

  /**
   * As above, data subject requests due {@code dsrDue} after they are received. They are served
   * by members with {@code logKey} (a bundle is signed with the log key); their register is in
   * the database (docs/CLUSTER.md, "Data subject requests").
   */
  public static Deployment.Opened open(Path dataDir, LedgerConfig.Postgres ledger,
      ServerConfig config, TermsCatalog catalog, Clock clock, Optional<NoteSigner> logKey,
      ClusterNode.Timing timing, Duration waitForLog, Duration dsrDue) {
    return open(dataDir, ledger, config, catalog, clock, logKey, timing, waitForLog, dsrDue,
        true);
  }

  /**
   * As above; with {@code ownsAccounts} false the member owns no account and answers every
   * account's requests by forwarding them ({@code serve --route-only}, docs/CLUSTER.md).
   */
  public static Deployment.Opened open(Path dataDir, LedgerConfig.Postgres ledger,
      ServerConfig config, TermsCatalog catalog, Clock clock, Optional<NoteSigner> logKey,
      ClusterNode.Timing timing, Duration waitForLog, Duration dsrDue, boolean ownsAccounts) {
    return open(dataDir, ledger, config, catalog, clock, logKey, timing, waitForLog, dsrDue,
        ownsAccounts, ProjectionCheckpoints.Policy.defaults());
  }

  /**
   * As above, the member's projection checkpoints written as {@code checkpoints} says
   * (docs/CLUSTER.md, "Member checkpoints in the server"): the member keeps its id in {@code
   * DIR/cluster/member-id}, opens from its own checkpoint (else without one) and writes its own
   * in the background, when its share changed, and at a clean shutdown.
   */
  public static Deployment.Opened open(Path dataDir, LedgerConfig.Postgres ledger,
      ServerConfig config, TermsCatalog catalog, Clock clock, Optional<NoteSigner> logKey,
      ClusterNode.Timing timing, Duration waitForLog, Duration dsrDue, boolean ownsAccounts,
      ProjectionCheckpoints.Policy checkpoints) {
    DataDirectory dir = DataDirectory.at(dataDir).create();
    ClusterDb db = ClusterDb.open(ledger);
    MemberCheckpoints.Identity identity = MemberCheckpoints.Identity.claim(dataDir);
    String id = identity.id();
    Namespace main = null;
    ClusterNode node = null;
    CheckpointStore store = null;
    try {
      store = CheckpointStore.members(ledger, id);
      // The member opens owning the accounts it expects from the members live now and itself,
      // starting from a checkpoint when one holds (its own first: a restarted member has the
      // same id, hence the same share); the first move at start corrects the share if the
      // members changed meanwhile (docs/CLUSTER.md, "Member checkpoints in the server").
      java.util.function.Predicate<String> expected = ownsAccounts
          ? MemberCheckpoints.expectedShare(new Members(db, timing.heartbeat()), id,
              logKey.isPresent())
          : account -> false;
      long t0 = System.nanoTime();
      List<String> warnings = new java.util.ArrayList<>();
      Optional<String> from;
      boolean own;
      try (MemberCheckpoints.Starts starts = MemberCheckpoints.starts(db, store, warnings)) {
        main = Namespace.openShard("main", ledger, catalog, expected,
            DecisionLog.over(PgBackings.decisions(db, id)), clock, config.staleAfter(),
            starts.starts());
        from = main.ledger().startedFrom();
        own = starts.own(from);
      }
      long openMillis = (System.nanoTime() - t0) / 1_000_000;
      System.err.println("covenant: member " + id + " opened its projection "
          + from.map(f -> "from checkpoint " + f).orElse("without a checkpoint") + " in "
          + openMillis + " ms (head " + main.ledger().head() + ")");
      TokenStore tokens = TokenStore.over(PgBackings.tokens(db));
      Optional<String> secret = operatorOnce(db, tokens, clock);
      node = ClusterNode.open(id, db, timing, logKey, main, tokens, waitForLog);
      node.checkpoints(store, checkpoints, from, own, openMillis, identity);
      CheckpointStore checkpointed = store;
      store = null;
      Namespace projected = main;
      // A move takes the accounts it gains from the checkpoints of the members that left
      // (docs/CLUSTER.md, "Moves in the projection", rule 7).
      LedgerShard shard = new LedgerShard(main.ledger(), departed -> {
        List<String> found = new java.util.ArrayList<>();
        MemberCheckpoints.Starts s = MemberCheckpoints.departed(db, checkpointed, departed,
            found);
        found.forEach(w -> System.err.println("covenant: " + w));
        return s;
      });
      node.sharding(shard, () -> projected.directory().accountIds(), ownsAccounts);
      Namespaces namespaces = new Namespaces(main, catalog, clock, config.staleAfter(), 256);
      namespaces.idSuffix(node.namespaceSuffix());
      Path modelFile = dir.scanModel();
      Optional<ScanModel> model = Files.isRegularFile(modelFile)
          ? Optional.of(ScanModel.read(modelFile)) : Optional.empty();
      CovenantServer server = CovenantServer.create(new CovenantServer.Parts(config, namespaces,
          catalog, tokens, Optional.empty(), Optional.empty(), node, clock, model,
          DocumentTable.open(ledger, ScanRoutes.REVIEW_TABLE), dsr(node, main, logKey, db,
          dsrDue)), node);
      return new Deployment.Opened(server, secret, tokens);
    } catch (RuntimeException e) {
      if (store != null) {
        store.close();
      }
      if (node != null) {
        node.close();
      } else {
        db.close();
        identity.close();
      }
      if (main != null) {
        main.close();
      }
      throw e;
    }
  }

  private static Optional<SubjectRequests> dsr(ClusterNode node, Namespace main,
      Optional<NoteSigner> logKey, ClusterDb db, Duration due) {
    if (logKey.isEmpty() || node.log().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(SubjectRequests.create(main.ledger(), node.log().get(), node.subjectLog(),
        logKey.get(), DsrRequests.over(PgBackings.dsr(db)), due));
  }

  /**
   * Issues the operator token when the cluster has none, under an advisory lock so that members
   * starting together issue one between them; the secret is shown by the member that issued it.
   */
  private static Optional<String> operatorOnce(ClusterDb db, TokenStore tokens, Clock clock) {
    return db.run("issue the operator token", c -> {
      try (PreparedStatement lock = c.prepareStatement(
          "SELECT pg_advisory_lock(hashtext(?))")) {
        lock.setString(1, db.table("api_token"));
        lock.execute();
      }
      try {
        tokens.reload();
        if (tokens.list().stream().anyMatch(t -> t.kind() == TokenKind.OPERATOR)) {
          return Optional.<String>empty();
        }
        return Optional.of(tokens.issue(TokenKind.OPERATOR, "operator", Optional.empty(),
            Optional.empty(), List.of(), clock.instant(), Optional.empty()).secret());
      } finally {
        try (PreparedStatement unlock = c.prepareStatement(
            "SELECT pg_advisory_unlock(hashtext(?))")) {
          unlock.setString(1, db.table("api_token"));
          unlock.execute();
        }
      }
    });
  }
}
