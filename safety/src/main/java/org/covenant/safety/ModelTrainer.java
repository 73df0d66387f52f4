package org.covenant.safety;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Trains a {@link ScanModel} from labelled examples, deterministically: the same examples (in
 * the same order), options and seed give the same weights, threshold and file bytes.
 *
 * <p>The decision threshold is set without touching held-out data: the training examples are
 * split into {@code folds} folds (seeded), a model is trained on all but one fold and scores
 * it, and the threshold is the one that maximises F1 over those out-of-fold scores among the
 * thresholds whose ham false-positive rate is at most {@code targetFpr} (half the 1 % budget by
 * default, as margin for the final model's shift). The final model is then trained
 * on every example.
 */
public final class ModelTrainer {
  /**
   * Training options (logistic regression, the scanner's one model kind: it beat naive Bayes on
   * both splits of the shared corpus, docs/benchmarks/safety.md).
   *
   * @param transform how counts become inputs
   * @param hashBits log2 of the number of weight buckets, 12..24
   * @param seed the seed of every shuffle
   * @param epochs passes over the data
   * @param learningRate the AdaGrad base rate
   * @param l2 the L2 penalty per update
   * @param folds folds for threshold calibration (at least 2)
   * @param targetFpr the largest out-of-fold ham false-positive rate the threshold may give
   */
  public record Options(
      ScanModel.Transform transform,
      int hashBits,
      long seed,
      int epochs,
      double learningRate,
      double l2,
      int folds,
      double targetFpr) {

    /** Validates ranges. */
    public Options {
      Objects.requireNonNull(transform, "transform");
      if (hashBits < ScanModel.MIN_BITS || hashBits > ScanModel.MAX_BITS) {
        throw new IllegalArgumentException("hashBits outside [12, 24]: " + hashBits);
      }
      if (epochs < 1 || folds < 2 || !(learningRate > 0) || !(l2 >= 0)
          || !(targetFpr >= 0 && targetFpr < 1)) {
        throw new IllegalArgumentException("bad training options");
      }
    }

    /** The defaults: the configuration docs/benchmarks/safety.md reports. */
    public static Options defaults() {
      return new Options(ScanModel.Transform.BINARY_L2, 18, 20240531L, 10, 0.3, 1e-6, 5, 0.005);
    }

    /** These options with another seed. */
    public Options withSeed(long s) {
      return new Options(transform, hashBits, s, epochs, learningRate, l2, folds, targetFpr);
    }
  }

  private final Options options;

  private ModelTrainer(Options options) {
    this.options = options;
  }

  /** A trainer with the given options. */
  public static ModelTrainer create(Options options) {
    return new ModelTrainer(Objects.requireNonNull(options, "options"));
  }

  /** The options this trainer uses. */
  public Options options() {
    return options;
  }

  /**
   * Trains on {@code examples}; {@code dataset} describes them for lineage (stored in the model
   * header). Needs at least one example of each label.
   */
  public ScanModel train(List<LabelledExample> examples, String dataset) {
    List<Encoded> data = new ArrayList<>(examples.size());
    int mask = (1 << options.hashBits()) - 1;
    int spam = 0;
    for (LabelledExample e : examples) {
      data.add(Encoded.of(e, options.transform(), mask));
      if (e.label() == Label.SPAM) {
        spam++;
      }
    }
    if (spam == 0 || spam == data.size()) {
      throw new IllegalArgumentException("training needs both spam and ham examples");
    }
    double threshold = calibrate(data);
    Fit fit = fit(data);
    ModelInfo info = new ModelInfo(ScanModel.Kind.LOGISTIC, options.transform(),
        FeatureExtractor.VERSION, options.hashBits(), threshold, data.size(), spam, options.seed(),
        dataset);
    return new ScanModel(info, fit.bias, fit.weights);
  }

  private double calibrate(List<Encoded> data) {
    int[] order = permutation(data.size(), new SplittableRandom(options.seed() ^ 0x5eed));
    int folds = options.folds();
    double[] scores = new double[data.size()];
    boolean[] labels = new boolean[data.size()];
    for (int f = 0; f < folds; f++) {
      List<Encoded> train = new ArrayList<>();
      List<Integer> test = new ArrayList<>();
      for (int k = 0; k < order.length; k++) {
        if (k % folds == f) {
          test.add(order[k]);
        } else {
          train.add(data.get(order[k]));
        }
      }
      Fit fit = fit(train);
      for (int idx : test) {
        scores[idx] = fit.logit(data.get(idx));
        labels[idx] = data.get(idx).spam;
      }
    }
    return chooseThreshold(scores, labels, options.targetFpr());
  }

  /** The F1-best threshold with ham FPR ≤ target, halfway to the next lower score. */
  static double chooseThreshold(double[] scores, boolean[] spam, double targetFpr) {
    Integer[] idx = new Integer[scores.length];
    for (int k = 0; k < idx.length; k++) {
      idx[k] = k;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(scores[b], scores[a]));
    int positives = 0;
    for (boolean s : spam) {
      positives += s ? 1 : 0;
    }
    int negatives = scores.length - positives;
    int tp = 0;
    int fp = 0;
    double bestF1 = -1;
    double best = scores[idx[0]] + 1;
    for (int k = 0; k < idx.length; k++) {
      if (spam[idx[k]]) {
        tp++;
      } else {
        fp++;
      }
      // only cut between distinct scores
      if (k + 1 < idx.length && scores[idx[k + 1]] == scores[idx[k]]) {
        continue;
      }
      double fpr = negatives == 0 ? 0 : (double) fp / negatives;
      if (fpr > targetFpr) {
        break;
      }
      double f1 = 2.0 * tp / (2.0 * tp + fp + (positives - tp));
      if (f1 > bestF1) {
        bestF1 = f1;
        double next = k + 1 < idx.length ? scores[idx[k + 1]] : scores[idx[k]] - 1;
        best = (scores[idx[k]] + next) / 2;
      }
    }
    return best;
  }

  private Fit fit(List<Encoded> data) {
    return fitLogistic(data);
  }

  private Fit fitLogistic(List<Encoded> data) {
    int size = 1 << options.hashBits();
    double[] w = new double[size];
    double[] g2 = new double[size];
    double bias = 0;
    double biasG2 = 0;
    double eta = options.learningRate();
    double l2 = options.l2();
    SplittableRandom random = new SplittableRandom(options.seed());
    for (int epoch = 0; epoch < options.epochs(); epoch++) {
      int[] order = permutation(data.size(), random);
      for (int idx : order) {
        Encoded e = data.get(idx);
        double z = bias;
        for (int k = 0; k < e.n; k++) {
          z += w[e.buckets[k]] * e.xs[k];
        }
        double g = sigmoid(z) - (e.spam ? 1 : 0);
        for (int k = 0; k < e.n; k++) {
          int b = e.buckets[k];
          double grad = g * e.xs[k] + l2 * w[b];
          g2[b] += grad * grad;
          w[b] -= eta * grad / Math.sqrt(g2[b] + 1e-8);
        }
        biasG2 += g * g;
        bias -= eta * g / Math.sqrt(biasG2 + 1e-8);
      }
    }
    float[] weights = new float[size];
    for (int b = 0; b < size; b++) {
      weights[b] = (float) w[b];
    }
    return new Fit(bias, weights);
  }

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int k = 0; k < n; k++) {
      p[k] = k;
    }
    for (int k = n - 1; k > 0; k--) {
      int j = random.nextInt(k + 1);
      int t = p[k];
      p[k] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static final class Fit {
    final double bias;
    final float[] weights;

    Fit(double bias, float[] weights) {
      this.bias = bias;
      this.weights = weights;
    }

    double logit(Encoded e) {
      double z = bias;
      for (int k = 0; k < e.n; k++) {
        z += weights[e.buckets[k]] * e.xs[k];
      }
      return z;
    }
  }

  /** A training example as model inputs: extracted once, reused by every fold and epoch. */
  private static final class Encoded {
    final int[] buckets;
    final float[] xs;
    final int n;
    final boolean spam;

    private Encoded(int[] buckets, float[] xs, int n, boolean spam) {
      this.buckets = buckets;
      this.xs = xs;
      this.n = n;
      this.spam = spam;
    }

    static Encoded of(LabelledExample e, ScanModel.Transform t, int mask) {
      FeatureVector v = FeatureExtractor.extract(e.message()).vector();
      int[] b = new int[v.size()];
      float[] x = new float[v.size()];
      int n = ScanModel.encode(v, t, mask, b, x);
      return new Encoded(b, x, n, e.label() == Label.SPAM);
    }
  }
}
