package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code covenant bench scale}: how the ledger, its log and the projection grow with history
 * length (docs/BENCHMARKS.md). A benchmark, never run by the test suite.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that need a data directory (docs/BENCHMARKS.md).",
    subcommands = {BenchCommand.Scale.class, BenchCommand.Open.class, BenchCommand.Post.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code bench scale}. */
  @Command(
      name = "scale",
      mixinStandardHelpOptions = true,
      description = {
        "Generate a realistic ledger of N events (accounts with groups and users, overlapping",
        "meetings with internal and guest participants, notices, content, settings, consents",
        "and terms changing over time) straight into the empty data directory DIR, through",
        "the ledger and its transparency log, with an idempotency key per event as",
        "`ledger import` does; then open it in a fresh JVM as the server does and measure.",
        "Prints one JSON object: events, import rate, ledger and log bytes, live heap after a",
        "full GC, time to ready, decision p50/p99 on a random and a recent-content workload.",
        "",
        "Example: covenant bench scale --events 1000000 --data /tmp/scale"
      })
  static final class Scale implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--events", required = true, paramLabel = "N") long events;

    @Option(names = "--data", required = true, paramLabel = "DIR") Path data;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S") long seed;

    @Option(names = "--batch", defaultValue = "10000", paramLabel = "B",
        description = "Events per append call (default 10000).")
    int batch;

    @Option(names = "--open-heap", defaultValue = "8g", paramLabel = "SIZE",
        description = "-Xmx of the JVM that opens the ledger (default 8g).")
    String openHeap;

    @Option(names = "--no-open",
        description = "Only import: skip the two measuring opens (a ledger another bench reads).")
    boolean noOpen;

    @CommandLine.Mixin PgLedgerOption pg;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      if (Files.exists(data.resolve("ledger.db")) || Files.exists(data.resolve("log"))) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--data `" + data + "` already holds a ledger or a log; give an empty directory");
      }
      LedgerConfig config = pg.config(data);
      try (Ledger probe = Ledger.open(config, TermsLibrary.builtInCatalog())) {
        if (probe.head() != 0) {
          throw new CommandLine.ParameterException(spec.commandLine(), "the PostgreSQL schema `"
              + pg.schema + "` already holds " + probe.head() + " events; give a new --schema");
        }
      }
      TermsCatalog catalog = TermsLibrary.builtInCatalog();
      ScaleWorkload w = ScaleWorkload.create(events, seed);
      long appended = 0;
      long rejected = 0;
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long mainCpuStart = threads.getCurrentThreadCpuTime();
      // The second half of the import, past the JIT's warm-up: the sustained rate.
      long[] half = null;
      // Where the import's CPU goes (issue 15): every thread's, JIT and GC included, up to the
      // last batch's commit (the writer and log threads end at the close); the generator's share
      // of the main thread, which is the bench's, not the import's; the close (the log's last
      // pages and the projection checkpoint) on its own.
      Map<String, long[]> ticksStart = threadTicks();
      Map<String, long[]> ticksLast = null;
      long generatorNanos = 0;
      long closeStart = 0;
      long closeMainCpu = 0;
      try (LoggedLedger logged = LoggedLedger.open(config, Optional.of(data), catalog);
          Ledger.Pipeline pipeline = logged.ledger().pipeline()) {
        long key = 0;
        // The next batch is generated and validated while the one before is written and
        // committed (issue 15); its results are counted once it is committed.
        CompletableFuture<List<AppendResult>> inFlight = null;
        int pending = 0;
        while (true) {
          long want = events - appended - pending;
          CompletableFuture<List<AppendResult>> sent = null;
          if (want > 0) {
            long g0 = threads.getCurrentThreadCpuTime();
            List<Event> next = w.next((int) Math.min(batch, want));
            List<Append> appends = new ArrayList<>(next.size());
            for (Event e : next) {
              appends.add(Append.of(e, "scale-" + seed + "-" + key++));
            }
            generatorNanos += threads.getCurrentThreadCpuTime() - g0;
            sent = pipeline.submit(appends);
            pending += appends.size();
          } else if (inFlight == null) {
            break;
          }
          if (inFlight != null) {
            if (sent == null) {
              pipeline.flush();
            }
            List<AppendResult> results = LoggedLedger.await(inFlight);
            pending -= results.size();
            for (AppendResult r : results) {
              if (r instanceof AppendResult.Accepted) {
                appended++;
              } else {
                rejected++;
                if (rejected <= 5) {
                  spec.commandLine().getErr().println("covenant: bench: not accepted: " + r);
                }
              }
            }
            logged.catchUpInBackground();
            if (half == null && appended >= events / 2) {
              half = new long[] {appended, System.nanoTime(), processCpuNanos(),
                  threads.getCurrentThreadCpuTime()};
            }
          }
          inFlight = sent;
        }
        ticksLast = threadTicks();
        closeStart = System.nanoTime();
        closeMainCpu = threads.getCurrentThreadCpuTime();
      }
      long end = System.nanoTime();
      double seconds = (end - start) / 1e9;
      long cpuEnd = processCpuNanos();
      long mainCpuEnd = threads.getCurrentThreadCpuTime();
      double cpuSeconds = (cpuEnd - cpuStart) / 1e9;
      ObjectNode json = Json.object();
      json.put("events", appended);
      json.put("ledger", pg.db.isPresent() ? "postgresql" : "sqlite");
      json.put("batch", batch);
      json.put("rejected", rejected);
      json.put("accounts", w.accounts());
      json.put("meetings", w.meetings());
      json.put("contents", w.contents());
      json.put("import_seconds", round(seconds));
      json.put("import_events_per_s", Math.round(appended / seconds));
      json.put("import_cpu_seconds", round(cpuSeconds));
      json.put("import_events_per_cpu_s", Math.round(appended / cpuSeconds));
      json.put("import_main_thread_cpu_seconds", round((mainCpuEnd - mainCpuStart) / 1e9));
      json.put("import_generator_cpu_seconds", round(generatorNanos / 1e9));
      json.set("import_cpu_seconds_by_thread", byThread(ticksStart, ticksLast));
      json.put("import_close_seconds", round((end - closeStart) / 1e9));
      json.put("import_close_main_thread_cpu_seconds", round((mainCpuEnd - closeMainCpu) / 1e9));
      if (half != null && appended > half[0]) {
        long n = appended - half[0];
        ObjectNode steady = Json.object();
        steady.put("events", n);
        steady.put("events_per_s", Math.round(n / ((end - half[1]) / 1e9)));
        steady.put("events_per_cpu_s", Math.round(n / ((cpuEnd - half[2]) / 1e9)));
        steady.put("events_per_main_thread_cpu_s",
            Math.round(n / ((mainCpuEnd - half[3]) / 1e9)));
        json.set("import_second_half", steady);
      }
      json.put("load_average", ManagementFactory.getOperatingSystemMXBean()
          .getSystemLoadAverage());
      json.put("ledger_bytes", pg.db.isPresent() ? pgBytes(config) : bytes(data, "ledger.db"));
      json.put("log_bytes", bytes(data, "log"));
      if (!noOpen) {
        // First without a checkpoint (a full replay; its close writes one), then with it.
        json.set("open", openInChild(false));
        json.set("open_with_checkpoint", openInChild(true));
      }
      out.println(Json.line(json));
      out.flush();
      return 0;
    }

    private ObjectNode openInChild(boolean checkpoint) throws IOException, InterruptedException {
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + openHeap));
      cmd.addAll(hugePages(ManagementFactory.getRuntimeMXBean().getInputArguments(),
          Path.of(THP_SETTING)));
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
          "bench", "open", "--data", data.toString()));
      if (!checkpoint) {
        cmd.add("--no-checkpoint");
      }
      if (pg.db.isPresent()) {
        cmd.addAll(List.of("--db", pg.db.get(), "--schema", pg.schema));
      }
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("bench open failed: " + text);
      }
      return (ObjectNode) Json.parse(text.trim());
    }
  }

  /** {@code bench post}: the scale workload imported over HTTP, in batches. */
  @Command(
      name = "post",
      mixinStandardHelpOptions = true,
      description = {
        "Generate the scale workload (as `bench scale`, same seed, same idempotency keys) and",
        "post it to a running server's POST /v1/events in batches, one request in flight, the",
        "next batch generated and encoded meanwhile. Prints one JSON object: events, rate,",
        "this client's CPU, and the server's ledger head and log size after its log caught up.",
        "",
        "Example: covenant bench post --url http://127.0.0.1:8080 --token-file T --events 100000"
      })
  static final class Post implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL") String url;

    @Option(names = "--token-file", required = true, paramLabel = "FILE",
        description = "A file holding an operator token (it writes history at its own times).")
    Path tokenFile;

    @Option(names = "--events", required = true, paramLabel = "N") long events;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S") long seed;

    @Option(names = "--batch", defaultValue = "2000", paramLabel = "B",
        description = "Events per request (default 2000; a body is at most 32 MiB, about "
            + "100,000 events).")
    int batch;

    @Override
    public Integer call() throws Exception {
      if (events < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--events must be at least 1, got " + events);
      }
      // The server's own limit (ServerConfig.maxBatch); its body limit, 32 MiB, holds as many.
      if (batch < 1 || batch > 100_000) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--batch must be from 1 to 100000 events per request, got " + batch);
      }
      String token = Files.readString(tokenFile).trim();
      HttpClient http = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1).build();
      ScaleWorkload w = ScaleWorkload.create(events, seed);
      long key = 0;
      long accepted = 0;
      long other = 0;
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      CompletableFuture<HttpResponse<String>> inFlight = null;
      long generated = 0;
      while (true) {
        byte[] body = null;
        if (generated < events) {
          int n = (int) Math.min(batch, events - generated);
          StringBuilder b = new StringBuilder(n * 300).append("{\"events\":[");
          List<Event> next = w.next(n);
          for (int i = 0; i < next.size(); i++) {
            ObjectNode e = org.covenant.format.EventCodec.toJson(next.get(i));
            e.put("idempotency_key", "scale-" + seed + "-" + key++);
            b.append(i == 0 ? "" : ",").append(Json.line(e));
          }
          body = b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
          generated += n;
        } else if (inFlight == null) {
          break;
        }
        if (inFlight != null) {
          HttpResponse<String> r = inFlight.join();
          if (r.statusCode() != 200) {
            throw new IllegalStateException("POST /v1/events: " + r.statusCode() + " "
                + r.body());
          }
          com.fasterxml.jackson.databind.JsonNode j = Json.parse(r.body());
          accepted += j.path("accepted").asLong();
          long notAccepted = j.path("duplicates").asLong() + j.path("rejected").asLong();
          if (notAccepted > 0 && other < 5) {
            spec.commandLine().getErr().println("covenant: bench: not accepted: "
                + r.body().substring(0, Math.min(2000, r.body().length())));
          }
          other += notAccepted;
        }
        inFlight = body == null ? null : http.sendAsync(HttpRequest.newBuilder(
                URI.create(url + "/v1/events"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofString());
      }
      long acknowledged = System.nanoTime();
      // Then until the server's log holds the events too (its flush runs every second).
      long head = 0;
      long logSize = 0;
      for (int i = 0; i < 600; i++) {
        String m = http.send(
            HttpRequest.newBuilder(URI.create(url + "/metrics"))
                .header("Authorization", "Bearer " + token).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        head = metric(m, "covenant_ledger_head");
        logSize = metric(m, "covenant_log_size");
        if (head < 0 || logSize >= head) {
          break;
        }
        Thread.sleep(50);
      }
      long logged = System.nanoTime();
      ObjectNode json = Json.object();
      json.put("events", accepted);
      json.put("not_accepted", other);
      json.put("batch", batch);
      json.put("post_seconds", round((acknowledged - start) / 1e9));
      json.put("post_events_per_s", Math.round(accepted / ((acknowledged - start) / 1e9)));
      json.put("logged_seconds", round((logged - start) / 1e9));
      json.put("logged_events_per_s", Math.round(accepted / ((logged - start) / 1e9)));
      json.put("client_cpu_seconds", round((processCpuNanos() - cpuStart) / 1e9));
      json.put("ledger_head", head);
      json.put("log_size", logSize);
      json.put("load_average", ManagementFactory.getOperatingSystemMXBean()
          .getSystemLoadAverage());
      spec.commandLine().getOut().println(Json.line(json));
      return 0;
    }

    /** A gauge's value in Prometheus text, or -1. */
    private static long metric(String text, String name) {
      for (String line : text.split("\n")) {
        if (line.startsWith(name + " ")) {
          return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
        }
      }
      return -1;
    }
  }

  /** Where Linux says whether it offers transparent huge pages ({@code [never]}: it does not). */
  static final String THP_SETTING = "/sys/kernel/mm/transparent_hugepage/enabled";

  /**
   * The huge-pages option of the JVM that opens the ledger, as {@code ./covenant} starts the
   * server's (issue 15: a random decision on a large ledger missed the TLB on nearly every read
   * with 4 KB pages): this JVM's own {@code -XX:±UseTransparentHugePages} when it was given one
   * (the last), else on where the kernel offers them (the setting readable and not {@code
   * [never]}; elsewhere the JVM would warn, or refuse the option off Linux), else none.
   */
  static List<String> hugePages(List<String> jvmArgs, Path thpSetting) {
    for (int i = jvmArgs.size() - 1; i >= 0; i--) {
      String a = jvmArgs.get(i);
      if (a.equals("-XX:+UseTransparentHugePages") || a.equals("-XX:-UseTransparentHugePages")) {
        return List.of(a);
      }
    }
    try {
      return Files.readString(thpSetting).contains("[never]") ? List.of()
          : List.of("-XX:+UseTransparentHugePages");
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }

  /** {@code bench open}: the measuring half of {@code bench scale}, run in a fresh JVM. */
  @Command(
      name = "open",
      mixinStandardHelpOptions = true,
      description = {
        "Open the data directory as the server does, then print JSON: time to ready, live",
        "heap after a full GC, decision p50/p99 on random and recent content."
      })
  static final class Open implements Callable<Integer> {
    private static final int SAMPLES = 1 << 20;
    private static final int RECENT = 10_000;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR") Path data;

    @Option(names = "--seed", defaultValue = "7", paramLabel = "S") long seed;

    @Option(names = "--no-checkpoint",
        description = "Replay the whole ledger instead of starting from a projection checkpoint"
            + " (a checkpoint is still written when this closes).")
    boolean noCheckpoint;

    @CommandLine.Mixin PgLedgerOption pg;

    @Override
    public Integer call() throws java.io.IOException {
      TermsCatalog catalog = TermsLibrary.builtInCatalog();
      long baseline = liveHeap();
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      Map<String, long[]> threadsStart = threadTicks();
      Map<Long, Object[]> javaStart = javaThreads();
      ObjectNode json = Json.object();
      try (LoggedLedger logged = LoggedLedger.open(pg.config(data), Optional.of(data),
          catalog, !noCheckpoint)) {
        double ready = (System.nanoTime() - start) / 1e9;
        double readyCpu = (processCpuNanos() - cpuStart) / 1e9;
        Map<String, long[]> threadsReady = threadTicks();
        Map<Long, Object[]> javaReady = javaThreads();
        long heap = liveHeap() - baseline;
        Ledger l = logged.ledger();
        json.put("head", l.head());
        json.put("started_from_checkpoint", logged.startedFrom().orElse(null));
        json.put("ready_seconds", round(ready));
        json.put("ready_cpu_seconds", round(readyCpu));
        json.put("replay_events_per_s", Math.round(l.head() / ready));
        json.put("replay_events_per_cpu_s", Math.round(l.head() / readyCpu));
        json.set("ready_cpu_seconds_by_thread", byThread(threadsStart, threadsReady));
        ObjectNode javaCpu = Json.object();
        ObjectNode javaAlloc = Json.object();
        long alloc = byJavaThread(javaStart, javaReady, javaCpu, javaAlloc);
        json.set("ready_cpu_seconds_by_java_thread", javaCpu);
        json.set("ready_alloc_mb_by_java_thread", javaAlloc);
        json.put("ready_alloc_bytes_per_event", alloc < 0 ? -1
            : round((double) alloc / Math.max(1, l.head())));
        json.put("load_average", ManagementFactory.getOperatingSystemMXBean()
            .getSystemLoadAverage());
        json.put("live_heap_bytes", heap);
        json.put("heap_bytes_per_event", round((double) heap / Math.max(1, l.head())));
        Snapshot s = l.snapshot();
        DecisionEngine engine = DecisionEngine.create(catalog);
        int contents = contentCount(s);
        Instant at = Instant.parse("2100-01-01T00:00:00Z");
        json.set("decide_random", latencies(engine, s, at, contents, 0));
        json.set("decide_recent", latencies(engine, s, at, contents,
            Math.max(0, contents - RECENT)));
        long w0 = System.nanoTime();
        Optional<Long> written = logged.checkpoint();
        json.put("checkpoint_written_at", written.orElse(null));
        json.put("checkpoint_write_seconds", round((System.nanoTime() - w0) / 1e9));
        Path dir = org.covenant.evidence.DataDirectory.at(data).checkpointsDir();
        json.put("checkpoint_bytes", bytes(dir.getParent(), dir.getFileName().toString()));
      }
      spec.commandLine().getOut().println(Json.line(json));
      spec.commandLine().getOut().flush();
      return 0;
    }

    private ObjectNode latencies(DecisionEngine engine, Snapshot s, Instant at, int contents,
        int from) {
      SplittableRandom r = new SplittableRandom(seed);
      List<Purpose> purposes = Vocabulary.purposes();
      DecisionRequest[] requests = new DecisionRequest[1 << 16];
      for (int i = 0; i < requests.length; i++) {
        requests[i] = new DecisionRequest(purposes.get(r.nextInt(purposes.size())),
            "c" + (from + r.nextInt(Math.max(1, contents - from))), at);
      }
      long sink = 0;
      for (int i = 0; i < SAMPLES; i++) {
        sink += engine.decide(s, requests[i & (requests.length - 1)]).evidence().size();
      }
      long[] ns = new long[SAMPLES];
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long alloc0 = allocated(threads);
      long wall0 = System.nanoTime();
      for (int i = 0; i < SAMPLES; i++) {
        long t0 = System.nanoTime();
        Decision d = engine.decide(s, requests[i & (requests.length - 1)]);
        ns[i] = System.nanoTime() - t0;
        sink += d.evidence().size();
      }
      long wall = System.nanoTime() - wall0;
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      long alloc = allocated(threads) - alloc0;
      Arrays.sort(ns);
      ObjectNode o = Json.object();
      o.put("samples", SAMPLES);
      o.put("p50_ns", ns[SAMPLES / 2]);
      o.put("p99_ns", ns[(int) (SAMPLES * 0.99)]);
      o.put("mean_wall_ns", wall / SAMPLES);
      o.put("mean_cpu_ns", cpu / SAMPLES);
      // The timed loop's own allocation (none: ns is allocated before) is not in this figure.
      o.put("alloc_bytes_per_decision", alloc0 < 0 ? -1 : round((double) alloc / SAMPLES));
      o.put("checksum", sink);
      return o;
    }
  }

  /** Bytes this thread has allocated so far, or a negative number where the JVM cannot say. */
  private static long allocated(ThreadMXBean threads) {
    return threads instanceof com.sun.management.ThreadMXBean t
        ? t.getThreadAllocatedBytes(Thread.currentThread().getId()) : -1;
  }

  /** Content ids are dense ({@code c0, c1, ...}): the count is the first id that is missing. */
  private static int contentCount(Snapshot s) {
    int lo = 0;
    int hi = Integer.MAX_VALUE - 1;
    while (lo < hi) {
      int mid = (int) (((long) lo + hi) >>> 1);
      if (s.content("c" + mid, TimeKey.END).isPresent()) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * {@code --db URL [--schema NAME]}: the ledger in PostgreSQL (the log stays in --data DIR, as
   * the server keeps it), in its own schema so a run never mixes with another ledger.
   */
  static final class PgLedgerOption {
    @Option(names = "--db", paramLabel = "JDBC_URL",
        description = "Keep the ledger in PostgreSQL (the log stays in --data DIR).")
    Optional<String> db = Optional.empty();

    @Option(names = "--schema", defaultValue = "covenant_scale", paramLabel = "NAME",
        description = "The PostgreSQL schema of the ledger with --db (default covenant_scale).")
    String schema;

    LedgerConfig config(Path data) {
      return db.isPresent() ? LedgerConfig.postgres(db.get()).withSchema(schema)
          : LedgerConfig.sqlite(data);
    }
  }

  /** The on-disk size of a PostgreSQL ledger's event table, indexes included. */
  private static long pgBytes(LedgerConfig config) {
    LedgerConfig.Postgres p = (LedgerConfig.Postgres) config;
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(p.jdbcUrl());
        java.sql.PreparedStatement ps = c.prepareStatement(
            "SELECT pg_total_relation_size(?::regclass)")) {
      ps.setString(1, p.schema() + ".ledger_event");
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (java.sql.SQLException e) {
      return -1;
    }
  }

  /** CPU time of the whole process (all threads, GC included). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * Each live thread's CPU ticks (user + system) by thread id, with its name, from
   * {@code /proc/self/task} (Linux; empty elsewhere): the JIT compilers and GC threads are not
   * Java threads, so the thread MXBean does not show them.
   */
  private static Map<String, long[]> threadTicks() {
    Map<String, long[]> out = new HashMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return out;
    }
    try (Stream<Path> s = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) s::iterator) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(t.getFileName() + "|" + name,
              new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12])});
        } catch (IOException | RuntimeException e) {
          // The thread ended meanwhile.
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /**
   * Every live Java thread's {name, CPU ns, allocated bytes}, by id: the allocation per event of
   * an open is read from these (issue 15), and the full names tell the ledger's reader from its
   * decoders, which {@code /proc}'s 15-character names do not. A thread that ended in between is
   * not counted.
   */
  private static Map<Long, Object[]> javaThreads() {
    Map<Long, Object[]> out = new HashMap<>();
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)) {
      return out;
    }
    long[] ids = t.getAllThreadIds();
    long[] cpu = t.getThreadCpuTime(ids);
    long[] alloc = t.getThreadAllocatedBytes(ids);
    java.lang.management.ThreadInfo[] info = t.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (info[i] != null) {
        out.put(ids[i], new Object[] {info[i].getThreadName(), cpu[i], alloc[i]});
      }
    }
    return out;
  }

  /**
   * Fills {@code cpu} (seconds) and {@code alloc} (MB) between two {@link #javaThreads()}, by
   * thread name (pools grouped); returns the bytes allocated in all, negative when unknown.
   */
  private static long byJavaThread(Map<Long, Object[]> from,
      Map<Long, Object[]> to, ObjectNode cpu, ObjectNode alloc) {
    if (to.isEmpty()) {
      return -1;
    }
    Map<String, long[]> groups = new TreeMap<>();
    long total = 0;
    for (var e : to.entrySet()) {
      Object[] was = from.get(e.getKey());
      Object[] now = e.getValue();
      long c = (Long) now[1] - (was == null ? 0 : Math.max(0, (Long) was[1]));
      long a = (Long) now[2] - (was == null ? 0 : Math.max(0, (Long) was[2]));
      String name = ((String) now[0]).replaceAll("[ #-]?\\d+$", "");
      long[] g = groups.computeIfAbsent(name, k -> new long[2]);
      g[0] += Math.max(0, c);
      g[1] += Math.max(0, a);
      total += Math.max(0, a);
    }
    groups.forEach((name, g) -> {
      if (g[0] > 0 || g[1] > 0) {
        cpu.put(name, round(g[0] / 1e9));
        alloc.put(name, round(g[1] / 1e6));
      }
    });
    return total;
  }

  /** CPU seconds between two {@link #threadTicks()}, by thread name (pools grouped). */
  private static ObjectNode byThread(Map<String, long[]> from,
      Map<String, long[]> to) {
    Map<String, Long> groups = new TreeMap<>();
    to.forEach((k, v) -> {
      long before = from.containsKey(k) ? from.get(k)[0] : 0;
      String name = k.substring(k.indexOf('|') + 1).replaceAll("[ #-]?\\d+$", "");
      groups.merge(name, v[0] - before, Long::sum);
    });
    ObjectNode o = Json.object();
    groups.forEach((name, ticks) -> {
      if (ticks > 0) {
        o.put(name, ticks / 100.0);
      }
    });
    return o;
  }

  private static long liveHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static long bytes(Path dir, String name) throws IOException {
    Path p = dir.resolve(name);
    if (!Files.exists(p)) {
      return 0;
    }
    long total = 0;
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          total += Files.size(f);
        }
      }
    }
    // The WAL beside the SQLite file holds committed pages too.
    Path wal = dir.resolve(name + "-wal");
    return total + (Files.exists(wal) ? Files.size(wal) : 0);
  }
}
