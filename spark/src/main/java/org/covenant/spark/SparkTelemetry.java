package org.covenant.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.covenant.telemetry.BoundedAggregator;
import org.covenant.telemetry.BoundedSums;
import org.covenant.telemetry.CellGrid;
import org.covenant.telemetry.ContributionBounds;
import org.covenant.telemetry.EventTable;
import org.covenant.telemetry.GuardResult;
import org.covenant.telemetry.Metric;
import org.covenant.telemetry.TelemetryException;
import org.covenant.telemetry.TelemetryReport;

/**
 * Telemetry's contribution-bounded aggregate ({@link BoundedAggregator}) as a Spark job: the
 * same {@link BoundedSums}, so the existing release (the noise drawn once per released cell by
 * the exact samplers, in the driver) applies unchanged.
 *
 * <p>Input: {@code account} (int pseudonym), {@code region} (public region index), {@code at}
 * (seconds from {@code baseEpochSecond}, non-negative) and a non-negative value column. Per
 * account and region × hour-of-week cell the values are summed; an account active in more than
 * {@code maxCells} cells keeps its largest (ties: the higher cell index; sums compared capped at
 * 2^46 − 1, as in process); each kept sum is clamped to {@code maxPerCell}. Unlike the in-process
 * kernel the rows need not be clustered by account: Spark groups them.
 */
public final class SparkTelemetry {
  /** Rows per partition of the guarded events shipped to the executors (13 bytes a row). */
  static final int CHUNK_ROWS = 1 << 20;

  private SparkTelemetry() {}

  /**
   * {@code telemetry report}'s aggregation on {@code spark}: each metric's accepted events (the
   * driver read and guarded the CTEL file) become a DataFrame of {@code account}, {@code region},
   * {@code at} and the metric's field, in partitions of {@value #CHUNK_ROWS} rows, and
   * {@link #aggregate(Dataset, String, String, int, long, ContributionBounds)} bounds and sums
   * them on the executors.
   */
  public static TelemetryReport.CellAggregation on(SparkSession spark) {
    return (guarded, metric, threads) -> aggregate(spark, guarded, metric);
  }

  /** The bounded sums of {@code metric} over {@code guarded}'s accepted events, on Spark. */
  public static BoundedSums aggregate(SparkSession spark, GuardResult guarded, Metric metric) {
    if (guarded.spanSeconds() > Integer.MAX_VALUE - CellGrid.WEEK) {
      // the in-process kernel's own limit, with its code
      throw new TelemetryException("window_too_long", "span of " + guarded.spanSeconds() + " s");
    }
    List<Chunk> chunks = new ArrayList<>();
    EventTable t = guarded.table(metric.type()).orElse(null);
    if (t != null) {
      int[] account = t.require("account").ints();
      byte[] region = t.require("region").bytes();
      int[] at = t.require("at").ints();
      int[] value = t.require(metric.field()).ints();
      for (int from = 0; from < t.rows(); from += CHUNK_ROWS) {
        int to = Math.min(t.rows(), from + CHUNK_ROWS);
        chunks.add(new Chunk(Arrays.copyOfRange(account, from, to),
            Arrays.copyOfRange(region, from, to), Arrays.copyOfRange(at, from, to),
            Arrays.copyOfRange(value, from, to)));
      }
    }
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(chunks, Math.max(1, chunks.size())).flatMap(Chunk::rows);
    StructType schema = new StructType().add("account", DataTypes.IntegerType, false)
        .add("region", DataTypes.IntegerType, false).add("at", DataTypes.IntegerType, false)
        .add("value", DataTypes.IntegerType, false);
    return aggregate(spark.createDataFrame(rows, schema), metric.id(), "value",
        guarded.regions().size(), guarded.baseEpochSecond(), metric.bounds());
  }

  /** A slice of one event type's columns, shipped to an executor as one partition. */
  private record Chunk(int[] account, byte[] region, int[] at, int[] value)
      implements Serializable {
    Iterator<Row> rows() {
      return new Iterator<>() {
        private int i;

        @Override
        public boolean hasNext() {
          return i < account.length;
        }

        @Override
        public Row next() {
          if (i >= account.length) {
            throw new NoSuchElementException();
          }
          Row r = RowFactory.create(account[i], region[i] & 0xff, at[i], value[i]);
          i++;
          return r;
        }
      };
    }
  }

  /** The bounded sums of {@code value} over {@code events}, per cell. */
  public static BoundedSums aggregate(Dataset<Row> events, String metric, String value,
      int regions, long baseEpochSecond, ContributionBounds bounds) {
    int offset = CellGrid.offset(baseEpochSecond);
    Column cell = expr("region * " + CellGrid.HOURS + " + (" + offset / 3600 + " + ((`at` + "
        + offset % 3600 + ") div 3600)) % " + CellGrid.HOURS).cast("int");
    Dataset<Row> sums = events.select(col("account"), cell.as("cell"),
            col("`" + value + "`").cast("long").as("v"))
        .groupBy("account", "cell").agg(sum("v").as("s"));
    WindowSpec byAccount = Window.partitionBy("account");
    Dataset<Row> ranked = sums
        .withColumn("rank", row_number().over(byAccount.orderBy(
            least(col("s"), lit((1L << 46) - 1)).desc(), col("cell").desc())))
        .withColumn("n", count(lit(1)).over(byAccount))
        .withColumn("kept", col("rank").leq(bounds.maxCells()))
        .withColumn("b", least(col("s"), lit(bounds.maxPerCell())))
        .cache();
    try {
      int cells = CellGrid.cells(regions);
      long[] bounded = new long[cells];
      long[] raw = new long[cells];
      int[] accounts = new int[cells];
      for (Row r : ranked.groupBy("cell").agg(sum("s"),
          sum(when(col("kept"), col("b")).otherwise(0L)),
          count(when(col("kept"), 1))).collectAsList()) {
        int c = r.getInt(0);
        raw[c] = r.getLong(1);
        bounded[c] = r.getLong(2);
        accounts[c] = (int) r.getLong(3);
      }
      Row t = ranked.agg(count_distinct(col("account")),
          count_distinct(when(col("n").gt(bounds.maxCells()), col("account"))),
          count(when(col("kept").and(col("s").gt(bounds.maxPerCell())), 1))).first();
      return new BoundedSums(metric, regions, bounded, raw, accounts, t.getLong(0), t.getLong(1),
          t.getLong(2));
    } finally {
      ranked.unpersist();
    }
  }
}
