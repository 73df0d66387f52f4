package org.covenant.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.covenant.telemetry.BoundedAggregator;
import org.covenant.telemetry.BoundedSums;
import org.covenant.telemetry.CellGrid;
import org.covenant.telemetry.DiagnosticsConsent;
import org.covenant.telemetry.EventTable;
import org.covenant.telemetry.GuardResult;
import org.covenant.telemetry.IngestionGuard;
import org.covenant.telemetry.Metric;
import org.covenant.telemetry.RegionGraph;
import org.covenant.telemetry.SchemaCatalogue;
import org.covenant.telemetry.StageProgress;
import org.covenant.telemetry.TelemetryGenerator;
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

/**
 * Telemetry aggregation side by side with DuckDB (ISSUE 8, speed): the same generated week of
 * telemetry, guarded once, then the three load metrics (meeting minutes, participants, bandwidth)
 * aggregated per region × hour-of-week cell with per-account contribution bounding (an account's
 * {@code maxCells} largest cells, each clamped to {@code maxPerCell}; distinct accounts; raw sums).
 * {@code covenant} is {@link BoundedAggregator} over the in-memory columns; {@code duckdb} is one SQL
 * query over the same rows in an in-memory DuckDB table, with the same thread count. Setup checks
 * that both give identical cells before anything is timed. {@code duckdbUnboundedFloor} (a plain
 * per-cell sum, not the same aggregate) shows DuckDB's floor. Score: ms per aggregation of all rows;
 * events/s = {@link #rows} / score (printed at setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class TelemetryBenchmark {
  @Param({"10000000"})
  public int events;

  @Param({"2"})
  public int threads;

  private GuardResult guarded;
  private List<Metric> metrics;
  private Connection duck;
  private String sql;
  private String floorSql;
  /** Rows aggregated per operation (the three metric tables). */
  public long rows;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    RegionGraph graph = RegionGraph.platform();
    TelemetryGenerator.Generated g = TelemetryGenerator.create(graph)
        .generate(TelemetryGenerator.Options.of(events, 7), StageProgress.none());
    guarded = IngestionGuard.create(SchemaCatalogue.platform(), graph, DiagnosticsConsent.allowAll())
        .guard(g.data(), StageProgress.none());
    metrics = Metric.platform();
    duck = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement s = duck.createStatement()) {
      s.execute("SET threads = " + threads);
      s.execute("CREATE TABLE t (m TINYINT, account INTEGER, region TINYINT, ts INTEGER, v INTEGER)");
    }
    rows = 0;
    try (DuckDBAppender app = ((DuckDBConnection) duck).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "t")) {
      for (int m = 0; m < metrics.size(); m++) {
        EventTable t = guarded.table(metrics.get(m).type()).orElseThrow();
        int[] account = t.require("account").ints();
        byte[] region = t.require("region").bytes();
        int[] at = t.require("at").ints();
        int[] v = t.require(metrics.get(m).field()).ints();
        for (int i = 0; i < t.rows(); i++) {
          app.beginRow();
          app.append((byte) m);
          app.append(account[i]);
          app.append(region[i]);
          app.append(at[i]);
          app.append(v[i]);
          app.endRow();
        }
        rows += t.rows();
      }
    }
    StringBuilder maxCells = new StringBuilder("CASE m");
    StringBuilder maxPerCell = new StringBuilder("CASE m");
    for (int m = 0; m < metrics.size(); m++) {
      maxCells.append(" WHEN ").append(m).append(" THEN ").append(metrics.get(m).bounds().maxCells());
      maxPerCell.append(" WHEN ").append(m).append(" THEN ").append(metrics.get(m).bounds().maxPerCell());
    }
    maxCells.append(" END");
    maxPerCell.append(" END");
    int offset = CellGrid.offset(guarded.baseEpochSecond());
    sql = "WITH c AS (SELECT m, account, region * 168 + ((ts + " + offset + ") % 604800) // 3600 AS cell,"
        + " sum(v) AS raw FROM t GROUP BY m, account, cell),"
        + " r AS (SELECT m, cell, raw, row_number() OVER (PARTITION BY m, account"
        + " ORDER BY raw DESC, cell DESC) AS rk FROM c)"
        + " SELECT m, cell, sum(CASE WHEN rk <= " + maxCells + " THEN least(raw, " + maxPerCell
        + ") ELSE 0 END)::BIGINT AS bounded, sum(raw)::BIGINT AS raw,"
        + " count(*) FILTER (WHERE rk <= " + maxCells + ") AS accounts FROM r GROUP BY m, cell";
    floorSql = "SELECT m, region * 168 + ((ts + " + offset + ") % 604800) // 3600 AS cell,"
        + " sum(v)::BIGINT FROM t GROUP BY m, cell";
    long[][][] java = cells(covenant());
    long[][][] db = duckdb();
    for (int m = 0; m < metrics.size(); m++) {
      for (int k = 0; k < 3; k++) {
        if (!Arrays.equals(java[m][k], db[m][k])) {
          throw new IllegalStateException("covenant and duckdb disagree on " + metrics.get(m).id());
        }
      }
    }
    System.out.printf("%n%,d events generated, %,d metric rows aggregated per operation%n", events, rows);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    duck.close();
  }

  /** The three metrics with {@link BoundedAggregator}. */
  @Benchmark
  public List<BoundedSums> covenant() {
    List<BoundedSums> out = new ArrayList<>(metrics.size());
    for (Metric m : metrics) {
      out.add(BoundedAggregator.aggregate(guarded, m, threads));
    }
    return out;
  }

  /** The three metrics in one DuckDB query over the same rows. */
  @Benchmark
  public long[][][] duckdb() throws SQLException {
    int cells = CellGrid.cells(guarded.regions().size());
    long[][][] out = new long[metrics.size()][3][cells];
    try (Statement s = duck.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        int m = r.getInt(1);
        int c = r.getInt(2);
        out[m][0][c] = r.getLong(3);
        out[m][1][c] = r.getLong(4);
        out[m][2][c] = r.getLong(5);
      }
    }
    return out;
  }

  /**
   * Reference only, not the same aggregate: DuckDB's plain per-cell sum with no bounding and no
   * distinct count, the floor of what any SQL formulation of the bounded query can cost.
   */
  @Benchmark
  public long[] duckdbUnboundedFloor() throws SQLException {
    int cells = CellGrid.cells(guarded.regions().size());
    long[] out = new long[metrics.size() * cells];
    try (Statement s = duck.createStatement(); ResultSet r = s.executeQuery(floorSql)) {
      while (r.next()) {
        out[r.getInt(1) * cells + r.getInt(2)] = r.getLong(3);
      }
    }
    return out;
  }

  private static long[][][] cells(List<BoundedSums> sums) {
    long[][][] out = new long[sums.size()][3][];
    for (int m = 0; m < sums.size(); m++) {
      BoundedSums s = sums.get(m);
      out[m][0] = s.bounded();
      out[m][1] = s.raw();
      out[m][2] = Arrays.stream(s.accounts()).asLongStream().toArray();
    }
    return out;
  }
}
