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

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.covenant.telemetry.BoundedAggregator;
import org.covenant.telemetry.BoundedSums;
import org.covenant.telemetry.CellGrid;
import org.covenant.telemetry.ContributionBounds;

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
  private SparkTelemetry() {}

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
