package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.core.ConditionFactory;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.NoteSigner;
import org.covenant.server.ClusterDeployment;
import org.covenant.server.CovenantServer;
import org.covenant.server.Deployment;
import org.covenant.server.ServerConfig;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 16: the HTTP conformance run (every shared scenario, and our own without terms of their
 * own) passes through a cluster member that owns none of the scenarios' accounts. Three members
 * over one PostgreSQL schema; the one the runner talks to is {@code --route-only}, so every
 * request, scratch namespaces included, is forwarded to and answered by another member; the
 * totals must be the in-process engine's.
 */
class ClusterConformanceIT {
  private static final ClusterNode.Timing FAST = new ClusterNode.Timing(Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofMillis(100));

  @TempDir Path tmp;

  @Test
  void conformanceRun_passesThroughAMemberThatOwnsNoAccount() throws Exception {
    String url = PgTestDatabase.url();
    String schema = "covenant_cconf_" + UUID.randomUUID().toString().replace("-", "")
        .substring(0, 10).toLowerCase(Locale.ROOT);
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    NoteSigner key = NoteSigner.generate("covenant.test/cluster-conformance");
    List<CovenantServer> servers = new ArrayList<>();
    try {
      Deployment.Opened a = open(pg, "a", Optional.of(key), true);
      String operator = a.operatorSecret().orElseThrow();
      servers.add(a.server().start());
      servers.add(open(pg, "b", Optional.empty(), true).server().start());
      CovenantServer router = open(pg, "r", Optional.empty(), false).server().start();
      servers.add(router);
      HttpClient http = HttpClient.newHttpClient();
      waiting().until(() -> cluster(http, router, operator, "").path("sharding").path("owners")
          .asInt() == 2);

      List<String> files = new ArrayList<>(HttpConformanceIT.scenarios(Path.of(
          System.getProperty("covenant.shared.dir", "../../shared")).resolve("conformance")));
      assertThat(files).hasSizeGreaterThanOrEqualTo(17);
      for (String f : HttpConformanceIT.scenarios(Path.of("..", "conformance", "scenarios"))) {
        if (!Files.readString(Path.of(f)).contains("\"terms_dir\"")) {
          files.add(f);
        }
      }
      StringWriter engineOut = new StringWriter();
      List<String> engineArgs = new ArrayList<>(List.of("scenario", "run"));
      engineArgs.addAll(files);
      assertThat(new CommandLine(new Main()).setOut(new PrintWriter(engineOut))
          .execute(engineArgs.toArray(String[]::new))).isZero();
      String[] engineLines = engineOut.toString().strip().split("\n");
      String expected = engineLines[engineLines.length - 1];
      assertThat(expected).matches("\\d+ passed, 0 failed");

      List<String> args = new ArrayList<>(List.of("scenario", "run", "--server", router.url(),
          "--token", operator));
      args.addAll(files);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = new CommandLine(new Main()).setOut(new PrintWriter(out))
          .setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
      String[] lines = out.toString().strip().split("\n");
      assertThat(lines[lines.length - 1]).as(err.toString() + out).isEqualTo(expected);
      assertThat(code).isZero();

      // The member the runner talked to owned nothing and held no namespace: all forwarded.
      JsonNode seen = cluster(http, router, operator, "?account=acme");
      String self = seen.path("self").asText();
      assertThat(seen.path("owner").path("member").asText()).isNotEqualTo(self);
      for (JsonNode m : seen.path("members")) {
        if (m.path("id").asText().equals(self)) {
          assertThat(m.path("owns").asBoolean()).isFalse();
          assertThat(m.path("accounts").asInt()).isZero();
        }
      }
      // Every namespace was created on, and deleted from, an owning member.
      for (CovenantServer s : servers) {
        assertThat(s.namespaces().scratchCount()).isZero();
      }
      JsonNode requests = seen.path("sharding").path("requests");
      assertThat(requests.path("forwarded").asLong()).isGreaterThan(files.size() * 3L);
      assertThat(requests.path("owner_unavailable").asLong()).isZero();
      long servedForOthers = 0;
      for (CovenantServer s : servers.subList(0, 2)) {
        servedForOthers += cluster(http, s, operator, "").path("sharding").path("requests")
            .path("served_for_others").asLong();
      }
      assertThat(servedForOthers).isEqualTo(requests.path("forwarded").asLong());
    } finally {
      for (CovenantServer s : servers) {
        s.close();
      }
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private Deployment.Opened open(LedgerConfig.Postgres pg, String dir, Optional<NoteSigner> key,
      boolean owns) {
    return ClusterDeployment.open(tmp.resolve(dir), pg, ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC(), key, FAST, Duration.ofSeconds(20),
        org.covenant.evidence.dsr.DsrRequests.DEFAULT_DUE, owns);
  }

  private static JsonNode cluster(HttpClient http, CovenantServer s, String token,
      String query) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url()
          + "/v1/cluster" + query)).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return Json.parse(r.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits for the cluster to reach a state: at most 15 s, looking every 50 ms. */
  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50));
  }
}
