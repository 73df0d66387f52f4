package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.covenant.core.Sha256;
import org.covenant.core.spi.StoredEvent;
import org.covenant.format.CanonicalJson;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/events} batches over a real SQLite data directory (issue 15, branch
 * {@code post100k}): a key repeated within a batch, a rejected event between accepted ones, keys
 * stored by an earlier batch (the same request: a duplicate; another: reused), and the stored key
 * and fingerprint of each row exactly as the request defines them (the canonical event without
 * its key, and without {@code at} when the server stamps the time).
 */
class EventBatchIT {
  @TempDir Path dir;

  private static final String ROUTE = "POST /v1/events";

  @Test
  void batches_answerAndStoreAsTheirEventsOneByOne() {
    Deployment.Opened o = Deployment.open(dir, LedgerConfig.sqlite(dir),
        ServerConfig.defaults(0), TermsLibrary.builtInCatalog(), Clock.systemUTC());
    try (CovenantServer server = o.server().start()) {
      TestClient op = new TestClient(server.url(), o.operatorSecret().orElseThrow());
      Workspace.seed(op);
      long head = server.namespaces().main().ledger().head();

      // Operator (its own times): g1, a rejected event in the middle, g2, g1's key again
      // (the same request, spaced differently: a duplicate of the first), g2's key with
      // another event (reused), an event without a key.
      String g1 = "{\"type\":\"group.created\",\"at\":\"2024-02-01T00:00:00Z\",\"account\":"
          + "\"acme\",\"group\":\"g1\",\"idempotency_key\":\"k1\"}";
      String bad = "{\"type\":\"user.added\",\"at\":\"2024-02-01T00:00:01Z\",\"account\":"
          + "\"acme\",\"user\":\"dora\",\"role\":\"member\",\"group\":\"no-such-group\","
          + "\"idempotency_key\":\"kx\"}";
      String g2 = "{\"type\":\"group.created\",\"at\":\"2024-02-01T00:00:02Z\",\"account\":"
          + "\"acme\",\"group\":\"g2\",\"idempotency_key\":\"k2\"}";
      String g1Again = "{ \"idempotency_key\" : \"k1\", \"group\":\"g1\",\"account\":\"acme\","
          + "\"at\":\"2024-02-01T00:00:00Z\",\"type\":\"group.created\"}";
      String g2Other = "{\"type\":\"group.created\",\"at\":\"2024-02-01T00:00:03Z\",\"account\":"
          + "\"acme\",\"group\":\"g2b\",\"idempotency_key\":\"k2\"}";
      String plain = "{\"type\":\"group.created\",\"at\":\"2024-02-01T00:00:04Z\",\"account\":"
          + "\"acme\",\"group\":\"g3\"}";
      JsonNode first = post(op, g1, bad, g2, g1Again, g2Other, plain);
      assertThat(statuses(first)).containsExactly("accepted", "rejected", "accepted",
          "duplicate", "rejected", "accepted");
      assertThat(first.path("results").get(1).path("code").asText()).isNotEqualTo(
          "idempotency_key_reused");
      assertThat(first.path("results").get(4).path("code").asText())
          .isEqualTo("idempotency_key_reused");
      assertThat(positions(first)).containsExactly(head + 1, -1L, head + 2, head + 1, -1L,
          head + 3);
      assertThat(first.path("accepted").asInt()).isEqualTo(3);
      assertThat(first.path("duplicates").asInt()).isEqualTo(1);
      assertThat(first.path("rejected").asInt()).isEqualTo(2);
      assertThat(first.path("head").asLong()).isEqualTo(head + 3);

      // A later batch: keys the first stored (same request: duplicates of their positions;
      // another request: reused), the rejected event's key (nothing was stored under it), a
      // new key twice within the batch.
      String g4 = "{\"type\":\"group.created\",\"at\":\"2024-02-01T00:00:05Z\",\"account\":"
          + "\"acme\",\"group\":\"g4\",\"idempotency_key\":\"k4\"}";
      String g4Other = "{\"type\":\"group.created\",\"at\":\"2024-02-01T00:00:06Z\",\"account\":"
          + "\"acme\",\"group\":\"g4b\",\"idempotency_key\":\"k4\"}";
      String badNowGood = "{\"type\":\"group.created\",\"at\":\"2024-02-01T00:00:07Z\","
          + "\"account\":\"acme\",\"group\":\"g5\",\"idempotency_key\":\"kx\"}";
      JsonNode second = post(op, g2, g1Other(), g4, badNowGood, g4, g4Other, g1);
      assertThat(statuses(second)).containsExactly("duplicate", "rejected", "accepted",
          "accepted", "duplicate", "rejected", "duplicate");
      assertThat(positions(second)).containsExactly(head + 2, -1L, head + 4, head + 5,
          head + 4, -1L, head + 1);
      assertThat(second.path("results").get(1).path("code").asText())
          .isEqualTo("idempotency_key_reused");
      assertThat(second.path("results").get(5).path("code").asText())
          .isEqualTo("idempotency_key_reused");
      assertThat(second.path("results").get(0).path("idempotency_key").asText()).isEqualTo("k2");

      // A tenant's batch: the server stamps the time, so a retry with another `at` is the
      // same request.
      TestClient alice = op.as(token(op, "acme", "alice"));
      String t1 = "{\"type\":\"group.created\",\"at\":\"" + Instant.now() + "\",\"account\":"
          + "\"acme\",\"group\":\"t1\",\"idempotency_key\":\"k1\"}";
      String t1Later = "{\"type\":\"group.created\",\"at\":\"" + Instant.now().plusSeconds(2)
          + "\",\"account\":\"acme\",\"group\":\"t1\",\"idempotency_key\":\"k1\"}";
      long tenantHead = server.namespaces().main().ledger().head();
      JsonNode third = post(alice, t1, t1Later);
      assertThat(statuses(third)).containsExactly("accepted", "duplicate");
      JsonNode fourth = post(alice, t1Later);
      assertThat(statuses(fourth)).containsExactly("duplicate");
      assertThat(positions(fourth)).containsExactly(tenantHead + 1);

      // What was stored: each row's key is the caller's scoped key and the fingerprint of the
      // canonical event without its key (and, for the tenant, without `at`).
      Map<Long, String> keys = new TreeMap<>();
      for (StoredEvent e : server.namespaces().main().ledger().events(head, 100)) {
        keys.put(e.position(), e.idempotencyKey().orElse(null));
      }
      String operatorScope = keys.get(head + 1).substring(0, keys.get(head + 1).indexOf('#'));
      Map<Long, String> expected = new TreeMap<>();
      expected.put(head + 1, operatorScope + "#sha256:" + fingerprint(g1, false));
      expected.put(head + 2, keys.get(head + 2).substring(0, keys.get(head + 2).indexOf('#'))
          + "#sha256:" + fingerprint(g2, false));
      expected.put(head + 3, null);
      expected.put(head + 4, keys.get(head + 4).substring(0, keys.get(head + 4).indexOf('#'))
          + "#sha256:" + fingerprint(g4, false));
      expected.put(head + 5, keys.get(head + 5).substring(0, keys.get(head + 5).indexOf('#'))
          + "#sha256:" + fingerprint(badNowGood, false));
      expected.put(tenantHead + 1, keys.get(tenantHead + 1).substring(0,
          keys.get(tenantHead + 1).indexOf('#')) + "#sha256:" + fingerprint(t1, true));
      assertThat(keys).isEqualTo(expected);
      // The scoped keys: the operator's k1, k2, k4, kx differ; the tenant's k1 is not the
      // operator's.
      assertThat(keys.values().stream().filter(k -> k != null).map(k -> k.substring(0,
          k.indexOf('#'))).distinct().count()).isEqualTo(5);
      assertThat(operatorScope).startsWith("k1:").isNotEqualTo(keys.get(tenantHead + 1)
          .substring(0, keys.get(tenantHead + 1).indexOf('#')));
    }
  }

  /**
   * A batch is limited by its event count, not by the 1 MiB of the other routes: 12,000 events
   * (about 1.4 MB) are appended in one request; a body over the events' limit (a server with
   * 4 MiB batch bodies) is refused whole with 413 naming the limit, nothing written.
   */
  @Test
  void aBatchOverOneMebibyte_isAppended_andOneOverTheEventsLimitIsRefused() {
    ServerConfig d = ServerConfig.defaults(0);
    ServerConfig small = new ServerConfig(d.host(), 0, d.maxBody(), 4L << 20, d.maxBatch(),
        d.staleAfter(), d.refreshEvery(), d.threads());
    assertThat(d.maxEventsBody()).isEqualTo(32L << 20);
    assertThat(small.maxEventsBody()).isEqualTo(4L << 20);
    Deployment.Opened o = Deployment.open(dir, LedgerConfig.sqlite(dir), small,
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
    try (CovenantServer server = o.server().start()) {
      TestClient op = new TestClient(server.url(), o.operatorSecret().orElseThrow());
      Workspace.seed(op);
      long head = server.namespaces().main().ledger().head();
      List<String> events = new ArrayList<>();
      Instant t = Instant.parse("2024-03-01T00:00:00Z");
      for (int i = 0; i < 12_000; i++) {
        events.add("{\"type\":\"group.created\",\"at\":\"" + t.plusSeconds(i)
            + "\",\"account\":\"acme\",\"group\":\"bulk-" + i + "\"}");
      }
      String body = "{\"events\":[" + String.join(",", events) + "]}";
      assertThat(body.length()).isGreaterThan(1 << 20);
      JsonNode j = post(op, events.toArray(String[]::new));
      assertThat(j.path("accepted").asInt()).isEqualTo(12_000);
      assertThat(j.path("head").asLong()).isEqualTo(head + 12_000);

      StringBuilder big = new StringBuilder("{\"events\":[");
      Instant later = t.plusSeconds(100_000);
      for (int i = 0; big.length() <= (4 << 20); i++) {
        big.append(i == 0 ? "" : ",").append("{\"type\":\"group.created\",\"at\":\"")
            .append(later.plusSeconds(i)).append("\",\"account\":\"acme\",\"group\":\"over-")
            .append(i).append("\"}");
      }
      TestClient.Response r = op.post("/v1/events", big.append("]}").toString());
      assertThat(r.status()).as(r.body()).isEqualTo(413);
      assertThat(r.json().path("code").asText()).isEqualTo("body_too_large");
      assertThat(r.body()).contains(String.valueOf(4L << 20));
      assertThat(server.namespaces().main().ledger().head()).isEqualTo(head + 12_000);
    }
  }

  private static String g1Other() {
    return "{\"type\":\"group.created\",\"at\":\"2024-02-01T00:00:00Z\",\"account\":"
        + "\"acme\",\"group\":\"g1-other\",\"idempotency_key\":\"k1\"}";
  }

  /** The request's fingerprint as defined: route, newline, the canonical event as sent. */
  private static String fingerprint(String event, boolean stamped) {
    ObjectNode n = (ObjectNode) Json.parse(event);
    n.remove("idempotency_key");
    if (stamped) {
      n.remove("at");
    }
    return Sha256.hex(ROUTE + "\n" + CanonicalJson.canonicalString(n));
  }

  private static String token(TestClient op, String account, String user) {
    TestClient.Response r = op.post("/v1/tokens", "{\"kind\":\"account\",\"account\":\""
        + account + "\",\"user\":\"" + user + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().path("secret").asText();
  }

  private static JsonNode post(TestClient c, String... events) {
    TestClient.Response r = c.post("/v1/events", "{\"events\":[" + String.join(",", events)
        + "]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode j = r.json();
    for (int i = 0; i < events.length; i++) {
      assertThat(j.path("results").get(i).path("index").asInt()).isEqualTo(i);
    }
    return j;
  }

  private static List<String> statuses(JsonNode j) {
    List<String> out = new ArrayList<>();
    j.path("results").forEach(r -> out.add(r.path("status").asText()));
    return out;
  }

  private static List<Long> positions(JsonNode j) {
    List<Long> out = new ArrayList<>();
    j.path("results").forEach(r -> out.add(r.has("position") ? r.path("position").asLong()
        : -1L));
    return out;
  }
}
