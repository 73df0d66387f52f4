package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The review queue over HTTP (ISSUE 9): a model trained here from the shared corpus scans a
 * spam and a ham invite; the spam is held, an owner or admin releases or confirms it, a member
 * is refused, a foreign token sees nothing, and the batch shows in the transparency report as a
 * {@code safety.abuse_scanning} use licensed by the terms' {@code safety} clause.
 */
class ReviewQueueIT {
  private static ScanModel model;
  private static final List<String> SPAM = new ArrayList<>();
  private static final List<String> HAM = new ArrayList<>();

  @BeforeAll
  static void start() {
    Path data = Path.of(System.getProperty("covenant.shared.dir"), "data", "spamassassin",
        "dev.jsonl.gz");
    Corpus corpus = Corpus.read(data);
    MessageParser parser = MessageParser.create();
    List<LabelledExample> examples = new ArrayList<>();
    for (CorpusRecord r : corpus.records()) {
      examples.add(r.toExample(parser));
    }
    model = ModelTrainer.create(ModelTrainer.Options.defaults())
        .train(examples, "spamassassin-dev-test");
    InviteScanner scanner = InviteScanner.create(model);
    // Invites the model is sure about, so the test is about the routes, not the model.
    for (int i = 0; i < examples.size() && (SPAM.size() < 2 || HAM.isEmpty()); i++) {
      CorpusRecord r = corpus.records().get(i);
      boolean flagged = scanner.scan(examples.get(i).message()).verdict().flagged();
      if (r.label() == Label.SPAM && flagged && SPAM.size() < 2) {
        SPAM.add(r.text());
      } else if (r.label() == Label.HAM && !flagged && HAM.isEmpty()) {
        HAM.add(r.text());
      }
    }
  }

  private CovenantServer server;
  private TestClient op;

  @BeforeEach
  void startServer() {
    Deployment.Opened o = Deployment.inMemory(ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC(), Optional.of(model));
    server = o.server().start();
    op = new TestClient(server.url(), o.operatorSecret().orElseThrow());
    Workspace.seed(op);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private TestClient token(String account, String user) {
    return op.as(op.post("/v1/tokens", "{\"kind\":\"account\",\"account\":\"" + account
        + "\",\"user\":\"" + user + "\"}").json().path("secret").asText());
  }

  private static String scanBody(String... idAndText) {
    ObjectNode body = Json.object();
    var list = body.putArray("invites");
    for (int i = 0; i < idAndText.length; i += 2) {
      list.addObject().put("content", idAndText[i]).put("message", idAndText[i + 1]);
    }
    return body.toString();
  }

  @Test
  void spamIsHeld_hamIsNot_andReviewersReleaseOrConfirm() {
    TestClient alice = token("acme", "alice");
    TestClient carol = token("acme", "carol");
    TestClient.Response r = alice.post("/v1/accounts/acme/invites:scan",
        scanBody("inv-spam-1", SPAM.get(0), "inv-ham-1", HAM.get(0), "inv-spam-2",
            SPAM.get(1)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode results = r.json().path("results");
    assertThat(results).hasSize(3);
    assertThat(results.get(0).path("held").asBoolean()).isTrue();
    assertThat(results.get(1).path("held").asBoolean()).isFalse();
    assertThat(results.get(1).path("scan").path("verdict").asText()).isEqualTo("clean");
    assertThat(r.json().path("purpose").asText()).isEqualTo("safety.abuse_scanning");
    assertThat(r.json().path("clauses").toString()).contains("safety");

    JsonNode held = alice.get("/v1/accounts/acme/reviews").json().path("items");
    assertThat(held.findValuesAsText("content")).containsExactly("inv-spam-1", "inv-spam-2");
    assertThat(held.get(0).path("status").asText()).isEqualTo("held");
    assertThat(held.get(0).path("decided_at").isNull()).isTrue();
    // A preview of the message's text for the reviewer: white space collapsed, at most 400.
    String preview = held.get(0).path("preview").asText();
    assertThat(preview).isNotBlank().doesNotContain("\n").doesNotContain("  ");
    assertThat(preview.length()).isLessThanOrEqualTo(401);

    TestClient.Response released = alice.post("/v1/accounts/acme/reviews/inv-spam-1/release",
        "");
    assertThat(released.status()).as(released.body()).isEqualTo(200);
    assertThat(released.json().path("status").asText()).isEqualTo("released");
    assertThat(released.json().path("reviewer").asText()).isEqualTo("alice");
    TestClient.Response again = alice.post("/v1/accounts/acme/reviews/inv-spam-1/confirm", "");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().path("code").asText()).isEqualTo("already_reviewed");

    TestClient.Response bad = carol.post("/v1/accounts/acme/reviews/inv-spam-2/confirm",
        "{\"verdict\":\"clean\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("code").asText()).isEqualTo("bad_verdict");
    TestClient.Response confirmed = carol.post("/v1/accounts/acme/reviews/inv-spam-2/confirm",
        "{\"verdict\":\"fraud\"}");
    assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
    assertThat(confirmed.json().path("status").asText()).isEqualTo("confirmed");
    assertThat(confirmed.json().path("verdict").asText()).isEqualTo("fraud");
    assertThat(alice.get("/v1/accounts/acme/reviews").json().path("items")).isEmpty();
    // The decided ones, with who decided.
    JsonNode decided = alice.get("/v1/accounts/acme/reviews?status=decided").json()
        .path("items");
    assertThat(decided.findValuesAsText("content")).containsExactly("inv-spam-1", "inv-spam-2");
    assertThat(decided.findValuesAsText("status")).containsExactly("released", "confirmed");
    assertThat(decided.findValuesAsText("reviewer")).containsExactly("alice", "carol");
    // ...and when: the server's time of each decision, not before it was held.
    for (JsonNode d : decided) {
      java.time.Instant at = java.time.Instant.parse(d.path("decided_at").asText());
      assertThat(at).isAfterOrEqualTo(java.time.Instant.parse(d.path("held_at").asText()));
      assertThat(at).isBeforeOrEqualTo(java.time.Instant.now());
    }
    TestClient.Response badStatus = alice.get("/v1/accounts/acme/reviews?status=all");
    assertThat(badStatus.status()).isEqualTo(400);
    assertThat(badStatus.json().path("field").asText()).isEqualTo("status");

    TestClient.Response unknown = alice.post("/v1/accounts/acme/reviews/inv-nope/release", "");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("code").asText()).isEqualTo("unknown_item");

    JsonNode report = alice.get("/v1/accounts/acme/transparency").json();
    JsonNode use = null;
    for (JsonNode u : report.path("uses")) {
      if (u.path("purpose").asText().equals("safety.abuse_scanning")) {
        use = u;
      }
    }
    assertThat(use).as(report.toString()).isNotNull();
    assertThat(use.path("count").asLong()).isEqualTo(1);
    assertThat(use.path("basis").asText()).isEqualTo("license");
    assertThat(use.path("clauses").toString()).contains("safety");
  }

  @Test
  void member_isForbidden_foreignToken_seesNothing() {
    TestClient alice = token("acme", "alice");
    assertThat(alice.post("/v1/accounts/acme/invites:scan",
        scanBody("inv-spam-3", SPAM.get(0))).status()).isEqualTo(200);
    TestClient bob = token("acme", "bob");
    TestClient.Response member = bob.get("/v1/accounts/acme/reviews");
    assertThat(member.status()).isEqualTo(403);
    assertThat(bob.post("/v1/accounts/acme/reviews/inv-spam-3/release", "").status())
        .isEqualTo(403);
    assertThat(bob.post("/v1/accounts/acme/invites:scan", scanBody("x", HAM.get(0)))
        .status()).isEqualTo(403);

    TestClient gina = token("globex", "gina");
    for (TestClient.Response r : List.of(gina.get("/v1/accounts/acme/reviews"),
        gina.post("/v1/accounts/acme/reviews/inv-spam-3/release", ""),
        gina.post("/v1/accounts/acme/reviews/inv-spam-3/confirm", ""),
        gina.post("/v1/accounts/acme/invites:scan", scanBody("y", HAM.get(0))))) {
      assertThat(r.status()).as(r.body()).isEqualTo(404);
      assertThat(r.json().path("code").asText()).isEqualTo("not_found");
      assertThat(r.json().path("detail").asText()).doesNotContain("inv-spam-3");
    }
    // globex's own queue is its own, and empty.
    assertThat(gina.get("/v1/accounts/globex/reviews").json().path("items")).isEmpty();
    assertThat(alice.get("/v1/accounts/acme/reviews").json().path("items").toString())
        .contains("inv-spam-3");
  }

  @Test
  void withoutModel_scanAnswers503ScanModelMissing() {
    Deployment.Opened o = Deployment.inMemory(ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
    try (CovenantServer bare = o.server().start()) {
      TestClient c = new TestClient(bare.url(), o.operatorSecret().orElseThrow());
      Workspace.seed(c);
      TestClient.Response r = c.post("/v1/accounts/acme/invites:scan",
          scanBody("z", HAM.get(0)));
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.json().path("code").asText()).isEqualTo("scan_model_missing");
      assertThat(r.json().path("detail").asText()).contains("covenant scan train");
    }
  }
}
