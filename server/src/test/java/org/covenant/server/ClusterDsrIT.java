package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.core.ConditionFactory;
import org.covenant.evidence.dsr.SubjectBundleVerifier;
import org.covenant.format.TermsLibrary;
import org.covenant.log.NoteSigner;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data subject requests in cluster mode ({@code serve --db}): export and erasure through a member
 * that does not write the log; the register is shared (both members list the same requests); the
 * salt is erased by the writer, for acme's bob only, and globex's bob keeps his.
 */
class ClusterDsrIT {
  private static final ClusterNode.Timing FAST = new ClusterNode.Timing(Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofMillis(100));
  private static final NoteSigner KEY = NoteSigner.generate("covenant.test/cluster-dsr");

  @Test
  void exportAndEraseThroughANonWriter_sharedRegister_saltErasedForOneAccountOnly(
      @TempDir Path tmp) throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_cdsr");
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    try {
      Deployment.Opened one = open(tmp.resolve("one"), pg);
      String operator = one.operatorSecret().orElseThrow();
      try (CovenantServer a = one.server().start()) {
        TestClient opA = new TestClient(a.url(), operator);
        // the first member writes the log before the second starts
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!opA.get("/v1/cluster").json().path("member").path("writes_log").asBoolean()
            && System.nanoTime() < end) {
          Thread.sleep(100);
        }
        Deployment.Opened two = open(tmp.resolve("two"), pg);
        try (CovenantServer b = two.server().start()) {
          TestClient opB = new TestClient(b.url(), operator);
          assertThat(opB.get("/v1/cluster").json().path("member").path("writes_log")
              .asBoolean()).isFalse();
          Workspace.seedPerAccount(opA);
          assertThat(opA.post("/v1/events", "{\"events\":[{\"type\":\"user.added\",\"at\":"
              + "\"2024-01-01T00:00:12Z\",\"account\":\"globex\",\"user\":\"bob\",\"role\":"
              + "\"member\"}]}").status()).isEqualTo(200);
          TestClient.Response issued = opA.post("/v1/tokens", "{\"kind\":\"account\","
              + "\"account\":\"acme\",\"user\":\"carol\"}");
          assertThat(issued.status()).as(issued.body()).isEqualTo(201);
          String carol = issued.json().path("secret").asText();
          TestClient carolB = opB.as(carol);
          waiting().until(() -> carolB.get("/v1/accounts/acme").status() == 200);

          // export through the member that does not write the log: it waits for the writer
          HttpResponse<byte[]> export = carolB.http().send(carolB.request("POST",
              "/v1/accounts/acme/dsr:export", "{\"subject\":\"bob\"}").build(),
              HttpResponse.BodyHandlers.ofByteArray());
          assertThat(export.statusCode()).as(new String(export.body())).isEqualTo(200);
          assertThat(SubjectBundleVerifier.verify(export.body(),
              Optional.of(KEY.verifier().keyText())))
              .isInstanceOf(SubjectBundleVerifier.BundleCheck.Verified.class);

          // erase through it too: the writer erases the salt
          TestClient.Response erased = carolB.post("/v1/accounts/acme/dsr:erase",
              "{\"subject\":\"bob\"}");
          assertThat(erased.status()).as(erased.body()).isEqualTo(200);
          assertThat(erased.json().path("result").path("pseudonym_erased").asBoolean())
              .as(erased.body()).isTrue();
          try (Connection c = DriverManager.getConnection(url);
              Statement st = c.createStatement();
              ResultSet rs = st.executeQuery("SELECT account FROM " + schema
                  + ".log_account_salt WHERE person = 'bob' ORDER BY account")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("globex");
            assertThat(rs.next()).isFalse();
          }

          // one register: the first member lists both requests, and refuses a second erasure
          TestClient carolA = opA.as(carol);
          waiting().until(() -> carolA.get("/v1/accounts/acme").status() == 200);
          JsonNode listed = carolA.get("/v1/accounts/acme/dsr").json();
          assertThat(listed.toString()).contains("dsr-1").contains("dsr-2");
          TestClient.Response again = carolA.post("/v1/accounts/acme/dsr:erase",
              "{\"subject\":\"bob\"}");
          assertThat(again.json().path("code").asText()).as(again.body())
              .isEqualTo("subject_erased");
          // globex's bob is still exported, by globex's owner
          TestClient gina = DsrIT.token(opA, "globex", "gina");
          TestClient.Response other = gina.post("/v1/accounts/globex/dsr:export",
              "{\"subject\":\"bob\"}");
          assertThat(other.status()).as(other.body()).isEqualTo(200);
        }
      }
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private static Deployment.Opened open(Path dir, LedgerConfig.Postgres pg) {
    return ClusterDeployment.open(dir, pg, ServerConfig.defaults(0).withFreshness(
        Duration.ofSeconds(5), Duration.ofMillis(100)), TermsLibrary.builtInCatalog(),
        Clock.systemUTC(), Optional.of(KEY), FAST, Duration.ZERO, Duration.ofDays(30));
  }

  /** Waits for the cluster to reach a state: at most 10 s, looking every 100 ms. */
  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100));
  }
}
