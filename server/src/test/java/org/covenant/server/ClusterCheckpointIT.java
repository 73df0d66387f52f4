package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.core.ConditionFactory;
import org.covenant.evidence.ProjectionCheckpoints;
import org.covenant.format.TermsLibrary;
import org.covenant.log.NoteSigner;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.server.cluster.Members;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Member checkpoints in the server (docs/CLUSTER.md, "Member checkpoints in the server"): two
 * {@code serve --db} members write checkpoints of their projections; restarted on the same data
 * directories they keep their ids, start from their own checkpoints, and hold exactly the
 * projection a fresh open of their share has (canonical digest), answering decisions as before.
 * With every stored checkpoint damaged, a member starts without one and is the same.
 */
class ClusterCheckpointIT {
  private static final ClusterNode.Timing FAST = new ClusterNode.Timing(Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofMillis(100));
  private static final NoteSigner KEY = NoteSigner.generate("covenant.test/cluster-checkpoint");
  /** A checkpoint at every new logged position, checked every 100 ms. */
  private static final ProjectionCheckpoints.Policy OFTEN = new ProjectionCheckpoints.Policy(1,
      Duration.ofHours(1), 1, Duration.ofMillis(100));
  private static final int ACCOUNTS = 16;
  private static final Instant BASE = Instant.now().minusSeconds(600)
      .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

  @Test
  void restartedMembersStartFromTheirCheckpoints_andADamagedOneIsIgnored(@TempDir Path tmp)
      throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_cckpt");
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    Path dirA = tmp.resolve("a");
    Path dirB = tmp.resolve("b");
    Deployment.Opened first = open(dirA, pg);
    String operator = first.operatorSecret().orElseThrow();
    List<CovenantServer> run = new ArrayList<>();
    String idA;
    String idB;
    Map<String, String> decided = new HashMap<>();
    try {
      run.add(first.server().start());
      run.add(open(dirB, pg).server().start());
      TestClient a = new TestClient(run.get(0).url(), operator);
      TestClient b = new TestClient(run.get(1).url(), operator);
      idA = a.get("/v1/cluster").json().path("self").asText();
      idB = b.get("/v1/cluster").json().path("self").asText();
      waitSettled(List.of(a, b), 2);
      for (int i = 0; i < ACCOUNTS; i++) {
        TestClient.Response r = (i % 2 == 0 ? a : b).post("/v1/events",
            ClusterRoutingIT.account("k" + i, BASE.plusSeconds(10L * i)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      for (int i = 0; i < ACCOUNTS; i++) {
        decided.put("k" + i, a.post("/v1/decisions", training("k" + i)).body());
      }
      long head = run.get(0).namespaces().main().ledger().refresh();
      // Both members checkpoint the head once the log has logged it (any member, not only
      // the log's writer).
      for (TestClient c : List.of(a, b)) {
        waiting().until(() -> c.get("/v1/cluster").json().path("member").path("checkpoint")
            .path("last_written").asLong() == head);
      }
    } finally {
      closeAll(run);
    }
    assertThat(rows(url, schema, idA)).as("A's checkpoints").isBetween(1, 2);
    assertThat(rows(url, schema, idB)).as("B's checkpoints").isBetween(1, 2);

    // Restart both on the same directories: same ids, each from its own checkpoint.
    run = new ArrayList<>();
    try {
      run.add(open(dirA, pg).server().start());
      run.add(open(dirB, pg).server().start());
      TestClient a = new TestClient(run.get(0).url(), operator);
      TestClient b = new TestClient(run.get(1).url(), operator);
      assertThat(a.get("/v1/cluster").json().path("self").asText()).isEqualTo(idA);
      assertThat(b.get("/v1/cluster").json().path("self").asText()).isEqualTo(idB);
      for (Map.Entry<String, TestClient> m : Map.of(idA, a, idB, b).entrySet()) {
        JsonNode ck = m.getValue().get("/v1/cluster").json().path("member").path("checkpoint");
        assertThat(ck.path("started_from").asText()).as(ck.toString())
            .contains("of member `" + m.getKey() + "`");
        assertThat(ck.path("started_from_own").asBoolean()).as(ck.toString()).isTrue();
      }
      waitSettled(List.of(a, b), 2);
      assertFreshShares(pg, Map.of(idA, run.get(0), idB, run.get(1)));
      for (int i = 0; i < ACCOUNTS; i++) {
        assertThat(b.post("/v1/decisions", training("k" + i)).body()).as("k" + i)
            .isEqualTo(decided.get("k" + i));
      }
    } finally {
      closeAll(run);
    }

    // Every stored checkpoint damaged (one byte of its body flipped): ignored, A starts
    // without one and is a fresh member.
    java.sql.Timestamp damaged;
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
        rs.next();
        damaged = rs.getTimestamp(1);
      }
      assertThat(st.executeUpdate("UPDATE " + schema + ".member_checkpoint SET body = "
          + "set_byte(body, length(body) / 2, 255 - get_byte(body, length(body) / 2))"))
          .isPositive();
    }
    run = new ArrayList<>();
    try {
      run.add(open(dirA, pg).server().start());
      TestClient a = new TestClient(run.get(0).url(), operator);
      JsonNode ck = a.get("/v1/cluster").json().path("member").path("checkpoint");
      assertThat(ck.path("started_from").isNull()).as(ck.toString()).isTrue();
      waitSettled(List.of(a), 1);
      assertFreshShares(pg, Map.of(idA, run.get(0)));
      for (int i = 0; i < ACCOUNTS; i++) {
        assertThat(a.post("/v1/decisions", training("k" + i)).body()).as("k" + i)
            .isEqualTo(decided.get("k" + i));
      }
      // No checkpoint of its own to match its share: it writes one of its projection as it is,
      // at the same position, once its share has settled.
      long head = run.get(0).namespaces().main().ledger().head();
      waiting().until(() -> {
        try {
          return rewritten(url, schema, idA, head, damaged);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });

      // A member on a fresh data directory (a new id) has no checkpoint of its own: it reads
      // its share without one (another member's holds about half of it and is not tried).
      run.add(open(tmp.resolve("c"), pg).server().start());
      TestClient c = new TestClient(run.get(1).url(), operator);
      String idC = c.get("/v1/cluster").json().path("self").asText();
      assertThat(idC).isNotIn(idA, idB);
      ck = c.get("/v1/cluster").json().path("member").path("checkpoint");
      assertThat(ck.path("started_from").isNull()).as(ck.toString()).isTrue();
      assertThat(ck.path("started_from_own").asBoolean()).as(ck.toString()).isFalse();
      waitSettled(List.of(a, c), 2);
      assertFreshShares(pg, Map.of(idA, run.get(0), idC, run.get(1)));
    } finally {
      closeAll(run);
    }
  }

  /** Whether {@code member}'s checkpoint at {@code position} was written again since. */
  private static boolean rewritten(String url, String schema, String member, long position,
      java.sql.Timestamp since) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + schema
            + ".member_checkpoint WHERE member = ? AND position = ? AND written_at > ?")) {
      ps.setString(1, member);
      ps.setLong(2, position);
      ps.setTimestamp(3, since);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    }
  }

  /**
   * Each member's projection is the one a fresh {@code openShard} of its share builds (the
   * canonical digest), and it is ready for exactly the accounts it owns.
   */
  private static void assertFreshShares(LedgerConfig.Postgres pg,
      Map<String, CovenantServer> members) {
    List<Members.Member> live = new ArrayList<>();
    for (String id : members.keySet()) {
      live.add(new Members.Member(id, "", true, Instant.EPOCH, 1));
    }
    for (Map.Entry<String, CovenantServer> m : members.entrySet()) {
      Ledger running = m.getValue().namespaces().main().ledger();
      running.refresh();
      java.util.function.Predicate<String> owns = acct -> Members.owner(live, acct)
          .map(x -> x.id().equals(m.getKey())).orElse(false);
      try (Ledger fresh = Ledger.openShard(pg, TermsLibrary.builtInCatalog(), owns)) {
        assertThat(running.head()).isEqualTo(fresh.head());
        assertThat(running.projectionDigest()).as(m.getKey() + "'s projection")
            .isEqualTo(fresh.projectionDigest());
        for (int i = 0; i < ACCOUNTS; i++) {
          assertThat(running.ready("k" + i)).as(m.getKey() + " ready k" + i)
              .isEqualTo(owns.test("k" + i));
        }
      }
    }
  }

  private static int rows(String url, String schema, String member) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema
            + ".member_checkpoint WHERE member = '" + member + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void waitSettled(List<TestClient> members, int owners)
      throws InterruptedException {
    for (TestClient c : members) {
      waiting().until(() -> {
        JsonNode s = c.get("/v1/cluster").json().path("sharding");
        return s.path("owners").asInt() == owners && s.path("moves_in_progress").asInt() == 0;
      });
    }
    Thread.sleep(300); // a tick for the members to finish moving after their view settled
  }

  private static void closeAll(List<CovenantServer> servers) {
    for (CovenantServer s : servers) {
      s.close();
    }
  }

  private static String training(String account) {
    return "{\"purpose\":\"ai.training\",\"content\":\"" + account + ":c1\",\"at\":\""
        + BASE.plusSeconds(500) + "\"}";
  }

  private static Deployment.Opened open(Path dir, LedgerConfig.Postgres pg) {
    return ClusterDeployment.open(dir, pg, ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC(), Optional.of(KEY), FAST,
        Duration.ofSeconds(20), org.covenant.evidence.dsr.DsrRequests.DEFAULT_DUE, true, OFTEN);
  }

  /** Waits for the cluster to reach a state: at most 20 s, looking every 50 ms. */
  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50));
  }
}
