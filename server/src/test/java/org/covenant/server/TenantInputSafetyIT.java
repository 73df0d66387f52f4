package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.covenant.core.event.Identifiers;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.FileKeyStore;
import org.covenant.log.TiledLog;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, input at the edge: each finding of the tenant-safety review replayed through the real
 * server over a real data directory (SQLite, transparency log) with real tokens of the lowest
 * roles that could abuse it. Each test failed on the code before the fix.
 */
class TenantInputSafetyIT {
  private static final int LEAF_LIMIT = 65_535;

  @TempDir Path dir;

  /** A server over {@link #dir}, the workspace seeded, and tokens per role. */
  private final class Env implements AutoCloseable {
    final CovenantServer server;
    final TestClient op;
    final TestClient bob;
    final TestClient carol;
    final TestClient alice;
    final TestClient gina;
    final String operator;

    Env(String operatorSecret, ServerConfig config) {
      Deployment.Opened o = Deployment.open(dir, LedgerConfig.sqlite(dir), config,
          TermsLibrary.builtInCatalog(), Clock.systemUTC());
      operator = operatorSecret != null ? operatorSecret : o.operatorSecret().orElseThrow();
      server = o.server().start();
      op = new TestClient(server.url(), operator);
      if (server.namespaces().main().ledger().head() == 0) {
        Workspace.seed(op);
      }
      bob = op.as(token("acme", "bob"));
      carol = op.as(token("acme", "carol"));
      alice = op.as(token("acme", "alice"));
      gina = op.as(token("globex", "gina"));
    }

    String token(String account, String user) {
      TestClient.Response r = op.post("/v1/tokens", "{\"kind\":\"account\",\"account\":\""
          + account + "\",\"user\":\"" + user + "\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      return r.json().path("secret").asText();
    }

    long head() {
      return server.namespaces().main().ledger().head();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private Env env() {
    return new Env(null, ServerConfig.defaults(0));
  }

  private static String content(String id) {
    return "{\"content\":" + Json.line(Json.MAPPER.getNodeFactory().textNode(id))
        + ",\"category\":\"customer_content.chat\"}";
  }

  private static void assertProblem(TestClient.Response r, int status, String code,
      String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.contentType()).startsWith(Problems.MEDIA_TYPE);
    assertThat(r.json().path("code").asText()).as(r.body()).isEqualTo(code);
    assertThat(r.json().path("field").asText()).as(r.body()).isEqualTo(field);
  }

  // ---- finding 1: an oversized id stopped the log for every tenant, for good

  @Test
  void finding1_oversizedId_isRefused_andTheLogAndRestartKeepWorking() {
    String operator;
    try (Env e = env()) {
      operator = e.operator;
      long head = e.head();
      assertProblem(e.bob.post("/v1/accounts/acme/content", content("x".repeat(66_000))), 400,
          "invalid_id", "content");
      assertProblem(e.op.post("/v1/events", "{\"events\":[{\"type\":\"group.created\",\"at\":\""
          + Instant.now() + "\",\"account\":\"acme\",\"group\":\"" + "g".repeat(129) + "\"}]}"),
          400, "invalid_id", "events[0].group");
      assertThat(e.head()).isEqualTo(head);
      // The limit itself is accepted.
      // In acme's id namespace (docs/DECISIONS.md, "Tenant isolation at the API").
      String longest = "acme:" + "c".repeat(Identifiers.MAX_CODE_POINTS - 5);
      assertThat(e.bob.post("/v1/accounts/acme/content", content(longest)).status())
          .isEqualTo(201);
      // The log keeps growing: a withdrawal is answered with a receipt logged after it.
      TestClient.Response w = e.alice.post("/v1/accounts/acme/consents/ai_training:withdraw",
          "{}");
      assertThat(w.status()).as(w.body()).isEqualTo(200);
      assertThat(w.json().path("receipt").isObject()).as(w.body()).isTrue();
    }
    try (Env again = new Env(operator, ServerConfig.defaults(0))) {
      assertThat(again.head()).isPositive();
    }
  }

  @Test
  void leafBound_theLargestEventWithEveryIdAtTheLimit_isLoggedBelow65535Bytes() throws Exception {
    // The worst case for the leaf: every id at the length limit of 4-byte code points, the
    // largest event type with the most ids (content.created with every contributor).
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Identifiers.MAX_CODE_POINTS - 1; i++) {
      b.appendCodePoint(0x1F600 + i % 64);
    }
    String stem = b.toString();
    String account = stem + "A";
    String meeting = stem + "M";
    String host = stem + "H";
    List<String> contributors = new ArrayList<>();
    for (int i = 0; i < Identifiers.MAX_LIST; i++) {
      contributors.add(stem.substring(0, stem.length() - 2) + Character.toString(0x1F300 + i)
          + "C");
    }
    Instant t = Instant.now().minusSeconds(2);
    String events = "{\"events\":["
        + event("account.created", t, "\"account\":" + q(account) + ",\"owner\":" + q(host))
        + "," + event("meeting.started", t, "\"account\":" + q(account) + ",\"meeting\":"
        + q(meeting) + ",\"host\":" + q(host) + ",\"features\":[]")
        + "," + event("content.created", t, "\"content\":" + q(stem + "X") + ",\"category\":"
        + "\"customer_content.recording\",\"account\":" + q(account) + ",\"meeting\":"
        + q(meeting) + ",\"author\":" + q(host) + ",\"contributors\":"
        + Json.line(Json.MAPPER.valueToTree(contributors)))
        + "]}";
    String operator;
    try (Env e = env()) {
      operator = e.operator;
      TestClient.Response r = e.op.post("/v1/events", events);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().path("accepted").asInt()).as(r.body()).isEqualTo(3);
      // One more list item is refused.
      List<String> more = new ArrayList<>(contributors);
      more.add("one-more");
      assertProblem(e.op.post("/v1/events", "{\"events\":[" + event("content.created", t,
          "\"content\":\"y\",\"category\":\"customer_content.chat\",\"account\":\"acme\","
          + "\"contributors\":" + Json.line(Json.MAPPER.valueToTree(more))) + "]}"), 400,
          "invalid_id", "events[0].contributors");
      assertThat(e.alice.post("/v1/accounts/acme/consents/ai_training:grant", "{}").status())
          .isEqualTo(200);
    }
    // Through the real leaf encoder: every leaf fits, the largest is the one above.
    int largest = 0;
    try (TiledLog log = TiledLog.open(dir, FileKeyStore.load(dir).orElseThrow())) {
      for (long i = 0; i < log.size(); i++) {
        largest = Math.max(largest, log.leaf(i).length);
      }
    }
    assertThat(largest).isGreaterThan(30_000).isLessThan(LEAF_LIMIT);
    assertThat(Identifiers.MAX_IDS_PER_EVENT * Identifiers.MAX_ID_LEAF_BYTES + 2_000)
        .as("the documented bound, with room for names and punctuation").isLessThan(LEAF_LIMIT);
    try (Env again = new Env(operator, ServerConfig.defaults(0))) {
      assertThat(again.head()).isPositive();
    }
  }

  private static String q(String s) {
    return Json.line(Json.MAPPER.getNodeFactory().textNode(s));
  }

  private static String event(String type, Instant at, String fields) {
    return "{\"type\":\"" + type + "\",\"at\":\"" + at + "\"," + fields + "}";
  }

  // ---- finding 2: a lone surrogate was stored as `?`, collided, and the restart failed

  @Test
  void finding2_loneSurrogate_isRefused_andTheServerRestarts() {
    String operator;
    try (Env e = env()) {
      operator = e.operator;
      // Valid JSON for a string that is not valid Unicode.
      assertProblem(e.bob.post("/v1/accounts/acme/content",
          "{\"content\":\"sur-\\ud800\",\"category\":\"customer_content.chat\"}"), 400,
          "invalid_id", "content");
      assertProblem(e.bob.post("/v1/accounts/acme/content",
          "{\"content\":\"sur-\\udc00x\",\"category\":\"customer_content.chat\"}"), 400,
          "invalid_id", "content");
      assertThat(e.bob.post("/v1/accounts/acme/content", content("acme:sur-?")).status())
          .isEqualTo(201);
      assertThat(e.bob.post("/v1/accounts/acme/content", content("acme:sur-\uD83D\uDE00"))
          .status())
          .as("a valid pair").isEqualTo(201);
    }
    try (Env again = new Env(operator, ServerConfig.defaults(0))) {
      List<String> ids = new ArrayList<>();
      again.op.get("/v1/accounts/acme/events?limit=1000").json().path("events")
          .forEach(x -> ids.add(x.path("event").path("content").asText()));
      assertThat(ids).contains("acme:sur-?", "acme:sur-\uD83D\uDE00");
    }
  }

  // ---- finding 3: a time from the future blocked every tenant's writes

  @Test
  void finding3_tenantTimesAreTheServers_andNobodyMovesTheLedgersClock() {
    try (Env e = env()) {
      TestClient.Response future = e.bob.post("/v1/accounts/acme/content",
          "{\"content\":\"f-1\",\"category\":\"customer_content.chat\",\"at\":"
          + "\"2200-01-01T00:00:00Z\"}");
      assertProblem(future, 422, "clock_skew", "at");
      TestClient.Response batch = e.gina.post("/v1/events", "{\"events\":[" + event(
          "consent.granted", Instant.now().plusSeconds(120), "\"account\":\"globex\","
          + "\"consent\":\"ai_training\",\"by\":\"gina\"") + "]}");
      assertProblem(batch, 422, "clock_skew", "events[0].at");
      // History is the operator's only.
      assertProblem(e.bob.post("/v1/accounts/acme/content", "{\"content\":\"f-2\",\"category\":"
          + "\"customer_content.chat\",\"at\":\"" + Instant.now().minusSeconds(3600) + "\"}"),
          422, "clock_skew", "at");
      // Even the operator cannot write past the server's clock plus the skew.
      assertProblem(e.op.post("/v1/events", "{\"events\":[" + event("group.created",
          Instant.now().plusSeconds(60), "\"account\":\"acme\",\"group\":\"g-late\"") + "]}"),
          422, "clock_skew", "events[0].at");
      // Within the skew a tenant's time is accepted, but the server's is stored: the ledger's
      // clock does not move ahead, and another tenant's withdrawal right after is accepted.
      Instant before = Instant.now();
      TestClient.Response near = e.bob.post("/v1/accounts/acme/content",
          "{\"content\":\"acme:f-3\",\"category\":\"customer_content.chat\",\"at\":\""
          + before.plusSeconds(4) + "\"}");
      assertThat(near.status()).as(near.body()).isEqualTo(201);
      JsonNode stored = lastEvent(e.op, "acme");
      assertThat(Instant.parse(stored.path("at").asText())).isBefore(before.plusSeconds(4));
      TestClient.Response w = e.gina.post("/v1/accounts/globex/consents/ai_training:withdraw",
          "{}");
      assertThat(w.status()).as(w.body()).isEqualTo(200);
      TestClient.Response acct = e.gina.post("/v1/events", "{\"events\":[" + event(
          "consent.granted", Instant.now(), "\"account\":\"globex\",\"consent\":\"ai_training\","
          + "\"by\":\"gina\"") + "]}");
      assertThat(acct.json().path("accepted").asInt()).as(acct.body()).isEqualTo(1);
    }
  }

  private static JsonNode lastEvent(TestClient op, String account) {
    JsonNode events = op.get("/v1/accounts/" + account + "/events?limit=1000").json()
        .path("events");
    return events.get(events.size() - 1).path("event");
  }

  // ---- finding 6: idempotency keys leaked across tenants and dropped other requests

  @Test
  void finding6_idempotencyKeys_areScopedBoundToTheRequest_andBatchCountsAreExact() {
    try (Env e = env()) {
      TestClient.Response first = put(e.alice, "/v1/accounts/acme/settings/recording.local",
          "{\"value\":false}", "k-1");
      assertThat(first.status()).as(first.body()).isEqualTo(200);
      long position = first.json().path("position").asLong();
      long head = e.head();
      // A retry of the same request: the original answer, nothing written.
      TestClient.Response retry = put(e.alice, "/v1/accounts/acme/settings/recording.local",
          "{ \"value\" : false }", "k-1");
      assertThat(retry.status()).isEqualTo(200);
      assertThat(retry.json().path("position").asLong()).isEqualTo(position);
      assertThat(e.head()).isEqualTo(head);
      // The same key with another request: refused.
      assertProblem(put(e.alice, "/v1/accounts/acme/settings/recording.local",
          "{\"value\":true}", "k-1"), 422, "idempotency_key_reused", "Idempotency-Key");
      assertProblem(put(e.alice, "/v1/accounts/acme/settings/recording.cloud",
          "{\"value\":false}", "k-1"), 422, "idempotency_key_reused", "Idempotency-Key");
      assertThat(e.head()).isEqualTo(head);
      // Another tenant's same key is its own: written, its own position.
      TestClient.Response globex = put(e.gina, "/v1/accounts/globex/settings/recording.local",
          "{\"value\":false}", "k-1");
      assertThat(globex.status()).as(globex.body()).isEqualTo(200);
      assertThat(globex.json().path("position").asLong()).isEqualTo(head + 1);
      // Another user of the same account, and another route: their own too.
      TestClient.Response carol = put(e.carol, "/v1/accounts/acme/settings/recording.local",
          "{\"value\":false}", "k-1");
      assertThat(carol.json().path("position").asLong()).isEqualTo(head + 2);
      // The server stamps a tenant's time: a retry sending a fresh `at` is the same request.
      TestClient.Response c1 = e.bob.send(e.bob.request("POST", "/v1/accounts/acme/content",
          "{\"content\":\"acme:k-c\",\"category\":\"customer_content.chat\",\"at\":\""
          + Instant.now() + "\"}").header("Idempotency-Key", "k-1").build());
      assertThat(c1.status()).as(c1.body()).isEqualTo(201);
      long headC = e.head();
      TestClient.Response c2 = e.bob.send(e.bob.request("POST", "/v1/accounts/acme/content",
          "{\"content\":\"acme:k-c\",\"category\":\"customer_content.chat\",\"at\":\""
          + Instant.now().plusMillis(1500) + "\"}").header("Idempotency-Key", "k-1").build());
      assertThat(c2.status()).as(c2.body()).isEqualTo(201);
      assertThat(c2.json().path("position").asLong()).isEqualTo(c1.json().path("position")
          .asLong());
      assertThat(e.head()).isEqualTo(headC);
      // Within a batch: a repeated key is one write, counted once.
      String ev = event("group.created", Instant.now(), "\"account\":\"acme\",\"group\":"
          + "\"g-k\",\"idempotency_key\":\"b-1\"");
      TestClient.Response twice = e.alice.post("/v1/events", "{\"events\":[" + ev + "," + ev
          + "]}");
      long before = e.head() - 1;
      assertThat(twice.json().path("accepted").asInt()).as(twice.body()).isEqualTo(1);
      assertThat(twice.json().path("duplicates").asInt()).isEqualTo(1);
      assertThat(twice.json().path("results").get(1).path("status").asText())
          .isEqualTo("duplicate");
      assertThat(e.head()).isEqualTo(before + 1);
      String other = event("group.created", Instant.now(), "\"account\":\"acme\",\"group\":"
          + "\"g-other\",\"idempotency_key\":\"b-1\"");
      TestClient.Response reused = e.alice.post("/v1/events", "{\"events\":[" + other + "]}");
      assertThat(reused.json().path("accepted").asInt()).isZero();
      assertThat(reused.json().path("results").get(0).path("code").asText())
          .isEqualTo("idempotency_key_reused");
      assertThat(e.head()).isEqualTo(before + 1);
    }
  }

  private static TestClient.Response put(TestClient c, String path, String body, String key) {
    return c.send(c.request("PUT", path, body).header("Idempotency-Key", key).build());
  }

  // ---- medium and low

  @Test
  void outOfRangeTimes_are400NamingTheParameter_never500() {
    try (Env e = env()) {
      for (String at : List.of("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
          "+999999999-12-31T23:59:59Z")) {
        String enc = at.replace("+", "%2B");
        assertProblem(e.bob.get("/v1/accounts/acme/settings?at=" + enc), 400, "invalid_input",
            "at");
        assertProblem(e.bob.get("/v1/accounts/acme/settings/recording.cloud?at=" + enc), 400,
            "invalid_input", "at");
        assertProblem(e.bob.get("/v1/meetings/m-acme-1/notices?participant=bob&at=" + enc), 400,
            "invalid_input", "at");
        assertProblem(e.bob.get("/v1/accounts/acme/transparency?from=" + enc), 400,
            "invalid_input", "from");
        assertProblem(e.bob.post("/v1/decisions", "{\"purpose\":\"service.provide\","
            + "\"content\":\"c-chat-1\",\"at\":\"" + at + "\"}"), 400, "invalid_input", "at");
        TestClient.Response batch = e.bob.post("/v1/decisions:batch", "{\"purpose\":"
            + "\"service.provide\",\"requests\":[{\"content\":\"c-chat-1\",\"at\":\"" + at
            + "\"}]}");
        assertThat(batch.status()).as(batch.body()).isEqualTo(400);
        assertProblem(e.op.post("/v1/events", "{\"events\":[" + event("group.created",
            Instant.EPOCH, "\"account\":\"acme\",\"group\":\"g\"").replace(
            Instant.EPOCH.toString(), at) + "]}"), 400, "invalid_input", "events[0].at");
      }
    }
  }

  @Test
  void dataDirectory_isOwnerOnly_andFixedOnStart() throws Exception {
    Path stray = dir.resolve("decisions");
    Files.createDirectories(stray);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(stray, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path old = Files.writeString(stray.resolve("old.jsonl"), "{}\n");
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
    try (Env e = env()) {
      assertThat(e.alice.post("/v1/accounts/acme/consents/ai_training:grant", "{}").status())
          .isEqualTo(200);
      assertThat(e.bob.post("/v1/decisions", "{\"purpose\":\"service.provide\",\"content\":"
          + "\"c-chat-1\"}").status()).isEqualTo(200);
      assertThat(Files.exists(dir.resolve("ledger.db-wal"))).isTrue();
    }
    assertThat(Files.exists(dir.resolve("decisions/counts.jsonl"))).isTrue();
    List<String> loose = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String mode = PosixFilePermissions.toString(
            Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        String want = Files.isDirectory(p) ? "rwx------" : "rw-------";
        if (!mode.equals(want)) {
          loose.add(dir.relativize(p) + " " + mode);
        }
      }
    }
    assertThat(loose).as("files and directories not owner-only").isEmpty();
  }

  @Test
  void methodOverrideHeaders_areIgnored() {
    try (Env e = env()) {
      String id = e.op.post("/v1/tokens", "{\"kind\":\"account\",\"account\":\"acme\","
          + "\"user\":\"bob\"}").json().path("id").asText();
      for (String header : List.of("X-HTTP-Method-Override", "X-HTTP-Method",
          "X-Method-Override")) {
        TestClient.Response r = e.op.send(e.op.request("GET", "/v1/tokens/" + id, null)
            .header(header, "DELETE").build());
        assertThat(r.status()).as(header + ": " + r.body()).isEqualTo(405);
        TestClient.Response p = e.op.send(e.op.request("POST", "/v1/tokens/" + id, "{}")
            .header(header, "DELETE").build());
        assertThat(p.status()).as(header + ": " + p.body()).isEqualTo(405);
      }
      assertThat(e.op.get("/v1/tokens").body()).contains(id);
    }
  }

  @Test
  void anAdmin_cannotMintATokenActingAsTheOwner() {
    try (Env e = env()) {
      assertProblem(e.carol.post("/v1/tokens", "{\"kind\":\"account\",\"user\":\"alice\"}"),
          403, "role_escalation", "user");
      assertThat(e.carol.post("/v1/tokens", "{\"kind\":\"account\",\"user\":\"bob\"}").status())
          .isEqualTo(201);
      assertThat(e.alice.post("/v1/tokens", "{\"kind\":\"account\",\"user\":\"alice\"}")
          .status()).isEqualTo(201);
    }
  }

  @Test
  void metrics_areForTheOperatorOrTheScraperToken() {
    String scraper = "scrape-" + "s".repeat(20);
    try (Env e = new Env(null, ServerConfig.defaults(0).withMetricsToken(scraper))) {
      TestClient anon = new TestClient(e.server.url(), java.util.Optional.empty(),
          java.util.Optional.empty());
      assertProblem(anon.get("/metrics"), 401, "unauthenticated", "Authorization");
      assertProblem(e.op.as("cov_not_a_token").get("/metrics"), 401, "unauthenticated",
          "Authorization");
      assertProblem(e.gina.get("/metrics"), 403, "not_authorized", "Authorization");
      assertThat(e.op.get("/metrics").status()).isEqualTo(200);
      TestClient.Response s = e.op.as(scraper).get("/metrics");
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.body()).contains("covenant_");
    }
  }

  @Test
  void ids_areNfcWithoutControlsOrBidiOverrides() {
    try (Env e = env()) {
      assertThat(e.bob.post("/v1/accounts/acme/content", content("acme:caf\u00e9")).status())
          .isEqualTo(201);
      for (String bad : List.of("cafe\u0301", "a\u0000b", "a\nb", "a\u007fb", "a\u202eb",
          "a\u2066b", "a\u200fb", "a\u2028b", "\ufeffa", "a\ufffe", " ")) {
        assertProblem(e.bob.post("/v1/accounts/acme/content", content(bad)), 400, "invalid_id",
            "content");
      }
      assertProblem(e.op.post("/v1/events", "{\"events\":[" + event("user.added",
          Instant.now(), "\"account\":\"acme\",\"user\":" + q("zo\u0308e") + ",\"role\":"
          + "\"member\"") + "]}"), 400, "invalid_id", "events[0].user");
      assertProblem(e.alice.put("/v1/accounts/acme/settings/recording.local",
          "{\"scope\":\"user:b\\u202eob\",\"value\":false}"), 400, "invalid_id", "scope");
    }
  }

  @Test
  void consentGrant_withoutABody_is400NamingIt() {
    try (Env e = env()) {
      long head = e.head();
      assertProblem(e.alice.post("/v1/accounts/acme/consents/ai_training:grant", ""), 400,
          "invalid_input", "body");
      assertProblem(e.alice.send(e.alice.request("POST",
          "/v1/accounts/acme/consents/ai_training:grant", null).build()), 400, "invalid_input",
          "body");
      assertThat(e.head()).isEqualTo(head);
      assertThat(e.alice.post("/v1/accounts/acme/consents/ai_training:grant", "{}").status())
          .isEqualTo(200);
    }
  }

  @Test
  void readyz_is503UntilDemoSeedingHasFinished() {
    Deployment.Opened o = Deployment.inMemory(ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
    try (CovenantServer server = o.server().holdReadiness().start()) {
      TestClient anon = new TestClient(server.url(), java.util.Optional.empty(),
          java.util.Optional.empty());
      TestClient.Response before = anon.get("/readyz");
      assertThat(before.status()).as(before.body()).isEqualTo(503);
      assertThat(before.json().path("code").asText()).isEqualTo("starting");
      assertThat(before.json().path("title").asText()).as("no event is involved in readiness")
          .isEqualTo("The server is still starting");
      Demo.Seeded s = Demo.seed(server.url(), o.operatorSecret().orElseThrow(), Instant.now());
      assertThat(s.events()).isPositive();
      assertThat(anon.get("/readyz").status()).as("still seeding until released")
          .isEqualTo(503);
      server.release();
      assertThat(anon.get("/readyz").status()).isEqualTo(200);
    }
  }

  @Test
  void aStartedServer_isReady() {
    Deployment.Opened o = Deployment.inMemory(ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
    try (CovenantServer server = o.server().start()) {
      HttpRequest r = HttpRequest.newBuilder(URI.create(server.url() + "/readyz")).GET().build();
      TestClient.Response ready = new TestClient(server.url(), java.util.Optional.empty(),
          java.util.Optional.empty()).send(r);
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.body().getBytes(StandardCharsets.UTF_8)).isNotEmpty();
    }
  }
}
