package org.covenant.safety;

import java.util.Locale;

/**
 * Binary classification quality with spam as the positive class.
 *
 * @param tp spam flagged
 * @param fp ham flagged (false positives)
 * @param tn ham passed
 * @param fn spam passed
 */
public record Metrics(int tp, int fp, int tn, int fn) {
  /** Requires non-negative counts. */
  public Metrics {
    if (tp < 0 || fp < 0 || tn < 0 || fn < 0) {
      throw new IllegalArgumentException("negative count");
    }
  }

  /** The number of examples. */
  public int n() {
    return tp + fp + tn + fn;
  }

  /** tp / (tp + fp); 0 when nothing was flagged. */
  public double precision() {
    return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
  }

  /** tp / (tp + fn); 0 when there is no spam. */
  public double recall() {
    return tp + fn == 0 ? 0 : (double) tp / (tp + fn);
  }

  /** The harmonic mean of precision and recall. */
  public double f1() {
    return 2 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }

  /** The ham false-positive rate fp / (fp + tn); 0 when there is no ham. */
  public double fpr() {
    return fp + tn == 0 ? 0 : (double) fp / (fp + tn);
  }

  /** These metrics plus one more outcome. */
  public Metrics plus(Label truth, boolean flagged) {
    if (truth == Label.SPAM) {
      return flagged ? new Metrics(tp + 1, fp, tn, fn) : new Metrics(tp, fp, tn, fn + 1);
    }
    return flagged ? new Metrics(tp, fp + 1, tn, fn) : new Metrics(tp, fp, tn + 1, fn);
  }

  /**
   * The one-line JSON object {@code scan eval} prints: {@code n}, {@code precision},
   * {@code recall}, {@code f1}, {@code fpr} (4 decimals), then the four counts.
   */
  public String toJson() {
    return String.format(Locale.ROOT,
        "{\"n\":%d,\"precision\":%.4f,\"recall\":%.4f,\"f1\":%.4f,\"fpr\":%.4f,"
            + "\"tp\":%d,\"fp\":%d,\"tn\":%d,\"fn\":%d}",
        n(), precision(), recall(), f1(), fpr(), tp, fp, tn, fn);
  }
}
