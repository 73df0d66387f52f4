package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.safety.Corpus;
import org.covenant.safety.CorpusRecord;
import org.covenant.safety.InviteScanner;
import org.covenant.safety.Label;
import org.covenant.safety.LabelledExample;
import org.covenant.safety.MessageParser;
import org.covenant.safety.ModelTrainer;
import org.covenant.safety.ScanModel;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: a restart of a real server over a data directory keeps every held invite and every
 * review outcome, with the queue in SQLite ({@code DIR/safety/reviews.db}) and in PostgreSQL
 * ({@code --db}).
 */
class ReviewPersistenceIT {
  private static final String PG = System.getenv().getOrDefault("COVENANT_TEST_PG_URL",
      "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  private static ScanModel model;
  private static final List<String> SPAM = new ArrayList<>();

  @BeforeAll
  static void train() {
    Corpus corpus = Corpus.read(Path.of(System.getProperty("covenant.shared.dir"), "data",
        "spamassassin", "dev.jsonl.gz"));
    MessageParser parser = MessageParser.create();
    List<LabelledExample> examples = new ArrayList<>();
    for (CorpusRecord r : corpus.records()) {
      examples.add(r.toExample(parser));
    }
    model = ModelTrainer.create(ModelTrainer.Options.defaults())
        .train(examples, "spamassassin-dev-test");
    InviteScanner scanner = InviteScanner.create(model);
    for (int i = 0; i < examples.size() && SPAM.size() < 3; i++) {
      if (corpus.records().get(i).label() == Label.SPAM
          && scanner.scan(examples.get(i).message()).verdict().flagged()) {
        SPAM.add(corpus.records().get(i).text());
      }
    }
  }

  @Test
  void sqlite_restartKeepsHeldInvitesAndReviewOutcomes(@TempDir Path dir) throws Exception {
    restartKeepsEverything(dir, LedgerConfig.sqlite(dir));
    assertThat(dir.resolve("safety").resolve("reviews.db")).isRegularFile();
  }

  @Test
  void postgres_restartKeepsHeldInvitesAndReviewOutcomes(@TempDir Path dir) throws Exception {
    // Skipped only when COVENANT_TEST_PG_URL is unset and no server answers; set, it must answer.
    PgTestDatabase.url();
    String schema = "covenant_reviews_" + HexFormat.of().formatHex(java.nio.ByteBuffer
        .allocate(4).putInt(ThreadLocalRandom.current().nextInt()).array());
    restartKeepsEverything(dir, LedgerConfig.postgres(PG).withSchema(schema));
    assertThat(dir.resolve("safety").resolve("reviews.db")).doesNotExist();
  }

  private static void restartKeepsEverything(Path dir, LedgerConfig ledger) throws Exception {
    Files.createDirectories(dir.resolve("safety"));
    model.write(dir.resolve(ScanRoutes.MODEL_FILE));
    Deployment.Opened first = open(dir, ledger);
    String operator = first.operatorSecret().orElseThrow();
    try (CovenantServer server = first.server().start()) {
      TestClient op = new TestClient(server.url(), operator);
      Workspace.seed(op);
      TestClient.Response r = op.post("/v1/accounts/acme/invites:scan",
          scanBody("inv-1", SPAM.get(0), "inv-2", SPAM.get(1), "inv-3", SPAM.get(2)));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().path("results").findValuesAsText("held"))
          .containsExactly("true", "true", "true");
      assertThat(op.post("/v1/accounts/acme/reviews/inv-1/release", "").status())
          .isEqualTo(200);
      assertThat(op.post("/v1/accounts/acme/reviews/inv-2/confirm", "{\"verdict\":\"fraud\"}")
          .status()).isEqualTo(200);
    }

    Deployment.Opened second = open(dir, ledger);
    try (CovenantServer server = second.server().start()) {
      TestClient op = new TestClient(server.url(), operator);
      JsonNode held = op.get("/v1/accounts/acme/reviews").json().path("items");
      assertThat(held.findValuesAsText("content")).containsExactly("inv-3");
      assertThat(held.get(0).path("status").asText()).isEqualTo("held");
      assertThat(held.get(0).path("score").asDouble()).isPositive();
      // the outcomes are kept: each item is still reviewed, by whom and how
      JsonNode decided = op.get("/v1/accounts/acme/reviews?status=decided").json()
          .path("items");
      assertThat(decided.findValuesAsText("content")).containsExactly("inv-1", "inv-2");
      assertThat(decided.findValuesAsText("status")).containsExactly("released", "confirmed");
      assertThat(decided.get(1).path("verdict").asText()).isEqualTo("fraud");
      assertThat(decided.findValuesAsText("reviewer")).containsExactly("operator", "operator");
      TestClient.Response released = op.post("/v1/accounts/acme/reviews/inv-1/confirm", "");
      assertThat(released.status()).isEqualTo(409);
      assertThat(released.json().path("detail").asText()).contains("released by `operator`");
      TestClient.Response confirmed = op.post("/v1/accounts/acme/reviews/inv-2/release", "");
      assertThat(confirmed.status()).isEqualTo(409);
      assertThat(confirmed.json().path("detail").asText()).contains("confirmed by `operator`");
      // and the queue goes on: the held one can be decided after the restart
      TestClient.Response late = op.post("/v1/accounts/acme/reviews/inv-3/release", "");
      assertThat(late.status()).as(late.body()).isEqualTo(200);
      // holding a known invite again does not reset its outcome
      op.post("/v1/accounts/acme/invites:scan", scanBody("inv-1", SPAM.get(0)));
      assertThat(op.get("/v1/accounts/acme/reviews").json().path("items")).isEmpty();
    }

    Deployment.Opened third = open(dir, ledger);
    try (CovenantServer server = third.server().start()) {
      TestClient op = new TestClient(server.url(), operator);
      assertThat(op.post("/v1/accounts/acme/reviews/inv-3/release", "").json()
          .path("detail").asText()).contains("released by `operator`");
    }
  }

  private static Deployment.Opened open(Path dir, LedgerConfig ledger) {
    return Deployment.open(dir, ledger, ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
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
