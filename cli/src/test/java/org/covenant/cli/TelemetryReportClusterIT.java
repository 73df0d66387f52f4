package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.covenant.evidence.JobLeaves;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.server.ClusterDeployment;
import org.covenant.server.CovenantServer;
import org.covenant.server.Deployment;
import org.covenant.server.ServerConfig;
import org.covenant.server.cluster.ClusterDb;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.server.cluster.PgLogStorage;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code telemetry report --db URL --db-schema NAME}: the release's one leaf goes to the cluster's
 * log, queued for its elected writer like a dataset build's (docs/CLUSTER.md, "Job leaves"): the
 * leaf at the index the writer recorded is the release's budget entry, and with no writer the
 * report fails {@code log_unavailable} and leaves nothing queued.
 */
class TelemetryReportClusterIT {
  private static final NoteSigner KEY = NoteSigner.generate("covenant.test/telemetry-report");

  @TempDir Path tmp;

  @Test
  void releaseLeaf_goesToTheClusterLog_throughTheElectedWriter() throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_telrep");
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    try {
      Path scenario = tmp.resolve("ledger.json");
      Files.writeString(scenario, "{\"events\":[{\"type\":\"account.created\",\"at\":"
          + "\"2024-03-01T09:00:00Z\",\"account\":\"acme\",\"owner\":\"alice\"}],"
          + "\"queries\":[]}");
      LogWiringTest.Run imported = LogWiringTest.cli("ledger", "import", scenario.toString(),
          "--db", url, "--db-schema", schema);
      assertThat(imported.exit()).as(imported.err()).isZero();
      Path ctel = tmp.resolve("t.ctel");
      assertThat(Main.run("telemetry", "generate", "--events", "20000", "--seed", "3", "--out",
          ctel.toString())).isZero();

      Deployment.Opened member = ClusterDeployment.open(tmp.resolve("member"), pg,
          ServerConfig.defaults(0).withFreshness(Duration.ofSeconds(5), Duration.ofMillis(100)),
          TermsLibrary.builtInCatalog(), Clock.systemUTC(), Optional.of(KEY),
          new ClusterNode.Timing(Duration.ofSeconds(2), Duration.ofSeconds(2),
              Duration.ofMillis(100)), Duration.ZERO);
      Path report = tmp.resolve("report");
      try (CovenantServer server = member.server().start()) {
        assertThat(server.url()).isNotEmpty();
        LogWiringTest.Run r = LogWiringTest.cli("telemetry", "report", "--in", ctel.toString(),
            "--out", report.toString(), "--seed", "5", "--db", url, "--db-schema", schema);
        assertThat(r.exit()).as(r.err()).isZero();
        long index;
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT leaf_index FROM " + schema + ".job_leaf")) {
          assertThat(rs.next()).as("one queued leaf").isTrue();
          index = rs.getLong(1);
          assertThat(rs.next()).isFalse();
        }
        assertThat(index).isNotNegative();
        // The leaf the writer logged is this release's budget entry (the ledger's last line).
        java.util.List<String> budget = Files.readAllLines(report.resolve(
            "privacy-ledger.jsonl"));
        JsonNode entry = Json.parse(budget.get(budget.size() - 1));
        try (ClusterDb db = ClusterDb.open(pg);
            TiledLog log = TiledLog.openReadOnly(new PgLogStorage(db, ClusterNode.LOG_LEASE,
                () -> 0, KEY.verifier().keyText(), () -> { }), KEY.verifier())) {
          assertThat(log.size()).isGreaterThan(index);
          JsonNode leaf = Json.parse(new String(log.leaf(index), StandardCharsets.UTF_8));
          assertThat(leaf.path("type").asText()).isEqualTo(JobLeaves.TELEMETRY_RELEASE);
          assertThat(leaf.path("release").asText()).as(leaf.toString())
              .isNotEmpty().isEqualTo(entry.path("release").asText());
          assertThat(leaf.path("dataset").asText()).isEqualTo(entry.path("dataset").asText());
        }
      }
      // No writer any more: the report fails log_unavailable and withdraws its leaf.
      LogWiringTest.Run alone = LogWiringTest.cli("telemetry", "report", "--in",
          ctel.toString(), "--out", tmp.resolve("report2").toString(), "--seed", "5", "--db",
          url, "--db-schema", schema);
      assertThat(alone.exit()).as(alone.err()).isEqualTo(1);
      assertThat(alone.err()).contains("log_unavailable");
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema
              + ".job_leaf WHERE leaf_index IS NULL")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
