package org.covenant.safety;

import java.util.Objects;

/**
 * What a scan model is and what it learned from: the header of a model file (format in
 * {@link ScanModel}). The dataset description is the lineage hook: it names the dataset build
 * (corpus digest and split, or the training module's build id) the weights came from.
 *
 * @param kind the learning algorithm
 * @param transform how feature counts become model inputs
 * @param featureVersion the feature set version the weights index
 * @param hashBits log2 of the number of weight buckets
 * @param threshold the log-odds at or above which a message is spam
 * @param examples the number of training examples
 * @param spam how many of them were spam
 * @param seed the seed of the training shuffle
 * @param dataset a description of the training data (at most 1024 UTF-8 bytes)
 */
public record ModelInfo(
    ScanModel.Kind kind,
    ScanModel.Transform transform,
    int featureVersion,
    int hashBits,
    double threshold,
    int examples,
    int spam,
    long seed,
    String dataset) {

  /** Validates ranges: bits in [12, 24], finite threshold, 0 ≤ spam ≤ examples. */
  public ModelInfo {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(transform, "transform");
    Objects.requireNonNull(dataset, "dataset");
    if (hashBits < ScanModel.MIN_BITS || hashBits > ScanModel.MAX_BITS) {
      throw new IllegalArgumentException("hashBits out of range: " + hashBits);
    }
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold is not finite");
    }
    if (examples < 0 || spam < 0 || spam > examples) {
      throw new IllegalArgumentException("bad example counts: " + spam + " of " + examples);
    }
  }

  /** The number of ham training examples. */
  public int ham() {
    return examples - spam;
  }
}
