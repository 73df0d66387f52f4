package org.covenant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.core.ConditionFactory;
import org.covenant.format.TermsLibrary;
import org.covenant.log.NoteSigner;
import org.covenant.server.DecisionLog;
import org.covenant.server.Namespace;
import org.covenant.server.auth.TokenStore;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The other order of a writer woken past its lease (docs/CLUSTER.md, "One log writer"): a member
 * that writes the log, with nothing left to log, whose lease the database has given to another
 * holder at the next epoch (as after a pause past its expiry). Its renewal is refused, so it
 * stops writing without attempting a commit: {@code stood_down} counts it, {@code fenced_writes}
 * does not, and no row of the stored log is written at its epoch afterwards.
 */
class ClusterWriterStandDownIT {
  private static final ClusterNode.Timing TIMING = new ClusterNode.Timing(Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofMillis(100));

  @Test
  void aWriterWhoseLeaseWasTaken_withNothingToLog_standsDownWithoutWriting() throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_standdown");
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    ClusterDb db = ClusterDb.open(pg);
    String id = ClusterNode.newId();
    Namespace main = Namespace.openShard("main", pg, TermsLibrary.builtInCatalog(), a -> true,
        DecisionLog.over(PgBackings.decisions(db, id)), Clock.systemUTC(), Duration.ofSeconds(5));
    ClusterNode node = ClusterNode.open(id, db, TIMING,
        Optional.of(NoteSigner.generate("covenant.test/standdown")), main,
        TokenStore.over(PgBackings.tokens(db)), Duration.ZERO);
    try {
      node.sharding(new LedgerShard(main.ledger()), () -> main.directory().accountIds(), true);
      node.start("http://127.0.0.1:1");
      waiting().until(node::writer);
      long epoch = query(url, "SELECT epoch FROM " + schema + ".cluster_lease WHERE name = 'log'");
      // Another holder has the lease at the next epoch, as after an expiry and a takeover.
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        assertThat(st.executeUpdate("UPDATE " + schema + ".cluster_lease SET holder = 'thief', "
            + "epoch = epoch + 1, expires = clock_timestamp() + interval '1 minute' WHERE name "
            + "= 'log'")).isEqualTo(1);
      }
      Map<String, StoredLogRows.Row> before = StoredLogRows.read(url, schema);
      waiting().until(() -> !node.writer());
      assertThat(node.stoodDown()).isEqualTo(1);
      assertThat(node.fencedWrites()).isZero();
      assertThat(node.describe(Optional.empty()).path("member").path("stood_down").asLong())
          .isEqualTo(1);
      // It does not take the lease back while the other holds it, and wrote nothing.
      Thread.sleep(5 * TIMING.tick().toMillis());
      assertThat(node.writer()).isFalse();
      Map<String, StoredLogRows.Row> after = StoredLogRows.read(url, schema);
      after.forEach((path, row) -> {
        if (row.epoch() == epoch) {
          assertThat(before.get(path)).as(path).isEqualTo(row);
        }
      });
      assertThat(after).isEqualTo(before);
    } finally {
      node.close();
      main.close();
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private static long query(String url, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Waits for the cluster to reach a state: at most 20 s, looking every 20 ms. */
  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20));
  }
}
