package org.covenant.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.NoteSigner;
import org.covenant.server.ClusterDeployment;
import org.covenant.server.CovenantServer;
import org.covenant.server.Deployment;
import org.covenant.server.ServerConfig;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.store.LedgerConfig;

/**
 * Decisions per second through a cluster member that does not own the account (forwarded to the
 * owner) against the owner itself, same load side by side (issue 16, docs/BENCHMARKS.md
 * "Cluster (issue 16)"). Two members in this JVM over one PostgreSQL schema; {@code ACCOUNTS}
 * accounts with a content item each; {@code THREADS} client threads ask {@code POST
 * /v1/decisions} about the contents of the accounts the first member owns, for {@code SECONDS}
 * per round, alternating rounds on the owner and on the non-owner. CPU is this process's (client
 * and both members), per decision.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.covenant.bench.ClusterForwardBench [ACCOUNTS] \
 *     [THREADS] [SECONDS] [ROUNDS]
 * </pre>
 */
public final class ClusterForwardBench {
  private ClusterForwardBench() {}

  /** Runs the comparison and prints one line per round and a summary. */
  public static void main(String[] args) throws Exception {
    int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    String url = Optional.ofNullable(System.getenv("COVENANT_TEST_PG_URL"))
        .orElse("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    String schema = "covenant_fwdbench_" + Long.toHexString(System.nanoTime());
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    Path tmp = Files.createTempDirectory("fwdbench");
    ClusterNode.Timing timing = new ClusterNode.Timing(Duration.ofSeconds(3),
        Duration.ofSeconds(3), Duration.ofMillis(200));
    List<CovenantServer> servers = new ArrayList<>();
    try {
      Deployment.Opened a = ClusterDeployment.open(tmp.resolve("a"), pg,
          ServerConfig.defaults(0), TermsLibrary.builtInCatalog(), Clock.systemUTC(),
          Optional.of(NoteSigner.generate("covenant.bench/forward")), timing,
          Duration.ofSeconds(20));
      String token = a.operatorSecret().orElseThrow();
      CovenantServer owner = a.server().start();
      servers.add(owner);
      CovenantServer other = ClusterDeployment.open(tmp.resolve("b"), pg,
          ServerConfig.defaults(0), TermsLibrary.builtInCatalog(), Clock.systemUTC(),
          Optional.empty(), timing, Duration.ofSeconds(20)).server().start();
      servers.add(other);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String ownerId = get(http, owner, token, "/v1/cluster").path("self").asText();
      while (get(http, other, token, "/v1/cluster").path("sharding").path("owners")
          .asInt() < 2) {
        Thread.sleep(100);
      }
      Instant t = Instant.now().minusSeconds(3600);
      List<String> contents = new ArrayList<>();
      for (int i = 0; i < accounts; i++) {
        String id = "b" + i;
        Instant at = t.plusSeconds(4L * i);
        post(http, owner, token, "/v1/events", "{\"events\":["
            + "{\"type\":\"account.created\",\"at\":\"" + at + "\",\"account\":\"" + id
            + "\",\"owner\":\"o\"},"
            + "{\"type\":\"terms.accepted\",\"at\":\"" + at.plusSeconds(1) + "\",\"account\":\""
            + id + "\",\"terms\":\"default\",\"by\":\"o\"},"
            + "{\"type\":\"consent.granted\",\"at\":\"" + at.plusSeconds(2) + "\",\"account\":\""
            + id + "\",\"consent\":\"ai_training\",\"by\":\"o\"},"
            + "{\"type\":\"content.created\",\"at\":\"" + at.plusSeconds(3) + "\",\"content\":\""
            + id + ":c\",\"category\":\"customer_content.transcript\",\"account\":\"" + id
            + "\",\"contributors\":[\"" + id + "\"]}]}");
        if (get(http, owner, token, "/v1/cluster?account=" + id).path("owner").path("member")
            .asText().equals(ownerId)) {
          contents.add(id + ":c");
        }
      }
      System.out.printf("%d of %d accounts owned by the first member; %d threads, %d s rounds;"
          + " load %s%n", contents.size(), accounts, threads, seconds, load());
      double[] sum = new double[4];
      for (int r = 0; r < rounds + 1; r++) {
        double[] o = round(http, owner, token, contents, threads, seconds);
        double[] n = round(http, other, token, contents, threads, seconds);
        if (r == 0) {
          continue; // warm-up
        }
        System.out.printf("round %d: owner %.0f/s %.1f µs CPU/op | non-owner %.0f/s %.1f µs "
            + "CPU/op | ratio %.2f%n", r, o[0], o[1], n[0], n[1], n[0] / o[0]);
        sum[0] += o[0];
        sum[1] += o[1];
        sum[2] += n[0];
        sum[3] += n[1];
      }
      System.out.printf("mean: owner %.0f/s %.1f µs CPU/op; non-owner %.0f/s %.1f µs CPU/op; "
          + "throughput ratio %.2f, CPU ratio %.2f; load %s%n", sum[0] / rounds,
          sum[1] / rounds, sum[2] / rounds, sum[3] / rounds, sum[2] / sum[0], sum[3] / sum[1],
          load());
    } finally {
      for (CovenantServer s : servers) {
        s.close();
      }
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  /** Decisions per second and CPU microseconds per decision, over {@code seconds}. */
  private static double[] round(HttpClient http, CovenantServer to, String token,
      List<String> contents, int threads, int seconds) throws InterruptedException {
    AtomicLong ops = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int seed = i;
      Thread th = new Thread(() -> {
        int k = seed;
        while (System.nanoTime() < end) {
          String c = contents.get(Math.floorMod(k++, contents.size()));
          try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(to.url()
                + "/v1/decisions")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"purpose\":\"ai.training\","
                    + "\"content\":\"" + c + "\"}")).build(), HttpResponse.BodyHandlers
                .ofString());
            if (r.statusCode() == 200 && !r.body().contains("store_unavailable")) {
              ops.incrementAndGet();
            } else if (errors.getAndIncrement() == 0) {
              System.out.println("  failed: " + r.statusCode() + " " + r.body());
            }
          } catch (Exception e) {
            if (errors.getAndIncrement() == 0) {
              System.out.println("  failed: " + e);
            }
          }
        }
      });
      th.start();
      ts.add(th);
    }
    for (Thread th : ts) {
      th.join();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    long cpu = os.getProcessCpuTime() - cpu0;
    if (errors.get() > 0) {
      System.out.println("  " + errors.get() + " failed requests");
    }
    return new double[] {ops.get() / secs, cpu / 1000.0 / Math.max(1, ops.get())};
  }

  private static String load() {
    return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage());
  }

  private static JsonNode get(HttpClient http, CovenantServer s, String token, String path)
      throws Exception {
    return Json.parse(http.send(HttpRequest.newBuilder(URI.create(s.url() + path))
        .header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private static void post(HttpClient http, CovenantServer s, String token, String path,
      String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200 || !r.body().contains("\"rejected\":0")) {
      throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
    }
  }
}
