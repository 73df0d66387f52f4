package org.covenant.spark;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.covenant.format.Problem;
import org.covenant.format.Result;
import org.covenant.telemetry.StageProgress;
import org.covenant.telemetry.TelemetryReport;
import org.covenant.training.BuildLog;
import org.covenant.training.ContentCorpus;
import org.covenant.training.DatasetBuilder;
import org.covenant.training.DatasetManifest;
import org.covenant.training.LedgerIndex;
import org.covenant.training.Progress;

/**
 * The CLI's door to Spark. Spark is {@code provided}: the CLI jar does not carry it, so this
 * class names no Spark type and checks that Spark is on the class path before anything touches
 * it ({@code ./covenant} adds {@code spark/target/spark.classpath} for {@code --engine spark}
 * and {@code --format parquet}; {@code spark-submit} brings its own).
 */
public final class SparkEngine {
  private SparkEngine() {}

  /** Whether Spark's classes can be loaded. */
  public static boolean available() {
    try {
      Class.forName("org.apache.spark.sql.SparkSession", false,
          SparkEngine.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The problem to report when Spark is not on the class path. */
  public static Problem missing(String option) {
    return new Problem(option, "", "", "Apache Spark is not on the class path: run `./covenant` "
        + "from a built checkout (it adds spark/target/spark.classpath), or submit the job with "
        + "spark-submit (docs/spark.md)");
  }

  /**
   * A dataset build on Spark: a session on {@code master} (or the one spark-submit configured
   * when empty), the build, the session stopped.
   */
  public static Result<DatasetManifest> datasetBuild(Optional<String> master,
      DatasetBuilder.Request req, LedgerIndex ledger, BuildLog log, Progress progress,
      Instant now) {
    return SparkJobs.datasetBuild(master, req, ledger, log, progress, now);
  }

  /**
   * {@code telemetry report --engine spark}: {@code report} run with its contribution bounding
   * and bounded sums on a Spark session on {@code master} (or spark-submit's when empty); the
   * read, the guard, the noise (the exact samplers, once per released cell) and the outputs stay
   * in this process, the driver.
   */
  public static TelemetryReport.ReportOutcome telemetryReport(Optional<String> master,
      TelemetryReport report, TelemetryReport.Options options, StageProgress progress) {
    return SparkJobs.telemetryReport(master, report, options, progress);
  }

  /** Writes {@code corpus} as Parquet ({@link CorpusParquet}). */
  public static void exportParquet(ContentCorpus corpus, Path out) {
    CorpusParquet.write(corpus, out);
  }
}
