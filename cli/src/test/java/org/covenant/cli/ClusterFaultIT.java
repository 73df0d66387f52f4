package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionFactory;
import org.covenant.evidence.LedgerFeed;
import org.covenant.format.Json;
import org.covenant.log.NoteSigner;
import org.covenant.log.SignedCheckpoint;
import org.covenant.log.TiledLog;
import org.covenant.server.cluster.ClusterDb;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.server.cluster.PgLogStorage;
import org.covenant.server.cluster.StoredLogRows;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code covenant serve --db … --log-key …} processes over one PostgreSQL act as one service
 * through faults (issue 16, docs/CLUSTER.md). Under a bounded load of writes and decisions sent
 * to every member: the log writer is paused past its lease (SIGSTOP) and another takes over; woken
 * up, its commits are refused by the fence; then the writer is SIGKILLed right after a large batch
 * (mid-batch) and then the next writer too. Afterwards every acknowledged write is in the ledger
 * exactly once, the log holds every ledger position once and in order (no fork, no gap), every
 * checkpoint any member served is signed and consistent with the final tree, and decisions
 * answered again through the survivors.
 */
class ClusterFaultIT {
  private static final int LEASE_SECONDS = Member.LEASE_SECONDS;

  /**
   * On a failure, the tail of every member's stderr (its moves, leases, fence refusals) goes to
   * the test's output: the members' files are in a temporary directory that is deleted, and a
   * failure under load is otherwise left without the members' side of the story. (After each
   * test, not a {@code TestWatcher}: that runs once the temporary directory is gone.)
   */
  @RegisterExtension
  final AfterEachCallback membersOnFailure = context -> {
    if (context.getExecutionException().isPresent() && this.tmp != null) {
      try (var files = Files.list(this.tmp)) {
        for (Path f : files.filter(x -> x.toString().endsWith(".err")).sorted().toList()) {
          List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
          System.out.println("ClusterFaultIT: " + f.getFileName() + " (last 80 of "
              + lines.size() + " lines):");
          lines.subList(Math.max(0, lines.size() - 80), lines.size())
              .forEach(l -> System.out.println("  | " + l));
        }
      } catch (IOException | RuntimeException e) {
        System.out.println("ClusterFaultIT: cannot read the members' output: " + e);
      }
    }
  };

  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final Set<String> checkpoints = ConcurrentHashMap.newKeySet();
  private final AtomicLong decisionsOk = new AtomicLong();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private String operator;
  /** The acme owner's account token: the server stamps the time of its writes. */
  private String owner;

  @Test
  void threeMembers_pauseAndKillWriters_noLostWriteNoForkNoGap() throws Exception {
    String url = PgTestDatabase.url();
    String schema = freshSchema();
    NoteSigner key = NoteSigner.generate("covenant.test/cluster");
    Path keyFile = keyFile(key);
    try {
      Member a = startFirst(url, schema, keyFile);
      Member b = Member.start(tmp, "b", url, schema, keyFile);
      Member c = Member.start(tmp, "c", url, schema, keyFile);
      b.await("  stop", 120_000);
      c.await("  stop", 120_000);
      members.add(b);
      members.add(c);
      post(a, "/v1/events", "{\"events\":[{\"type\":\"account.created\",\"at\":\""
          + Instant.now() + "\",\"account\":\"acme\",\"owner\":\"alice\"}]}");
      owner = Json.parse(send(a, "POST", "/v1/tokens", "{\"kind\":\"account\",\"account\":"
          + "\"acme\",\"user\":\"alice\",\"name\":\"load\"}").body()).path("secret").asText();

      Thread load = new Thread(this::load, "cluster-it-load");
      Thread poll = new Thread(this::pollCheckpoints, "cluster-it-checkpoints");
      load.start();
      poll.start();
      waiting("some acknowledged writes", 30).until(() -> acked.size() >= 50);

      // 1. The writer paused past its lease: another takes over; woken, it is fenced.
      JsonNode before = cluster(b);
      Member paused = byId(before.path("log").path("writer").asText());
      long epoch = before.path("log").path("epoch").asLong();
      paused.draining = true;
      Thread.sleep(300);
      paused.signal("STOP");
      waiting("a takeover from the paused writer", 20).until(() -> {
        JsonNode x = cluster(other(paused));
        return x.path("log").path("epoch").asLong() > epoch
            && !x.path("log").path("writer").asText().equals(paused.id);
      });
      // Every row of the stored log as it is while the old writer sleeps: from here on, no row
      // may be written or changed with its epoch.
      Map<String, StoredLogRows.Row> whileAsleep = StoredLogRows.read(url, schema);
      long size = acked.size();
      waiting("writes while the old writer sleeps", 20).until(() -> acked.size() >= size + 30);
      paused.signal("CONT");
      // Woken, it stops writing because the database says its epoch is stale: a commit refused
      // by the fence (it had leaves to log) or a renewal refused with nothing left to commit
      // (docs/CLUSTER.md, "One log writer": which one depends on where the pause caught it).
      waiting("the woken writer refused by the fence or stood down", 30).until(() -> {
        JsonNode self = cluster(paused).path("member");
        return self.path("fenced_writes").asLong() + self.path("stood_down").asLong() >= 1;
      });
      JsonNode woken = cluster(paused).path("member");
      assertThat(woken.path("writes_log").asBoolean()).isFalse();
      System.out.println("ClusterFaultIT: the woken writer (epoch " + epoch + "): fenced_writes "
          + woken.path("fenced_writes").asLong() + ", stood_down "
          + woken.path("stood_down").asLong());
      assertNothingWrittenAt(epoch, whileAsleep, StoredLogRows.read(url, schema));
      paused.draining = false;

      assertOnlyOwnerProjects("acme");

      // 2. The writer killed mid-batch, then the next one: the survivors take over.
      List<Long> takeovers = new ArrayList<>();
      List<Long> answeredAgain = new ArrayList<>();
      for (int kill = 0; kill < 2; kill++) {
        Member survivor = members.stream().filter(m -> m.alive()).findFirst().orElseThrow();
        JsonNode now = cluster(survivor);
        Member writer = byId(now.path("log").path("writer").asText());
        long e = now.path("log").path("epoch").asLong();
        Member via = other(writer);
        post(via, "/v1/events", batch("big" + kill, 400));
        for (int j = 0; j < 400; j++) {
          acked.add("acme:c-big" + kill + "-" + j);
        }
        boolean ownerKilled = cluster(via, "?account=acme").path("owner").path("member")
            .asText().equals(writer.id);
        writer.kill();
        long killed = System.nanoTime();
        Member watcher = other(writer);
        waiting("a takeover after SIGKILL", 30).until(() -> {
          JsonNode x = cluster(watcher);
          return x.path("log").path("epoch").asLong() > e
              && !x.path("log").path("writer").asText().equals(writer.id);
        });
        takeovers.add((System.nanoTime() - killed) / 1_000_000);
        // Decisions about acme, whose owner may have been the one killed, answer from fresh
        // state again through every survivor (forwarded to the new owner) within the lease
        // plus a few seconds of a loaded machine; meanwhile they deny store_unavailable.
        String ask = "{\"purpose\":\"service.recording\",\"content\":\"acme:c-big" + kill
            + "-0\"}";
        for (Member m : members) {
          if (m.alive()) {
            waiting("a fresh decision through " + m.name, 30).until(() -> {
              try {
                HttpResponse<String> r = send(m, "POST", "/v1/decisions", ask);
                return r.statusCode() == 200 && !r.body().contains("store_unavailable");
              } catch (IOException x) {
                return false;
              }
            });
          }
        }
        long fresh = (System.nanoTime() - killed) / 1_000_000;
        answeredAgain.add(fresh);
        // Only acme's owner projects it; after the kill a survivor has taken it over.
        assertOnlyOwnerProjects("acme");
        System.out.println("ClusterFaultIT: killed " + writer.name + (ownerKilled
            ? ", acme's owner" : ", not acme's owner") + "; decisions fresh after " + fresh
            + " ms");
        assertThat(fresh).as("decisions answer again after SIGKILL")
            .isLessThan(LEASE_SECONDS * 1000L + 5000);
        long answered = decisionsOk.get();
        waiting("decisions answered again", 30).until(() -> decisionsOk.get() > answered + 5);
      }
      System.out.println("ClusterFaultIT takeover after SIGKILL (ms): " + takeovers
          + "; decisions fresh again through every survivor (ms): " + answeredAgain);
      stop.set(true);
      load.join(30_000);
      poll.join(10_000);

      // 3. Every acknowledged write once; the log complete, in order, never forked.
      Member last = members.stream().filter(m -> m.alive()).findFirst().orElseThrow();
      long head = ledgerHead(url, schema);
      assertThat(refused).as("writes the ledger refused").isEmpty();
      Map<String, Integer> counts = contentCounts(url, schema);
      for (String id : acked) {
        assertThat(counts.getOrDefault(id, 0)).as("acknowledged write %s", id).isEqualTo(1);
      }
      assertThat(counts.values()).allMatch(n -> n == 1);
      try (ClusterDb db = ClusterDb.open(LedgerConfig.postgres(url).withSchema(schema));
          TiledLog log = TiledLog.openReadOnly(new PgLogStorage(db, ClusterNode.LOG_LEASE,
              () -> 0, key.verifier().keyText(), () -> { }), key.verifier())) {
        waiting("the log to reach the ledger head " + head + " through " + last.name, 60)
            .until(() -> {
          log.refresh();
          return LedgerFeed.lastLoggedPosition(log) == head;
        });
        long expected = 1;
        for (long i = 0; i < log.size(); i++) {
          JsonNode leaf = Json.parse(new String(log.leaf(i), StandardCharsets.UTF_8));
          if ("covenant.ledger-event/1".equals(leaf.path("type").asText())) {
            assertThat(leaf.path("position").asLong()).as("leaf %d", i).isEqualTo(expected);
            expected++;
          }
        }
        assertThat(expected - 1).as("every ledger position logged").isEqualTo(head);
        assertNothingWrittenAt(epoch, whileAsleep, StoredLogRows.read(url, schema));
        assertThat(checkpoints).hasSizeGreaterThan(3);
        for (String note : checkpoints) {
          SignedCheckpoint cp = SignedCheckpoint.open(note, key.verifier()).orThrow();
          assertThat(cp.size()).isLessThanOrEqualTo(log.size());
          assertThat(log.root(cp.size())).as("checkpoint of size %d", cp.size())
              .isEqualTo(cp.root());
        }
      }
    } finally {
      stop.set(true);
      killAllAndDrop(url, schema);
    }
  }

  /**
   * A batch naming accounts of both owning members, sent to a {@code --route-only} member (it
   * owns none), which validates and appends it itself (docs/CLUSTER.md, "Batches that span
   * owners"); the receiver is stopped while its append's transaction is open (the ledger's
   * advisory lock held), then SIGKILLed: nothing of the batch is stored and the client has no
   * answer. The same batch sent again with its keys through an owner lands once, and both owners
   * decide with it.
   */
  @Test
  void aSpanningBatch_receiverKilledInsideItsAppend_leavesNothing_andItsRetryLandsOnce()
      throws Exception {
    String url = PgTestDatabase.url();
    String schema = freshSchema();
    NoteSigner key = NoteSigner.generate("covenant.test/cluster");
    Path keyFile = keyFile(key);
    try {
      Member a = startFirst(url, schema, keyFile);
      Member b = Member.start(tmp, "b", url, schema, keyFile);
      Member r = Member.start(tmp, "r", url, schema, keyFile, "--route-only");
      b.await("  stop", 120_000);
      r.await("  stop", 120_000);
      members.add(b);
      members.add(r);
      waiting("two owners", 30)
          .until(() -> cluster(r).path("sharding").path("owners").asInt() == 2);
      // Twenty accounts created in one batch through the route-only member: it spans both
      // owners too.
      int accounts = 20;
      StringBuilder created = new StringBuilder("{\"events\":[");
      for (int i = 0; i < accounts; i++) {
        created.append(i == 0 ? "" : ",").append("{\"type\":\"account.created\",\"at\":\"")
            .append(Instant.now()).append("\",\"account\":\"s").append(i)
            .append("\",\"owner\":\"o").append(i).append("\"}");
      }
      post(r, "/v1/events", created.append("]}").toString());
      waiting("both owners own accounts", 30).until(() -> {
        int owning = 0;
        for (JsonNode m : cluster(r).path("members")) {
          owning += m.path("accounts").asInt() > 0 ? 1 : 0;
        }
        return owning == 2;
      });
      int events = 5_000;
      StringBuilder big = new StringBuilder("{\"events\":[");
      for (int i = 0; i < events; i++) {
        String acct = "s" + (i % accounts);
        big.append(i == 0 ? "" : ",").append("{\"type\":\"content.created\",\"at\":\"")
            .append(Instant.now()).append("\",\"content\":\"").append(acct).append(":big-")
            .append(i).append("\",\"category\":\"customer_content.chat\",\"account\":\"")
            .append(acct).append("\",\"idempotency_key\":\"big-").append(i).append("\"}");
      }
      String batch = big.append("]}").toString();
      java.util.concurrent.CompletableFuture<HttpResponse<String>> sent = http.sendAsync(
          HttpRequest.newBuilder(URI.create(r.url + "/v1/events"))
              .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + operator)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(batch)).build(),
          HttpResponse.BodyHandlers.ofString());
      boolean inside = false;
      try (Connection c = DriverManager.getConnection(url)) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean seen;
        while (!(seen = appendLockHeld(c)) && !sent.isDone()) {
          assertThat(System.nanoTime()).as("the receiver's append began").isLessThan(end);
          Thread.sleep(1);
        }
        if (seen) {
          r.signal("STOP");
          // Still held once stopped: the receiver is frozen inside its append's transaction.
          inside = appendLockHeld(c);
        }
        r.kill();
      }
      Throwable answer = null;
      int status = 0;
      try {
        status = sent.get(30, TimeUnit.SECONDS).statusCode();
      } catch (java.util.concurrent.ExecutionException e) {
        answer = e.getCause();
      }
      Map<String, Integer> stored = contentCounts(url, schema);
      System.out.println("ClusterFaultIT: spanning batch receiver killed "
          + (inside ? "inside its append's transaction" : "after its commit") + "; answer: "
          + (answer != null ? answer.getClass().getSimpleName() : status) + "; stored: "
          + stored.size());
      if (inside) {
        assertThat(answer).as("no answer from a killed receiver").isNotNull();
        assertThat(stored).as("nothing of the batch").isEmpty();
      } else {
        assertThat(stored.size()).as("all of the batch or nothing").isIn(0, events);
      }
      // The client sends it again, with the same keys, through an owner: it lands once.
      HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(a.url
          + "/v1/events")).timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + operator)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(batch)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).as(again.body().substring(0, Math.min(400,
          again.body().length()))).isEqualTo(200);
      JsonNode result = Json.parse(again.body());
      assertThat(result.path("rejected").asInt()).isZero();
      assertThat(result.path("accepted").asInt() + result.path("duplicates").asInt())
          .isEqualTo(events);
      stored = contentCounts(url, schema);
      assertThat(stored).hasSize(events);
      assertThat(stored.values()).allMatch(n -> n == 1);
      for (Member m : List.of(a, b)) {
        for (int i = 0; i < accounts; i++) {
          String ask = "{\"purpose\":\"service.provide\",\"content\":\"s" + i + ":big-" + i
              + "\",\"at\":\"" + Instant.now() + "\"}";
          // No terms accepted: the content exists (not `unknown_content`) on every member.
          waiting(m.name + " knows s" + i + ":big-" + i, 10).until(() -> Json.parse(send(m, "POST",
              "/v1/decisions", ask).body()).path("reason").asText()
              .equals("no_terms_accepted"));
        }
      }
    } finally {
      killAllAndDrop(url, schema);
    }
  }

  private static String freshSchema() {
    return "covenant_cluster_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)
        .toLowerCase(Locale.ROOT);
  }

  /** The log's signing key as a member reads it (`--log-key FILE`). */
  private Path keyFile(NoteSigner key) throws IOException {
    Path keyFile = tmp.resolve("log.key");
    Files.writeString(keyFile, key.keyText() + "\n");
    return keyFile;
  }

  /** Starts member `a`, which issues the operator token, and keeps the token. */
  private Member startFirst(String url, String schema, Path keyFile) throws Exception {
    Member a = Member.start(tmp, "a", url, schema, keyFile);
    members.add(a);
    operator = a.await("  operator    ", 120_000).split("\\s+")[2];
    return a;
  }

  private void killAllAndDrop(String url, String schema) throws Exception {
    for (Member m : members) {
      m.kill();
    }
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** Whether some session holds the ledger's append lock (PostgresEventStore's advisory lock). */
  private static boolean appendLockHeld(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) "
        + "FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid::bigint = "
        + 0x436f766eL)) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  // ---- load

  private void load() {
    int n = 0;
    while (!stop.get()) {
      String body = batch("w" + n, 5);
      boolean done = false;
      for (int attempt = 0; attempt < 20 && !done && !stop.get(); attempt++) {
        Member m = pick(n + attempt);
        if (m == null) {
          sleep(100);
          continue;
        }
        try {
          HttpResponse<String> r = send(m, owner, "POST", "/v1/events", body);
          if (r.statusCode() == 200) {
            for (JsonNode x : Json.parse(r.body()).path("results")) {
              if (!Set.of("accepted", "duplicate").contains(x.path("status").asText())) {
                refused.add(r.body());
              }
            }
            for (int j = 0; j < 5; j++) {
              acked.add("acme:c-w" + n + "-" + j);
            }
            done = true;
          } else {
            sleep(100);
          }
        } catch (IOException e) {
          sleep(100);
        }
      }
      Member d = pick(n + 1);
      if (d != null && n > 0) {
        try {
          HttpResponse<String> r = send(d, "POST", "/v1/decisions", "{\"purpose\":"
              + "\"service.recording\",\"content\":\"acme:c-w" + (n - 1) + "-0\"}");
          if (r.statusCode() == 200 && Json.parse(r.body()).has("verdict")) {
            decisionsOk.incrementAndGet();
          }
        } catch (IOException e) {
          // a killed or paused member: the next round goes elsewhere
        }
      }
      n++;
    }
  }

  private Member pick(int i) {
    List<Member> live = members.stream().filter(m -> m.alive() && !m.draining).toList();
    return live.isEmpty() ? null : live.get(Math.floorMod(i, live.size()));
  }

  private static String batch(String prefix, int size) {
    StringBuilder sb = new StringBuilder("{\"events\":[");
    for (int j = 0; j < size; j++) {
      String id = "acme:c-" + prefix + "-" + j;
      sb.append(j == 0 ? "" : ",").append("{\"type\":\"content.created\",\"at\":\"")
          .append(Instant.now()).append("\",\"content\":\"").append(id).append("\",")
          .append("\"category\":\"customer_content.chat\",\"account\":\"acme\",")
          .append("\"idempotency_key\":\"").append(id).append("\"}");
    }
    return sb.append("]}").toString();
  }

  private void pollCheckpoints() {
    while (!stop.get()) {
      for (Member m : members) {
        if (m.alive() && !m.paused) {
          try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.url
                + "/log/checkpoint")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              checkpoints.add(r.body());
            }
          } catch (IOException e) {
            // killed meanwhile
          } catch (InterruptedException e) {
            return;
          }
        }
      }
      sleep(100);
    }
  }

  // ---- helpers

  private JsonNode cluster(Member m) throws IOException {
    return cluster(m, "");
  }

  private JsonNode cluster(Member m, String query) throws IOException {
    HttpResponse<String> r = send(m, "GET", "/v1/cluster" + query, null);
    if (r.statusCode() != 200) {
      throw new IOException("GET /v1/cluster on " + m.name + ": " + r.statusCode());
    }
    JsonNode j = Json.parse(r.body());
    m.id = j.path("self").asText();
    return j;
  }

  /**
   * Each member projects only the accounts it owns (issue 16): a member's own part of the
   * operator's listing (asked as another member asks it, with the hop header), which it answers
   * from its projection, names {@code account} on its owner only, with its users loaded, and on
   * no other live member; the operator's listing itself is the cluster's, the same through every
   * live member, and names the account with its owner's counts.
   */
  private void assertOnlyOwnerProjects(String account) throws Exception {
    waiting("only the owner of " + account + " projects it", 30).until(() -> {
      String ownerId = null;
      for (Member m : members) {
        if (m.alive() && !m.paused) {
          String o = cluster(m, "?account=" + account).path("owner").path("member").asText();
          if (ownerId != null && !ownerId.equals(o)) {
            return false;
          }
          ownerId = o;
        }
      }
      String wide = null;
      for (Member m : members) {
        if (!m.alive() || m.paused) {
          continue;
        }
        HttpResponse<String> r = getForwarded(m, "/v1/accounts", "m-cluster-fault-it");
        HttpResponse<String> all = send(m, "GET", "/v1/accounts", null);
        if (r.statusCode() != 200 || all.statusCode() != 200) {
          return false;
        }
        JsonNode listed = listed(r.body(), account);
        boolean owns = ownerId.equals(m.id);
        if (owns != (listed != null) || (owns && listed.path("users").asInt() < 1)) {
          return false;
        }
        JsonNode everywhere = listed(all.body(), account);
        if (everywhere == null || everywhere.path("users").asInt() < 1
            || (wide != null && !wide.equals(all.body()))) {
          return false;
        }
        wide = all.body();
      }
      return true;
    });
  }

  private static JsonNode listed(String listing, String account) {
    for (JsonNode a : Json.parse(listing).path("accounts")) {
      if (a.path("account").asText().equals(account)) {
        return a;
      }
    }
    return null;
  }

  private Member byId(String id) throws IOException {
    for (Member m : members) {
      if (m.id == null && m.alive() && !m.paused) {
        cluster(m);
      }
      if (id.equals(m.id)) {
        return m;
      }
    }
    throw new AssertionError("no member " + id);
  }

  private Member other(Member not) {
    return members.stream().filter(m -> m != not && m.alive() && !m.paused).findFirst()
        .orElseThrow();
  }

  private void post(Member m, String path, String body) throws IOException {
    HttpResponse<String> r = send(m, owner == null ? operator : owner, "POST", path, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    for (JsonNode x : Json.parse(r.body()).path("results")) {
      assertThat(x.path("status").asText()).as(r.body().substring(0, Math.min(300, r.body().length()))).isEqualTo("accepted");
    }
  }

  private HttpResponse<String> send(Member m, String method, String path, String body)
      throws IOException {
    return send(m, operator, method, path, body);
  }

  /** A GET as the operator, as if forwarded by member {@code hop}. */
  private HttpResponse<String> getForwarded(Member m, String path, String hop)
      throws IOException {
    return send(m, operator, "GET", path, null, hop);
  }

  private HttpResponse<String> send(Member m, String token, String method, String path,
      String body) throws IOException {
    return send(m, token, method, path, body, null);
  }

  private HttpResponse<String> send(Member m, String token, String method, String path,
      String body, String hop) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(m.url + path))
        .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + token);
    if (hop != null) {
      b.header("Covenant-Forwarded-By", hop);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Waits at most {@code seconds} for {@code what}, looking every 100 ms; a member that does not
   * answer (an {@link IOException}: killed, paused, restarting) is asked again.
   */
  private static ConditionFactory waiting(String what, int seconds) {
    return await(what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(IOException.class);
  }

  private static long ledgerHead(String url, String schema) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(position), 0) FROM " + schema
            + ".ledger_event")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The writer of {@code epoch}, stopped when {@code asleep} was read, wrote nothing after: every
   * row now carrying its epoch (the head included) was there then, unchanged.
   */
  private static void assertNothingWrittenAt(long epoch, Map<String, StoredLogRows.Row> asleep,
      Map<String, StoredLogRows.Row> now) {
    now.forEach((path, row) -> {
      if (row.epoch() == epoch) {
        assertThat(asleep.get(path)).as("row %s written at the stale epoch %d", path, epoch)
            .isEqualTo(row);
      }
    });
  }

  private static Map<String, Integer> contentCounts(String url, String schema)
      throws SQLException {
    Map<String, Integer> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT body->>'content', count(*) FROM " + schema
            + ".ledger_event WHERE type = 'content.created' GROUP BY 1")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    }
    return out;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
