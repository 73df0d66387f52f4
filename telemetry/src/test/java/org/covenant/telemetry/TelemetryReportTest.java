package org.covenant.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generate, then report: the pictures, the summary with quarantine counts, the ledger. */
class TelemetryReportTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-09T06:00:00Z"), ZoneOffset.UTC);

  @TempDir static Path dir;
  static Path events;

  @BeforeAll
  static void generate() {
    TelemetryGenerator.Generated g = TelemetryGenerator.create(RegionGraph.platform())
        .generate(TelemetryGenerator.Options.of(150_000, 42), StageProgress.none());
    events = dir.resolve("events.ctel");
    CtelFile.write(g.data(), events, StageProgress.none());
    TelemetryGenerator.writeSettings(g.settings(), Path.of(events + TelemetryReport.SETTINGS_SUFFIX));
  }

  private static TelemetryReport.ReportOutcome report(Path out, PrivacyParams p, long seed) {
    return TelemetryReport.create(CLOCK).run(
        TelemetryReport.Options.of(events, out, p, OptionalLong.of(seed)), StageProgress.none());
  }

  @Test
  void report_writesHeatmapPlanAndSummaryWithQuarantineCounts() throws Exception {
    Path out = dir.resolve("report");
    TelemetryReport.ReportOutcome o = report(out,
        new PrivacyParams(Mechanism.GAUSSIAN, Rational.parse("4"), 1e-7, 10), 1);
    assertThat(o).isInstanceOf(TelemetryReport.ReportOutcome.Written.class);
    for (String f : new String[] {"heatmap.png", "heatmap.svg", "plan.png", "plan.svg", "summary.json",
        "privacy-ledger.jsonl"}) {
      assertThat(out.resolve(f)).isNotEmptyFile();
    }
    assertThat(ImageIO.read(out.resolve("heatmap.png").toFile()).getWidth()).isEqualTo(1600);
    assertThat(Files.readString(out.resolve("plan.svg"))).contains("<svg").contains("load after shifts");
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertThat(s.at("/events/read").asLong()).isEqualTo(150_000);
    assertThat(s.at("/quarantine/by_reason/direct_identifier").asLong()).isPositive();
    assertThat(s.at("/quarantine/by_reason/unexpected_field").asLong()).isPositive();
    assertThat(s.at("/events/dropped_optional_not_allowed").asLong()).isPositive();
    assertThat(s.at("/release/mechanism").asText()).isEqualTo("gaussian");
    assertThat(s.at("/release/seeded").asBoolean()).isTrue();
    assertThat(s.at("/cells").size()).isEqualTo(8 * 168);
    assertThat(s.at("/plan/peak_reduction").asDouble()).isPositive();
    assertThat(s.at("/plan/shifts").size()).isPositive();
    // the summary never carries leaked content
    assertThat(Files.readString(out.resolve("summary.json"))).doesNotContain("example.com", "Layoff", "203.0.113");
  }

  @Test
  void veryLargeEpsilon_reportsTheExactBoundedAggregates() {
    TelemetryReport.ReportOutcome.Written w = (TelemetryReport.ReportOutcome.Written) report(dir.resolve("exact"),
        PrivacyParams.laplace(Rational.parse("1e12")), 5);
    for (Metric m : Metric.platform()) {
      BoundedSums exact = BoundedAggregator.aggregate(w.guard(), m, 1);
      Release.MetricRelease r = w.release().metric(m.id()).orElseThrow();
      for (int c = 0; c < exact.bounded().length; c++) {
        assertThat(r.suppressed()[c]).isEqualTo(exact.accounts()[c] < 10);
        if (!r.suppressed()[c]) {
          assertThat(r.sum()[c]).isEqualTo(exact.bounded()[c]);
          assertThat(r.count()[c]).isEqualTo(exact.accounts()[c]);
        }
      }
    }
  }

  @Test
  void differentSeeds_differByTheStatedNoise() {
    PrivacyParams p = PrivacyParams.laplace(Rational.parse("2"));
    Release a = ((TelemetryReport.ReportOutcome.Written) report(dir.resolve("s1"), p, 1)).release();
    Release b = ((TelemetryReport.ReportOutcome.Written) report(dir.resolve("s2"), p, 2)).release();
    Release.MetricRelease x = a.metric(Metric.MINUTES).orElseThrow();
    Release.MetricRelease y = b.metric(Metric.MINUTES).orElseThrow();
    double sq = 0;
    for (int c = 0; c < x.sum().length; c++) {
      double d = x.sum()[c] - y.sum()[c];
      sq += d * d;
    }
    double var = sq / x.sum().length;
    assertThat(var / (2 * x.sumStddev() * x.sumStddev())).isBetween(0.85, 1.15);
  }

  @Test
  void budget_refusesAReleaseThatWouldOverspend() {
    Path out = dir.resolve("budget");
    PrivacyParams p = PrivacyParams.laplace(Rational.parse("1"));
    TelemetryReport r = TelemetryReport.create(CLOCK);
    TelemetryReport.Options base = TelemetryReport.Options.of(events, out, p, OptionalLong.of(1));
    TelemetryReport.Options capped = new TelemetryReport.Options(base.in(), base.out(), base.params(),
        base.seed(), base.settings(), base.ledger(), Optional.of(Rational.parse("1.5")), base.headroom(),
        base.latencyBoundMs(), base.maxShare(), base.threads(), base.metrics());
    assertThat(r.run(capped, StageProgress.none())).isInstanceOf(TelemetryReport.ReportOutcome.Written.class);
    TelemetryReport.ReportOutcome second = r.run(capped, StageProgress.none());
    assertThat(second).isInstanceOfSatisfying(TelemetryReport.ReportOutcome.Refused.class,
        x -> assertThat(x.code()).isEqualTo("budget_exhausted"));
  }

  /**
   * Issue 18: generated accounts carry region settings; the plan moves each class's load only to
   * regions it allows, and the summary says how much shift that forgoes.
   */
  @Test
  void regionRestrictions_neverShipLoadOutsideTheAllowedRegions_andTheForgoneShiftIsReported()
      throws Exception {
    TelemetryGenerator.Generated g = TelemetryGenerator.create(RegionGraph.platform())
        .generate(TelemetryGenerator.Options.of(150_000, 42), StageProgress.none());
    assertThat(g.regions()).isNotEmpty();
    assertThat(g.regions()).allSatisfy(r -> assertThat(r.allowed()).isNotEmpty()
        .allSatisfy(x -> assertThat(RegionGraph.platform().ids()).contains(x)));
    Path settings = dir.resolve("regions.settings.jsonl");
    TelemetryGenerator.writeSettings(g.settings(), settings);
    TelemetryGenerator.appendRegionSettings(g.regions(), settings);
    assertThat(RegionRestrictions.read(settings)).isInstanceOfSatisfying(Loaded.Ok.class,
        ok -> assertThat(((RegionRestrictions) ok.value()).restrictedAccounts())
            .isEqualTo(g.regions().size()));
    Path out = dir.resolve("regions");
    TelemetryReport.Options base = TelemetryReport.Options.of(events, out,
        new PrivacyParams(Mechanism.GAUSSIAN, Rational.parse("4"), 1e-7, 10), OptionalLong.of(1));
    TelemetryReport.Options o = new TelemetryReport.Options(base.in(), base.out(), base.params(),
        base.seed(), Optional.of(settings), base.ledger(), base.budget(), base.headroom(),
        base.latencyBoundMs(), base.maxShare(), base.threads(), base.metrics());
    TelemetryReport.ReportOutcome outcome = TelemetryReport.create(CLOCK).run(o, StageProgress.none());
    assertThat(outcome).isInstanceOf(TelemetryReport.ReportOutcome.Written.class);
    TelemetryReport.ReportOutcome.Written w = (TelemetryReport.ReportOutcome.Written) outcome;
    JsonNode r = w.summary().at("/plan/region_restrictions");
    assertThat(r.path("restricted_accounts").asInt()).isEqualTo(g.regions().size());
    assertThat(r.path("classes").size()).isGreaterThan(1);
    assertThat(r.path("forgone_peak_reduction").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(r.path("total_peak_after_restricted").asDouble())
        .isGreaterThanOrEqualTo(r.path("total_peak_after_unrestricted").asDouble());
    // The eu-only accounts form their own class; the plan the report draws is the restricted
    // one (LoadPlannerTest pins that a class's load never leaves its allowed regions).
    double pinnedEu = 0;
    for (JsonNode c : r.path("classes")) {
      if (c.path("allowed").asText().equals("eu-central,eu-west")) {
        pinnedEu += c.path("accounts").asInt();
      }
    }
    assertThat(pinnedEu).isPositive();
    assertThat(w.summary().at("/plan/total_peak_after").asDouble())
        .isEqualTo(r.path("total_peak_after_restricted").asDouble());
    // One budget entry for the release, per-class draws included, listing the classes: the
    // classes partition the accounts, so their draws cost ε once (4), added to the release's 4.
    java.util.List<BudgetEntry> entries = PrivacyLedger.create(out.resolve("privacy-ledger.jsonl"),
        ReleaseRecorder.none()).entries();
    assertThat(entries).hasSize(1);
    BudgetEntry e = entries.get(0);
    java.util.List<String> classNames = new java.util.ArrayList<>();
    r.path("classes").forEach(c -> classNames.add(c.path("allowed").asText()));
    assertThat(e.classes()).containsExactlyElementsOf(classNames);
    assertThat(e.epsilon()).isEqualTo("8");
    assertThat(e.spentEpsilon()).isEqualTo("8");
    assertThat(e.delta()).isEqualTo(2e-7);
    Rational sum = Rational.ZERO;
    for (BudgetEntry.QueryCharge q : e.queries()) {
      sum = sum.plus(Rational.parse(q.epsilon()));
    }
    assertThat(sum.toDecimal()).isEqualTo("8");
    assertThat(e.queries()).filteredOn(BudgetEntry.QueryCharge::perClass)
        .extracting(BudgetEntry.QueryCharge::metric).containsOnly(Metric.MINUTES).hasSize(2);
    assertThat(w.summary().at("/release/classes").size()).isEqualTo(classNames.size());
    // a budget of 6 cannot pay for ε 4 over all accounts and ε 4 per class
    TelemetryReport.Options capped = new TelemetryReport.Options(base.in(), dir.resolve("capped"),
        base.params(), base.seed(), Optional.of(settings), base.ledger(),
        Optional.of(Rational.parse("6")), base.headroom(), base.latencyBoundMs(), base.maxShare(),
        base.threads(), base.metrics());
    assertThat(TelemetryReport.create(CLOCK).run(capped, StageProgress.none()))
        .isInstanceOfSatisfying(TelemetryReport.ReportOutcome.Refused.class,
            x -> assertThat(x.code()).isEqualTo("budget_exhausted"));
  }

  @Test
  void missingInput_isInvalidInputNamingTheFile() {
    Path none = dir.resolve("none.ctel");
    TelemetryReport.ReportOutcome o = TelemetryReport.create(CLOCK).run(TelemetryReport.Options.of(none,
        dir.resolve("x"), PrivacyParams.laplace(Rational.ONE), OptionalLong.empty()), StageProgress.none());
    assertThat(o).isInstanceOfSatisfying(TelemetryReport.ReportOutcome.Invalid.class,
        i -> assertThat(i.problem().file()).isEqualTo(none.toString()));
  }
}
