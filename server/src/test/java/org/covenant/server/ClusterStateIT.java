package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.NoteSigner;
import org.covenant.log.SignedCheckpoint;
import org.covenant.safety.Corpus;
import org.covenant.safety.CorpusRecord;
import org.covenant.safety.InviteScanner;
import org.covenant.safety.Label;
import org.covenant.safety.LabelledExample;
import org.covenant.safety.MessageParser;
import org.covenant.safety.ModelTrainer;
import org.covenant.safety.ScanModel;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, nothing only in one server's memory or disk: a {@code serve --db} member's tokens,
 * review queue and outcomes, consent receipts, decision counts and transparency log live in
 * PostgreSQL. A member restarted on a fresh, empty data directory finds all of them; two members
 * see each other's tokens (issued and revoked), and the log continues without a fork.
 */
class ClusterStateIT {
  private static final ClusterNode.Timing FAST = new ClusterNode.Timing(Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofMillis(100));
  private static final NoteSigner KEY = NoteSigner.generate("covenant.test/cluster-state");

  @Test
  void restartOnAFreshDataDirectory_keepsTokensReviewsReceiptsDecisionsAndTheLog(
      @TempDir Path tmp) throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_cstate");
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    ScanModel model = trainModel();
    List<String> spam = spam(model);
    Path first = tmp.resolve("first");
    Files.createDirectories(first.resolve("safety"));
    model.write(first.resolve(ScanRoutes.MODEL_FILE));
    try {
      Deployment.Opened one = open(first, pg, Optional.of(KEY));
      String operator = one.operatorSecret().orElseThrow();
      String member;
      long position;
      long decided;
      String checkpoint;
      try (CovenantServer s = one.server().start()) {
        TestClient op = new TestClient(s.url(), operator);
        Workspace.seed(op);
        member = op.post("/v1/tokens", "{\"kind\":\"account\",\"account\":\"acme\","
            + "\"user\":\"alice\",\"name\":\"alice\"}").json().path("secret").asText();
        assertThat(member).startsWith("cov_");
        TestClient.Response granted = op.post(
            "/v1/accounts/acme/consents/ai_training:grant", "{}");
        assertThat(granted.json().path("receipt").path("receipt").path("receipt_id").asText())
            .as(granted.body()).startsWith("rcpt-main-");
        position = granted.json().path("position").asLong();
        TestClient.Response scanned = op.post("/v1/accounts/acme/invites:scan",
            scanBody("inv-1", spam.get(0), "inv-2", spam.get(1)));
        assertThat(scanned.status()).as(scanned.body()).isEqualTo(200);
        assertThat(op.post("/v1/accounts/acme/reviews/inv-1/release", "").status())
            .isEqualTo(200);
        for (int i = 0; i < 7; i++) {
          assertThat(op.post("/v1/decisions", "{\"purpose\":\"service.recording\","
              + "\"content\":\"c-chat-1\"}").status()).isEqualTo(200);
        }
        decided = op.get("/v1/accounts/acme/transparency").json().path("decisions").asLong();
        assertThat(decided).isGreaterThanOrEqualTo(7);
        waitLogged(op);
        checkpoint = op.get("/log/checkpoint").body();
      }

      // A new member on an empty data directory: everything is still there.
      Deployment.Opened two = open(tmp.resolve("second"), pg, Optional.of(KEY));
      assertThat(two.operatorSecret()).isEmpty();
      try (CovenantServer s = two.server().start()) {
        TestClient op = new TestClient(s.url(), operator);
        TestClient alice = new TestClient(s.url(), member);
        assertThat(alice.get("/v1/accounts/acme").status()).isEqualTo(200);
        JsonNode receipt = alice.get("/v1/accounts/acme/receipts/" + position).json();
        assertThat(receipt.path("receipt").path("receipt_id").asText())
            .isEqualTo("rcpt-main-" + position);
        assertThat(alice.get("/v1/accounts/globex/receipts/" + position).status())
            .isEqualTo(404);
        JsonNode held = op.get("/v1/accounts/acme/reviews").json().path("items");
        assertThat(held.findValuesAsText("content")).containsExactly("inv-2");
        assertThat(op.get("/v1/accounts/acme/reviews?status=decided").json().path("items")
            .findValuesAsText("status")).containsExactly("released");
        assertThat(op.get("/v1/accounts/acme/transparency").json().path("decisions").asLong())
            .isEqualTo(decided);
        // The log goes on from where the first member left it: consistent, never forked.
        op.post("/v1/accounts/acme/consents/ai_training:withdraw", "{}");
        waitLogged(op);
        SignedCheckpoint before = SignedCheckpoint.open(checkpoint, KEY.verifier()).orThrow();
        SignedCheckpoint after = SignedCheckpoint.open(op.get("/log/checkpoint").body(),
            KEY.verifier()).orThrow();
        assertThat(after.size()).isGreaterThan(before.size());
        JsonNode proof = op.get("/log/proofs/consistency?from=" + before.size()).json();
        assertThat(proof.path("from_root").asText()).isEqualTo(before.root().base64());
        JsonNode cluster = op.get("/v1/cluster").json();
        assertThat(cluster.path("members")).hasSize(1);
        assertThat(cluster.path("log").path("writer").asText())
            .isEqualTo(cluster.path("self").asText());
        assertThat(cluster.path("log").path("epoch").asLong()).isEqualTo(2);
        assertThat(alice.get("/v1/cluster").status()).isEqualTo(403);

        // A second member at the same time: tokens issued or revoked on one hold on the other.
        Deployment.Opened three = open(tmp.resolve("third"), pg, Optional.empty());
        try (CovenantServer t = three.server().start()) {
          TestClient op3 = new TestClient(t.url(), operator);
          JsonNode issued = op3.post("/v1/tokens", "{\"kind\":\"account\",\"account\":"
              + "\"acme\",\"user\":\"carol\",\"name\":\"carol\"}").json();
          TestClient carol = new TestClient(s.url(), issued.path("secret").asText());
          assertThat(carol.get("/v1/accounts/acme").status()).isEqualTo(200);
          assertThat(op3.delete("/v1/tokens/" + issued.path("id").asText()).status())
              .isIn(200, 204);
          long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
          while (carol.get("/v1/accounts/acme").status() != 401 && System.nanoTime() < end) {
            Thread.sleep(100);
          }
          assertThat(carol.get("/v1/accounts/acme").status()).isEqualTo(401);
          // a member without the key serves the same log and the same cluster
          assertThat(op3.get("/log/checkpoint").body()).isNotEmpty();
          JsonNode seen = op3.get("/v1/cluster?account=acme").json();
          assertThat(seen.path("members")).hasSize(2);
          assertThat(seen.path("member").path("log_key").asBoolean()).isFalse();
          assertThat(seen.path("owner").path("member").asText())
              .isEqualTo(op.get("/v1/cluster?account=acme").json().path("owner").path("member")
                  .asText());
        }
      }
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** Waits until the log's writer has logged the ledger's head and every requested receipt. */
  private static void waitLogged(TestClient op) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    long last = -1;
    while (System.nanoTime() < end) {
      long size = op.get("/v1/cluster").json().path("log").path("size").asLong();
      if (size == last && size > 0) {
        return;
      }
      last = size;
      Thread.sleep(1500);
    }
  }

  private static Deployment.Opened open(Path dir, LedgerConfig.Postgres pg,
      Optional<NoteSigner> key) {
    return ClusterDeployment.open(dir, pg, ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC(), key, FAST, Duration.ofSeconds(20));
  }

  private static ScanModel trainModel() {
    Corpus corpus = Corpus.read(Path.of(System.getProperty("covenant.shared.dir"), "data",
        "spamassassin", "dev.jsonl.gz"));
    MessageParser parser = MessageParser.create();
    List<LabelledExample> examples = new ArrayList<>();
    for (CorpusRecord r : corpus.records()) {
      examples.add(r.toExample(parser));
    }
    return ModelTrainer.create(ModelTrainer.Options.defaults())
        .train(examples, "spamassassin-dev-test");
  }

  private static List<String> spam(ScanModel model) {
    Corpus corpus = Corpus.read(Path.of(System.getProperty("covenant.shared.dir"), "data",
        "spamassassin", "dev.jsonl.gz"));
    MessageParser parser = MessageParser.create();
    InviteScanner scanner = InviteScanner.create(model);
    List<String> out = new ArrayList<>();
    for (CorpusRecord r : corpus.records()) {
      if (out.size() == 2) {
        break;
      }
      if (r.label() == Label.SPAM
          && scanner.scan(r.toExample(parser).message()).verdict().flagged()) {
        out.add(r.text());
      }
    }
    return out;
  }

  private static String scanBody(String... idAndText) {
    ObjectNode body = Json.object();
    var list = body.putArray("invites");
    for (int i = 0; i < idAndText.length; i += 2) {
      list.addObject().put("content", idAndText[i]).put("message", idAndText[i + 1]);
    }
    return body.toString();
  }
}
