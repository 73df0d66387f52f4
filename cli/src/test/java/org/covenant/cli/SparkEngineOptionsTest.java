package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's Spark options without Spark on the class path (as in {@code covenant.jar} run with
 * {@code java -jar}): exit 2 with a message that says how to get it, before anything is read or
 * written. The Spark runs themselves are the spark module's tests.
 */
class SparkEngineOptionsTest {
  @TempDir Path dir;

  @Test
  void engineSpark_withoutSpark_saysHowToGetIt() {
    LogWiringTest.Run r = LogWiringTest.cli("dataset", "build", "--engine", "spark", "--data",
        dir.resolve("data").toString(), "--corpus", dir.resolve("c.parquet").toString(),
        "--purpose", "ai.training", "--out", dir.resolve("ds").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--engine", "Apache Spark is not on the class path",
        "spark.classpath", "spark-submit");
    assertThat(dir.resolve("ds")).doesNotExist();
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void unknownEngine_andMasterWithoutSpark_areRefused() {
    LogWiringTest.Run r = LogWiringTest.cli("dataset", "build", "--engine", "sparc", "--data",
        dir.toString(), "--corpus", "c", "--purpose", "ai.training", "--out", "o");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("`sparc` is not an engine (in-process or spark)");
    r = LogWiringTest.cli("dataset", "build", "--master", "local[2]", "--data", dir.toString(),
        "--corpus", "c", "--purpose", "ai.training", "--out", "o");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--master", "only with --engine spark");
  }

  @Test
  void telemetryReport_engineSparkWithoutSpark_andBadEngines_areRefusedBeforeReading() {
    LogWiringTest.Run r = LogWiringTest.cli("telemetry", "report", "--engine", "spark",
        "--in", dir.resolve("missing.ctel").toString(), "--out", dir.resolve("r").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--engine", "Apache Spark is not on the class path",
        "spark.classpath", "spark-submit");
    assertThat(dir.resolve("r")).doesNotExist();
    r = LogWiringTest.cli("telemetry", "report", "--engine", "duckdb", "--in", "t.ctel",
        "--out", dir.resolve("r").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("`duckdb` is not an engine (in-process or spark)");
    r = LogWiringTest.cli("telemetry", "report", "--master", "local[2]", "--in", "t.ctel",
        "--out", dir.resolve("r").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--master", "only with --engine spark");
  }

  @Test
  void exportParquet_withoutSpark_andUnknownFormats_areRefused() {
    LogWiringTest.Run r = LogWiringTest.cli("corpus", "export", dir.resolve("c.cvc").toString(),
        "--format", "parquet", "--out", dir.resolve("c.parquet").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--format", "Apache Spark is not on the class path");
    r = LogWiringTest.cli("corpus", "export", dir.resolve("c.cvc").toString(), "--format", "orc",
        "--out", dir.resolve("c.orc").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("`orc` is not an export format (parquet)");
  }
}
