package org.covenant.telemetry;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

/**
 * A non-negative rational number in lowest terms, so that noise parameters (ε, scales, σ²) are
 * exact and the samplers of {@link DiscreteNoise} never round.
 */
public record Rational(BigInteger num, BigInteger den) implements Comparable<Rational> {
  public static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
  public static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

  public Rational {
    Objects.requireNonNull(num, "num");
    Objects.requireNonNull(den, "den");
    if (den.signum() <= 0 || num.signum() < 0) {
      throw new IllegalArgumentException("rational needs num >= 0 and den > 0: " + num + "/" + den);
    }
    BigInteger g = num.gcd(den);
    if (!g.equals(BigInteger.ONE) && g.signum() > 0) {
      num = num.divide(g);
      den = den.divide(g);
    }
  }

  /** {@code num/den}. */
  public static Rational of(long num, long den) {
    return new Rational(BigInteger.valueOf(num), BigInteger.valueOf(den));
  }

  /** The exact value of a decimal string such as {@code 0.25} or {@code 1e9}. */
  public static Rational parse(String decimal) {
    BigDecimal d = new BigDecimal(decimal.strip());
    if (d.signum() < 0) {
      throw new NumberFormatException("negative: " + decimal);
    }
    return of(d);
  }

  /** The exact value of {@code d} (non-negative). */
  public static Rational of(BigDecimal d) {
    if (d.scale() <= 0) {
      return new Rational(d.toBigIntegerExact(), BigInteger.ONE);
    }
    return new Rational(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
  }

  public Rational times(Rational o) {
    return new Rational(num.multiply(o.num), den.multiply(o.den));
  }

  public Rational times(long k) {
    return new Rational(num.multiply(BigInteger.valueOf(k)), den);
  }

  public Rational dividedBy(long k) {
    return new Rational(num, den.multiply(BigInteger.valueOf(k)));
  }

  public Rational plus(Rational o) {
    return new Rational(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
  }

  /** {@code this - o}; the result must not be negative. */
  public Rational minus(Rational o) {
    return new Rational(num.multiply(o.den).subtract(o.num.multiply(den)), den.multiply(o.den));
  }

  /** ⌊this⌋. */
  public BigInteger floor() {
    return num.divide(den);
  }

  public boolean isZero() {
    return num.signum() == 0;
  }

  public double toDouble() {
    return new BigDecimal(num).divide(new BigDecimal(den), java.math.MathContext.DECIMAL64).doubleValue();
  }

  /** A plain decimal rendering, rounded to 12 significant digits when not exact. */
  public String toDecimal() {
    BigDecimal q = new BigDecimal(num).divide(new BigDecimal(den), new java.math.MathContext(12));
    return q.stripTrailingZeros().toPlainString();
  }

  @Override
  public int compareTo(Rational o) {
    return num.multiply(o.den).compareTo(o.num.multiply(den));
  }

  @Override
  public String toString() {
    return den.equals(BigInteger.ONE) ? num.toString() : num + "/" + den;
  }
}
