package org.covenant.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import org.covenant.telemetry.BoundedAggregator;
import org.covenant.telemetry.BoundedSums;
import org.covenant.telemetry.CtelFile;
import org.covenant.telemetry.Metric;
import org.covenant.telemetry.PrivacyParams;
import org.covenant.telemetry.Rational;
import org.covenant.telemetry.RegionGraph;
import org.covenant.telemetry.Release;
import org.covenant.telemetry.StageProgress;
import org.covenant.telemetry.TelemetryGenerator;
import org.covenant.telemetry.TelemetryReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code telemetry report --engine spark} through the CLI's entry ({@link SparkEngine
 * #telemetryReport}, on a {@code local[2]} master): with a huge ε the released aggregates are
 * exactly the in-process bounded sums, and with the same seed the whole summary equals the
 * in-process report's, cell by cell, apart from timings.
 */
class SparkTelemetryReportTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-09T06:00:00Z"), ZoneOffset.UTC);

  @TempDir static Path dir;
  static Path events;

  @BeforeAll
  static void generate() {
    TelemetryGenerator.Generated g = TelemetryGenerator.create(RegionGraph.platform())
        .generate(TelemetryGenerator.Options.of(120_000, 7), StageProgress.none());
    events = dir.resolve("events.ctel");
    CtelFile.write(g.data(), events, StageProgress.none());
    TelemetryGenerator.writeSettings(g.settings(),
        Path.of(events + TelemetryReport.SETTINGS_SUFFIX));
  }

  private static TelemetryReport.ReportOutcome.Written report(String out, PrivacyParams p,
      boolean spark) {
    TelemetryReport.Options o = TelemetryReport.Options.of(events, dir.resolve(out), p,
        OptionalLong.of(5));
    TelemetryReport r = TelemetryReport.create(CLOCK);
    TelemetryReport.ReportOutcome outcome = spark
        ? SparkEngine.telemetryReport(Optional.of("local[2]"), r, o, StageProgress.none())
        : r.run(o, StageProgress.none());
    assertThat(outcome).isInstanceOf(TelemetryReport.ReportOutcome.Written.class);
    return (TelemetryReport.ReportOutcome.Written) outcome;
  }

  @Test
  void hugeEpsilon_releasesExactlyTheInProcessBoundedSums() {
    TelemetryReport.ReportOutcome.Written w = report("exact-spark",
        PrivacyParams.laplace(Rational.parse("1e12")), true);
    int published = 0;
    for (Metric m : Metric.platform()) {
      BoundedSums exact = BoundedAggregator.aggregate(w.guard(), m, 2);
      Release.MetricRelease r = w.release().metric(m.id()).orElseThrow();
      for (int c = 0; c < exact.bounded().length; c++) {
        assertThat(r.suppressed()[c]).as("%s cell %d", m.id(), c)
            .isEqualTo(exact.accounts()[c] < 10);
        if (!r.suppressed()[c]) {
          assertThat(r.sum()[c]).as("%s cell %d", m.id(), c).isEqualTo(exact.bounded()[c]);
          assertThat(r.count()[c]).as("%s cell %d", m.id(), c).isEqualTo(exact.accounts()[c]);
          published++;
        }
      }
    }
    assertThat(published).as("released cells").isGreaterThan(1000);
  }

  @Test
  void sameSeed_givesTheSameSummaryAsTheInProcessReport() throws IOException {
    PrivacyParams p = PrivacyParams.laplace(Rational.parse("4"));
    ObjectNode local = report("local", p, false).summary().deepCopy();
    ObjectNode spark = report("spark", p, true).summary().deepCopy();
    for (ObjectNode s : new ObjectNode[] {local, spark}) {
      s.remove("timings_ms");
      s.remove("ledger");
    }
    assertThat(spark.toString()).isEqualTo(local.toString());
    assertThat(new ObjectMapper().readTree(dir.resolve("spark").resolve("summary.json").toFile())
        .at("/cells").size()).isEqualTo(RegionGraph.platform().size() * 168);
  }
}
