package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.covenant.core.CovenantException;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.evidence.MerkleRoot;
import org.covenant.format.Json;
import org.covenant.format.Problem;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.log.FileKeyStore;
import org.covenant.log.TiledLog;
import org.covenant.spark.SparkEngine;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PostgresEventStore;
import org.covenant.store.SqliteEventStore;
import org.covenant.training.BuildLineage;
import org.covenant.training.BuildLog;
import org.covenant.training.DatasetBuilder;
import org.covenant.training.DatasetManifest;
import org.covenant.training.LedgerIndex;
import org.covenant.training.LineageEvents;
import org.covenant.training.LineageRegistry;
import org.covenant.training.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code covenant dataset build|show|verify}: consent-filtered training datasets. */
@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    description = "Build consent-filtered datasets from a corpus and the ledger, and check them.",
    subcommands = {DatasetCommand.Build.class, DatasetCommand.Show.class,
        DatasetCommand.Verify.class})
public final class DatasetCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints problems as the CLI does everywhere and returns exit code 2. */
  static int invalid(PrintWriter err, List<Problem> problems) {
    for (Problem p : problems) {
      err.println("covenant: invalid input: " + p);
    }
    err.flush();
    return 2;
  }

  /** The built-in terms plus {@code dir}. */
  static Result<TermsCatalog> catalog(Optional<Path> dir) {
    return dir.isEmpty() ? Result.ok(TermsLibrary.builtInCatalog())
        : TermsLibrary.catalogWith(dir.get());
  }

  /** The event store of a data directory (SQLite) or a PostgreSQL URL, for reading. */
  static EventStore store(Path data, Optional<LedgerConfig.Postgres> db) {
    return db.isPresent() ? PostgresEventStore.open(db.get())
        : SqliteEventStore.open(LedgerConfig.sqlite(data));
  }

  /** Every stored event after {@code after}, in order. */
  static List<StoredEvent> events(EventStore store, long after) {
    List<StoredEvent> out = new java.util.ArrayList<>();
    long pos = after;
    while (true) {
      List<StoredEvent> page = store.read(pos, 50_000);
      if (page.isEmpty()) {
        return out;
      }
      out.addAll(page);
      pos = page.get(page.size() - 1).position();
    }
  }

  /**
   * The ledger at the head, replayed into the core projection (the one that validates events and
   * answers decisions), or the problems (terms the catalog does not know).
   */
  static Result<LedgerIndex> index(Path data, Optional<LedgerConfig.Postgres> db,
      TermsCatalog catalog,
      Progress progress) {
    try (EventStore store = store(data, db)) {
      long head = store.head();
      LedgerIndex.Builder b = LedgerIndex.builder(catalog);
      progress.start("ledger", head);
      long pos = 0;
      while (pos < head) {
        List<StoredEvent> page = store.read(pos, 50_000);
        if (page.isEmpty()) {
          break;
        }
        page.forEach(b::accept);
        pos = page.get(page.size() - 1).position();
        progress.update(pos);
      }
      progress.finish();
      return b.build();
    }
  }

  /** Progress on a terminal's stderr, nothing otherwise. */
  static Progress progress() {
    return System.console() != null ? Progress.bar(System.err) : Progress.none();
  }

  /**
   * The lineage registry: in the ledger's PostgreSQL schema with {@code --db} (so every CLI and
   * member sees one), else in the data directory (docs/CLUSTER.md, "What lives where").
   */
  static LineageRegistry lineage(Path data, Optional<LedgerConfig.Postgres> db) {
    return db.isPresent() ? LineageRegistry.postgres(db.get())
        : LineageRegistry.open(data);
  }

  /** Syncs the lineage registry with the ledger and emits an event per withdrawal found. */
  static List<LineageRegistry.Withdrawal> sync(Path data, Optional<LedgerConfig.Postgres> db,
      Optional<URI> openLineage) {
    LineageRegistry registry = lineage(data, db);
    List<StoredEvent> fresh;
    try (EventStore store = store(data, db)) {
      fresh = events(store, registry.scannedPosition());
    }
    List<LineageRegistry.Withdrawal> found = registry.sync(fresh);
    LineageEvents events = LineageEvents.create(LineageEvents.defaultFile(data), openLineage);
    for (LineageRegistry.Withdrawal w : found) {
      if (!w.flagged().isEmpty()) {
        events.withdrawal(w.account(), w.consent(), w.position(), w.builds(), w.flagged(),
            Instant.now());
      }
    }
    return found;
  }

  /** {@code dataset build}. */
  @Command(name = "build", mixinStandardHelpOptions = true,
      description = {
        "Decide one purpose for every record of a corpus against the ledger at its head, as of",
        "--at (default: now), and write the dataset directory OUT: manifest.json (counts,",
        "exclusions by reason, policy revision, ledger position, log checkpoints, the RFC 9162",
        "root of the included ids), included.ids, included.corpus and accounts.tsv. One leaf",
        "goes to the data directory's transparency log (with --db: to the cluster's log, queued",
        "for the elected writer, waited for up to 30 s); the build is registered for lineage",
        "and an OpenLineage event is appended to DIR/training/openlineage.jsonl. OUT is written",
        "under a hidden name and renamed when complete.",
        "",
        "Exit codes: 0 built, 2 invalid input (unknown purpose, bad corpus, unknown account).",
        "",
        "Example: covenant dataset build --data ./data --corpus corpus.cvc --purpose ai.training \\",
        "           --out ./datasets/train-1"})
  static final class Build implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR",
        description = "Data directory: ledger (unless --db), log, lineage registry.")
    Path data;

    @CommandLine.Mixin DbOptions dbOptions;

    @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "Corpus file.")
    Path corpus;

    @Option(names = "--purpose", required = true, paramLabel = "PURPOSE",
        description = "ai.training or product.improvement (any consent-gated purpose).")
    String purpose;

    @Option(names = "--at", paramLabel = "RFC3339", description = "Time of use (default: now).")
    Optional<String> at;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset directory.")
    Path out;

    @Option(names = "--terms-dir", paramLabel = "DIR", description = "Your own terms files.")
    Optional<Path> termsDir;

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: cores).")
    Optional<Integer> threads;

    @Option(names = "--openlineage-url", paramLabel = "URL",
        description = "Also POST the OpenLineage event to this endpoint.")
    Optional<URI> openLineage;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "in-process",
        description = {"in-process (default) or spark: decide on Apache Spark over a Parquet",
            "corpus (corpus export --format parquet; docs/spark.md); same manifest."})
    String engine;

    @Option(names = "--master", paramLabel = "URL",
        description = "Spark master with --engine spark (default: local[*], or spark-submit's).")
    Optional<String> master;

    @Override
    public Integer call() {
      PrintWriter stdout = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      boolean spark = engine.equals("spark");
      if (!spark && !engine.equals("in-process")) {
        return invalid(err, List.of(new Problem("--engine", "", "", "`" + engine
            + "` is not an engine (in-process or spark)")));
      }
      if (!spark && master.isPresent()) {
        return invalid(err, List.of(new Problem("--master", "", "",
            "only with --engine spark")));
      }
      if (spark && !SparkEngine.available()) {
        return invalid(err, List.of(SparkEngine.missing("--engine")));
      }
      long t0 = System.nanoTime();
      Instant when;
      try {
        when = at.map(Instant::parse).orElse(Instant.now());
      } catch (java.time.format.DateTimeParseException e) {
        return invalid(err, List.of(new Problem("--at", "", "", "`" + at.get()
            + "` is not an RFC 3339 time")));
      }
      Result<TermsCatalog> catalog = catalog(termsDir);
      if (catalog instanceof Result.Failed<TermsCatalog> f) {
        return invalid(err, f.problems());
      }
      Optional<LedgerConfig.Postgres> db = dbOptions.postgres();
      Progress progress = progress();
      Result<LedgerIndex> index = index(data, db,
          ((Result.Ok<TermsCatalog>) catalog).value(), progress);
      if (index instanceof Result.Failed<LedgerIndex> f) {
        return invalid(err, f.problems());
      }
      long t1 = System.nanoTime();
      DatasetBuilder.Request req = new DatasetBuilder.Request(corpus, purpose, when, out,
          threads.orElse(Runtime.getRuntime().availableProcessors()), Optional.of(data));
      LedgerIndex ledger = ((Result.Ok<LedgerIndex>) index).value();
      Result<DatasetManifest> built;
      try (JobLog log = JobLog.of(data, db)) {
        built = spark
            ? SparkEngine.datasetBuild(master, req, ledger, log.buildLog(), progress,
                Instant.now())
            : DatasetBuilder.build(req, ledger, log.buildLog(), progress, Instant.now());
      }
      if (built instanceof Result.Failed<DatasetManifest> f) {
        return invalid(err, f.problems());
      }
      DatasetManifest m = ((Result.Ok<DatasetManifest>) built).value();
      BuildLineage.record(lineage(data, db), data, m, out, corpus, openLineage, Instant.now());
      long t2 = System.nanoTime();
      ObjectNode o = Json.object();
      o.put("build", m.build());
      o.put("engine", engine);
      o.put("out", out.toString());
      o.put("purpose", m.purpose());
      o.put("at", m.at().toString());
      o.put("ledger_position", m.ledgerPosition());
      o.put("records", m.records());
      o.put("included", m.included());
      o.put("excluded", m.excluded());
      o.set("excluded_by_reason", m.json().path("excluded_by_reason"));
      o.put("merkle_root", m.includedRoot());
      o.put("log_leaf", m.logIndex());
      o.put("ledger_seconds", Math.round((t1 - t0) / 1e6) / 1e3);
      o.put("build_seconds", Math.round((t2 - t1) / 1e6) / 1e3);
      stdout.println(Json.line(o));
      stdout.flush();
      return 0;
    }
  }

  /** {@code dataset show}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print a dataset build's manifest.")
  static final class Show implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A dataset directory.")
    Path dir;

    @Override
    public Integer call() {
      Result<DatasetManifest> m = DatasetManifest.read(dir);
      if (m instanceof Result.Failed<DatasetManifest> f) {
        return invalid(spec.commandLine().getErr(), f.problems());
      }
      spec.commandLine().getOut().println(Json.pretty(((Result.Ok<DatasetManifest>) m).value().json()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code dataset verify}. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {
        "Recompute a build's included-ids root and hash and check its leaf in the log.",
        "Exit codes: 0 consistent, 1 a mismatch, 2 invalid input."})
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A dataset directory.")
    Path dir;

    @Option(names = "--data", required = true, paramLabel = "DIR",
        description = "The data directory whose log holds the build's leaf.")
    Path data;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Result<DatasetManifest> r = DatasetManifest.read(dir);
      if (r instanceof Result.Failed<DatasetManifest> f) {
        return invalid(spec.commandLine().getErr(), f.problems());
      }
      DatasetManifest m = ((Result.Ok<DatasetManifest>) r).value();
      List<String> ids = Files.readAllLines(dir.resolve(DatasetManifest.IDS), StandardCharsets.UTF_8);
      String root = MerkleRoot.of(ids.size(), i -> ids.get(i).getBytes(StandardCharsets.UTF_8)).hex();
      ObjectNode o = Json.object();
      o.put("build", m.build());
      o.put("ids", ids.size() == m.included());
      o.put("merkle_root", root.equals(m.includedRoot()));
      boolean leaf;
      try (TiledLog log = TiledLog.openReadOnly(data, FileKeyStore.load(data).orElseThrow(
          () -> new CovenantException("log_missing", "no log key in `" + data + "`")).verifier())) {
        String stored = new String(log.leaf(m.logIndex()), StandardCharsets.UTF_8);
        leaf = stored.equals(m.json().path("log").path("leaf").asText())
            && stored.contains("\"included_root\":\"" + root + "\"");
      }
      o.put("log_leaf", leaf);
      boolean ok = ids.size() == m.included() && root.equals(m.includedRoot()) && leaf;
      o.put("ok", ok);
      out.println(Json.line(o));
      out.flush();
      return ok ? 0 : 1;
    }
  }
}
