package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.core.ConditionFactory;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.TermsLibrary;
import org.covenant.server.auth.TokenKind;
import org.covenant.server.auth.TokenStore;
import org.covenant.server.cluster.ClusterDb;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.server.cluster.LedgerShard;
import org.covenant.server.cluster.Members;
import org.covenant.server.cluster.PgBackings;
import org.covenant.server.cluster.Shard;
import org.covenant.store.DocumentTable;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;

/**
 * A request never waits for a move (docs/CLUSTER.md, "Moves"): member X gains the accounts of a
 * member D that left, and its move is slow (its {@link Shard#reshard} blocks, as reading a
 * leaving member's share did for 78-85 s at 10M events). A decision about one of those accounts,
 * sent to X while X's view still named D, is forwarded to D, which answers {@code
 * ownership_moving} once X's move has begun; X then re-reads the members ({@link
 * ClusterNode#refresh()}) while the move holds the owners' lock. The decision is answered within
 * the bound (at most {@code Forwarder.WAIT}, 2 s, for the account to be ready, plus a tick), as a
 * denial {@code store_unavailable}, not after the move; once the move is done, X answers it from
 * its projection. Before d9e20f0 the request's {@code refresh()} waited on the owners' lock for
 * the whole move (here 20 s).
 */
class ClusterSlowMoveIT {
  private static final ClusterNode.Timing TIMING = new ClusterNode.Timing(Duration.ofSeconds(2),
      Duration.ofSeconds(2), Duration.ofMillis(200));
  /** How long the move blocks unless released: far beyond the bound the request must keep. */
  private static final long MOVE_BLOCKS_SECONDS = 20;
  private static final Instant BASE = Instant.now().minusSeconds(600)
      .truncatedTo(ChronoUnit.SECONDS);

  /** A shard whose reshard, once armed, blocks until released. */
  private static final class SlowShard implements Shard {
    private final Shard real;
    private volatile CountDownLatch release;
    private final CountDownLatch entered = new CountDownLatch(1);

    SlowShard(Shard real) {
      this.real = real;
    }

    void arm() {
      release = new CountDownLatch(1);
    }

    void release() {
      CountDownLatch r = release;
      if (r != null) {
        r.countDown();
      }
    }

    @Override
    public void reshard(Predicate<String> owns) {
      CountDownLatch r = release;
      if (r != null) {
        entered.countDown();
        try {
          r.await(MOVE_BLOCKS_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      real.reshard(owns);
    }

    @Override
    public boolean ready(String account) {
      return real.ready(account);
    }

    @Override
    public Optional<String> accountOfMeeting(String meeting) {
      return real.accountOfMeeting(meeting);
    }

    @Override
    public Optional<String> accountOfContent(String content) {
      return real.accountOfContent(content);
    }
  }

  @Test
  void aRequestDuringASlowMove_answersWithinTheBound_notAfterTheMove() throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_slowmove");
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    TermsCatalog catalog = TermsLibrary.builtInCatalog();
    Clock clock = Clock.systemUTC();
    ServerConfig config = ServerConfig.defaults(0);
    ClusterDb db = ClusterDb.open(pg);
    String x = ClusterNode.newId();
    Namespace main = Namespace.openShard("main", pg, catalog, a -> true,
        DecisionLog.over(PgBackings.decisions(db, x)), clock, config.staleAfter());
    TokenStore tokens = TokenStore.over(PgBackings.tokens(db));
    String operator = tokens.issue(TokenKind.OPERATOR, "operator", Optional.empty(),
        Optional.empty(), List.of(), clock.instant(), Optional.empty()).secret();
    ClusterNode node = ClusterNode.open(x, db, TIMING, Optional.empty(), main, tokens,
        Duration.ZERO);
    SlowShard shard = new SlowShard(new LedgerShard(main.ledger()));
    node.sharding(shard, () -> main.directory().accountIds(), true);
    Namespaces namespaces = new Namespaces(main, catalog, clock, config.staleAfter(), 256);
    namespaces.idSuffix(node.namespaceSuffix());
    CovenantServer server = CovenantServer.create(new CovenantServer.Parts(config, namespaces,
        catalog, tokens, Optional.empty(), Optional.empty(), node, clock, Optional.empty(),
        DocumentTable.open(pg, ScanRoutes.REVIEW_TABLE), Optional.empty()), node);
    Members members = new Members(db, Duration.ofMinutes(10));
    String d = "m-slowmove-d";
    HttpServer fakeD = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    try {
      server.start();
      TestClient op = new TestClient(server.url(), operator);
      // X alone owns every account: 12 accounts, each with one content item.
      for (int i = 0; i < 12; i++) {
        TestClient.Response r = op.post("/v1/events", ClusterRoutingIT.account("s" + i,
            BASE.plusSeconds(10L * i)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      // D joins (a member row with a long heartbeat, served by a stub) and takes its share.
      AtomicInteger forwarded = new AtomicInteger();
      fakeD.createContext("/", ex -> {
        forwarded.incrementAndGet();
        ex.getRequestBody().readAllBytes();
        // D leaves; X's next tick starts the move that gains D's accounts, which blocks. D
        // answers "moving" once that move holds the owners' lock.
        shard.arm();
        members.leave(d);
        boolean began;
        try {
          began = shard.entered.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          began = false;
        }
        byte[] body = ("{\"error\":{\"code\":\"ownership_moving\",\"message\":\"stub: "
            + (began ? "X's move began" : "X's move did not begin") + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(503, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      });
      fakeD.start();
      members.heartbeat(d, "http://127.0.0.1:" + fakeD.getAddress().getPort(), false, true);
      waiting()
          .until(() -> op.get("/v1/cluster").json().path("sharding").path("owners").asInt() == 2
          && op.get("/v1/cluster").json().path("sharding").path("moves_in_progress").asInt()
              == 0);
      String account = null;
      for (int i = 0; i < 12 && account == null; i++) {
        if (d.equals(op.get("/v1/cluster?account=s" + i).json().path("owner").path("member")
            .asText())) {
          account = "s" + i;
        }
      }
      assertThat(account).as("D owns one of 12 accounts (chance of none: 2^-12)").isNotNull();
      String ask = "{\"purpose\":\"ai.training\",\"content\":\"" + account + ":c1\",\"at\":\""
          + BASE.plusSeconds(500) + "\"}";

      long t0 = System.nanoTime();
      TestClient.Response during = op.post("/v1/decisions", ask);
      long millis = (System.nanoTime() - t0) / 1_000_000;
      boolean moveStillRunning = shard.entered.getCount() == 0
          && op.get("/v1/cluster").json().path("sharding").path("moves_in_progress").asInt()
              == 1;
      System.out.println("ClusterSlowMoveIT: a decision during a blocked move answered in "
          + millis + " ms: " + during.status() + " " + during.body());
      assertThat(millis).as("answered within the 2 s bound plus a tick, not after the move")
          .isLessThan(Forwarder.WAIT.toMillis() + TIMING.tick().toMillis() + 3_000);
      assertThat(forwarded.get()).as("the decision went to D first").isEqualTo(1);
      assertThat(moveStillRunning).as("X's move began and still runs").isTrue();
      assertThat(during.status()).as(during.body()).isEqualTo(200);
      assertThat(during.json().path("verdict").asText()).isEqualTo("deny");
      assertThat(during.json().path("reason").asText()).isEqualTo("store_unavailable");

      // The move done, X answers the account from its projection.
      shard.release();
      waiting().until(() -> op.get("/v1/cluster").json().path("sharding").path("moves_in_progress")
          .asInt() == 0);
      TestClient.Response after = op.post("/v1/decisions", ask);
      assertThat(after.status()).as(after.body()).isEqualTo(200);
      assertThat(after.json().path("reason").asText()).isNotEqualTo("store_unavailable");
      assertThat(after.json().path("verdict").asText()).isEqualTo("allow");
      assertThat(forwarded.get()).isEqualTo(1);
    } finally {
      shard.release();
      fakeD.stop(0);
      server.close();
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  /** Waits for the cluster to reach a state: at most 20 s, looking every 50 ms. */
  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50));
  }
}
