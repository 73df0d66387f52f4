package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.covenant.format.Json;
import org.covenant.log.NoteSigner;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Member checkpoints with real processes (docs/CLUSTER.md, "Member checkpoints in the server"):
 * two {@code covenant serve --db … --log-key …} processes with the default checkpoint policy;
 * stopped cleanly (SIGTERM), each writes a checkpoint of its share (it opened from none of its
 * own); restarted on the same data directories, both keep their ids, open from their own
 * checkpoints, and decide every account as before.
 */
class ClusterCheckpointRestartIT {
  private static final int ACCOUNTS = 8;

  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void everyMemberRestarted_opensFromItsOwnCheckpoint_andDecidesAsBefore() throws Exception {
    String url = PgTestDatabase.url();
    String schema = "covenant_ckrestart_" + UUID.randomUUID().toString().replace("-", "")
        .substring(0, 10).toLowerCase(Locale.ROOT);
    Path keyFile = tmp.resolve("log.key");
    Files.writeString(keyFile, NoteSigner.generate("covenant.test/ckrestart").keyText() + "\n");
    Instant base = Instant.now().minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Member a = Member.start(tmp, "a", url, schema, keyFile);
    Member b = null;
    String operator;
    String idA;
    String idB;
    Map<String, String> decided = new HashMap<>();
    try {
      operator = a.await("  operator    ", 120_000).split("\\s+")[2];
      a.await("  stop", 120_000);
      b = Member.start(tmp, "b", url, schema, keyFile);
      b.await("  stop", 120_000);
      idA = cluster(a, operator).path("self").asText();
      idB = cluster(b, operator).path("self").asText();
      Member bb = b;
      waiting().until(() -> cluster(a, operator).path("sharding").path("owners").asInt() == 2
          && cluster(bb, operator).path("sharding").path("owners").asInt() == 2);
      for (int i = 0; i < ACCOUNTS; i++) {
        HttpResponse<String> r = send(i % 2 == 0 ? a : b, operator, "POST", "/v1/events",
            account("r" + i, base.plusSeconds(10L * i)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      for (int i = 0; i < ACCOUNTS; i++) {
        decided.put("r" + i, send(b, operator, "POST", "/v1/decisions", training("r" + i, base))
            .body());
      }
      long head = 4L * ACCOUNTS;
      waiting().until(() -> cluster(a, operator).path("log").path("size").asLong() >= head
          && cluster(bb, operator).path("log").path("size").asLong() >= head);
    } finally {
      stop(b);
      stop(a);
    }
    assertThat(rows(url, schema)).as("a checkpoint of each member's share at its shutdown")
        .containsKeys(idA, idB);

    Member a2 = Member.start(tmp, "a", url, schema, keyFile);
    Member b2 = null;
    try {
      a2.await("  stop", 120_000);
      b2 = Member.start(tmp, "b", url, schema, keyFile);
      b2.await("  stop", 120_000);
      for (Member m : List.of(a2, b2)) {
        JsonNode c = cluster(m, operator);
        String id = m == a2 ? idA : idB;
        assertThat(c.path("self").asText()).as("the id kept in the data directory").isEqualTo(id);
        JsonNode ck = c.path("member").path("checkpoint");
        assertThat(ck.path("started_from_own").asBoolean()).as(ck.toString()).isTrue();
        assertThat(ck.path("started_from").asText()).contains("of member `" + id + "`");
      }
      Member bb = b2;
      waiting().until(() -> cluster(a2, operator).path("sharding").path("owners").asInt() == 2
          && cluster(bb, operator).path("sharding").path("moves_in_progress").asInt() == 0
          && cluster(a2, operator).path("sharding").path("moves_in_progress").asInt() == 0);
      for (Member m : List.of(a2, b2)) {
        for (int i = 0; i < ACCOUNTS; i++) {
          assertThat(send(m, operator, "POST", "/v1/decisions", training("r" + i, base)).body())
              .as(m.name + " r" + i).isEqualTo(decided.get("r" + i));
        }
      }
    } finally {
      stop(b2);
      stop(a2);
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** A clean shutdown (SIGTERM: the shutdown hook closes the server, which checkpoints). */
  private static void stop(Member m) throws InterruptedException {
    if (m != null) {
      m.process.destroy();
      assertThat(m.process.waitFor(60, TimeUnit.SECONDS)).as(m.name + " stopped").isTrue();
    }
  }

  private static Map<String, Integer> rows(String url, String schema) throws Exception {
    Map<String, Integer> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT member, count(*) FROM " + schema
            + ".member_checkpoint GROUP BY member")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    }
    return out;
  }

  private JsonNode cluster(Member m, String token) throws Exception {
    return Json.parse(send(m, token, "GET", "/v1/cluster", null).body());
  }

  private HttpResponse<String> send(Member m, String token, String method,
      String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(m.url + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String account(String id, Instant t) {
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

  private static String training(String account, Instant base) {
    return "{\"purpose\":\"ai.training\",\"content\":\"" + account + ":c1\",\"at\":\""
        + base.plusSeconds(500) + "\"}";
  }

  /** Waits for the cluster to reach a state: at most 30 s, looking every 100 ms. */
  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100));
  }
}
