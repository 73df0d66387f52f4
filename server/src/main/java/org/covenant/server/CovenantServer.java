package org.covenant.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.covenant.core.CovenantException;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.evidence.FeedStages;
import org.covenant.evidence.LedgerFeed;
import org.covenant.evidence.dsr.SubjectRequests;
import org.covenant.format.FormatException;
import org.covenant.format.Json;
import org.covenant.log.TiledLog;
import org.covenant.safety.ScanModel;
import org.covenant.store.DocumentTable;
import org.covenant.store.LedgerConfig;
import org.covenant.server.auth.ApiToken;
import org.covenant.server.auth.Caller;
import org.covenant.server.auth.TokenKind;
import org.covenant.server.auth.TokenStore;

/**
 * The Covenant HTTP server: Javalin 7 on Jetty 12, wired as plain code. Every route is a
 * {@link Route}; protected ones authenticate the bearer token first (tokens are looked up by
 * their SHA-256) and resolve the namespace; every error goes through one mapping to an RFC 9457
 * problem. A background thread keeps the ledger projection fresh (fail-closed decisions read how
 * fresh it is), flushes the decision log and feeds the transparency log.
 */
public final class CovenantServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CovenantServer.class.getName());
  /** Set once a problem (or a forwarded answer) is written: the error pages leave it be. */
  static final String PROBLEM_WRITTEN = "covenant.problem";

  /** What the server is built from; the CLI composes it. */
  public record Parts(ServerConfig config, Namespaces namespaces, TermsCatalog catalog,
      TokenStore tokens, Optional<TiledLog> log, Optional<LedgerFeed> feed, Receipts receipts,
      Clock clock, Optional<ScanModel> scanModel, DocumentTable reviews,
      Optional<SubjectRequests> dsr) {
    /** Validates the fields. */
    public Parts {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(namespaces, "namespaces");
      Objects.requireNonNull(catalog, "catalog");
      Objects.requireNonNull(tokens, "tokens");
      Objects.requireNonNull(log, "log");
      Objects.requireNonNull(feed, "feed");
      Objects.requireNonNull(receipts, "receipts");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(scanModel, "scanModel");
      Objects.requireNonNull(reviews, "reviews");
      Objects.requireNonNull(dsr, "dsr");
    }

    /** The parts of a server without data subject requests (no data directory). */
    public Parts(ServerConfig config, Namespaces namespaces, TermsCatalog catalog,
        TokenStore tokens, Optional<TiledLog> log, Optional<LedgerFeed> feed, Receipts receipts,
        Clock clock, Optional<ScanModel> scanModel, DocumentTable reviews) {
      this(config, namespaces, catalog, tokens, log, feed, receipts, clock, scanModel, reviews,
          Optional.empty());
    }

    /** The parts of a server whose review queue lives in memory. */
    public Parts(ServerConfig config, Namespaces namespaces, TermsCatalog catalog,
        TokenStore tokens, Optional<TiledLog> log, Optional<LedgerFeed> feed, Receipts receipts,
        Clock clock, Optional<ScanModel> scanModel) {
      this(config, namespaces, catalog, tokens, log, feed, receipts, clock, scanModel,
          DocumentTable.open(LedgerConfig.memory(), ScanRoutes.REVIEW_TABLE));
    }

    /** The parts of a server without a scan model (the scan route answers 503). */
    public Parts(ServerConfig config, Namespaces namespaces, TermsCatalog catalog,
        TokenStore tokens, Optional<TiledLog> log, Optional<LedgerFeed> feed, Receipts receipts,
        Clock clock) {
      this(config, namespaces, catalog, tokens, log, feed, receipts, clock, Optional.empty(),
          DocumentTable.open(LedgerConfig.memory(), ScanRoutes.REVIEW_TABLE));
    }

    /** The same with this scan model. */
    public Parts withScanModel(ScanModel model) {
      return new Parts(config, namespaces, catalog, tokens, log, feed, receipts, clock,
          Optional.of(model), reviews, dsr);
    }
  }

  private final Parts parts;
  private final ClusterView cluster;
  private final ServerMetrics metrics;
  /** A cluster member's router; null for a single server, which serves everything itself. */
  private final Forwarder forwarder;
  private final List<Route> routes;
  private final Javalin app;
  private final ScheduledExecutorService background;
  /** The log's catch-up in two stages (issue 15), when this server feeds a log itself. */
  private final Optional<FeedStages> stages;
  /** False until {@link #start()} has finished and no start-up work holds readiness. */
  private volatile boolean started;
  private volatile boolean held;
  /** Callers by token id: tokens are immutable, so each is built once. */
  private final java.util.concurrent.ConcurrentHashMap<String, Caller> callers =
      new java.util.concurrent.ConcurrentHashMap<>();

  private CovenantServer(Parts parts, ClusterView cluster) {
    this.parts = parts;
    this.cluster = cluster;
    this.stages = parts.feed().map(f -> new FeedStages(f, "covenant-server-log"));
    this.forwarder = cluster.routing().map(r -> new Forwarder(r, parts.config(),
        parts.namespaces()).tokensChanged(parts.tokens()::reload)).orElse(null);
    Namespace main = parts.namespaces().main();
    // The log: the parts' own, or the one the cluster view opens (maybe later: docs/CLUSTER.md)
    java.util.function.Supplier<Optional<TiledLog>> log = () -> parts.log().or(cluster::log);
    this.metrics = new ServerMetrics(() -> main.ledger().head(),
        () -> log.get().map(TiledLog::size).orElse(0L), main::ageMillis);
    List<Route> all = new ArrayList<>();
    all.addAll(new OpsRoutes(parts.clock(), parts.config(), metrics, parts.namespaces(),
        parts.tokens(), log, cluster::logStatus, parts.catalog(), () -> started && !held)
        .routes());
    all.addAll(new LedgerRoutes(parts.clock(), parts.config(), cluster, parts.feed(),
        Optional.ofNullable(forwarder)).routes());
    all.addAll(new AuditRoutes(parts.feed()).routes());
    all.addAll(new TermsPreviewRoutes(parts.clock()).routes());
    all.addAll(new ClusterRoutes(cluster).routes());
    all.addAll(new MeetingRoutes(parts.clock(), parts.config(), parts.tokens()).routes());
    all.addAll(new DecisionRoutes(parts.clock(), parts.config(), metrics).routes());
    all.addAll(new DsrRoutes(parts.clock(), parts.config(), parts.dsr()).routes());
    all.addAll(new DataRightsRoutes(parts.clock()).routes());
    all.addAll(new ScanRoutes(parts.clock(), parts.config(), parts.scanModel(),
        parts.reviews()).routes());
    this.routes = List.copyOf(all);
    boolean console = CovenantServer.class.getResource("/console/index.html") != null;
    this.app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.http.maxRequestSize = parts.config().maxBatchBody();
      cfg.http.prefer405over404 = true;
      // Answers are small JSON documents; compressing them costs more CPU than it saves.
      cfg.http.compressionStrategy = io.javalin.compression.CompressionStrategy.NONE;
      // Handlers do not block except on store writes: a few threads per core serve loopback
      // load with fewer context switches than Jetty's default of 200.
      org.eclipse.jetty.util.thread.QueuedThreadPool pool =
          new org.eclipse.jetty.util.thread.QueuedThreadPool(parts.config().threads(), 4);
      pool.setName("covenant-http");
      cfg.jetty.threadPool = pool;
      // X-HTTP-Method-Override and its kin are ignored: a GET stays a GET (issue 12).
      cfg.jetty.modifyServletContextHandler(h -> h.addFilter(
          new org.eclipse.jetty.ee10.servlet.FilterHolder(new NoMethodOverride()), "/*",
          java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST)));
      cfg.jetty.host = parts.config().host();
      cfg.jetty.port = parts.config().port();
      for (Route r : routes) {
        cfg.routes.addEndpoint(new Endpoint(HandlerType.findOrCreate(r.method()), r.path(),
            wrap(r), java.util.Set.of()));
      }
      if (console) {
        cfg.staticFiles.add(sf -> {
          sf.hostedPath = "/";
          sf.directory = "/console";
          sf.location = Location.CLASSPATH;
        });
      }
      cfg.routes.exception(Exception.class, (e, ctx) -> problem(ctx, e));
      cfg.routes.error(404, ctx -> unmatched(ctx, 404, "not_found", "no such resource"));
      cfg.routes.error(405, ctx -> unmatched(ctx, 405, "method_not_allowed",
          ctx.method() + " is not allowed on " + ctx.path()));
      cfg.requestLogger.http((ctx, ms) -> {
        String route = ctx.attribute(Http.ROUTE);
        metrics.request(ctx.method().name(), route == null ? "unmatched" : route,
            ctx.statusCode(), (long) (ms * 1_000_000L));
      });
    });
    this.background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "covenant-background");
      t.setDaemon(true);
      return t;
    });
  }

  /** A server over these parts, not started. */
  public static CovenantServer create(Parts parts) {
    return create(parts, ClusterView.single(parts.receipts(),
        DocumentTable.open(LedgerConfig.memory(), "receipts")));
  }

  /**
   * A server over these parts, a member of {@code cluster} (or a single server whose issued
   * receipts {@code cluster} keeps), not started.
   */
  public static CovenantServer create(Parts parts, ClusterView cluster) {
    return new CovenantServer(Objects.requireNonNull(parts, "parts"),
        Objects.requireNonNull(cluster, "cluster"));
  }

  /**
   * Starts listening and the background work; returns this. {@code /readyz} answers 200 from
   * the end of this call, unless {@link #holdReadiness()} was called and {@link #release()} not
   * yet.
   */
  public CovenantServer start() {
    app.start();
    long every = parts.config().refreshEvery().toMillis();
    background.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    background.scheduleWithFixedDelay(this::flush, 1000, 1000, TimeUnit.MILLISECONDS);
    cluster.started(url());
    started = true;
    return this;
  }

  /**
   * Keeps {@code /readyz} at 503 {@code starting} until {@link #release()}: for start-up work
   * done through the API, such as seeding the demo workspace. Returns this.
   */
  public CovenantServer holdReadiness() {
    held = true;
    return this;
  }

  /** Ends {@link #holdReadiness()}. */
  public void release() {
    held = false;
  }

  /** The port it listens on (after {@link #start()}). */
  public int port() {
    return app.port();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    String host = parts.config().host().equals("0.0.0.0") ? "127.0.0.1" : parts.config().host();
    return "http://" + host + ":" + port();
  }

  /** The routes this server registered (for the OpenAPI check). */
  public List<Route> routes() {
    return routes;
  }

  /** Method and path of every HTTP endpoint in Javalin's router. */
  public List<String> registeredEndpoints() {
    List<String> out = new ArrayList<>();
    for (ParsedEndpoint p : app.unsafe.internalRouter.allHttpHandlers()) {
      out.add(p.endpoint.method.name() + " " + p.endpoint.path);
    }
    return out;
  }

  /** The metrics (tests read them). */
  public ServerMetrics metrics() {
    return metrics;
  }

  /** The namespaces. */
  public Namespaces namespaces() {
    return parts.namespaces();
  }

  private void refresh() {
    try {
      parts.namespaces().main().refresh();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "ledger refresh failed", e);
    }
  }

  private void flush() {
    try {
      Optional<DecisionLog.Flush> f =
          parts.namespaces().main().decisions().flush(parts.clock().instant());
      if (parts.feed().isPresent()) {
        f.ifPresent(x -> parts.feed().get().decisions(x.at(), x.decisions(), x.counters()));
        // The events appended since the last flush (POST /v1/events batches among them): one
        // thread computes a page's leaves while another appends the page before.
        stages.get().catchUp();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "decision log flush failed", e);
    }
  }

  /**
   * The only routes a participant token may call; each also checks the meeting and participant
   * it names against the token's binding.
   */
  static final java.util.Set<String> PARTICIPANT_ROUTES = java.util.Set.of(
      "GET /v1/meetings/{meeting}/notices",
      "POST /v1/meetings/{meeting}/participants",
      "POST /v1/meetings/{meeting}/acknowledgements",
      "POST /v1/events");

  private Handler wrap(Route r) {
    Handler h = r.handler();
    return ctx -> {
      ctx.attribute(Http.ROUTE, r.path());
      if (r.authenticated()) {
        authenticate(ctx);
        if (ctx.attribute(Http.CALLER) instanceof Caller.Participant
            && !PARTICIPANT_ROUTES.contains(r.method() + " " + r.path())) {
          throw ServerException.forbidden("Authorization", "a participant token reads its "
              + "notices and joins, acknowledges and leaves its meeting, nothing else");
        }
        if (forwarder != null && forwarder.route(ctx, r)) {
          return;
        }
      }
      h.handle(ctx);
    };
  }

  private void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      throw new ServerException("unauthenticated", 401, "Authorization",
          "send `Authorization: Bearer <token>`");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      throw new ServerException("unauthenticated", 401, "Authorization",
          "expected `Bearer <token>`");
    }
    String secret = header.substring(7).trim();
    ApiToken t = parts.tokens().find(secret).orElseThrow(() -> new ServerException(
        "unauthenticated", 401, "Authorization", "the token is not valid"));
    Instant now = parts.clock().instant();
    if (t.expiredAt(now)) {
      throw new ServerException("token_expired", 401, "Authorization",
          "the token expired at " + t.expires().orElseThrow());
    }
    Caller caller = callers.computeIfAbsent(t.id(), id -> callerOf(t));
    ctx.attribute(Http.CALLER, caller);
    String ns = ctx.header(Namespaces.HEADER);
    if (ns == null || ns.isEmpty()) {
      ctx.attribute(Http.NAMESPACE, parts.namespaces().main());
      return;
    }
    if (!(caller instanceof Caller.Operator)) {
      throw ServerException.forbidden(Namespaces.HEADER, "only the operator addresses scratch "
          + "namespaces");
    }
    if (forwarder != null && forwarder.remoteNamespace(ctx, ns)) {
      return;
    }
    ctx.attribute(Http.NAMESPACE, parts.namespaces().scratch(ns).orElseThrow(
        () -> ServerException.notFound(Namespaces.HEADER, "no namespace `" + ns + "`")));
  }

  private static Caller callerOf(ApiToken t) {
    if (t.kind() == TokenKind.OPERATOR) {
      return new Caller.Operator(t.id());
    }
    if (t.kind() == TokenKind.ACCOUNT) {
      return new Caller.AccountUser(t.id(), t.account().orElseThrow(), t.user().orElseThrow());
    }
    if (t.kind() == TokenKind.PARTICIPANT) {
      return new Caller.Participant(t.id(), t.account().orElseThrow(),
          t.participant().orElseThrow());
    }
    return new Caller.Service(t.id(), t.name(), java.util.Set.copyOf(t.purposes()),
        java.util.Set.copyOf(t.accounts()),
        t.role().orElse(org.covenant.server.auth.ServiceRole.DECISIONS));
  }

  private void problem(Context ctx, Exception e) {
    String code;
    int status;
    String field = "";
    String detail;
    if (e instanceof ServerException se) {
      code = se.code();
      status = se.status();
      field = se.field();
      detail = se.getMessage();
      if (status >= 500 && se.getCause() != null) {
        LOG.log(System.Logger.Level.WARNING, code + ": " + detail, se.getCause());
      }
    } else if (e instanceof FormatException fe) {
      code = "invalid_input";
      status = 400;
      field = fe.field();
      detail = fe.getMessage();
    } else if (e instanceof CovenantException ce && "not_owner".equals(ce.code())) {
      // A write racing a move (docs/CLUSTER.md, "Moves"): this member stopped projecting the
      // account between routing and appending; nothing of the batch was appended.
      code = "ownership_moving";
      status = 503;
      ctx.header("Retry-After", "1");
      detail = "the account is moving between cluster members: " + ce.getMessage() + "; retry";
    } else if (e instanceof CovenantException ce && "store_unavailable".equals(ce.code())) {
      code = "store_unavailable";
      status = 503;
      detail = "the ledger store is unavailable: " + ce.getMessage();
    } else {
      LOG.log(System.Logger.Level.ERROR, "unexpected failure on " + ctx.method() + " "
          + ctx.path(), e);
      code = "internal_error";
      status = 500;
      detail = "the server failed; the failure is logged";
    }
    writeProblem(ctx, Problems.of(code, status, field, detail, ctx.path()), status);
  }

  private static void unmatched(Context ctx, int status, String code, String detail) {
    if (ctx.attribute(PROBLEM_WRITTEN) != null) {
      return;
    }
    writeProblem(ctx, Problems.of(code, status, "", detail, ctx.path()), status);
  }

  private static void writeProblem(Context ctx, ObjectNode body, int status) {
    ctx.attribute(PROBLEM_WRITTEN, Boolean.TRUE);
    try {
      ctx.status(status).contentType(Problems.MEDIA_TYPE)
          .result(Json.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("cannot write a problem", ex);
    }
  }

  /** Stops listening and the background work; closes the namespaces and the log. */
  @Override
  public void close() {
    // A flush under way finishes (an interrupt would fail its log write), then the last one.
    background.shutdown();
    app.stop();
    try {
      if (!background.awaitTermination(60, TimeUnit.SECONDS)) {
        background.shutdownNow();
      }
    } catch (InterruptedException e) {
      background.shutdownNow();
      Thread.currentThread().interrupt();
    }
    flush();
    stages.ifPresent(FeedStages::close);
    cluster.close();
    parts.namespaces().close();
    parts.log().ifPresent(TiledLog::close);
    parts.reviews().close();
  }
}
