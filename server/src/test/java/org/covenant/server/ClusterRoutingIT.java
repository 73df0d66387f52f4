package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Issue 16, accounts sharded, the network half (docs/CLUSTER.md, "Forwarding"): three members
 * over one PostgreSQL schema. A request to a member that does not own its account is forwarded
 * to the owner and answered exactly as the owner answers it (decisions, reads, writes that land
 * once); a forwarded request is never forwarded again; a member that leaves hands its accounts
 * to the others, which answer for them within a second.
 */
class ClusterRoutingIT {
  private static final ClusterNode.Timing FAST = new ClusterNode.Timing(Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofMillis(100));
  private static final NoteSigner KEY = NoteSigner.generate("covenant.test/cluster-routing");
  // Member ids are random, so ownership is too: with 30 accounts the chance that one of three
  // members owns none (which the spread and "owns accounts" assertions need) is 3 (2/3)^30,
  // about 2e-5; with 12 it was about 2 %.
  private static final int ACCOUNTS = 30;
  /** The accounts' history starts ten minutes ago, in time order; decisions are asked after. */
  private static final java.time.Instant BASE = java.time.Instant.now().minusSeconds(600)
      .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  private static final String AT = BASE.plusSeconds(500).toString();

  @Test
  void anyMemberAnswersAsTheOwner_andALeavingMembersAccountsMove(@TempDir Path tmp)
      throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_croute");
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    List<CovenantServer> servers = new ArrayList<>();
    try {
      Deployment.Opened a = open(tmp.resolve("a"), pg, Optional.of(KEY));
      String operator = a.operatorSecret().orElseThrow();
      servers.add(a.server().start());
      servers.add(open(tmp.resolve("b"), pg, Optional.of(KEY)).server().start());
      servers.add(open(tmp.resolve("c"), pg, Optional.empty()).server().start());
      Map<String, TestClient> byId = new HashMap<>();
      Map<String, CovenantServer> serverById = new HashMap<>();
      for (CovenantServer s : servers) {
        TestClient op = new TestClient(s.url(), operator);
        String self = op.get("/v1/cluster").json().path("self").asText();
        byId.put(self, op);
        serverById.put(self, s);
      }
      for (TestClient op : byId.values()) {
        waiting()
            .until(() -> op.get("/v1/cluster").json().path("sharding").path("owners").asInt() == 3
            && op.get("/v1/cluster").json().path("sharding").path("moves_in_progress")
                .asInt() == 0);
      }
      TestClient any = byId.values().iterator().next();
      // One batch per account, each through whichever member: forwarded to its owner.
      List<TestClient> all = new ArrayList<>(byId.values());
      for (int i = 0; i < ACCOUNTS; i++) {
        TestClient.Response r = all.get(i % 3).post("/v1/events", account("t" + i,
            BASE.plusSeconds(10L * i)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("accepted").asInt()).as(r.body()).isEqualTo(4);
      }
      Map<String, String> owners = new HashMap<>();
      for (int i = 0; i < ACCOUNTS; i++) {
        owners.put("t" + i, any.get("/v1/cluster?account=t" + i).json().path("owner")
            .path("member").asText());
      }
      assertThat(owners.values()).as("rendezvous spreads %d accounts over three members",
          ACCOUNTS).containsAll(byId.keySet());
      // Owned accounts per member, counted over the answering member's projection (which sees
      // accounts written through the others within its 250 ms refresh).
      waiting().until(() -> {
        int owned = 0;
        for (JsonNode m : any.get("/v1/cluster").json().path("members")) {
          owned += m.path("accounts").asInt();
        }
        return owned == ACCOUNTS;
      });

      // Each member's projection holds the accounts it owns and no other's users (issue 16).
      assertProjectsOnlyOwned(serverById, owners, List.of());

      // The operator's listing is the cluster's through every member, identical and complete,
      // each account with its owner's counts; a member's own part (asked with the hop header)
      // is the accounts it owns.
      assertListingComplete(byId.values(), ACCOUNTS);
      for (Map.Entry<String, TestClient> e : byId.entrySet()) {
        HttpResponse<String> part = e.getValue().http().send(e.getValue().request("GET",
            "/v1/accounts", null).header(Forwarder.HOP, "m-test").build(),
            HttpResponse.BodyHandlers.ofString());
        List<String> listed = Json.parse(part.body()).path("accounts").findValuesAsText(
            "account");
        assertThat(listed).as(e.getKey() + "'s part").containsExactlyInAnyOrderElementsOf(
            owners.entrySet().stream().filter(o -> o.getValue().equals(e.getKey()))
                .map(Map.Entry::getKey).toList());
      }

      for (int i = 0; i < ACCOUNTS; i++) {
        String acct = "t" + i;
        String ownerId = owners.get(acct);
        TestClient owner = byId.get(ownerId);
        for (Map.Entry<String, TestClient> e : byId.entrySet()) {
          if (e.getKey().equals(ownerId)) {
            continue;
          }
          TestClient other = e.getValue();
          for (String path : List.of("/v1/accounts/" + acct, "/v1/accounts/" + acct + "/events",
              "/v1/accounts/" + acct + "/settings?at=" + AT, "/v1/accounts/" + acct
                  + "/consents", "/v1/accounts/nobody-" + acct + "/events")) {
            // Reads name the projection's head, which other members' writes move meanwhile:
            // the forwarded answer is one of the owner's just before and just after.
            HttpResponse<String> o = raw(owner, "GET", path, null);
            HttpResponse<String> x = raw(other, "GET", path, null);
            HttpResponse<String> o2 = raw(owner, "GET", path, null);
            assertThat(x.statusCode()).as(path).isEqualTo(o.statusCode());
            assertThat(x.body()).as(path).isIn(o.body(), o2.body());
          }
          String decision = "{\"purpose\":\"service.recording\",\"content\":\"" + acct
              + ":c1\",\"at\":\"" + AT + "\"}";
          HttpResponse<String> od = raw(owner, "POST", "/v1/decisions", decision);
          HttpResponse<String> xd = raw(other, "POST", "/v1/decisions", decision);
          assertThat(xd.statusCode()).isEqualTo(200);
          assertThat(xd.body()).isEqualTo(od.body());
          assertThat(xd.headers().firstValue(Forwarder.SERVED_BY)).contains(ownerId);
          assertThat(od.headers().firstValue(Forwarder.SERVED_BY)).isEmpty();
          String batch = "{\"purpose\":\"ai.training\",\"at\":\"" + AT + "\",\"requests\":["
              + "{\"content\":\"" + acct + ":c1\"},{\"content\":\"" + acct + ":c1\","
              + "\"purpose\":\"service.recording\"}]}";
          assertThat(raw(other, "POST", "/v1/decisions:batch", batch).body())
              .isEqualTo(raw(owner, "POST", "/v1/decisions:batch", batch).body());
        }
        // A write through a non-owner lands once, at the owner, under its idempotency key.
        TestClient other = byId.entrySet().stream().filter(e -> !e.getKey().equals(ownerId))
            .findFirst().orElseThrow().getValue();
        for (int k = 0; k < 2; k++) {
          TestClient.Response w = other.send(other.request("POST", "/v1/accounts/" + acct
              + "/consents/product_improvement:grant", "{}").header("Idempotency-Key", "grant-"
              + acct).build());
          assertThat(w.status()).as(w.body()).isIn(200, 201);
        }
        JsonNode events = owner.get("/v1/accounts/" + acct + "/events").json().path("events");
        assertThat(events.findValuesAsText("consent").stream()
            .filter("product_improvement"::equals)).as(events.toString()).hasSize(1);
      }

      // Meeting routes go to the meeting's account's owner; a batch that starts a meeting and
      // joins it is one account's.
      String m0 = owners.get("t0");
      TestClient notOwner0 = byId.entrySet().stream().filter(e -> !e.getKey().equals(m0))
          .findFirst().orElseThrow().getValue();
      String started = java.time.Instant.now().toString();
      TestClient.Response meeting = notOwner0.post("/v1/events", "{\"events\":["
          + "{\"type\":\"meeting.started\",\"at\":\"" + started + "\",\"account\":\"t0\","
          + "\"meeting\":\"t0-m1\",\"host\":\"o-t0\",\"features\":[]},"
          + "{\"type\":\"participant.joined\",\"at\":\"" + started + "\",\"meeting\":\"t0-m1\","
          + "\"participant\":\"p1\"}]}");
      assertThat(meeting.status()).as(meeting.body()).isEqualTo(200);
      assertThat(meeting.json().path("accepted").asInt()).as(meeting.body()).isEqualTo(2);
      for (String path : List.of("/v1/meetings/t0-m1", "/v1/meetings/t0-m1/notices?"
          + "participant=p1&at=" + started, "/v1/accounts/t0/meetings")) {
        HttpResponse<String> x = raw(notOwner0, "GET", path, null);
        assertThat(x.statusCode()).as(path + " " + x.body()).isEqualTo(200);
        assertThat(x.body()).isEqualTo(raw(byId.get(m0), "GET", path, null).body());
        assertThat(x.headers().firstValue(Forwarder.SERVED_BY)).contains(m0);
      }

      // A batch of events naming accounts of two owners, sent to the third member, which owns
      // neither: validated and appended there, once (docs/CLUSTER.md, "Batches that span
      // owners"), with each event's own outcome.
      String t0 = "t0";
      String t1 = owners.entrySet().stream().filter(e -> !e.getValue().equals(owners.get(t0)))
          .findFirst().orElseThrow().getKey();
      String third = byId.keySet().stream().filter(id -> !id.equals(owners.get(t0))
          && !id.equals(owners.get(t1))).findFirst().orElseThrow();
      TestClient receiver = byId.get(third);
      Map<String, Integer> eventsBefore = new HashMap<>();
      for (String acct : List.of(t0, t1)) {
        eventsBefore.put(acct, byId.get(owners.get(acct)).get("/v1/accounts/" + acct
            + "/events").json().path("events").size());
        for (TestClient c : byId.values()) {
          assertThat(c.post("/v1/decisions", trainingNow(acct)).json().path("verdict")
              .asText()).as(acct).isEqualTo("allow");
        }
      }
      String spanning = "{\"events\":[" + withdrawal(t0, "span-" + t0) + ","
          + withdrawal(t1, "span-" + t1) + "," + setting(t0).replace("\"by\":\"o-" + t0,
              "\"by\":\"nobody") + "]}";
      HttpResponse<String> spans = raw(receiver, "POST", "/v1/events", spanning);
      assertThat(spans.statusCode()).as(spans.body()).isEqualTo(200);
      JsonNode spanned = Json.parse(spans.body());
      assertThat(spanned.path("accepted").asInt()).as(spans.body()).isEqualTo(2);
      assertThat(spanned.path("rejected").asInt()).as(spans.body()).isEqualTo(1);
      assertThat(spanned.path("results").get(2).path("code").asText())
          .isEqualTo("unknown_user");
      assertThat(spans.headers().firstValue(Forwarder.SERVED_BY)).isEmpty();
      // The same batch again, with the same keys: nothing more is written.
      TestClient.Response retried = byId.get(owners.get(t0)).post("/v1/events", spanning);
      assertThat(retried.status()).as(retried.body()).isEqualTo(200);
      assertThat(retried.json().path("accepted").asInt()).as(retried.body()).isZero();
      assertThat(retried.json().path("duplicates").asInt()).as(retried.body()).isEqualTo(2);
      for (String acct : List.of(t0, t1)) {
        // Read through the receiver at once (the owner reads to the receiver's head first),
        // through the others as soon as their projection has read it.
        JsonNode through = receiver.get("/v1/accounts/" + acct + "/events").json();
        assertThat(through.path("events").size()).as(acct).isEqualTo(eventsBefore.get(acct)
            + 1);
        assertThat(receiver.post("/v1/decisions", trainingNow(acct)).json().path("reason")
            .asText()).as(acct).isEqualTo("consent_withdrawn");
        for (TestClient c : byId.values()) {
          waiting().until(() -> c.post("/v1/decisions", trainingNow(acct)).json().path("reason")
              .asText().equals("consent_withdrawn"));
          assertThat(c.get("/v1/accounts/" + acct + "/events").json().path("events").size())
              .as(acct).isEqualTo(eventsBefore.get(acct) + 1);
        }
      }

      // A service token of both accounts sends a batch spanning them to the same member: it is
      // authorised against the accounts loaded for it (t0's meeting included, which this
      // member's projection does not hold), as their owners would authorise it.
      TestClient.Response both = receiver.post("/v1/tokens", "{\"kind\":\"service\","
          + "\"name\":\"meet-both\",\"accounts\":[\"" + t0 + "\",\"" + t1 + "\"],\"role\":"
          + "\"meetings\",\"purposes\":[\"service.provide\"]}");
      assertThat(both.status()).as(both.body()).isEqualTo(201);
      String serviceBatch = "{\"events\":[{\"type\":\"participant.joined\",\"at\":\""
          + java.time.Instant.now() + "\",\"meeting\":\"t0-m1\",\"participant\":\"p2\"},"
          + "{\"type\":\"meeting.started\",\"at\":\"" + java.time.Instant.now()
          + "\",\"account\":\"" + t1 + "\",\"meeting\":\"" + t1 + ":svm1\",\"host\":\"o-"
          + t1 + "\",\"features\":[]}]}";
      TestClient.Response served = receiver.as(both.json().path("secret").asText())
          .post("/v1/events", serviceBatch);
      assertThat(served.status()).as(served.body()).isEqualTo(200);
      assertThat(served.json().path("accepted").asInt()).as(served.body()).isEqualTo(2);
      // A service token of t1 alone may not touch t0's meeting: the whole batch is refused
      // (404, as for a meeting that does not exist) and nothing of it is written.
      TestClient.Response one = receiver.post("/v1/tokens", "{\"kind\":\"service\","
          + "\"name\":\"meet-one\",\"accounts\":[\"" + t1 + "\"],\"role\":\"meetings\","
          + "\"purposes\":[\"service.provide\"]}");
      assertThat(one.status()).as(one.body()).isEqualTo(201);
      long headBefore = receiver.get("/readyz").json().path("head").asLong();
      TestClient.Response refusedBatch = receiver.as(one.json().path("secret").asText())
          .post("/v1/events", serviceBatch.replace(":svm1", ":svm2"));
      assertThat(refusedBatch.status()).as(refusedBatch.body()).isEqualTo(404);
      assertThat(refusedBatch.body()).contains("t0-m1");
      assertThat(receiver.get("/readyz").json().path("head").asLong()).isEqualTo(headBefore);
      assertThat(receiver.get("/v1/cluster").json().path("sharding").path("requests")
          .path("spanning").asLong()).isEqualTo(3);

      // A forwarded request is never forwarded again: a non-owner refuses it.
      TestClient nonOwner = byId.entrySet().stream().filter(e -> !e.getKey()
          .equals(owners.get(t0))).findFirst().orElseThrow().getValue();
      HttpResponse<String> hop = nonOwner.http().send(nonOwner.request("GET", "/v1/accounts/"
          + t0, null).header(Forwarder.HOP, "m-elsewhere").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(hop.statusCode()).isEqualTo(503);
      assertThat(hop.body()).contains("ownership_moving");
      assertThat(hop.headers().firstValue("Retry-After")).contains("1");
      long forwarded = 0;
      for (TestClient op : byId.values()) {
        forwarded += op.get("/v1/cluster").json().path("sharding").path("requests")
            .path("forwarded").asLong();
      }
      assertThat(forwarded).isGreaterThanOrEqualTo(ACCOUNTS * 2L * 3);

      // A member leaves: its accounts move, and the others answer for them within a second.
      CovenantServer leaving = servers.remove(2);
      String leavingId = new TestClient(leaving.url(), operator).get("/v1/cluster").json()
          .path("self").asText();
      List<String> moved = owners.entrySet().stream().filter(e -> e.getValue()
          .equals(leavingId)).map(Map.Entry::getKey).toList();
      assertThat(moved).isNotEmpty();
      Map<String, String> expected = new HashMap<>();
      for (String acct : moved) {
        expected.put(acct, raw(byId.get(leavingId), "POST", "/v1/decisions", training(acct))
            .body());
        assertThat(expected.get(acct)).doesNotContain("store_unavailable");
      }
      leaving.close();
      long left = System.nanoTime();
      TestClient survivor = byId.get(owners.get(moved.get(0)).equals(leavingId)
          ? byId.keySet().stream().filter(k -> !k.equals(leavingId)).findFirst().orElseThrow()
          : owners.get(moved.get(0)));
      for (String acct : moved) {
        waiting().until(() -> raw(survivor, "POST", "/v1/decisions", training(acct)).body()
            .equals(expected.get(acct)));
      }
      long millis = (System.nanoTime() - left) / 1_000_000;
      assertThat(millis).as("decisions answer again after a member leaves").isLessThan(3000);
      // The survivors now project the leaving member's accounts, each only its own share.
      Map<String, String> after = new HashMap<>();
      for (int i = 0; i < ACCOUNTS; i++) {
        after.put("t" + i, survivor.get("/v1/cluster?account=t" + i).json().path("owner")
            .path("member").asText());
      }
      serverById.remove(leavingId);
      waiting().until(() -> {
        for (Map.Entry<String, String> e : after.entrySet()) {
          if (!serverById.get(e.getValue()).namespaces().main().ledger().ready(e.getKey())) {
            return false;
          }
        }
        return true;
      });
      assertProjectsOnlyOwned(serverById, after, moved);
      // The listing is complete again after the move, the leaving member's accounts now listed
      // by their new owners, and identical through both survivors.
      assertListingComplete(byId.entrySet().stream().filter(e -> !e.getKey().equals(leavingId))
          .map(Map.Entry::getValue).toList(), ACCOUNTS);
      for (String acct : moved) {
        String now = survivor.get("/v1/cluster?account=" + acct).json().path("owner")
            .path("member").asText();
        assertThat(now).isNotEqualTo(leavingId).isIn(byId.keySet());
      }

      // A member that died without leaving: its heartbeat row is live, its address refuses
      // connections. Its accounts fail closed (decisions deny store_unavailable, reads 503)
      // until its heartbeat expires, then answer as before.
      List<Members.Member> live = new ArrayList<>();
      for (String id : byId.keySet()) {
        if (!id.equals(leavingId)) {
          live.add(new Members.Member(id, "", false, true, java.time.Instant.now(), 1000));
        }
      }
      String ghost = null;
      String victim = null;
      for (int g = 0; ghost == null; g++) {
        List<Members.Member> with = new ArrayList<>(live);
        with.add(new Members.Member("m-ghost" + g, "", false, true, java.time.Instant.now(),
            1000));
        for (int i = 0; i < ACCOUNTS && ghost == null; i++) {
          if (Members.owner(with, "t" + i).orElseThrow().id().equals("m-ghost" + g)) {
            ghost = "m-ghost" + g;
            victim = "t" + i;
          }
        }
      }
      String deadAccount = victim;
      String expectedDecision = raw(survivor, "POST", "/v1/decisions", training(deadAccount))
          .body();
      PgTestDatabase.admin(url, "INSERT INTO " + schema + ".cluster_member (id, url, log_key, "
          + "owns, started, expires) VALUES ('" + ghost + "', 'http://127.0.0.1:1', false, "
          + "true, clock_timestamp(), clock_timestamp() + interval '3 seconds')");
      String ghostId = ghost;
      waiting().until(() -> survivor.get("/v1/cluster").json().path("sharding").path("owners")
          .asInt() == 3);
      // First (the ghost's heartbeat is short), once no survivor projects the ghost's account:
      // the listing names it as unavailable, not silently missing.
      waiting()
          .until(() -> serverById.values().stream().noneMatch(s -> s.namespaces().main().ledger()
          .ready(deadAccount)));
      JsonNode partial = survivor.get("/v1/accounts").json().path("accounts");
      assertThat(partial).hasSize(ACCOUNTS);
      JsonNode deadEntry = null;
      for (JsonNode x : partial) {
        if (x.path("account").asText().equals(deadAccount)) {
          deadEntry = x;
        }
        // The ghost may own more than the one account picked; every other is listed in full.
        if (x.has("unavailable")) {
          assertThat(x.path("unavailable").path("detail").asText()).as(x.toString())
              .contains(ghost);
        } else {
          assertThat(x.path("users").asInt()).as(x.toString()).isEqualTo(1);
        }
      }
      assertThat(deadEntry).isNotNull();
      assertThat(deadEntry.path("unavailable").path("code").asText())
          .isEqualTo("owner_unavailable");
      assertThat(deadEntry.path("unavailable").path("detail").asText()).contains(ghost);
      assertThat(deadEntry.has("users")).isFalse();
      TestClient.Response denied = survivor.post("/v1/decisions", training(deadAccount));
      assertThat(denied.status()).as(denied.body()).isEqualTo(200);
      assertThat(denied.body()).contains("store_unavailable");
      HttpResponse<String> unread = raw(survivor, "GET", "/v1/accounts/" + deadAccount, null);
      assertThat(unread.statusCode()).as(unread.body()).isEqualTo(503);
      assertThat(unread.body()).contains("owner_unavailable").contains(deadAccount);
      assertThat(unread.headers().firstValue("Retry-After")).contains("1");
      long dead = System.nanoTime();
      waiting().until(() -> raw(survivor, "POST", "/v1/decisions", training(deadAccount)).body()
          .equals(expectedDecision));
      long back = (System.nanoTime() - dead) / 1_000_000;
      assertThat(back).as("answered again once the dead member's heartbeat expired")
          .isLessThan(5000);
      assertThat(survivor.get("/v1/cluster?account=" + deadAccount).json().path("owner")
          .path("member").asText()).isNotEqualTo(ghostId);
      assertThat(survivor.get("/v1/cluster").json().path("sharding").path("requests")
          .path("owner_unavailable").asLong()).isGreaterThanOrEqualTo(2);
    } finally {
      for (CovenantServer s : servers) {
        s.close();
      }
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /**
   * The operator's {@code GET /v1/accounts} through each of {@code members}: every one answers
   * the same body, which lists {@code n} accounts in id order, each with its owner's counts (one
   * user, one content item); returns that body.
   */
  private static String assertListingComplete(java.util.Collection<TestClient> members, int n) {
    String first = null;
    for (TestClient m : members) {
      TestClient.Response r = m.get("/v1/accounts");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode list = r.json().path("accounts");
      List<String> ids = list.findValuesAsText("account");
      assertThat(ids).as(r.body()).hasSize(n).isSorted();
      for (JsonNode a : list) {
        assertThat(a.path("users").asInt()).as(a.toString()).isEqualTo(1);
        assertThat(a.path("content").asInt()).as(a.toString()).isEqualTo(1);
        assertThat(a.path("terms").asText()).as(a.toString()).isEqualTo("default");
      }
      if (first == null) {
        first = r.body();
      }
      assertThat(r.body()).isEqualTo(first);
    }
    return first;
  }

  /** One account's batch: created, terms accepted, consent granted, content `ID:c1`. */
  static String account(String id, java.time.Instant t) {
    return "{\"events\":["
        + "{\"type\":\"account.created\",\"at\":\"" + t + "\",\"account\":\"" + id
        + "\",\"owner\":\"o-" + id + "\"},"
        + "{\"type\":\"terms.accepted\",\"at\":\"" + t.plusSeconds(1) + "\",\"account\":\""
        + id + "\",\"terms\":\"default\",\"by\":\"o-" + id + "\"},"
        + "{\"type\":\"consent.granted\",\"at\":\"" + t.plusSeconds(2) + "\",\"account\":\""
        + id + "\",\"consent\":\"ai_training\",\"by\":\"o-" + id + "\"},"
        + "{\"type\":\"content.created\",\"at\":\"" + t.plusSeconds(3) + "\",\"content\":\"" + id
        + ":c1\",\"category\":\"customer_content.transcript\",\"account\":\"" + id
        + "\",\"contributors\":[\"" + id + "\"]}]}";
  }

  private static String training(String account) {
    return "{\"purpose\":\"ai.training\",\"content\":\"" + account + ":c1\",\"at\":\"" + AT
        + "\"}";
  }

  private static String trainingNow(String account) {
    return "{\"purpose\":\"ai.training\",\"content\":\"" + account + ":c1\",\"at\":\""
        + java.time.Instant.now() + "\"}";
  }

  private static String withdrawal(String account, String key) {
    return "{\"type\":\"consent.withdrawn\",\"at\":\"" + java.time.Instant.now()
        + "\",\"account\":\"" + account + "\",\"consent\":\"ai_training\",\"by\":\"o-"
        + account + "\",\"idempotency_key\":\"" + key + "\"}";
  }

  private static String setting(String account) {
    return "{\"type\":\"setting.set\",\"at\":\"" + java.time.Instant.now()
        + "\",\"account\":\"" + account
        + "\",\"scope\":\"account\",\"key\":\"recording.cloud\",\"value\":false,\"by\":\"o-"
        + account + "\"}";
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

  /**
   * Every member's ledger is sharded and holds exactly the accounts {@code owners} gives it:
   * ready, with their content in its projection; another member's account is not ready and only
   * its replicated index (creation, terms, consents) is in memory. Each of {@code moved} is projected by its new owner.
   */
  private static void assertProjectsOnlyOwned(Map<String, CovenantServer> serverById,
      Map<String, String> owners, List<String> moved) {
    for (Map.Entry<String, CovenantServer> m : serverById.entrySet()) {
      Namespace main = m.getValue().namespaces().main();
      assertThat(main.ledger().sharded()).isTrue();
      int own = 0;
      for (Map.Entry<String, String> o : owners.entrySet()) {
        boolean mine = o.getValue().equals(m.getKey());
        own += mine ? 1 : 0;
        assertThat(main.ledger().ready(o.getKey())).as(m.getKey() + " ready " + o.getKey())
            .isEqualTo(mine);
        // The replicated index (creation, terms, consents) is everywhere; content only at the
        // owner.
        assertThat(main.snapshot().content(o.getKey() + ":c1",
            org.covenant.core.state.TimeKey.END).isPresent())
            .as(m.getKey() + " holds the content of " + o.getKey()).isEqualTo(mine);
      }
      assertThat(own).as(m.getKey() + " owns accounts").isPositive();
    }
    for (String acct : moved) {
      assertThat(serverById.get(owners.get(acct)).namespaces().main().snapshot()
          .content(acct + ":c1", org.covenant.core.state.TimeKey.END)).as("moved " + acct)
          .isPresent();
    }
  }

  private static Deployment.Opened open(Path dir, LedgerConfig.Postgres pg,
      Optional<NoteSigner> key) {
    return ClusterDeployment.open(dir, pg, ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC(), key, FAST, Duration.ofSeconds(20));
  }

  /** Waits for the cluster to reach a state: at most 15 s, looking every 20 ms. */
  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20));
  }
}
