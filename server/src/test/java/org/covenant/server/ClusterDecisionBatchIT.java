package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.core.ConditionFactory;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.NoteSigner;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.server.cluster.Members;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, "any member answers any request", for decision batches (docs/CLUSTER.md, "Decision
 * batches that span owners"): three members over one PostgreSQL schema. A batch whose contents
 * belong to accounts of two or three owners, sent to any member (one owning none of them
 * included), answers exactly what the same queries sent one by one to their owners answer, in
 * the batch's order and numbering; a bad query is named by its index in the client's batch; a
 * token limited to one account learns nothing of another's through the batch; an owner that
 * cannot be reached fails closed for its items only, as single decisions do.
 */
class ClusterDecisionBatchIT {
  private static final ClusterNode.Timing FAST = new ClusterNode.Timing(Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofMillis(100));
  private static final NoteSigner KEY = NoteSigner.generate("covenant.test/cluster-decbatch");
  /** Enough accounts that each of three members owns some (chance of not: 3 (2/3)^30). */
  private static final int ACCOUNTS = 30;
  private static final Instant BASE = Instant.now().minusSeconds(600)
      .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  private static final String AT = BASE.plusSeconds(500).toString();
  private static final String LATER = BASE.plusSeconds(550).toString();

  @Test
  void aBatchSpanningOwnersAnswersAsItsQueriesDoOneByOne(@TempDir Path tmp) throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_decbatch");
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    List<CovenantServer> servers = new ArrayList<>();
    try {
      // One member holds the log key (the log's writer); the others only serve.
      Deployment.Opened first = open(tmp.resolve("a"), pg, Optional.of(KEY));
      String operator = first.operatorSecret().orElseThrow();
      servers.add(first.server().start());
      servers.add(open(tmp.resolve("b"), pg, Optional.empty()).server().start());
      servers.add(open(tmp.resolve("c"), pg, Optional.empty()).server().start());
      Map<String, TestClient> byId = new LinkedHashMap<>();
      for (CovenantServer s : servers) {
        TestClient op = new TestClient(s.url(), operator);
        byId.put(op.get("/v1/cluster").json().path("self").asText(), op);
      }
      for (TestClient op : byId.values()) {
        waiting()
            .until(() -> op.get("/v1/cluster").json().path("sharding").path("owners").asInt() == 3
            && op.get("/v1/cluster").json().path("sharding").path("moves_in_progress")
                .asInt() == 0);
      }
      List<TestClient> all = new ArrayList<>(byId.values());
      for (int i = 0; i < ACCOUNTS; i++) {
        TestClient.Response r = all.get(i % 3).post("/v1/events", account("t" + i,
            BASE.plusSeconds(10L * i)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      Map<String, String> owners = new HashMap<>();
      Map<String, List<String>> owned = new HashMap<>();
      for (int i = 0; i < ACCOUNTS; i++) {
        String m = all.get(0).get("/v1/cluster?account=t" + i).json().path("owner")
            .path("member").asText();
        owners.put("t" + i, m);
        owned.computeIfAbsent(m, k -> new ArrayList<>()).add("t" + i);
      }
      assertThat(owned.keySet()).containsExactlyInAnyOrderElementsOf(byId.keySet());
      List<String> ids = new ArrayList<>(byId.keySet());
      String x = ids.get(0);
      String y = ids.get(1);
      String z = ids.get(2);
      String a = owned.get(x).get(0);
      String y1 = owned.get(y).get(0);
      String c = owned.get(z).get(0);
      // a second account of x's whose answers equal a's: one outcome for both, as one member
      // numbers them. y1's training consent is withdrawn: a denial with its clauses.
      String a2 = owned.get(x).size() > 1 ? owned.get(x).get(1) : a;
      TestClient.Response w = all.get(2).post("/v1/events", "{\"events\":[{\"type\":"
          + "\"consent.withdrawn\",\"at\":\"" + BASE.plusSeconds(520) + "\",\"account\":\"" + y1
          + "\",\"consent\":\"ai_training\",\"by\":\"o-" + y1 + "\"}]}");
      assertThat(w.status()).as(w.body()).isEqualTo(200);
      for (TestClient m : all) {
        waiting()
            .until(() -> m.post("/v1/decisions", single("ai.training", y1 + ":c1", LATER)).body()
            .contains("consent_withdrawn"));
      }

      // Two owners (x, y) through z, which owns none of them; the compact form, per-item
      // purposes and times, an unknown content and evidence.
      String twoOwners = "{\"purpose\":\"ai.training\",\"at\":\"" + LATER + "\",\"evidence\":"
          + "true,\"requests\":[\"" + a + ":c1\",{\"content\":\"" + y1 + ":c1\"},{\"content\":\""
          + a + ":c1\",\"purpose\":\"service.recording\"},{\"content\":\"nope:c9\"},{\"content\""
          + ":\"" + y1 + ":c1\",\"purpose\":\"service.recording\",\"at\":\"" + AT + "\"},\""
          + a2 + ":c1\",{\"content\":\"" + y1 + ":c1\",\"at\":\"" + AT + "\"}]}";
      JsonNode expected = oneByOne(twoOwners, byId, owners, all.get(0));
      HttpResponse<String> viaZ = raw(byId.get(z), "POST", "/v1/decisions:batch", twoOwners);
      assertThat(viaZ.statusCode()).as(viaZ.body()).isEqualTo(200);
      assertThat(Json.parse(viaZ.body())).as(viaZ.body()).isEqualTo(expected);
      assertThat(viaZ.headers().firstValue(Forwarder.SERVED_BY)).isEmpty();
      // The answers really differ item by item (allow, withdrawn, unknown), numbered once each.
      assertThat(expected.path("outcomes").size()).isGreaterThanOrEqualTo(4);
      assertThat(expected.toString()).contains("consent_withdrawn").contains("unknown_content")
          .contains("\"allow\"");
      // Through an owner of a part (its own items decided there) the answer is the same.
      for (TestClient m : List.of(byId.get(x), byId.get(y))) {
        assertThat(raw(m, "POST", "/v1/decisions:batch", twoOwners).body())
            .isEqualTo(viaZ.body());
      }

      // Three owners through each member, without evidence.
      String threeOwners = "{\"purpose\":\"ai.training\",\"at\":\"" + LATER + "\",\"requests\""
          + ":[\"" + c + ":c1\",\"" + y1 + ":c1\",\"" + a + ":c1\",{\"content\":\"" + c
          + ":c1\",\"purpose\":\"service.recording\"},\"" + y1 + ":c1\"]}";
      JsonNode expected3 = oneByOne(threeOwners, byId, owners, all.get(0));
      for (TestClient m : all) {
        HttpResponse<String> r = raw(m, "POST", "/v1/decisions:batch", threeOwners);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.parse(r.body())).as(r.body()).isEqualTo(expected3);
        assertThat(r.body()).doesNotContain("evidence");
      }

      // A bad query is named by its index in the client's batch, also when it is another
      // owner's item; nothing is answered for the rest.
      for (String[] bad : new String[][] {
          {"{\"content\":\"" + y1 + ":c1\",\"purpose\":\"no.such\"}", "requests[3].purpose"},
          {"{\"content\":\"" + a + ":c1\",\"at\":\"yesterday\"}", "requests[3].at"},
          {"{\"content\":\"" + c + ":c1\",\"colour\":\"red\"}", "requests[3].colour"}}) {
        String batch = "{\"purpose\":\"ai.training\",\"requests\":[\"" + a + ":c1\",\"" + y1
            + ":c1\",\"" + c + ":c1\"," + bad[0] + ",\"" + y1 + ":c1\"]}";
        for (TestClient m : all) {
          TestClient.Response r = m.post("/v1/decisions:batch", batch);
          assertThat(r.status()).as(r.body()).isEqualTo(400);
          assertThat(r.json().path("field").asText()).as(r.body()).isEqualTo(bad[1]);
        }
      }

      // A token of account a alone: y1's content is unknown to it through the batch, exactly
      // as one by one, with no evidence of y1's; a purpose it lacks is refused by index.
      TestClient.Response token = all.get(0).post("/v1/tokens", "{\"kind\":\"service\","
          + "\"name\":\"only-a\",\"accounts\":[\"" + a + "\"],\"role\":\"decisions\","
          + "\"purposes\":[\"ai.training\"]}");
      assertThat(token.status()).as(token.body()).isEqualTo(201);
      String secret = token.json().path("secret").asText();
      Map<String, TestClient> scoped = new LinkedHashMap<>();
      byId.forEach((id, m) -> scoped.put(id, m.as(secret)));
      String peek = "{\"purpose\":\"ai.training\",\"at\":\"" + LATER + "\",\"evidence\":true,"
          + "\"requests\":[\"" + a + ":c1\",\"" + y1 + ":c1\",\"" + c + ":c1\"]}";
      JsonNode expectedScoped = oneByOne(peek, scoped, owners, scoped.get(z));
      for (TestClient m : scoped.values()) {
        TestClient.Response r = m.post("/v1/decisions:batch", peek);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json()).as(r.body()).isEqualTo(expectedScoped);
        assertThat(r.body()).doesNotContain("consent_withdrawn");
        JsonNode out = r.json();
        assertThat(out.path("outcomes").get(out.path("results").get(1).asInt()).path("reason")
            .asText()).isEqualTo("unknown_content");
        assertThat(out.path("evidence").get(1)).isEmpty();
        assertThat(out.path("evidence").get(2)).isEmpty();
      }
      TestClient.Response forbidden = scoped.get(z).post("/v1/decisions:batch", "{\"purpose\":"
          + "\"ai.training\",\"requests\":[\"" + a + ":c1\",{\"content\":\"" + y1 + ":c1\","
          + "\"purpose\":\"service.recording\"}]}");
      assertThat(forbidden.status()).as(forbidden.body()).isEqualTo(403);
      assertThat(forbidden.json().path("field").asText()).isEqualTo("requests[1].purpose");

      // An owner that cannot be reached (a live heartbeat row, an address refusing
      // connections): its items deny store_unavailable, as a single decision through the
      // same member does; the other owners' items are answered.
      List<Members.Member> live = new ArrayList<>();
      for (String id : ids) {
        live.add(new Members.Member(id, "", false, true, Instant.now(), 1000));
      }
      String ghost = null;
      String victim = null;
      List<String> alive = new ArrayList<>();
      for (int g = 0; ghost == null; g++) {
        List<Members.Member> with = new ArrayList<>(live);
        with.add(new Members.Member("m-ghost" + g, "", false, true, Instant.now(), 1000));
        for (int i = 0; i < ACCOUNTS && ghost == null; i++) {
          if (Members.owner(with, "t" + i).orElseThrow().id().equals("m-ghost" + g)) {
            ghost = "m-ghost" + g;
            victim = "t" + i;
          }
        }
        // Accounts the ghost does not take, whose training consent stands: answered "allow".
        for (int i = 0; ghost != null && i < ACCOUNTS && alive.size() < 2; i++) {
          if (!Members.owner(with, "t" + i).orElseThrow().id().equals(ghost)
              && !("t" + i).equals(y1)) {
            alive.add("t" + i);
          }
        }
      }
      PgTestDatabase.admin(url, "INSERT INTO " + schema + ".cluster_member (id, url, log_key, "
          + "owns, started, expires) VALUES ('" + ghost + "', 'http://127.0.0.1:1', false, "
          + "true, clock_timestamp(), clock_timestamp() + interval '60 seconds')");
      String dead = victim;
      for (TestClient m : all) {
        waiting()
            .until(() -> m.get("/v1/cluster").json().path("sharding").path("owners").asInt() == 4
            && m.get("/v1/cluster").json().path("sharding").path("moves_in_progress")
                .asInt() == 0);
      }
      String withDead = "{\"purpose\":\"ai.training\",\"at\":\"" + LATER + "\",\"requests\":[\""
          + alive.get(0) + ":c1\",\"" + dead + ":c1\",\"" + y1 + ":c1\",\"" + alive.get(1)
          + ":c1\"]}";
      for (TestClient m : all) {
        JsonNode viaSingles = oneByOne(withDead, Map.of(), Map.of(), m);
        TestClient.Response r = m.post("/v1/decisions:batch", withDead);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json()).as(r.body()).isEqualTo(viaSingles);
        JsonNode out = r.json();
        assertThat(out.path("outcomes").get(out.path("results").get(1).asInt()).path("reason")
            .asText()).isEqualTo("store_unavailable");
        assertThat(out.path("outcomes").get(out.path("results").get(0).asInt()).path("verdict")
            .asText()).isEqualTo("allow");
      }
      PgTestDatabase.admin(url, "DELETE FROM " + schema + ".cluster_member WHERE id = '"
          + ghost + "'");
    } finally {
      for (CovenantServer s : servers) {
        s.close();
      }
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /**
   * The batch answer built from the batch's queries sent one by one as {@code POST
   * /v1/decisions}: each to its content's owner (to {@code fallback} when the owner is not in
   * {@code byId}, or the content is unknown), outcomes numbered by first use.
   */
  private static JsonNode oneByOne(String batch, Map<String, TestClient> byId,
      Map<String, String> owners, TestClient fallback) {
    JsonNode b = Json.parse(batch);
    ObjectNode out = Json.object();
    Map<JsonNode, Integer> outcomes = new LinkedHashMap<>();
    ArrayNode results = Json.array();
    ArrayNode evidence = Json.array();
    JsonNode reqs = b.path("requests");
    for (JsonNode q : reqs) {
      String content = q.isTextual() ? q.asText() : q.path("content").asText();
      String purpose = q.path("purpose").asText(b.path("purpose").asText());
      String at = q.path("at").asText(b.path("at").asText());
      String acct = content.substring(0, content.indexOf(':'));
      TestClient to = byId.getOrDefault(owners.getOrDefault(acct, ""), fallback);
      HttpResponse<String> r = raw(to, "POST", "/v1/decisions", single(purpose, content, at));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      ObjectNode d = (ObjectNode) Json.parse(r.body());
      evidence.add(d.path("evidence"));
      for (String f : List.of("evidence", "purpose", "content", "at", "region")) {
        d.remove(f);
      }
      results.add(outcomes.computeIfAbsent(d, k -> outcomes.size()));
    }
    out.put("count", reqs.size());
    ArrayNode os = out.putArray("outcomes");
    outcomes.keySet().forEach(os::add);
    out.set("results", results);
    if (b.path("evidence").asBoolean(false)) {
      out.set("evidence", evidence);
    }
    return out;
  }

  private static String single(String purpose, String content, String at) {
    return "{\"purpose\":\"" + purpose + "\",\"content\":\"" + content + "\",\"at\":\"" + at
        + "\"}";
  }

  private static String account(String id, Instant t) {
    return ClusterRoutingIT.account(id, t);
  }

  private static HttpResponse<String> raw(TestClient c, String method, String path,
      String body) {
    try {
      return c.http().send(c.request(method, path, body).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Deployment.Opened open(Path dir, LedgerConfig.Postgres pg,
      Optional<NoteSigner> key) {
    return ClusterDeployment.open(dir, pg, ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC(), key, FAST,
        Duration.ofSeconds(20));
  }

  /** Waits for the cluster to reach a state: at most 15 s, looking every 20 ms. */
  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20));
  }
}
