package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.UUID;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.LogException;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.server.ClusterDeployment;
import org.covenant.server.CovenantServer;
import org.covenant.server.Deployment;
import org.covenant.server.ServerConfig;
import org.covenant.server.cluster.ClusterDb;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.server.cluster.JobLeafQueue;
import org.covenant.server.cluster.PgLogStorage;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dataset build --db URL --db-schema NAME}: the build reads the ledger of that schema (put
 * there by {@code ledger import --db … --db-schema …}), queues its one leaf for the cluster's
 * elected log writer, and its manifest names the leaf the writer logged in the cluster's log
 * (stored in PostgreSQL), not in the data directory's own log, which is never created. The
 * lineage registry is in the same schema. A non-default schema, so the commands are shown to
 * honour {@code --db-schema}.
 */
class DatasetBuildClusterIT {
  private static final NoteSigner KEY = NoteSigner.generate("covenant.test/dataset-build");

  @TempDir Path tmp;

  @Test
  void buildLeaf_goesToTheClusterLog_throughTheElectedWriter() throws Exception {
    String url = PgTestDatabase.url();
    String schema = "covenant_dsbuild_" + UUID.randomUUID().toString().replace("-", "")
        .substring(0, 12);
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    try {
      Path scenario = tmp.resolve("ledger.json");
      Files.writeString(scenario, "{\"events\":["
          + "{\"type\":\"account.created\",\"at\":\"2024-03-01T09:00:00Z\",\"account\":\"acme\","
          + "\"owner\":\"alice\"},"
          + "{\"type\":\"terms.accepted\",\"at\":\"2024-03-01T09:01:00Z\",\"account\":\"acme\","
          + "\"terms\":\"example-2023-03-31\",\"by\":\"alice\"},"
          + "{\"type\":\"consent.granted\",\"at\":\"2024-03-01T09:02:00Z\",\"account\":\"acme\","
          + "\"consent\":\"ai_training\",\"by\":\"alice\"}],\"queries\":[]}");
      LogWiringTest.Run imported = LogWiringTest.cli("ledger", "import", scenario.toString(),
          "--db", url, "--db-schema", schema);
      assertThat(imported.exit()).as(imported.err()).isZero();

      Path jsonl = tmp.resolve("records.jsonl");
      String rec = "{\"content\":\"%s\",\"category\":\"customer_content.chat\","
          + "\"account\":\"acme\",\"at\":\"2024-03-02T00:00:0%sZ\"}\n";
      Files.writeString(jsonl, String.format(rec, "one", "0") + String.format(rec, "two", "1"),
          StandardCharsets.UTF_8);
      Path corpus = tmp.resolve("c.cvc");
      LogWiringTest.Run c = LogWiringTest.cli("corpus", "import", jsonl.toString(), "--out",
          corpus.toString());
      assertThat(c.exit()).as(c.err()).isZero();

      Deployment.Opened member = ClusterDeployment.open(tmp.resolve("member"), pg,
          ServerConfig.defaults(0).withFreshness(Duration.ofSeconds(5), Duration.ofMillis(100)),
          TermsLibrary.builtInCatalog(), Clock.systemUTC(), Optional.of(KEY),
          new ClusterNode.Timing(Duration.ofSeconds(2), Duration.ofSeconds(2),
              Duration.ofMillis(100)), Duration.ZERO);
      Path data = tmp.resolve("cli-data");
      try (CovenantServer server = member.server().start()) {
        assertThat(server.url()).isNotEmpty();
        LogWiringTest.Run built = LogWiringTest.cli("dataset", "build", "--data", data.toString(),
            "--db", url, "--db-schema", schema, "--corpus", corpus.toString(), "--purpose",
            "ai.training", "--at", "2024-06-01T00:00:00Z", "--out", tmp.resolve("ds").toString());
        assertThat(built.exit()).as(built.err()).isZero();
        JsonNode line = built.lastLine();
        assertThat(line.path("included").asLong()).as(built.out()).isEqualTo(2);
        long leafIndex = line.path("log_leaf").asLong();

        // the cluster's log holds the build's leaf at that index, as the manifest says
        JsonNode manifest = Json.parse(Files.readString(tmp.resolve("ds/manifest.json")));
        String leaf = manifest.path("log").path("leaf").asText();
        assertThat(leaf).contains("\"type\":\"dataset.build\"");
        try (ClusterDb db = ClusterDb.open(pg);
            TiledLog log = TiledLog.openReadOnly(new PgLogStorage(db, ClusterNode.LOG_LEASE,
                () -> 0, KEY.verifier().keyText(), () -> { }), KEY.verifier())) {
          assertThat(log.size()).isGreaterThan(leafIndex);
          assertThat(new String(log.leaf(leafIndex), StandardCharsets.UTF_8)).isEqualTo(leaf);
        }
        // ... and the ledger's events before it: one log, the cluster's
        try (Connection conn = DriverManager.getConnection(url); Statement st =
            conn.createStatement(); ResultSet rs = st.executeQuery("SELECT leaf_index FROM "
                + schema + ".job_leaf")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(leafIndex);
        }
        assertThat(data.resolve("log")).doesNotExist();
        // the build is registered in the schema's lineage registry
        LogWiringTest.Run builds = LogWiringTest.cli("lineage", "builds", "--data",
            tmp.resolve("other").toString(), "--db", url, "--db-schema", schema);
        assertThat(builds.exit()).as(builds.err()).isZero();
        assertThat(builds.out()).contains(line.path("build").asText());
        // the writer logs job leaves only: a forged ledger-event leaf is refused
        try (ClusterDb db = ClusterDb.open(pg)) {
          byte[] forged = ("{\"type\":\"" + org.covenant.evidence.LedgerFeed.EVENT_LEAF
              + "\",\"position\":999}").getBytes(StandardCharsets.UTF_8);
          assertThatThrownBy(() -> JobLeafQueue.append(db, forged, Duration.ofSeconds(10)))
              .isInstanceOfSatisfying(LogException.class,
                  e -> assertThat(e.code()).isEqualTo("leaf_refused"));
        }
        // and not in the default schema's
        LogWiringTest.Run none = LogWiringTest.cli("lineage", "builds", "--data",
            tmp.resolve("third").toString());
        assertThat(none.out()).doesNotContain(line.path("build").asText());
      }
      // no writer any more: the CLI gives up, withdraws its leaf, and nothing is logged later
      try (ClusterDb db = ClusterDb.open(pg)) {
        byte[] leaf = org.covenant.evidence.JobLeaves.publicDataset("b-x", "sha256:00", "00",
            "CC-BY-4.0", 1);
        assertThatThrownBy(() -> JobLeafQueue.append(db, leaf, Duration.ofMillis(500)))
            .isInstanceOfSatisfying(LogException.class,
                e -> assertThat(e.code()).isEqualTo("log_unavailable"));
      }
      try (Connection conn = DriverManager.getConnection(url); Statement st =
          conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema
              + ".job_leaf WHERE leaf_index IS NULL")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
    } finally {
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }
}
