package org.covenant.safety;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of scanning one invite: a verdict, the spam probability it rests on, and the
 * evidence (ARCHITECTURE.md §5: decisions are data, with their reasons).
 *
 * @param verdict clean, spam or fraud
 * @param score the model's spam probability in [0, 1]
 * @param threshold the score at or above which the model calls spam
 * @param topFeatures the features that pulled hardest, strongest first (both directions)
 * @param linkDomains the registrable domains the links lead to, in first-seen order
 * @param linkMismatches links whose text names another domain than their target
 * @param headerAnomalies the header anomaly codes ({@link HeaderAnomaly#code()})
 * @param lures the credential or payment lure phrases found
 */
public record ScanResult(
    ScanVerdict verdict,
    double score,
    double threshold,
    List<Contribution> topFeatures,
    List<String> linkDomains,
    List<LinkMismatch> linkMismatches,
    List<String> headerAnomalies,
    List<String> lures) {

  /** Copies the lists; requires a probability for score and threshold. */
  public ScanResult {
    Objects.requireNonNull(verdict, "verdict");
    if (!(score >= 0 && score <= 1) || !(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("score and threshold must be in [0, 1]");
    }
    topFeatures = List.copyOf(topFeatures);
    linkDomains = List.copyOf(linkDomains);
    linkMismatches = List.copyOf(linkMismatches);
    headerAnomalies = List.copyOf(headerAnomalies);
    lures = List.copyOf(lures);
  }
}
