package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.covenant.spark.SparkEngine;
import org.covenant.telemetry.CtelFile;
import org.covenant.telemetry.Loaded;
import org.covenant.telemetry.Mechanism;
import org.covenant.telemetry.PrivacyParams;
import org.covenant.telemetry.Rational;
import org.covenant.telemetry.RegionGraph;
import org.covenant.telemetry.SchemaCatalogue;
import org.covenant.telemetry.SchemaReader;
import org.covenant.telemetry.SchemaReview;
import org.covenant.telemetry.SchemaReviewer;
import org.covenant.telemetry.StageProgress;
import org.covenant.telemetry.TelemetryGenerator;
import org.covenant.telemetry.TelemetryReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code covenant telemetry review|generate|report} (ISSUE 8): schema review, the synthetic
 * generator and the differentially private load report. Exit codes: 0 ok, 1 the review found
 * problems (or a release was refused), 2 invalid input (the message names the file and field). The
 * logic lives in {@code org.covenant.telemetry}; this class only parses and prints.
 */
@Command(
    name = "telemetry",
    mixinStandardHelpOptions = true,
    description = "Service-generated data: schema review, generator, private load report.",
    subcommands = {TelemetryCommand.Review.class, TelemetryCommand.Generate.class,
        TelemetryCommand.Report.class})
public final class TelemetryCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reviews a schema file: fields that can carry customer content or direct identifiers fail. */
  @Command(name = "review", mixinStandardHelpOptions = true,
      description = "Review a telemetry schema file (YAML); exit 1 when a field can carry customer"
          + " content or a direct identifier.")
  static final class Review implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SCHEMA", description = "Schema catalogue (YAML).")
    Path schema;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Loaded<SchemaCatalogue> loaded = SchemaReader.create().read(schema);
      if (loaded instanceof Loaded.Invalid<SchemaCatalogue> bad) {
        return invalid(spec, bad.problem().describe());
      }
      SchemaReview review = SchemaReviewer.create().review(((Loaded.Ok<SchemaCatalogue>) loaded).value());
      for (SchemaReview.Finding p : review.problems()) {
        out.println(p.type() + (p.field().isEmpty() ? "" : "." + p.field()) + ": " + p.code() + ": "
            + p.reason());
      }
      out.println(review.catalogue() + ": " + review.schemas() + " schemas, "
          + review.problems().size() + " problems");
      out.flush();
      return review.passed() ? 0 : 1;
    }
  }

  /** Generates synthetic telemetry (CTEL) and its diagnostics.optional settings sidecar. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Generate realistic telemetry as a CTEL file, plus FILE.settings.jsonl with the"
          + " diagnostics.optional switch-offs.")
  static final class Generate implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--events", required = true, paramLabel = "N", description = "Events to make.")
    long events;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default 1).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "CTEL file to write.")
    Path out;

    @Option(names = "--days", defaultValue = "7", paramLabel = "D", description = "Days (default 7).")
    int days;

    @Option(names = "--breakage", defaultValue = "0.0005", paramLabel = "SHARE",
        description = "Share of events that break their schema (default 0.0005).")
    double breakage;

    @Override
    public Integer call() {
      TelemetryGenerator.Options o;
      try {
        o = new TelemetryGenerator.Options(events, seed, days, TelemetryGenerator.DEFAULT_START,
            breakage, 0.04, 0.03);
      } catch (IllegalArgumentException e) {
        return invalid(spec, "--events/--days/--breakage: " + e.getMessage());
      }
      long t0 = System.nanoTime();
      RateLine progress = new RateLine(spec.commandLine().getErr());
      TelemetryGenerator.Generated g = TelemetryGenerator.create(RegionGraph.platform())
          .generate(o, progress);
      CtelFile.write(g.data(), out, progress);
      Path settings = Path.of(out + TelemetryReport.SETTINGS_SUFFIX);
      TelemetryGenerator.writeSettings(g.settings(), settings);
      TelemetryGenerator.appendRegionSettings(g.regions(), settings);
      double s = (System.nanoTime() - t0) / 1e9;
      PrintWriter w = spec.commandLine().getOut();
      try {
        w.printf("wrote %,d events (%,d bytes) to %s and %d setting changes (%d of them "
            + "data_regions.allowed) to %s in %.1f s%n", g.data().events(), Files.size(out), out,
            g.settings().size() + g.regions().size(), g.regions().size(), settings, s);
      } catch (java.io.IOException e) {
        w.printf("wrote %,d events to %s in %.1f s%n", g.data().events(), out, s);
      }
      w.flush();
      return 0;
    }
  }

  /** Guards, aggregates with contribution bounds, adds noise, plans load and draws the pictures. */
  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Write heatmap.png|svg, plan.png|svg and summary.json (with quarantine counts by"
          + " reason) for a CTEL file, and append the release to the privacy budget ledger.")
  static final class Report implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "CTEL input.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--epsilon", defaultValue = "4", paramLabel = "E",
        description = "Total ε of the release (default 4).")
    String epsilon;

    @Option(names = "--mechanism", defaultValue = "gaussian", paramLabel = "M",
        description = "gaussian (default) or laplace.")
    String mechanism;

    @Option(names = "--delta", defaultValue = "1e-7", paramLabel = "D",
        description = "Total δ for gaussian (default 1e-7).")
    double delta;

    @Option(names = "--seed", paramLabel = "S",
        description = "Seeded noise for reproducible reports (not for publication); default SecureRandom.")
    Long seed;

    @Option(names = "--min-group", defaultValue = "10", paramLabel = "K",
        description = "Suppress cells with fewer noisy accounts (aggregate_only min_group, default 10).")
    int minGroup;

    @Option(names = "--settings", paramLabel = "FILE",
        description = "ARCHITECTURE.md §3 events for diagnostics.optional (default IN.settings.jsonl).")
    Path settings;

    @Option(names = "--data", paramLabel = "DIR",
        description = "Read diagnostics.optional from the governance ledger in DIR (SQLite) "
            + "(used when no --settings file and no IN.settings.jsonl is given).")
    Path data;

    @Option(names = "--db", paramLabel = "JDBC_URL",
        description = "Read diagnostics.optional from a PostgreSQL ledger.")
    String db;

    @Option(names = "--db-schema", defaultValue = DbOptions.DEFAULT_SCHEMA, paramLabel = "NAME",
        description = "With --db: the PostgreSQL schema (default covenant, as serve's).")
    String dbSchema = DbOptions.DEFAULT_SCHEMA;

    @Option(names = "--ledger", paramLabel = "FILE",
        description = "Privacy budget ledger (default OUT/privacy-ledger.jsonl).")
    Path ledger;

    @Option(names = "--budget", paramLabel = "E",
        description = "Refuse a release that would take the ledger's ε on this input above E.")
    String budget;

    @Option(names = "--headroom", defaultValue = "0.25", description = "Capacity headroom (default 0.25).")
    double headroom;

    @Option(names = "--latency-ms", defaultValue = "120", description = "Latency bound of shifts (default 120).")
    int latencyMs;

    @Option(names = "--max-share", defaultValue = "0.4",
        description = "Largest share of an hour's load to move (default 0.4).")
    double maxShare;

    @Option(names = "--threads", defaultValue = "2", description = "Aggregation threads (default 2).")
    int threads;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "in-process",
        description = {"in-process (default) or spark: contribution bounding and the bounded sums",
            "on Apache Spark; the noise is drawn here, in the driver (docs/spark.md)."})
    String engine;

    @Option(names = "--master", paramLabel = "URL",
        description = "Spark master with --engine spark (default: local[*], or spark-submit's).")
    Optional<String> master;

    @Override
    public Integer call() {
      boolean spark = engine.equals("spark");
      if (!spark && !engine.equals("in-process")) {
        return invalid(spec, "--engine: `" + engine + "` is not an engine (in-process or spark)");
      }
      if (!spark && master.isPresent()) {
        return invalid(spec, "--master: only with --engine spark");
      }
      if (spark && !SparkEngine.available()) {
        return invalid(spec, SparkEngine.missing("--engine").toString());
      }
      Mechanism m = Mechanism.of(mechanism).orElse(null);
      if (m == null) {
        return invalid(spec, "--mechanism: `" + mechanism + "` is not gaussian or laplace");
      }
      PrivacyParams params;
      Optional<Rational> cap;
      TelemetryReport.Options o;
      try {
        params = new PrivacyParams(m, Rational.parse(epsilon), m == Mechanism.LAPLACE ? 0 : delta,
            minGroup);
        cap = budget == null ? Optional.empty() : Optional.of(Rational.parse(budget));
        TelemetryReport.Options d = TelemetryReport.Options.of(in, out, params,
            seed == null ? OptionalLong.empty() : OptionalLong.of(seed));
        o = new TelemetryReport.Options(in, out, params, d.seed(), Optional.ofNullable(settings),
            Optional.ofNullable(ledger), cap, headroom, latencyMs, maxShare, threads, d.metrics());
        // the planner validates its own bounds; fail here, as invalid input, not mid-run
        org.covenant.telemetry.LoadPlanner.create(RegionGraph.platform(), headroom, latencyMs, maxShare);
      } catch (IllegalArgumentException e) {
        return invalid(spec, "--epsilon/--delta/--budget/--min-group/--headroom/--max-share: "
            + e.getMessage());
      }
      RateLine progress = new RateLine(spec.commandLine().getErr());
      long t0 = System.nanoTime();
      TelemetryReport.ReportOutcome outcome;
      if (data != null || db != null) {
        // The composition root's wiring: consent as the core resolves it from the ledger.
        org.covenant.store.LedgerConfig config;
        try {
          config = org.covenant.store.LedgerConfig.of(Optional.ofNullable(data),
              Optional.ofNullable(db));
          if (config instanceof org.covenant.store.LedgerConfig.Postgres pg) {
            config = pg.withSchema(dbSchema);
          }
        } catch (org.covenant.store.StoreException e) {
          return invalid(spec, "--data/--db: " + e.getMessage());
        }
        Optional<org.covenant.store.LedgerConfig.Postgres> cluster =
            config instanceof org.covenant.store.LedgerConfig.Postgres pg ? Optional.of(pg)
                : Optional.empty();
        try (LoggedLedger l = LoggedLedger.open(config, Optional.ofNullable(data),
            org.covenant.format.TermsLibrary.builtInCatalog());
            JobLog jobs = cluster.map(JobLog::cluster).orElse(null)) {
          // Each release's budget entry becomes one transparency-log leaf (ARCHITECTURE.md §7):
          // the data directory's log, or with --db the cluster's, queued for its elected writer
          // as a dataset build's leaf is (docs/CLUSTER.md, "Job leaves").
          org.covenant.telemetry.ReleaseRecorder toLog = entry -> {
            byte[] leaf = org.covenant.evidence.JobLeaves.telemetryRelease(entry);
            if (jobs != null) {
              jobs.append(leaf);
            } else {
              l.log().ifPresent(log -> log.append(List.of(leaf)));
            }
          };
          outcome = run(TelemetryReport.create(org.covenant.telemetry.SchemaCatalogue.platform(),
              RegionGraph.platform(),
              org.covenant.telemetry.SnapshotDiagnosticsConsent.over(l.ledger().snapshot()),
              toLog, Clock.systemUTC()), o, progress, spark);
        } catch (org.covenant.log.LogException e) {
          if (cluster.isPresent()) {
            // The release is in the budget ledger; its leaf is not in the cluster's log.
            spec.commandLine().getErr().println("covenant: " + e.code() + ": " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
          }
          return invalid(spec, "--data/--db: " + e.getMessage());
        } catch (org.covenant.store.StoreException e) {
          return invalid(spec, "--data/--db: " + e.getMessage());
        }
      } else {
        outcome = run(TelemetryReport.create(Clock.systemUTC()), o, progress, spark);
      }
      PrintWriter w = spec.commandLine().getOut();
      if (outcome instanceof TelemetryReport.ReportOutcome.Invalid bad) {
        return invalid(spec, bad.problem().describe());
      }
      if (outcome instanceof TelemetryReport.ReportOutcome.Refused refused) {
        spec.commandLine().getErr().println("covenant: " + refused.code() + ": " + refused.message());
        spec.commandLine().getErr().flush();
        return 1;
      }
      ObjectNode s = ((TelemetryReport.ReportOutcome.Written) outcome).summary();
      w.printf("read %,d events: %,d accepted, %,d quarantined %s, %,d optional dropped%n",
          s.at("/events/read").asLong(), s.at("/events/accepted").asLong(),
          s.at("/events/quarantined").asLong(), s.at("/quarantine/by_reason"),
          s.at("/events/dropped_optional_not_allowed").asLong());
      w.printf("released %s ε=%s (%s); plan: provisioned peak %.0f -> %.0f (-%.1f%%), %d shifts%n",
          s.at("/release/mechanism").asText(), s.at("/release/epsilon").asText(),
          s.at("/release/seeded").asBoolean() ? "seeded noise, not for publication" : "SecureRandom",
          s.at("/plan/total_peak_before").asDouble(), s.at("/plan/total_peak_after").asDouble(),
          s.at("/plan/peak_reduction").asDouble() * 100, s.at("/plan/shifts").size());
      w.printf("wrote heatmap.png|svg, plan.png|svg, summary.json to %s in %.1f s%n", out,
          (System.nanoTime() - t0) / 1e9);
      w.flush();
      return 0;
    }

    private TelemetryReport.ReportOutcome run(TelemetryReport report, TelemetryReport.Options o,
        StageProgress progress, boolean spark) {
      return spark ? SparkEngine.telemetryReport(master, report, o, progress)
          : report.run(o, progress);
    }
  }

  private static int invalid(CommandLine.Model.CommandSpec spec, String message) {
    spec.commandLine().getErr().println("covenant: invalid input: " + message);
    spec.commandLine().getErr().flush();
    return 2;
  }

  /** StageProgress as one stderr line per stage step with the rate, at most one a second. */
  private static final class RateLine implements StageProgress {
    private final PrintWriter err;
    private long start = System.nanoTime();
    private long last;
    private String stage = "";

    RateLine(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void update(String stage, long done, long total) {
      long now = System.nanoTime();
      boolean finished = total > 0 && done >= total;
      if (!stage.equals(this.stage)) {
        // rates are per stage
        start = now;
      }
      if (!stage.equals(this.stage) || now - last > 1_000_000_000L || finished) {
        this.stage = stage;
        last = now;
        double s = (now - start) / 1e9;
        String unit = stage.equals("read") ? "bytes" : "events";
        // a stage's first report comes before any time has passed: no rate yet
        String rate = s < 0.05 ? "" : String.format(" %,.0f %s/s", done / s, unit);
        err.printf("%s %,d%s %s (%.1f%%)%s%n", stage, done,
            total > 0 ? "/" + String.format("%,d", total) : "", unit,
            total > 0 ? 100.0 * done / total : 0, rate);
        err.flush();
      }
    }
  }
}
