package org.covenant.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** Statistical checks of the exact samplers with fixed seeds: a wrong scale fails them by far. */
class DiscreteNoiseTest {
  private static final int N = 100_000;

  @Test
  void bernoulliExp_matchesExpMinusGamma() {
    DiscreteNoise noise = DiscreteNoise.seeded(11);
    for (Rational gamma : new Rational[] {Rational.of(1, 3), Rational.ONE, Rational.of(5, 2), Rational.ZERO}) {
      int hits = 0;
      int trials = 100_000;
      for (int i = 0; i < trials; i++) {
        if (noise.bernoulliExp(gamma)) {
          hits++;
        }
      }
      double p = Math.exp(-gamma.toDouble());
      double sd = Math.sqrt(p * (1 - p) / trials);
      assertThat((double) hits / trials).as("gamma %s", gamma).isCloseTo(p, within(5 * sd + 1e-12));
    }
  }

  @Test
  void laplace_fitsItsPmf_chiSquare() {
    DiscreteNoise noise = DiscreteNoise.seeded(7);
    double b = 2.5;
    double q = Math.exp(-1 / b);
    double norm = (1 - q) / (1 + q);
    assertChiSquare(() -> noise.laplace(BigInteger.valueOf(5), BigInteger.valueOf(2)),
        x -> norm * Math.pow(q, Math.abs(x)), 12);
  }

  @Test
  void gaussian_fitsItsPmf_chiSquare() {
    DiscreteNoise noise = DiscreteNoise.seeded(8);
    Rational sigma2 = Rational.of(9, 4);
    double z = 0;
    for (int x = -60; x <= 60; x++) {
      z += Math.exp(-x * x / 4.5);
    }
    double zz = z;
    assertChiSquare(() -> noise.gaussian(sigma2), x -> Math.exp(-x * x / 4.5) / zz, 6);
  }

  @Test
  void laplace_varianceMatchesTheStatedScale() {
    DiscreteNoise noise = DiscreteNoise.seeded(9);
    double b = 40;
    double[] m = moments(() -> noise.laplace(Rational.of(40, 1)));
    assertThat(m[0]).isCloseTo(0, within(4 * Math.sqrt(DiscreteNoise.laplaceVariance(b) / N)));
    assertThat(m[1] / DiscreteNoise.laplaceVariance(b)).isCloseTo(1, within(0.04));
  }

  @Test
  void gaussian_varianceMatchesSigmaSquared() {
    DiscreteNoise noise = DiscreteNoise.seeded(10);
    double[] m = moments(() -> noise.gaussian(Rational.of(1_000_000, 7)));
    double var = 1_000_000.0 / 7;
    assertThat(m[0]).isCloseTo(0, within(4 * Math.sqrt(var / N)));
    assertThat(m[1] / var).isCloseTo(1, within(0.03));
  }

  @Test
  void smallSigma_varianceIsBelowSigmaSquared_asTheExactFormulaSays() {
    DiscreteNoise noise = DiscreteNoise.seeded(12);
    double[] m = moments(() -> noise.gaussian(Rational.of(1, 4)));
    double exact = DiscreteNoise.gaussianVariance(0.25);
    assertThat(exact).isLessThan(0.25);
    assertThat(m[1]).isCloseTo(exact, within(0.01));
  }

  @Test
  void hugeScales_useExactBigIntegerUniforms() {
    DiscreteNoise noise = DiscreteNoise.seeded(13);
    BigInteger huge = BigInteger.TEN.pow(30);
    BigInteger u = noise.uniform(huge);
    assertThat(u.signum()).isGreaterThanOrEqualTo(0);
    assertThat(u).isLessThan(huge);
    // a scale of 10^20 needs uniforms beyond a long: the sample is still an integer of that order
    long x = noise.laplace(BigInteger.TEN.pow(20), BigInteger.TEN.pow(8));
    assertThat(Math.abs(x)).isLessThan(1_000_000_000_000_000L);
  }

  @Test
  void sameSeed_sameSamples_otherSeed_otherSamples() {
    long[] a = draw(DiscreteNoise.seeded(1));
    long[] b = draw(DiscreteNoise.seeded(1));
    long[] c = draw(DiscreteNoise.seeded(2));
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(DiscreteNoise.secure().cryptographic()).isTrue();
    assertThat(DiscreteNoise.seeded(1).cryptographic()).isFalse();
  }

  private static long[] draw(DiscreteNoise n) {
    long[] out = new long[50];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.gaussian(Rational.of(100, 3));
    }
    return out;
  }

  private static double[] moments(LongSupplier s) {
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < N; i++) {
      double x = s.getAsLong();
      sum += x;
      sq += x * x;
    }
    double mean = sum / N;
    return new double[] {mean, sq / N - mean * mean};
  }

  /** Chi-square over bins −k..k with both tails pooled, against the 0.999 quantile. */
  private static void assertChiSquare(LongSupplier s, java.util.function.LongToDoubleFunction pmf, int k) {
    long[] observed = new long[2 * k + 3];
    for (int i = 0; i < N; i++) {
      long x = s.getAsLong();
      int bin = x < -k ? 0 : x > k ? observed.length - 1 : (int) x + k + 1;
      observed[bin]++;
    }
    double[] p = new double[observed.length];
    double inner = 0;
    for (int x = -k; x <= k; x++) {
      p[x + k + 1] = pmf.applyAsDouble(x);
      inner += p[x + k + 1];
    }
    p[0] = (1 - inner) / 2;
    p[observed.length - 1] = (1 - inner) / 2;
    double chi = 0;
    for (int i = 0; i < observed.length; i++) {
      double e = N * p[i];
      chi += (observed[i] - e) * (observed[i] - e) / e;
    }
    int df = observed.length - 1;
    // Wilson–Hilferty approximation of the 0.999 quantile of χ²(df)
    double z = 3.09;
    double crit = df * Math.pow(1 - 2.0 / (9 * df) + z * Math.sqrt(2.0 / (9 * df)), 3);
    assertThat(chi).as("chi-square with %d df", df).isLessThan(crit);
  }
}
