package org.covenant.telemetry;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.covenant.core.Sha256;

/**
 * Turns exact bounded aggregates into a differentially private {@link Release} (ISSUE 8). Each
 * metric is two queries over the public cells: the distinct-account count and the bounded sum. The
 * budget is split evenly over the 2·M queries; each query's noise is calibrated to its sensitivity
 * from the {@link ContributionBounds}:
 *
 * <ul>
 *   <li>Laplace: scale b = Δ₁/ε_q, with Δ₁ = maxCells (count) or maxCells·maxPerCell (sum);
 *   <li>Gaussian: σ² = Δ₂²/(2ρ_q), with Δ₂² = maxCells or maxCells·maxPerCell², ρ_q = ρ/(2M) and ρ
 *       from (ε, δ); σ² is rounded up to 6 decimals (rounding up only adds privacy).
 * </ul>
 *
 * Cells whose noisy count is below {@code min_group} are suppressed: thresholding a noisy value is
 * post-processing, so it costs no budget. Regions and hours are public partitions, so every cell
 * is released (or suppressed) whether or not it had data: the set of cells leaks nothing.
 */
public final class AggregateReleaser {
  private final DiscreteNoise noise;
  private final Clock clock;

  private AggregateReleaser(DiscreteNoise noise, Clock clock) {
    this.noise = Objects.requireNonNull(noise, "noise");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A releaser drawing from {@code noise}, stamping entries with {@code clock}. */
  public static AggregateReleaser create(DiscreteNoise noise, Clock clock) {
    return new AggregateReleaser(noise, clock);
  }

  /**
   * Releases {@code exact} (one {@link BoundedSums} per metric, same order as {@code metrics}).
   *
   * @param dataset names what is released in the budget ledger (a digest of the input)
   */
  public Release release(
      List<Metric> metrics, List<BoundedSums> exact, List<String> regions, PrivacyParams p,
      String dataset) {
    if (metrics.size() != exact.size() || metrics.isEmpty()) {
      throw new IllegalArgumentException("one aggregate per metric");
    }
    int queries = 2 * metrics.size();
    Rational epsQ = p.epsilon().dividedBy(queries);
    double rhoQ = p.mechanism() == Mechanism.GAUSSIAN ? p.rho() / queries : 0;
    List<Release.MetricRelease> out = new ArrayList<>();
    List<BudgetEntry.QueryCharge> ledger = new ArrayList<>();
    for (int m = 0; m < metrics.size(); m++) {
      Metric metric = metrics.get(m);
      BoundedSums s = exact.get(m);
      if (!s.metric().equals(metric.id()) || s.regions() != regions.size()) {
        throw new IllegalArgumentException("aggregate `" + s.metric() + "` does not match `" + metric.id() + "`");
      }
      ContributionBounds b = metric.bounds();
      Noise countNoise = noise(p.mechanism(), epsQ, rhoQ, b.maxCells(), 1);
      Noise sumNoise = noise(p.mechanism(), epsQ, rhoQ, b.maxCells(), b.maxPerCell());
      int cells = s.bounded().length;
      long[] sum = new long[cells];
      long[] count = new long[cells];
      boolean[] suppressed = new boolean[cells];
      for (int c = 0; c < cells; c++) {
        count[c] = s.accounts()[c] + countNoise.sample(noise);
        sum[c] = s.bounded()[c] + sumNoise.sample(noise);
        suppressed[c] = count[c] < p.minGroup();
      }
      out.add(new Release.MetricRelease(metric.id(), sum, count, suppressed, sumNoise.stddev(),
          countNoise.stddev()));
      ledger.add(new BudgetEntry.QueryCharge(metric.id(), "count", epsQ.toDecimal(),
          countNoise.sensitivity(), countNoise.scale(), b.maxCells(), 1));
      ledger.add(new BudgetEntry.QueryCharge(metric.id(), "sum", epsQ.toDecimal(),
          sumNoise.sensitivity(), sumNoise.scale(), b.maxCells(), b.maxPerCell()));
    }
    String at = Instant.now(clock).toString();
    String id = "rel-" + digest(dataset + "|" + at + "|" + p).substring(0, 16);
    BudgetEntry entry = new BudgetEntry(id, at, dataset, p.mechanism().id(),
        p.epsilon().toDecimal(), p.delta(), p.mechanism() == Mechanism.GAUSSIAN ? p.rho() : 0,
        p.minGroup(), !noise.cryptographic(), ledger, p.epsilon().toDecimal());
    return new Release(regions, p, out, entry);
  }

  /** The noise of one query: its sampler parameter and its stated scale. */
  private record Noise(Mechanism mechanism, Rational parameter, double sensitivity, double scale,
      double stddev) {
    long sample(DiscreteNoise n) {
      return mechanism == Mechanism.LAPLACE ? n.laplace(parameter) : n.gaussian(parameter);
    }
  }

  private static Noise noise(Mechanism m, Rational epsQ, double rhoQ, int maxCells, long maxPerCell) {
    if (m == Mechanism.LAPLACE) {
      long l1 = Math.multiplyExact(maxCells, maxPerCell);
      // b = Δ₁ / ε_q, exact
      Rational b = new Rational(epsQ.den().multiply(java.math.BigInteger.valueOf(l1)), epsQ.num());
      double bd = b.toDouble();
      return new Noise(m, b, l1, bd, Math.sqrt(DiscreteNoise.laplaceVariance(bd)));
    }
    BigDecimal l2sq = new BigDecimal(java.math.BigInteger.valueOf(maxPerCell).pow(2)
        .multiply(java.math.BigInteger.valueOf(maxCells)));
    BigDecimal sigma2 = l2sq.divide(BigDecimal.valueOf(2 * rhoQ), 6, RoundingMode.CEILING);
    if (sigma2.compareTo(BigDecimal.valueOf(1000)) > 0) {
      // round up to an integer: under 0.1% more noise, and much smaller numbers in the sampler
      sigma2 = sigma2.setScale(0, RoundingMode.CEILING);
    }
    Rational s2 = Rational.of(sigma2);
    double sd = s2.toDouble();
    return new Noise(m, s2, Math.sqrt(l2sq.doubleValue()), Math.sqrt(sd),
        Math.sqrt(DiscreteNoise.gaussianVariance(sd)));
  }

  static String digest(String s) {
    return Sha256.hex(s);
  }
}
