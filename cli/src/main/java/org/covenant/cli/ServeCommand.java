package org.covenant.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.TermsLibrary;
import org.covenant.safety.ScanModel;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.server.ClusterDeployment;
import org.covenant.server.CovenantServer;
import org.covenant.server.cluster.ClusterNode;
import org.covenant.server.Demo;
import org.covenant.server.Deployment;
import org.covenant.server.ServerConfig;
import org.covenant.store.LedgerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code covenant serve}: the API and the admin console (ARCHITECTURE.md §8, §9). */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the REST API (OpenAPI at /openapi.json) and the admin console.",
      "",
      "The ledger is an embedded SQLite file in DIR (default ~/.covenant), or PostgreSQL with",
      "--db. DIR also holds the transparency log (DIR/log, served at /log/), its signing key and",
      "the API tokens' hashes (DIR/keys), generated on first start: the operator token is",
      "printed once, then only its hash is kept.",
      "",
      "With --db, any number of servers over one database act as one service: tokens, the",
      "review queue, receipts, the decision log and the transparency log live in PostgreSQL,",
      "and one member holding --log-key is elected to write the log (docs/CLUSTER.md).",
      "",
      "--demo seeds an empty ledger with a demo workspace and prints tokens to try it with.",
      "",
      "Example: covenant serve --demo --port 8080"
    })
final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Data directory (default: ~/.covenant).")
  Optional<Path> data;

  @Option(names = "--db", paramLabel = "JDBC_URL",
      description = "PostgreSQL ledger, e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres")
  Optional<String> db;

  @Option(names = "--db-schema", defaultValue = "covenant", paramLabel = "NAME",
      description = "With --db: the PostgreSQL schema of the ledger and the cluster's tables "
          + "(default covenant).")
  String dbSchema;

  @Option(names = "--log-key", paramLabel = "FILE",
      description = "With --db: the transparency log's signing key (a file as `covenant log key "
          + "--data DIR` writes it to DIR/keys/log.key, e.g. a mounted secret). Members with it "
          + "may be elected to write the log; members without it only serve it.")
  Optional<Path> logKey;

  @Option(names = "--lease", defaultValue = "3", paramLabel = "SECONDS",
      description = "With --db: how long the log writer's lease and a member's heartbeat last "
          + "(default 3): a dead writer is replaced within about this long.")
  double lease;

  @Option(names = "--port", defaultValue = "8080", description = "Port (default 8080; 0: any).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to bind (default 127.0.0.1).")
  String host;

  @Option(names = "--demo", description = "Seed a demo workspace into an empty ledger.")
  boolean demo;

  @Option(names = "--demo-corpus", paramLabel = "FILE",
      description = "With --demo: the labelled public corpus to train the demo's scan model on "
          + "when DIR/safety/scan.model is missing (default: the shared SpamAssassin file, "
          + "$COVENANT_SHARED_DIR/data/spamassassin/dev.jsonl.gz or ../shared/data/...).")
  Optional<Path> demoCorpus;

  @Option(names = "--dsr-due-days", defaultValue = "30", paramLabel = "DAYS",
      description = "Days from receiving a data subject request to its due date (default 30).")
  int dsrDueDays;

  @Option(names = "--stale-after", defaultValue = "5", paramLabel = "SECONDS",
      description = "How long decisions may rest on a snapshot while the store is unreachable "
          + "before those depending on consents or settings deny store_unavailable (default 5).")
  long staleAfter;

  @Option(names = "--metrics-token", paramLabel = "TOKEN",
      description = "A bearer token (at least 16 characters) a Prometheus scraper may use for "
          + "/metrics besides the operator token; also read from COVENANT_METRICS_TOKEN.")
  Optional<String> metricsToken;

  @Option(names = "--log-tile-cache", paramLabel = "TILES",
      description = "Full tiles of the transparency log kept in memory for proofs (default "
          + TiledLog.DEFAULT_TILE_CACHE + ", about 16 KB each; 0: none). The log holds only its "
          + "right edge otherwise and reads older tiles from DIR/log or the database.")
  Optional<Integer> logTileCache;

  @Override
  public Integer call() throws InterruptedException {
    // Javalin and Jetty log through SLF4J; the operator wants warnings, not start-up chatter.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    PrintWriter out = spec.commandLine().getOut();
    Path dir = data.orElseGet(() -> Path.of(System.getProperty("user.home"), ".covenant"));
    TermsCatalog catalog = TermsLibrary.builtInCatalog();
    LedgerConfig ledger = db.isPresent() ? LedgerConfig.postgres(db.get()).withSchema(dbSchema)
        : LedgerConfig.sqlite(dir);
    if (logTileCache.isPresent()) {
      if (logTileCache.get() < 0) {
        spec.commandLine().getErr().println("covenant: --log-tile-cache: 0 or more tiles");
        return 2;
      }
      // This process's logs, whichever deployment opens them, take their cache size from here.
      System.setProperty(TiledLog.TILE_CACHE_PROPERTY, logTileCache.get().toString());
    }
    if (logKey.isPresent() && db.isEmpty()) {
      spec.commandLine().getErr().println("covenant: --log-key: only with --db (a data "
          + "directory keeps its own key in DIR/keys/log.key)");
      return 2;
    }
    ServerConfig config = ServerConfig.defaults(port).withHost(host)
        .withFreshness(Duration.ofSeconds(staleAfter), Duration.ofMillis(250));
    Optional<String> scraper = metricsToken.or(() -> Optional.ofNullable(
        System.getenv("COVENANT_METRICS_TOKEN")).filter(t -> !t.isEmpty()));
    if (scraper.isPresent()) {
      if (scraper.get().length() < 16) {
        spec.commandLine().getErr().println("covenant: --metrics-token: at least 16 characters");
        return 2;
      }
      config = config.withMetricsToken(scraper.get());
    }
    Clock clock = Clock.systemUTC();
    Optional<Demo.DemoScan> scan = demo ? demoScan(dir, out) : Optional.empty();
    if (dsrDueDays < 1) {
      spec.commandLine().getErr().println("covenant: invalid input: --dsr-due-days must be at "
          + "least 1");
      return 2;
    }
    Deployment.Opened opened;
    if (ledger instanceof LedgerConfig.Postgres pg) {
      Optional<NoteSigner> signer = Optional.empty();
      if (logKey.isPresent()) {
        signer = Optional.of(readKey(logKey.get()));
      }
      Duration ttl = Duration.ofMillis(Math.max(500, (long) (lease * 1000)));
      opened = ClusterDeployment.open(dir, pg, config, catalog, clock, signer,
          new ClusterNode.Timing(ttl, ttl, Duration.ofMillis(Math.max(50, ttl.toMillis() / 15))),
          Duration.ZERO, Duration.ofDays(dsrDueDays));
    } else {
      opened = Deployment.open(dir, ledger, config, catalog, clock, Duration.ofDays(dsrDueDays));
    }
    boolean seed = demo && opened.server().namespaces().main().ledger().head() == 0
        && opened.operatorSecret().isPresent();
    // /readyz answers 503 until the demo workspace is seeded.
    CovenantServer server = (seed ? opened.server().holdReadiness() : opened.server()).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "covenant-shutdown"));
    out.println("covenant: serving " + (db.isPresent() ? "PostgreSQL ledger" : dir.resolve(
        LedgerConfig.Sqlite.FILE_NAME).toString()) + " on " + server.url());
    out.println("  data dir    " + dir);
    out.println("  console     " + server.url() + "/");
    out.println("  API         " + server.url() + "/openapi.json");
    out.println("  log         " + server.url() + "/log/checkpoint");
    if (opened.operatorSecret().isPresent()) {
      out.println("  operator    " + opened.operatorSecret().get()
          + "   (shown once: keep it; only its hash is stored)");
    } else {
      out.println("  operator    issued at first start (only its hash is kept)");
    }
    if (demo) {
      if (server.namespaces().main().ledger().head() > 0) {
        out.println("  demo        the ledger is not empty: not seeding again");
      } else if (opened.operatorSecret().isEmpty()) {
        out.println("  demo        the ledger is empty but the operator token was issued "
            + "earlier: start --demo on a fresh --data DIR");
      } else {
        out.flush();
        Demo.Seeded s;
        try {
          s = Demo.seed(server.url(), opened.operatorSecret().get(), clock.instant(),
              scan.map(Demo.DemoScan::invites).orElse(List.of()));
        } finally {
          server.release();
        }
        out.println("  demo        " + s.events() + " events, " + s.content()
            + " content items, " + s.decisions() + " decisions over 30 days, " + s.held()
            + " webinar invites held for review");
      }
      Map<String, String> tokens = Demo.tokens(opened.tokens(),
          server.namespaces().main().directory(), clock.instant(), Duration.ofDays(7));
      for (Map.Entry<String, String> t : tokens.entrySet()) {
        out.printf("  token       %-28s %s%n", t.getKey(), t.getValue());
      }
      out.println("              (demo tokens last 7 days; a new set is printed at each start)");
      out.println("  try         curl -H 'Authorization: Bearer <acme owner token>' "
          + server.url() + "/v1/accounts/acme/settings");
    }
    out.println("  stop        Ctrl-C");
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * The demo's scan model: the one in DIR/safety/scan.model, else one trained now on the public
   * corpus and written there (the server loads it on start); with the invites to hold. Empty,
   * saying why, when there is neither a model nor the corpus: the Reviews page then stays empty.
   */
  private Optional<Demo.DemoScan> demoScan(Path dir, PrintWriter out) {
    Path modelFile = dir.resolve(Deployment.SCAN_MODEL_FILE);
    Optional<Path> corpus = demoCorpus.isPresent() ? demoCorpus : defaultCorpus();
    if (corpus.isEmpty() || !Files.isRegularFile(corpus.get())) {
      out.println("  demo        no scan model: the public corpus "
          + corpus.map(Path::toString).orElse("../shared/data/spamassassin/dev.jsonl.gz")
          + " is missing (--demo-corpus FILE), so no invite is held for review");
      return Optional.empty();
    }
    Optional<ScanModel> existing = Files.isRegularFile(modelFile)
        ? Optional.of(ScanModel.read(modelFile)) : Optional.empty();
    Demo.DemoScan s = Demo.scanSample(corpus.get(), existing);
    if (s.trained()) {
      try {
        Files.createDirectories(modelFile.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + modelFile.getParent(), e);
      }
      s.model().write(modelFile);
      out.println("  scan model  trained on " + corpus.get() + " into " + modelFile);
    }
    return Optional.of(s);
  }

  /** The signing key in {@code file}; the message never echoes the file (a secret). */
  private static NoteSigner readKey(Path file) {
    String text;
    try {
      text = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new CommandLine.ParameterException(new CommandLine(new ServeCommand()),
          "--log-key: cannot read `" + file + "`: " + e.getMessage());
    }
    org.covenant.log.Checked<NoteSigner> parsed = NoteSigner.parse(text);
    if (parsed instanceof org.covenant.log.Checked.Failed<NoteSigner> f) {
      throw new CommandLine.ParameterException(new CommandLine(new ServeCommand()),
          "--log-key: `" + file + "` does not hold a signer key (" + f.code() + ")");
    }
    return parsed.orThrow();
  }

  private static Optional<Path> defaultCorpus() {
    Path rel = Path.of("data", "spamassassin", "dev.jsonl.gz");
    String env = System.getenv("COVENANT_SHARED_DIR");
    if (env != null && !env.isBlank()) {
      return Optional.of(Path.of(env).resolve(rel));
    }
    for (Path p : new Path[] {Path.of("..", "shared"), Path.of("shared")}) {
      if (Files.isRegularFile(p.resolve(rel))) {
        return Optional.of(p.resolve(rel));
      }
    }
    return Optional.empty();
  }
}
