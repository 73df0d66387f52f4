package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.covenant.format.TermsLibrary;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two stateless servers over one PostgreSQL ledger (ARCHITECTURE.md §9): what one appends, the
 * other sees within its poll interval, and both validate against the true head, so a duplicate
 * offered to the second is rejected.
 */
class ScaleOutIT {

  @Test
  void twoServersOnePostgresLedger_seeEachOthersEvents(@TempDir Path a, @TempDir Path b)
      throws Exception {
    // Skipped only when COVENANT_TEST_PG_URL is unset and no server answers; set, it must answer.
    String url = PgTestDatabase.url();
    String schema = "covenant_scaleout_" + Integer.toHexString(
        ThreadLocalRandom.current().nextInt() & 0x7fffffff);
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    ServerConfig config = ServerConfig.defaults(0).withFreshness(Duration.ofSeconds(5),
        Duration.ofMillis(100));
    try {
      Deployment.Opened one = Deployment.open(a, pg, config, TermsLibrary.builtInCatalog(),
          Clock.systemUTC());
      Deployment.Opened two = Deployment.open(b, pg, config, TermsLibrary.builtInCatalog(),
          Clock.systemUTC());
      try (CovenantServer s1 = one.server().start(); CovenantServer s2 = two.server().start()) {
        TestClient c1 = new TestClient(s1.url(), one.operatorSecret().orElseThrow());
        TestClient c2 = new TestClient(s2.url(), two.operatorSecret().orElseThrow());
        Workspace.seed(c1);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        // The seed is one batch, but a poll may land between its appends: wait for its last
        // content item (c-globex-rec) to be known to the second server.
        while (c2.post("/v1/decisions", "{\"purpose\":\"service.recording\",\"content\":"
            + "\"c-globex-rec\"}").body().contains("unknown_content")
            && System.nanoTime() < end) {
          Thread.sleep(50);
        }
        assertThat(c2.get("/v1/accounts/acme").json().path("user_list").toString())
            .contains("bob");
        TestClient.Response decided = c2.post("/v1/decisions", "{\"purpose\":"
            + "\"service.recording\",\"content\":\"c-globex-rec\"}");
        assertThat(decided.json().path("verdict").asText()).as(decided.body()).isEqualTo("allow");
        TestClient.Response dup = c2.post("/v1/events", "{\"events\":[{\"type\":"
            + "\"account.created\",\"at\":\"" + java.time.Instant.now() + "\",\"account\":\"acme\","
            + "\"owner\":\"mallory\"}]}");
        assertThat(dup.json().path("results").get(0).path("code").asText())
            .isEqualTo("duplicate_id");
        // A setting changed through the second server reaches the first.
        assertThat(c2.put("/v1/accounts/globex/settings/recording.cloud",
            "{\"value\":false,\"locked\":true}").status()).isEqualTo(200);
        end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String verdict = "";
        while (System.nanoTime() < end) {
          verdict = c1.post("/v1/decisions", "{\"purpose\":\"service.recording\",\"content\":"
              + "\"c-globex-rec\"}").json().path("reason").asText();
          if (verdict.equals("setting_disabled")) {
            break;
          }
          Thread.sleep(50);
        }
        assertThat(verdict).isEqualTo("setting_disabled");
      }
    } finally {
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }
}
