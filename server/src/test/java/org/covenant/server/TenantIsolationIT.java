package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.format.TermsLibrary;
import org.covenant.log.LogException;
import org.covenant.store.Append;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, findings 4, 5, 7, 8 and 9, replayed as an attacker with the demo's kind of tokens
 * (acme and globex; owner, member and service tokens) through the real HTTP server on a data
 * directory: no tenant writes into or learns about another's meetings and content, service tokens
 * act only in their accounts with their role's event types, the store and the log cannot silently
 * disagree, and a 5xx never hides a write.
 */
class TenantIsolationIT {
  private static final Instant T0 = Instant.parse("2024-02-01T00:00:00Z");

  /** A server on a data directory with the shared workspace and one token per role. */
  private static final class World implements AutoCloseable {
    final Path dir;
    final MutableClock clock = new MutableClock(T0);
    final CovenantServer server;
    final TestClient op;
    final TestClient alice;
    final TestClient bob;
    final TestClient gina;
    final TestClient media;
    final TestClient training;

    World(Path dir) {
      this.dir = dir;
      // A refresh every 50 ms; staleness is measured on the test's clock, not the wall's.
      ServerConfig config = ServerConfig.defaults(0).withFreshness(Duration.ofSeconds(5),
          Duration.ofMillis(50));
      Deployment.Opened o = Deployment.open(dir, LedgerConfig.sqlite(dir), config,
          TermsLibrary.builtInCatalog(), clock);
      server = o.server().start();
      op = new TestClient(server.url(), o.operatorSecret().orElseThrow());
      Workspace.seed(op);
      alice = account("acme", "alice");
      bob = account("acme", "bob");
      gina = account("globex", "gina");
      media = service("media", "[\"acme\"]", "meetings", "[\"service.recording\"]");
      training = service("training", "[\"acme\",\"globex\"]", "decisions",
          "[\"ai.training\",\"product.improvement\"]");
    }

    TestClient account(String account, String user) {
      TestClient.Response r = op.post("/v1/tokens", "{\"kind\":\"account\",\"account\":\""
          + account + "\",\"user\":\"" + user + "\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      return op.as(r.json().path("secret").asText());
    }

    TestClient service(String name, String accounts, String role, String purposes) {
      TestClient.Response r = op.post("/v1/tokens", "{\"kind\":\"service\",\"name\":\"" + name
          + "\",\"accounts\":" + accounts + ",\"role\":\"" + role + "\",\"purposes\":"
          + purposes + "}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      return op.as(r.json().path("secret").asText());
    }

    long head() {
      return op.get("/readyz").json().path("head").asLong();
    }

    /** The operator's view of globex's meeting: live, who is present, features. */
    String globexMeeting() {
      return op.get("/v1/meetings/m-globex-1").body();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private static Set<Long> positionsOf(TestClient op, String account) {
    Set<Long> out = new HashSet<>();
    for (JsonNode e : op.get("/v1/accounts/" + account + "/events?limit=1000").json()
        .path("events")) {
      out.add(e.path("position").asLong());
    }
    return out;
  }

  /** A problem with the id replaced, to compare the answers for two ids. */
  private static String shape(TestClient.Response r, String id) {
    JsonNode j = r.json();
    return r.status() + " " + j.path("code").asText() + " " + j.path("field").asText() + " "
        + j.path("detail").asText().replace(id, "ID");
  }

  @Nested
  class Finding4_writesIntoAnotherTenantsMeetings {
    @Test
    void batchStartingAGlobexMeetingIdThenEndingIt_isRefusedWhole(@TempDir Path dir) {
      try (World w = new World(dir)) {
        String before = w.globexMeeting();
        long head = w.head();
        TestClient.Response r = w.alice.post("/v1/events", "{\"events\":["
            + "{\"type\":\"meeting.started\",\"at\":\"2024-02-01T00:00:00Z\",\"account\":\"acme\","
            + "\"meeting\":\"m-globex-1\",\"host\":\"alice\",\"features\":[]},"
            + "{\"type\":\"participant.joined\",\"at\":\"2024-02-01T00:00:00Z\","
            + "\"meeting\":\"m-globex-1\",\"participant\":\"mallory\"},"
            + "{\"type\":\"meeting.ended\",\"at\":\"2024-02-01T00:00:00Z\","
            + "\"meeting\":\"m-globex-1\"}]}");
        assertThat(r.status()).as(r.body()).isBetween(400, 404);
        assertThat(w.head()).isEqualTo(head);
        assertThat(w.globexMeeting()).isEqualTo(before).contains("\"live\":true");
      }
    }

    @Test
    void ownerAndMember_cannotEndJoinAcknowledgeOrLeaveAGlobexMeeting(@TempDir Path dir) {
      try (World w = new World(dir)) {
        String before = w.globexMeeting();
        long head = w.head();
        String[] events = {
          "{\"type\":\"meeting.ended\",\"at\":\"2024-02-01T00:00:00Z\",\"meeting\":\"m-globex-1\"}",
          "{\"type\":\"participant.joined\",\"at\":\"2024-02-01T00:00:00Z\","
              + "\"meeting\":\"m-globex-1\",\"participant\":\"bob\"}",
          "{\"type\":\"notice.acknowledged\",\"at\":\"2024-02-01T00:00:00Z\","
              + "\"meeting\":\"m-globex-1\",\"participant\":\"guest-7\",\"notice\":\"recording\"}",
          "{\"type\":\"participant.left\",\"at\":\"2024-02-01T00:00:00Z\","
              + "\"meeting\":\"m-globex-1\",\"participant\":\"guest-7\"}"};
        for (TestClient c : new TestClient[] {w.alice, w.bob}) {
          for (String e : events) {
            TestClient.Response r = c.post("/v1/events", "{\"events\":[" + e + "]}");
            assertThat(r.status()).as(e + " -> " + r.body()).isEqualTo(404);
          }
          assertThat(c.post("/v1/meetings/m-globex-1/participants",
              "{\"participant\":\"bob\"}").status()).isEqualTo(404);
          assertThat(c.post("/v1/meetings/m-globex-1/acknowledgements",
              "{\"participant\":\"guest-7\",\"notice\":\"recording\"}").status()).isEqualTo(404);
        }
        assertThat(w.head()).isEqualTo(head);
        assertThat(w.globexMeeting()).isEqualTo(before);
      }
    }

    @Test
    void contentInAGlobexMeeting_isRefused(@TempDir Path dir) {
      try (World w = new World(dir)) {
        TestClient.Response r = w.alice.post("/v1/accounts/acme/content", "{\"content\":"
            + "\"acme:rec-1\",\"category\":\"customer_content.recording\",\"meeting\":"
            + "\"m-globex-1\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.json().path("field").asText()).isEqualTo("meeting");
      }
    }
  }

  @Nested
  class Finding5_serviceTokensWriteAnything {
    @Test
    void trainingPipeline_decidesButAppendsNothing(@TempDir Path dir) {
      try (World w = new World(dir)) {
        long head = w.head();
        TestClient.Response end = w.training.post("/v1/events", "{\"events\":[{\"type\":"
            + "\"meeting.ended\",\"at\":\"2024-02-01T00:00:00Z\",\"meeting\":\"m-globex-1\"}]}");
        assertThat(end.status()).as(end.body()).isEqualTo(403);
        TestClient.Response content = w.training.post("/v1/accounts/acme/content",
            "{\"content\":\"acme:t-1\",\"category\":\"customer_content.chat\"}");
        assertThat(content.status()).as(content.body()).isEqualTo(403);
        TestClient.Response ack = w.training.post("/v1/meetings/m-globex-1/acknowledgements",
            "{\"participant\":\"guest-7\",\"notice\":\"recording\"}");
        assertThat(ack.status()).as(ack.body()).isEqualTo(403);
        assertThat(w.head()).isEqualTo(head);
        assertThat(w.globexMeeting()).contains("\"live\":true");
        // What its role is for still works, in its accounts.
        TestClient.Response d = w.training.post("/v1/decisions",
            "{\"purpose\":\"ai.training\",\"content\":\"c-globex-rec\"}");
        assertThat(d.status()).as(d.body()).isEqualTo(200);
        assertThat(d.json().path("reason").asText()).isNotEqualTo("unknown_content");
      }
    }

    @Test
    void mediaService_reportsMeetingsOnlyInItsAccount(@TempDir Path dir) {
      try (World w = new World(dir)) {
        long head = w.head();
        assertThat(w.media.post("/v1/events", "{\"events\":[{\"type\":\"meeting.ended\","
            + "\"at\":\"2024-02-01T00:00:00Z\",\"meeting\":\"m-globex-1\"}]}").status())
            .isEqualTo(404);
        assertThat(w.media.post("/v1/accounts/globex/content", "{\"content\":\"globex:x\","
            + "\"category\":\"customer_content.chat\"}").status()).isEqualTo(404);
        assertThat(w.media.post("/v1/meetings/m-globex-1/acknowledgements",
            "{\"participant\":\"guest-7\",\"notice\":\"recording\"}").status()).isEqualTo(404);
        assertThat(w.media.post("/v1/decisions", "{\"purpose\":\"service.recording\","
            + "\"content\":\"c-globex-rec\"}").json().path("reason").asText())
            .isEqualTo("unknown_content");
        // Not its role: consents, settings, terms.
        assertThat(w.media.post("/v1/events", "{\"events\":[{\"type\":\"consent.granted\","
            + "\"at\":\"2024-02-01T00:00:00Z\",\"account\":\"acme\",\"consent\":\"ai_training\","
            + "\"by\":\"alice\"}]}").status()).isEqualTo(403);
        assertThat(w.head()).isEqualTo(head);
        // In acme it reports what the meeting service sees.
        TestClient.Response ok = w.media.post("/v1/events", "{\"events\":["
            + "{\"type\":\"meeting.started\",\"at\":\"2024-02-01T00:00:00Z\",\"account\":\"acme\","
            + "\"meeting\":\"acme:weekly\",\"host\":\"alice\",\"features\":[]},"
            + "{\"type\":\"participant.joined\",\"at\":\"2024-02-01T00:00:00Z\","
            + "\"meeting\":\"acme:weekly\",\"participant\":\"bob\"},"
            + "{\"type\":\"content.created\",\"at\":\"2024-02-01T00:00:00Z\","
            + "\"content\":\"acme:weekly-chat\",\"category\":\"customer_content.chat\","
            + "\"account\":\"acme\",\"meeting\":\"acme:weekly\"}]}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("accepted").asInt()).as(ok.body()).isEqualTo(3);
      }
    }
  }

  @Nested
  class Finding7_oracles {
    @Test
    void registeringAnotherTenantsId_answersAsForAnIdNobodyHas(@TempDir Path dir) {
      try (World w = new World(dir)) {
        TestClient.Response mine = w.alice.post("/v1/accounts/acme/content",
            "{\"content\":\"acme:c1\",\"category\":\"customer_content.chat\"}");
        assertThat(mine.status()).as(mine.body()).isEqualTo(201);
        // Globex probes acme's ids: an existing one and one nobody has answer alike.
        String taken = shape(w.gina.post("/v1/accounts/globex/content",
            "{\"content\":\"acme:c1\",\"category\":\"customer_content.chat\"}"), "acme:c1");
        String free = shape(w.gina.post("/v1/accounts/globex/content",
            "{\"content\":\"acme:c9\",\"category\":\"customer_content.chat\"}"), "acme:c9");
        assertThat(taken).isEqualTo(free).doesNotContain("already exists")
            .doesNotStartWith("409");
        // The same for ids created by the operator in another account, and for meetings.
        assertThat(shape(w.alice.post("/v1/accounts/acme/content", "{\"content\":"
            + "\"c-globex-rec\",\"category\":\"customer_content.chat\"}"), "c-globex-rec"))
            .isEqualTo(shape(w.alice.post("/v1/accounts/acme/content", "{\"content\":"
                + "\"c-nobody\",\"category\":\"customer_content.chat\"}"), "c-nobody"));
        assertThat(shape(w.alice.get("/v1/meetings/m-globex-1"), "m-globex-1"))
            .isEqualTo(shape(w.alice.get("/v1/meetings/m-nobody"), "m-nobody"));
        // Nothing of globex was squatted: globex registers its own id freely.
        assertThat(w.gina.post("/v1/accounts/globex/content", "{\"content\":\"globex:c1\","
            + "\"category\":\"customer_content.chat\"}").status()).isEqualTo(201);
      }
    }

    @Test
    void evidence_listsOnlyPositionsTheCallerMayRead(@TempDir Path dir) {
      try (World w = new World(dir)) {
        // Both consent to training: globex's entry is evidence for acme's joint content.
        assertThat(w.op.post("/v1/accounts/acme/consents/ai_training:grant", "{}").status())
            .isEqualTo(200);
        assertThat(w.op.post("/v1/accounts/globex/consents/ai_training:grant", "{}").status())
            .isEqualTo(200);
        TestClient.Response c = w.alice.post("/v1/accounts/acme/content", "{\"content\":"
            + "\"acme:joint\",\"category\":\"customer_content.chat\",\"contributors\":"
            + "[\"acme\",\"globex\"]}");
        assertThat(c.status()).as(c.body()).isEqualTo(201);
        String q = "{\"purpose\":\"ai.training\",\"content\":\"acme:joint\"}";
        Set<Long> acme = positionsOf(w.op, "acme");
        Set<Long> globex = positionsOf(w.op, "globex");
        TestClient.Response byOperator = w.op.post("/v1/decisions", q);
        Set<Long> all = new HashSet<>();
        byOperator.json().path("evidence").forEach(p -> all.add(p.asLong()));
        assertThat(all).as("the operator, the auditor, sees globex's entries: "
            + byOperator.body()).containsAnyElementsOf(globex);
        for (TestClient caller : new TestClient[] {w.alice, w.training}) {
          TestClient.Response d = caller.post("/v1/decisions", q);
          assertThat(d.status()).as(d.body()).isEqualTo(200);
          JsonNode ev = d.json().path("evidence");
          assertThat(ev.size()).isPositive();
          for (JsonNode p : ev) {
            if (caller == w.alice) {
              assertThat(acme).as("alice sees only acme's positions: " + ev)
                  .contains(p.asLong());
            }
          }
        }
        JsonNode aliceEvidence = w.alice.post("/v1/decisions", q).json().path("evidence");
        for (JsonNode p : aliceEvidence) {
          assertThat(globex).doesNotContain(p.asLong());
        }
      }
    }

    @Test
    void rejections_neverNameAnotherTenantsUsers(@TempDir Path dir) {
      try (World w = new World(dir)) {
        TestClient.Response r = w.bob.post("/v1/events", "{\"events\":["
            + "{\"type\":\"meeting.started\",\"at\":\"2024-02-01T00:00:00Z\",\"account\":\"acme\","
            + "\"meeting\":\"m-globex-1\",\"host\":\"bob\",\"features\":[]},"
            + "{\"type\":\"meeting.feature\",\"at\":\"2024-02-01T00:00:00Z\","
            + "\"meeting\":\"m-globex-1\",\"feature\":\"recording.cloud\",\"on\":false,"
            + "\"by\":\"bob\"}]}");
        assertThat(r.status()).as(r.body()).isBetween(400, 404);
        assertThat(r.body()).doesNotContain("is not a user of").doesNotContain("already exists")
            .doesNotContain("gina");
        TestClient.Response f = w.bob.post("/v1/events", "{\"events\":[{\"type\":"
            + "\"meeting.feature\",\"at\":\"2024-02-01T00:00:00Z\",\"meeting\":\"m-globex-1\","
            + "\"feature\":\"recording.cloud\",\"on\":false,\"by\":\"bob\"}]}");
        assertThat(shape(f, "m-globex-1")).isEqualTo(shape(w.bob.post("/v1/events",
            "{\"events\":[{\"type\":\"meeting.feature\",\"at\":\"2024-02-01T00:00:00Z\","
            + "\"meeting\":\"m-nobody\",\"feature\":\"recording.cloud\",\"on\":false,"
            + "\"by\":\"bob\"}]}"), "m-nobody"));
      }
    }
  }

  @Nested
  class Finding8_storeAndLogDisagree {
    private static final String TRAINING = "{\"purpose\":\"ai.training\",\"content\":"
        + "\"c-trained\"}";

    @Test
    void ledgerDeletedWhileRunning_notReady_consentDecisionsFailClosedAtTheBound_restartRefuses(
        @TempDir Path dir) throws Exception {
      World w = new World(dir);
      try {
        assertThat(w.op.post("/v1/accounts/acme/consents/ai_training:grant", "{}").status())
            .isEqualTo(200);
        assertThat(w.op.post("/v1/accounts/acme/content", "{\"content\":\"c-trained\","
            + "\"category\":\"customer_content.chat\"}").status()).isEqualTo(201);
        TestClient.Response first = w.op.post("/v1/decisions", TRAINING);
        assertThat(first.json().path("verdict").asText()).as(first.body()).isEqualTo("allow");
        assertThat(w.op.get("/readyz").status()).isEqualTo(200);
        for (String f : new String[] {"ledger.db", "ledger.db-wal", "ledger.db-shm"}) {
          Files.deleteIfExists(dir.resolve(f));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> w.op.get("/readyz").status() == 503);
        TestClient.Response write = w.op.put("/v1/accounts/acme/settings/recording.local",
            "{\"value\":false}");
        assertThat(write.status()).as(write.body()).isEqualTo(503);
        // Within the bound the last snapshot answers; one millisecond past it, fail closed.
        w.clock.advance(Duration.ofSeconds(5));
        assertThat(w.op.post("/v1/decisions", TRAINING).json().path("verdict").asText())
            .isEqualTo("allow");
        w.clock.advance(Duration.ofMillis(1));
        JsonNode late = w.op.post("/v1/decisions", TRAINING).json();
        assertThat(late.path("verdict").asText() + ":" + late.path("reason").asText())
            .isEqualTo("deny:store_unavailable");
        w.clock.advance(Duration.ofSeconds(2));
        assertThat(w.op.post("/v1/decisions", TRAINING).json().path("reason").asText())
            .isEqualTo("store_unavailable");
        assertThat(w.op.get("/readyz").status()).isEqualTo(503);
      } finally {
        w.close();
      }
      // On restart the empty ledger is behind its log: refuse, naming both sizes and DIR.
      assertThatThrownBy(() -> Deployment.open(dir, LedgerConfig.sqlite(dir),
          ServerConfig.defaults(0), TermsLibrary.builtInCatalog(), new MutableClock(T0)))
          .isInstanceOf(LogException.class)
          .hasMessageStartingWith("ledger_behind_log")
          .hasMessageContaining("holds 0 events")
          .hasMessageContaining("logs ledger position ")
          .hasMessageContaining(dir.toString());
      // Refusing leaves the log as it is: a second start refuses the same way.
      assertThatThrownBy(() -> Deployment.open(dir, LedgerConfig.sqlite(dir),
          ServerConfig.defaults(0), TermsLibrary.builtInCatalog(), new MutableClock(T0)))
          .hasMessageStartingWith("ledger_behind_log");
    }

    @Test
    void ledgerReplacedByAnother_restartRefuses(@TempDir Path dir, @TempDir Path other)
        throws Exception {
      try (World w = new World(dir)) {
        assertThat(w.head()).isPositive();
      }
      // Another ledger, longer than this one, with other events at every position.
      try (Ledger x = Ledger.open(LedgerConfig.sqlite(other), TermsLibrary.builtInCatalog())) {
        List<Append> batch = new ArrayList<>();
        batch.add(new Append(new Event.AccountCreated(T0, "initech", "ivan"), Optional.empty()));
        for (int i = 0; i < 40; i++) {
          batch.add(new Append(new Event.SettingSet(T0.plusSeconds(i), "initech",
              Scope.account(), "recording.local", i % 2 == 0, false, "ivan"), Optional.empty()));
        }
        assertThat(x.append(batch)).allMatch(r -> r.stored());
      }
      for (String f : new String[] {"ledger.db-wal", "ledger.db-shm"}) {
        Files.deleteIfExists(dir.resolve(f));
      }
      Files.copy(other.resolve("ledger.db"), dir.resolve("ledger.db"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertThatThrownBy(() -> Deployment.open(dir, LedgerConfig.sqlite(dir),
          ServerConfig.defaults(0), TermsLibrary.builtInCatalog(), new MutableClock(T0)))
          .isInstanceOf(LogException.class)
          .hasMessageStartingWith("ledger_log_mismatch")
          .hasMessageContaining(dir.toString());
    }

    @Test
    void logBehindTheLedger_isCaughtUpAtStart(@TempDir Path dir) {
      long head;
      try (World w = new World(dir)) {
        head = w.head();
      }
      // The same directory reopens: the log is level (or is brought level) with the ledger.
      Deployment.Opened o = Deployment.open(dir, LedgerConfig.sqlite(dir),
          ServerConfig.defaults(0), TermsLibrary.builtInCatalog(), new MutableClock(T0));
      try (CovenantServer s = o.server()) {
        assertThat(s.namespaces().main().ledger().head()).isEqualTo(head);
      }
    }
  }

  @Nested
  class Finding9_atomicWrites {
    @Test
    void logUnwritable_consentChangeIsWrittenAndAcknowledged_neverA5xx(@TempDir Path dir)
        throws Exception {
      try (World w = new World(dir)) {
        // The log cannot take a new checkpoint (as on a read-only or full disk; a file where
        // its directory should be fails even for root).
        Path checkpoints = dir.resolve("log").resolve("checkpoints");
        Path aside = dir.resolve("checkpoints.aside");
        Files.move(checkpoints, aside);
        Files.writeString(checkpoints, "not a directory");
        long head = w.head();
        TestClient.Response g = w.alice.post("/v1/accounts/acme/consents/ai_training:grant",
            "{}");
        assertThat(g.status()).as(g.body()).isEqualTo(200);
        assertThat(g.json().path("position").asLong()).isEqualTo(head + 1);
        assertThat(g.json().path("receipt_pending").asBoolean()).isTrue();
        TestClient.Response x = w.alice.post(
            "/v1/accounts/acme/consents/ai_training:withdraw", "{}");
        assertThat(x.status()).as(x.body()).isEqualTo(200);
        assertThat(w.head()).isEqualTo(head + 2);
        assertThat(w.op.get("/v1/accounts/acme/consents").json().path("history").toString())
            .contains("\"position\":" + (head + 1)).contains("\"position\":" + (head + 2));
        // Once the log can be written again, receipts come back and the log catches up.
        Files.delete(checkpoints);
        Files.move(aside, checkpoints);
        TestClient.Response again = w.alice.post(
            "/v1/accounts/acme/consents/ai_training:grant", "{}");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().has("receipt")).as(again.body()).isTrue();
      }
    }
  }
}
