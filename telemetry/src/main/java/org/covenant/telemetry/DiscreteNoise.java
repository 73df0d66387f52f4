package org.covenant.telemetry;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Exact samplers of discrete noise from integer arithmetic only, after Canonne, Kamath and Steinke,
 * "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020): Algorithm 1 (Bernoulli(exp(−γ))
 * for rational γ), Algorithm 2 (discrete Laplace) and Algorithm 3 (discrete Gaussian). No floating
 * point touches a sample, so there is no floating-point Laplace attack surface (Mironov 2012).
 *
 * <p>Production uses {@link #secure()} ({@link SecureRandom}); {@link #seeded(long)} is for
 * reproducible tests and demos and must never back a publication.
 */
public final class DiscreteNoise {
  private static final BigInteger TWO = BigInteger.TWO;

  private final RandomGenerator random;
  private final boolean secure;

  private DiscreteNoise(RandomGenerator random, boolean secure) {
    this.random = Objects.requireNonNull(random, "random");
    this.secure = secure;
  }

  /** Noise from a {@link SecureRandom}. */
  public static DiscreteNoise secure() {
    return new DiscreteNoise(new SecureRandom(), true);
  }

  /** Reproducible noise from a seeded generator (tests, demos: not for publication). */
  public static DiscreteNoise seeded(long seed) {
    return new DiscreteNoise(new SplittableRandom(seed), false);
  }

  /** Noise from any generator; {@code secure} states whether it is cryptographically strong. */
  public static DiscreteNoise of(RandomGenerator random, boolean secure) {
    return new DiscreteNoise(random, secure);
  }

  /** Whether the source is cryptographically strong. */
  public boolean cryptographic() {
    return secure;
  }

  /** Uniform on {@code [0, m)}, exactly (rejection sampling), {@code m > 0}. */
  BigInteger uniform(BigInteger m) {
    if (m.bitLength() < 63) {
      return BigInteger.valueOf(random.nextLong(m.longValue()));
    }
    int bits = m.bitLength();
    while (true) {
      BigInteger r = BigInteger.ZERO;
      int have = 0;
      while (have < bits) {
        r = r.shiftLeft(62).or(BigInteger.valueOf(random.nextLong() >>> 2));
        have += 62;
      }
      r = r.shiftRight(have - bits);
      if (r.compareTo(m) < 0) {
        return r;
      }
    }
  }

  /** Bernoulli({@code num/den}) with {@code 0 <= num <= den}. */
  boolean bernoulli(BigInteger num, BigInteger den) {
    if (den.bitLength() < 63) {
      return random.nextLong(den.longValue()) < num.longValue();
    }
    return uniform(den).compareTo(num) < 0;
  }

  /** Bernoulli(exp(−γ)) for rational γ ≥ 0 (CKS 2020, Algorithm 1). */
  public boolean bernoulliExp(Rational gamma) {
    BigInteger whole = gamma.floor();
    // exp(-γ) = exp(-1)^⌊γ⌋ · exp(-(γ-⌊γ⌋)): one Bernoulli(exp(-1)) per unit, stopping at the first 0
    for (BigInteger k = BigInteger.ZERO; k.compareTo(whole) < 0; k = k.add(BigInteger.ONE)) {
      if (!bernoulliExpAtMostOne(BigInteger.ONE, BigInteger.ONE)) {
        return false;
      }
    }
    Rational frac = gamma.minus(new Rational(whole, BigInteger.ONE));
    return bernoulliExpAtMostOne(frac.num(), frac.den());
  }

  /** Bernoulli(exp(−n/d)) for {@code 0 <= n/d <= 1}: K is the first index with A_K = 0; return K odd. */
  private boolean bernoulliExpAtMostOne(BigInteger n, BigInteger d) {
    if (d.bitLength() < 40) {
      // the same loop in longs: k stays tiny (it grows with probability γ/k), d·k cannot overflow
      long nl = n.longValue();
      long dl = d.longValue();
      long k = 1;
      while (k < (1L << 22) && random.nextLong(dl * k) < nl) {
        k++;
      }
      if (k < (1L << 22)) {
        return (k & 1) == 1;
      }
    }
    long k = 1;
    while (bernoulli(n, d.multiply(BigInteger.valueOf(k)))) {
      k++;
    }
    return (k & 1) == 1;
  }

  /**
   * A discrete Laplace sample with scale {@code t/s}: P(x) ∝ exp(−|x|·s/t) over the integers
   * (CKS 2020, Algorithm 2).
   */
  public long laplace(BigInteger t, BigInteger s) {
    if (t.signum() <= 0 || s.signum() <= 0) {
      throw new IllegalArgumentException("laplace needs s, t >= 1");
    }
    while (true) {
      BigInteger u = uniform(t);
      if (!bernoulliExp(new Rational(u, t))) {
        continue;
      }
      long v = 0;
      while (bernoulliExp(Rational.ONE)) {
        v++;
      }
      BigInteger x = u.add(t.multiply(BigInteger.valueOf(v)));
      long y = x.divide(s).longValueExact();
      boolean negative = random.nextBoolean();
      if (negative && y == 0) {
        continue;
      }
      return negative ? -y : y;
    }
  }

  /** A discrete Laplace sample with rational scale {@code b}: P(x) ∝ exp(−|x|/b). */
  public long laplace(Rational scale) {
    // scale = num/den = t/s
    return laplace(scale.num(), scale.den());
  }

  /**
   * A discrete Gaussian sample with rational variance parameter σ²: P(x) ∝ exp(−x²/(2σ²)) over the
   * integers (CKS 2020, Algorithm 3).
   */
  public long gaussian(Rational sigma2) {
    if (sigma2.isZero()) {
      throw new IllegalArgumentException("gaussian needs sigma2 > 0");
    }
    BigInteger p = sigma2.num();
    BigInteger q = sigma2.den();
    // t = ⌊σ⌋ + 1, with ⌊σ⌋ = ⌊sqrt(⌊σ²⌋)⌋
    BigInteger t = sigma2.floor().sqrt().add(BigInteger.ONE);
    BigInteger twoPqT2 = TWO.multiply(p).multiply(q).multiply(t).multiply(t);
    while (true) {
      long y = laplace(t, BigInteger.ONE);
      // γ = (|y| − σ²/t)² / (2σ²) = (|y|·q·t − p)² / (2·p·q·t²)
      BigInteger diff = BigInteger.valueOf(Math.abs(y)).multiply(q).multiply(t).subtract(p);
      if (bernoulliExp(new Rational(diff.multiply(diff), twoPqT2))) {
        return y;
      }
    }
  }

  /** Variance of the discrete Laplace with scale b: 2e^{−1/b}/(1−e^{−1/b})². */
  public static double laplaceVariance(double scale) {
    double e = Math.exp(-1.0 / scale);
    return 2 * e / ((1 - e) * (1 - e));
  }

  /** Variance of the discrete Gaussian with parameter σ² (below σ², equal to it for σ ≳ 1). */
  public static double gaussianVariance(double sigma2) {
    double sigma = Math.sqrt(sigma2);
    if (sigma > 3) {
      // the difference from σ² is of order exp(−2π²σ²): below double precision here
      return sigma2;
    }
    double z = 0;
    double m2 = 0;
    int bound = (int) Math.ceil(20 * sigma) + 20;
    for (int x = -bound; x <= bound; x++) {
      double w = Math.exp(-(double) x * x / (2 * sigma2));
      z += w;
      m2 += (double) x * x * w;
    }
    return m2 / z;
  }
}
