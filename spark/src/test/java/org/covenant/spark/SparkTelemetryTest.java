package org.covenant.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.covenant.telemetry.BoundedAggregator;
import org.covenant.telemetry.BoundedSums;
import org.covenant.telemetry.ContributionBounds;
import org.junit.jupiter.api.Test;

/**
 * The Spark aggregate equals the in-process {@link BoundedAggregator} cell by cell, with the
 * bounding counters, on seeded random events with accounts that exceed both bounds; the rows
 * are shuffled for Spark, which does not need them clustered.
 */
class SparkTelemetryTest {
  @Test
  void boundedSums_equalTheInProcessKernel() {
    for (long seed : new long[] {1}) {
      Random rnd = new Random(seed);
      int n = 40_000;
      int regions = 5;
      long base = 1_730_000_000L + rnd.nextInt(604_800);
      int span = 21 * 86_400;
      int[] account = new int[n];
      byte[] region = new byte[n];
      int[] at = new int[n];
      int[] value = new int[n];
      int a = 0;
      for (int i = 0; i < n; i++) {
        if (rnd.nextInt(40) == 0) {
          a += 1 + rnd.nextInt(3);
        }
        account[i] = a;
        region[i] = (byte) rnd.nextInt(regions);
        at[i] = rnd.nextInt(span);
        value[i] = rnd.nextInt(10) == 0 ? rnd.nextInt(5_000) : rnd.nextInt(50);
      }
      ContributionBounds bounds = new ContributionBounds(4, 600);
      BoundedSums expected = BoundedAggregator.aggregate("m", account, region, at, value, n,
          regions, base, span, bounds, 2);

      List<Row> rows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        rows.add(RowFactory.create(account[i], (int) region[i], at[i], value[i]));
      }
      java.util.Collections.shuffle(rows, rnd);
      StructType schema = new StructType().add("account", DataTypes.IntegerType)
          .add("region", DataTypes.IntegerType).add("at", DataTypes.IntegerType)
          .add("bytes", DataTypes.IntegerType);
      Dataset<Row> events = LocalSpark.session().createDataFrame(rows, schema).repartition(3);
      BoundedSums got = SparkTelemetry.aggregate(events, "m", "bytes", regions, base, bounds);

      assertThat(expected.accountsTruncated()).as("some accounts exceed maxCells").isPositive();
      assertThat(expected.cellsClamped()).as("some cells exceed maxPerCell").isPositive();
      assertThat(got.bounded()).as("seed %d bounded", seed).isEqualTo(expected.bounded());
      assertThat(got.raw()).as("seed %d raw", seed).isEqualTo(expected.raw());
      assertThat(got.accounts()).as("seed %d accounts", seed).isEqualTo(expected.accounts());
      assertThat(got.accountsSeen()).isEqualTo(expected.accountsSeen());
      assertThat(got.accountsTruncated()).isEqualTo(expected.accountsTruncated());
      assertThat(got.cellsClamped()).isEqualTo(expected.cellsClamped());
    }
  }
}
