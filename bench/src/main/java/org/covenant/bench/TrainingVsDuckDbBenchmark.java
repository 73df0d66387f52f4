package org.covenant.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.store.LedgerConfig;
import org.covenant.store.SqliteEventStore;
import org.covenant.training.BatchKernel;
import org.covenant.training.ContentCorpus;
import org.covenant.training.CorpusFile;
import org.covenant.training.LedgerIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Bulk: which records of a corpus may be used for {@code ai.training} at 2025-01-01, decided by
 * Covenant's training kernel ({@link BatchKernel}, the dataset build's own path on
 * {@code threads} threads) and by DuckDB, on the corpus and ledger {@code covenant corpus
 * generate} wrote (the 10M corpus: see docs/BENCHMARKS.md). Before any timing, setup checks that
 * both select exactly the same records (count, sum of indices, sum of squared indices mod a
 * prime) and stops if they differ.
 *
 * <p>DuckDB is given the records, each record's other contributors (with the record's creation
 * time copied in), and the ledger's terms and {@code ai_training} consent timelines as tables,
 * and the four built-in terms hand-translated into one SQL {@code CASE} over category, T_use and
 * T_capture; states "as of capture" are {@code ASOF LEFT JOIN}s on the timelines
 * ({@code duckdbAsof}) or equi-joins on validity intervals made by a window
 * ({@code duckdbIntervals}, faster here). Covenant is
 * given the corpus and the ledger index; it evaluates the terms files themselves.
 *
 * <pre>
 * covenant corpus generate --records 10000000 --accounts 100000 --seed 7 \
 *     --out /tmp/covenant-10m/corpus.cvc --data /tmp/covenant-10m/data
 * java -jar bench/target/benchmarks.jar TrainingVsDuckDbBenchmark -foe true
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms6g", "-Xmx6g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class TrainingVsDuckDbBenchmark {
  private static final Instant USE = Instant.parse("2025-01-01T00:00:00Z");

  @Param({"/tmp/covenant-10m/corpus.cvc"})
  public String corpus;

  @Param({"/tmp/covenant-10m/data"})
  public String data;

  @Param({"2"})
  public int threads;

  private BatchKernel.Plan plan;
  private boolean[] allowedOutcome;
  private DuckDbTrainingSelection duck;
  private int records;

  /** Process CPU time (every thread, DuckDB's native ones included) per operation. */
  @State(Scope.Thread)
  public static class Cpu {
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long start;
    private long cpu;
    private int ops;

    @Setup(Level.Iteration)
    public void begin() {
      start = os.getProcessCpuTime();
    }

    @TearDown(Level.Iteration)
    public void end(IterationParams p) {
      if (p.getType() == IterationType.MEASUREMENT) {
        cpu += os.getProcessCpuTime() - start;
        ops++;
      }
    }

    @TearDown(Level.Trial)
    public void report(TrainingVsDuckDbBenchmark b) {
      if (ops > 0) {
        double ms = cpu / 1e6 / ops;
        System.out.printf(Locale.ROOT, "%ncpu-per-op %.1f ms of process CPU = %.1f M records "
            + "per CPU-second (%d records, load average %.2f)%n", ms, b.records / ms / 1e3,
            b.records, os.getSystemLoadAverage());
      }
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    Path file = Path.of(corpus);
    Path dir = Path.of(data);
    if (!Files.isRegularFile(file) || !Files.isDirectory(dir)) {
      throw new IllegalStateException("no corpus at `" + file + "` or ledger at `" + dir
          + "`: run covenant corpus generate --records 10000000 --accounts 100000 --seed 7 "
          + "--out " + file + " --data " + dir);
    }
    ContentCorpus c = ok(CorpusFile.read(file));
    records = c.size();
    List<Event> events = new ArrayList<>();
    LedgerIndex.Builder b = LedgerIndex.builder(TermsLibrary.builtInCatalog());
    try (SqliteEventStore store = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      long pos = 0;
      while (true) {
        List<StoredEvent> page = store.read(pos, 50_000);
        if (page.isEmpty()) {
          break;
        }
        for (StoredEvent e : page) {
          b.accept(e);
          events.add(e.event());
        }
        pos = page.get(page.size() - 1).position();
      }
    }
    BatchKernel kernel = ok(BatchKernel.compile(ok(b.build()),
        Vocabulary.purpose("ai.training").orElseThrow(), TimeKey.of(USE)));
    plan = ok(kernel.bind(c));
    allowedOutcome = new boolean[plan.outcomes().size()];
    for (int i = 0; i < allowedOutcome.length; i++) {
      allowedOutcome[i] = plan.outcome(i).allowed();
    }
    duck = DuckDbTrainingSelection.load(c, events, threads, TimeKey.of(USE));
    long[] k = kernel();
    for (DuckDbTrainingSelection.Formulation f : DuckDbTrainingSelection.Formulation.values()) {
      long[] d = duck.select(f);
      System.out.printf(Locale.ROOT, "%n%,d records, %,d ledger events; kernel allows %,d, DuckDB "
          + "(%s) allows %,d%n", records, events.size(), k[0], f, d[0]);
      if (k[0] != d[0] || k[1] != d[1] || k[2] != d[2]) {
        throw new IllegalStateException(String.format(Locale.ROOT, "the kernel and DuckDB (%s) "
            + "select different records: kernel (count, sum, sum of squares mod p) = (%d, %d, "
            + "%d), DuckDB = (%d, %d, %d)", f, k[0], k[1], k[2], d[0], d[1], d[2]));
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    duck.close();
  }

  /** Every record through the kernel, as a dataset build runs it: (allowed, sum, sum sq). */
  @Benchmark
  public long[] covenantKernel(Cpu cpu) {
    return kernel();
  }

  /** The same selection in one DuckDB query (ASOF joins on the timelines). */
  @Benchmark
  public long[] duckdbAsof(Cpu cpu) throws SQLException {
    return duck.select(DuckDbTrainingSelection.Formulation.ASOF);
  }

  /** The same selection with the timelines as validity intervals (DuckDB's faster form here). */
  @Benchmark
  public long[] duckdbIntervals(Cpu cpu) throws SQLException {
    return duck.select(DuckDbTrainingSelection.Formulation.INTERVALS);
  }

  private long[] kernel() {
    return DuckDbTrainingSelection.summary(plan.evaluateAll(threads, done -> { }).outcomes(),
        allowedOutcome);
  }

  private static <T> T ok(Result<T> r) {
    if (r instanceof Result.Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException(((Result.Failed<T>) r).problems().toString());
  }
}
