package org.covenant.spark;

import java.time.Instant;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.covenant.format.Result;
import org.covenant.telemetry.StageProgress;
import org.covenant.telemetry.TelemetryReport;
import org.covenant.training.BuildLog;
import org.covenant.training.DatasetBuilder;
import org.covenant.training.DatasetManifest;
import org.covenant.training.LedgerIndex;
import org.covenant.training.Progress;

/** Spark sessions for the CLI's jobs (only loaded once {@link SparkEngine#available()}). */
final class SparkJobs {
  private SparkJobs() {}

  static SparkSession session(Optional<String> master, String app) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName(app);
    if (master.isPresent()) {
      b.master(master.get());
    } else if (!conf.contains("spark.master")) {
      b.master("local[*]");
    }
    String m = master.orElse(conf.get("spark.master", "local[*]"));
    if (m.startsWith("local")) {
      // One machine: no UI port to bind, and few shuffle partitions for the small aggregations.
      b.config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8");
    }
    return b.getOrCreate();
  }

  static Result<DatasetManifest> datasetBuild(Optional<String> master, DatasetBuilder.Request req,
      LedgerIndex ledger, BuildLog log, Progress progress, Instant now) {
    SparkSession spark = session(master, "covenant dataset build");
    try {
      return SparkDatasetBuild.build(spark, req, ledger, log, progress, now);
    } finally {
      spark.stop();
    }
  }

  static TelemetryReport.ReportOutcome telemetryReport(Optional<String> master,
      TelemetryReport report, TelemetryReport.Options options, StageProgress progress) {
    SparkSession spark = session(master, "covenant telemetry report");
    try {
      return report.run(options, progress, SparkTelemetry.on(spark));
    } finally {
      spark.stop();
    }
  }
}
