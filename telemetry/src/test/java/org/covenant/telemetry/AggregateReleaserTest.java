package org.covenant.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AggregateReleaserTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-09T06:00:00Z"), ZoneOffset.UTC);
  private static final List<String> REGIONS = RegionGraph.platform().ids();
  private static final List<Metric> METRICS = Metric.platform();

  /** Exact aggregates with large, varied cells (as from a busy week) and a few small ones. */
  private static List<BoundedSums> exact(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int cells = CellGrid.cells(REGIONS.size());
    List<BoundedSums> out = new ArrayList<>();
    for (Metric m : METRICS) {
      long[] bounded = new long[cells];
      long[] raw = new long[cells];
      int[] accounts = new int[cells];
      for (int c = 0; c < cells; c++) {
        accounts[c] = c % 50 == 0 ? 3 : 200 + rnd.nextInt(3000);
        bounded[c] = accounts[c] * (long) (1 + rnd.nextInt((int) m.bounds().maxPerCell()));
        raw[c] = bounded[c] * 2;
      }
      out.add(new BoundedSums(m.id(), REGIONS.size(), bounded, raw, accounts, 10_000, 0, 0));
    }
    return out;
  }

  private static Release release(PrivacyParams p, long seed, List<BoundedSums> exact) {
    return AggregateReleaser.create(DiscreteNoise.seeded(seed), CLOCK)
        .release(METRICS, exact, REGIONS, p, "sha256:test");
  }

  @Test
  void veryLargeEpsilon_matchesTheExactAggregatesWithinRounding() {
    List<BoundedSums> exact = exact(1);
    for (Mechanism m : Mechanism.values()) {
      // for Gaussian ρ grows like ε, so σ² = Δ₂²/(2ρ_q) needs ε far above Δ₂² to fall below 1
      PrivacyParams p = new PrivacyParams(m, Rational.parse("1e16"), m == Mechanism.GAUSSIAN ? 1e-9 : 0, 10);
      Release r = release(p, 3, exact);
      for (int k = 0; k < METRICS.size(); k++) {
        Release.MetricRelease mr = r.metrics().get(k);
        BoundedSums e = exact.get(k);
        for (int c = 0; c < e.bounded().length; c++) {
          assertThat(Math.abs(mr.sum()[c] - e.bounded()[c])).as("%s cell %d", m, c).isLessThanOrEqualTo(1);
          assertThat(mr.count()[c]).isCloseTo(e.accounts()[c], within(1L));
          assertThat(mr.suppressed()[c]).isEqualTo(e.accounts()[c] < 10);
        }
      }
    }
  }

  @Test
  void twoSeeds_differByNoiseOfTheStatedScale() {
    List<BoundedSums> exact = exact(2);
    for (PrivacyParams p : List.of(PrivacyParams.laplace(Rational.parse("2")),
        new PrivacyParams(Mechanism.GAUSSIAN, Rational.parse("1"), 1e-7, 10))) {
      Release a = release(p, 100, exact);
      Release b = release(p, 200, exact);
      for (int k = 0; k < METRICS.size(); k++) {
        Release.MetricRelease x = a.metrics().get(k);
        Release.MetricRelease y = b.metrics().get(k);
        assertThat(x.sumStddev()).isEqualTo(y.sumStddev());
        // Var(x − y) = 2σ² when the two noises are independent with the stated σ
        double[] sumStats = diffStats(x.sum(), y.sum());
        double[] countStats = diffStats(x.count(), y.count());
        assertThat(sumStats[1] / (2 * x.sumStddev() * x.sumStddev()))
            .as("%s %s sum", p.mechanism(), x.metric()).isCloseTo(1, within(0.15));
        assertThat(countStats[1] / (2 * x.countStddev() * x.countStddev()))
            .as("%s %s count", p.mechanism(), x.metric()).isCloseTo(1, within(0.15));
        assertThat(Math.abs(sumStats[0])).isLessThan(4 * Math.sqrt(2) * x.sumStddev() / Math.sqrt(x.sum().length));
      }
    }
  }

  @Test
  void statedScale_followsTheSensitivityAndBudgetSplit() {
    Release r = release(PrivacyParams.laplace(Rational.parse("3")), 1, exact(3));
    Metric minutes = METRICS.get(0);
    // six queries share ε = 3: ε_q = 1/2; b = Δ₁ / ε_q
    double b = 2.0 * minutes.bounds().maxCells() * minutes.bounds().maxPerCell();
    assertThat(r.entry().queries()).hasSize(6);
    assertThat(r.entry().queries().get(1).scale()).isEqualTo(b);
    assertThat(r.metrics().get(0).sumStddev()).isCloseTo(Math.sqrt(2) * b, within(b * 1e-3));
    assertThat(r.entry().queries().get(0).epsilon()).isEqualTo("0.5");
  }

  @Test
  void smallCells_areSuppressedOnTheirNoisyCount() {
    Release r = release(PrivacyParams.laplace(Rational.parse("1000")).withMinGroup(50), 4, exact(4));
    Release.MetricRelease m = r.metrics().get(0);
    for (int c = 0; c < m.sum().length; c++) {
      assertThat(m.suppressed()[c]).isEqualTo(m.count()[c] < 50);
      if (c % 50 == 0) {
        assertThat(m.suppressed()[c]).isTrue();
      }
    }
  }

  @Test
  void ledger_appendsOneJsonLinePerRelease_recordsIt_andSumsTheSpend(@TempDir Path dir) {
    List<BudgetEntry> recorded = new ArrayList<>();
    PrivacyLedger ledger = PrivacyLedger.create(dir.resolve("ledger.jsonl"), recorded::add);
    Release first = release(PrivacyParams.laplace(Rational.parse("0.5")), 1, exact(5));
    Release second = release(new PrivacyParams(Mechanism.GAUSSIAN, Rational.parse("0.25"), 1e-8, 10), 2, exact(5));
    ledger.append(first.entry());
    BudgetEntry w = ledger.append(second.entry());
    assertThat(w.spentEpsilon()).isEqualTo("0.75");
    assertThat(recorded).extracting(BudgetEntry::mechanism).containsExactly("laplace", "gaussian");
    assertThat(ledger.entries()).hasSize(2);
    assertThat(ledger.entries().get(1).rho()).isPositive();
    assertThat(ledger.entries().get(0).queries()).hasSize(6);
    assertThat(ledger.spent("sha256:test")).isEqualTo(Rational.parse("0.75"));
    assertThat(ledger.spent("sha256:other")).isEqualTo(Rational.ZERO);
    assertThat(PrivacyLedger.line(w)).contains("\"spent_epsilon\":\"0.75\"").contains("\"at\":\"2026-03-09T06:00:00Z\"")
        .contains("\"seeded\":true");
  }

  private static double[] diffStats(long[] a, long[] b) {
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d;
      sq += d * d;
    }
    double mean = sum / a.length;
    return new double[] {mean, sq / a.length - mean * mean};
  }
}
