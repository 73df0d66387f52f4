package org.covenant.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.store.LedgerConfig;
import org.covenant.store.SqliteEventStore;
import org.covenant.training.BatchKernel;
import org.covenant.training.Corpus;
import org.covenant.training.CorpusFile;
import org.covenant.training.LedgerIndex;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
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
 * T_capture; states "as of capture" are {@code ASOF LEFT JOIN}s on the timelines. Covenant is
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
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class TrainingVsDuckDbBenchmark {
  private static final long PRIME = 1_000_000_007L;
  private static final Instant USE = Instant.parse("2025-01-01T00:00:00Z");
  private static final List<String> TERMS = List.of("example-2023-03-31", "example-2023-08-07",
      "example-2023-08-11", "default");

  @Param({"/tmp/covenant-10m/corpus.cvc"})
  public String corpus;

  @Param({"/tmp/covenant-10m/data"})
  public String data;

  @Param({"2"})
  public int threads;

  private BatchKernel.Plan plan;
  private boolean[] allowedOutcome;
  private Connection duck;
  private String sql;
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
    Corpus c = ok(CorpusFile.read(file));
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
    duck = DriverManager.getConnection("jdbc:duckdb:");
    load(c, events);
    long[] k = covenantKernel();
    long[] d = duckdbAsof();
    System.out.printf(Locale.ROOT, "%n%,d records, %,d ledger events; kernel allows %,d, DuckDB "
        + "allows %,d%n", records, events.size(), k[0], d[0]);
    if (k[0] != d[0] || k[1] != d[1] || k[2] != d[2]) {
      throw new IllegalStateException(String.format(Locale.ROOT, "the kernel and DuckDB select "
          + "different records: kernel (count, sum, sum of squares mod p) = (%d, %d, %d), DuckDB "
          + "= (%d, %d, %d)", k[0], k[1], k[2], d[0], d[1], d[2]));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    duck.close();
  }

  /** Every record through the kernel, as a dataset build runs it: (allowed, sum, sum sq). */
  @Benchmark
  public long[] covenantKernel() {
    short[] out = plan.evaluateAll(threads, done -> { }).outcomes();
    long n = 0;
    long sum = 0;
    long sq = 0;
    for (int i = 0; i < out.length; i++) {
      if (allowedOutcome[out[i]]) {
        n++;
        sum += i;
        sq += (long) i * i % PRIME;
      }
    }
    return new long[] {n, sum, sq};
  }

  /** The same selection in one DuckDB query (ASOF joins on the timelines). */
  @Benchmark
  public long[] duckdbAsof() throws SQLException {
    try (Statement s = duck.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
    }
  }

  private void load(Corpus c, List<Event> events) throws SQLException {
    try (Statement s = duck.createStatement()) {
      s.execute("SET threads = " + threads);
      s.execute("SET memory_limit = '6GB'");
      s.execute("SET preserve_insertion_order = false");
      s.execute("CREATE TABLE records (idx INTEGER, account INTEGER, category TINYINT, "
          + "created BIGINT)");
      s.execute("CREATE TABLE contributors (idx INTEGER, account INTEGER, created BIGINT)");
      s.execute("CREATE TABLE terms_events (account INTEGER, at BIGINT, terms TINYINT)");
      s.execute("CREATE TABLE consent_events (account INTEGER, at BIGINT, in_force BOOLEAN)");
    }
    DuckDBConnection dc = (DuckDBConnection) duck;
    try (DuckDBAppender rec = dc.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "records");
        DuckDBAppender con = dc.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "contributors")) {
      for (int i = 0; i < c.size(); i++) {
        rec.beginRow();
        rec.append(i);
        rec.append(c.account(i));
        rec.append((byte) c.category(i).ordinal());
        rec.append(c.created(i));
        rec.endRow();
        for (int other : c.otherContributors(i)) {
          con.beginRow();
          con.append(i);
          con.append(other);
          con.append(c.created(i));
          con.endRow();
        }
      }
    }
    // Ledger order decides between events of one account at one instant: keep the last.
    Map<String, Object[]> terms = new LinkedHashMap<>();
    Map<String, Object[]> consents = new LinkedHashMap<>();
    for (Event e : events) {
      if (e instanceof Event.TermsAccepted t) {
        int a = c.accounts().indexOf(t.account());
        long at = TimeKey.of(t.at());
        terms.put(a + "|" + at, new Object[] {a, at, (byte) (TERMS.indexOf(t.terms()) + 1)});
      } else if (e instanceof Event.ConsentGranted g && g.consent().equals("ai_training")) {
        int a = c.accounts().indexOf(g.account());
        long at = TimeKey.of(g.at());
        consents.put(a + "|" + at, new Object[] {a, at, true});
      } else if (e instanceof Event.ConsentWithdrawn w && w.consent().equals("ai_training")) {
        int a = c.accounts().indexOf(w.account());
        long at = TimeKey.of(w.at());
        consents.put(a + "|" + at, new Object[] {a, at, false});
      }
    }
    try (DuckDBAppender t = dc.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "terms_events");
        DuckDBAppender k = dc.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "consent_events")) {
      for (Object[] row : terms.values()) {
        t.beginRow();
        t.append((int) row[0]);
        t.append((long) row[1]);
        t.append((byte) row[2]);
        t.endRow();
      }
      for (Object[] row : consents.values()) {
        k.beginRow();
        k.append((int) row[0]);
        k.append((long) row[1]);
        k.append((boolean) row[2]);
        k.endRow();
      }
    }
    sql = sql(TimeKey.of(USE));
  }

  /**
   * The four built-in terms for {@code ai.training}, hand-translated (ARCHITECTURE.md §5):
   * example-2023-03-31 permits everything (10.2, 10.4(ii)); example-2023-08-07 also forbids
   * audio, video and chat unless the owner consented at capture and at use; example-2023-08-11
   * forbids customer content; default permits customer content only when the owner and every
   * other contributor consented at capture and at use; service data is always the platform's.
   */
  static String sql(long use) {
    StringJoiner customer = new StringJoiner(", ", "(", ")");
    StringJoiner avc = new StringJoiner(", ", "(", ")");
    for (Category cat : Vocabulary.categories()) {
      if (cat.id().startsWith("customer_content.")) {
        customer.add(Integer.toString(cat.ordinal()));
      }
      if (List.of("customer_content.audio", "customer_content.video", "customer_content.chat")
          .contains(cat.id())) {
        avc.add(Integer.toString(cat.ordinal()));
      }
    }
    String allowUnder = "CASE %s WHEN 1 THEN TRUE"
        + " WHEN 2 THEN cat NOT IN " + avc + " OR owner_ok"
        + " WHEN 3 THEN cat NOT IN " + customer
        + " WHEN 4 THEN cat NOT IN " + customer + " OR (owner_ok AND contrib_ok)"
        + " ELSE FALSE END";
    return "WITH use_terms AS (SELECT account, arg_max(terms, at) AS terms FROM terms_events"
        + " WHERE at <= " + use + " GROUP BY account),"
        + " use_consent AS (SELECT account, arg_max(in_force, at) AS ok FROM consent_events"
        + " WHERE at <= " + use + " GROUP BY account),"
        + " bad AS (SELECT DISTINCT c.idx FROM contributors c"
        + " ASOF LEFT JOIN consent_events e ON c.account = e.account AND c.created >= e.at"
        + " LEFT JOIN use_consent u ON u.account = c.account"
        + " WHERE NOT (coalesce(e.in_force, FALSE) AND coalesce(u.ok, FALSE))),"
        + " d AS (SELECT r.idx, r.category AS cat, ut.terms AS tu, tc.terms AS tc,"
        + " coalesce(ec.in_force, FALSE) AND coalesce(uc.ok, FALSE) AS owner_ok,"
        + " b.idx IS NULL AS contrib_ok"
        + " FROM records r"
        + " ASOF LEFT JOIN terms_events tc ON r.account = tc.account AND r.created >= tc.at"
        + " ASOF LEFT JOIN consent_events ec ON r.account = ec.account AND r.created >= ec.at"
        + " LEFT JOIN use_terms ut ON ut.account = r.account"
        + " LEFT JOIN use_consent uc ON uc.account = r.account"
        + " LEFT JOIN bad b ON b.idx = r.idx"
        + " WHERE r.created <= " + use + ")"
        + " SELECT count(*), coalesce(sum(idx::BIGINT), 0),"
        + " coalesce(sum((idx::BIGINT * idx) % " + PRIME + "), 0) FROM d"
        + " WHERE " + String.format(allowUnder, "tu") + " AND " + String.format(allowUnder, "tc");
  }

  private static <T> T ok(Result<T> r) {
    if (r instanceof Result.Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException(((Result.Failed<T>) r).problems().toString());
  }
}
