package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.covenant.format.TermsLibrary;
import org.covenant.log.NoteSigner;
import org.covenant.log.SignedCheckpoint;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code serve --db} member without {@code --log-key}, and no member with it yet: it starts
 * at once and serves the ledger and decisions, says {@code no writer yet} in {@code /readyz} and
 * {@code /v1/cluster} (the log routes answer 503), and serves the log once a writer appears.
 */
class ClusterNoWriterIT {
  private static final ClusterNode.Timing FAST = new ClusterNode.Timing(Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofMillis(100));
  private static final NoteSigner KEY = NoteSigner.generate("covenant.test/no-writer");

  @Test
  void aMemberWithoutTheKey_servesAtOnce_andPicksTheLogUpWhenAWriterAppears(@TempDir Path tmp)
      throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_nowriter");
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    try {
      long t0 = System.nanoTime();
      Deployment.Opened reader = open(tmp.resolve("reader"), pg, Optional.empty());
      assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
      String operator = reader.operatorSecret().orElseThrow();
      try (CovenantServer r = reader.server().start()) {
        TestClient op = new TestClient(r.url(), operator);
        TestClient.Response ready = op.get("/readyz");
        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
        assertThat(ready.json().path("log").asText()).isEqualTo("no writer yet");
        JsonNode cluster = op.get("/v1/cluster").json();
        assertThat(cluster.path("log").path("status").asText()).isEqualTo("no writer yet");
        assertThat(cluster.path("log").path("writer").isNull()).isTrue();
        TestClient.Response checkpoint = op.get("/log/checkpoint");
        assertThat(checkpoint.status()).isEqualTo(503);
        assertThat(checkpoint.json().path("code").asText()).isEqualTo("log_unavailable");
        // the ledger and decisions work meanwhile
        Workspace.seed(op);
        assertThat(op.post("/v1/decisions", "{\"purpose\":\"service.recording\","
            + "\"content\":\"c-chat-1\"}").status()).isEqualTo(200);

        // a writer appears: the member opens the log and serves it, caught up with the ledger
        Deployment.Opened writer = open(tmp.resolve("writer"), pg, Optional.of(KEY));
        try (CovenantServer w = writer.server().start()) {
          long head = op.get("/readyz").json().path("head").asLong();
          long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
          long size = 0;
          while (System.nanoTime() < end) {
            TestClient.Response c = op.get("/log/checkpoint");
            if (c.status() == 200) {
              size = SignedCheckpoint.open(c.body(), KEY.verifier()).orThrow().size();
              if (size >= head) {
                break;
              }
            }
            Thread.sleep(100);
          }
          assertThat(size).isGreaterThanOrEqualTo(head);
          assertThat(op.get("/readyz").json().has("log")).isFalse();
          JsonNode now = op.get("/v1/cluster").json();
          assertThat(now.path("log").has("status")).isFalse();
          assertThat(now.path("log").path("writer").asText()).isNotEmpty();
          assertThat(op.get("/log/key").body().trim()).isEqualTo(KEY.verifier().keyText());
          // the writer serves the same checkpoint
          assertThat(new TestClient(w.url(), operator).get("/log/checkpoint").status())
              .isEqualTo(200);
        }
      }
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private static Deployment.Opened open(Path dir, LedgerConfig.Postgres pg,
      Optional<NoteSigner> key) {
    return ClusterDeployment.open(dir, pg, ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC(), key, FAST, Duration.ZERO);
  }
}
