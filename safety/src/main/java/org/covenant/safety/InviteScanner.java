package org.covenant.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Scans one invite with a {@link ScanModel}: the scoring half of trust and safety scanning
 * (ARCHITECTURE.md §5, purpose {@code safety.abuse_scanning}, licensed by clause
 * {@code 10.3(v)} / {@code safety}). Immutable and thread-safe.
 *
 * <p><b>The verdict rule.</b> Let {@code z} be the model's log-odds of spam.
 * <ol>
 *   <li>{@code z < threshold} → {@link ScanVerdict#CLEAN}.
 *   <li>Otherwise {@link ScanVerdict#FRAUD} when the message both <em>lures</em> (subject or body
 *       contains a credential or payment phrase of the lure lexicon: "password", "verify your
 *       account", "credit card", "bank account", "wire transfer", "western union", …) and
 *       <em>deceives</em> (a link whose text names another domain than its target, a link to a
 *       bare IP address, a link with user info such as {@code http://bank.example@evil.example},
 *       or a Reply-To in another domain than From, which diverts answers);
 *   <li>otherwise {@link ScanVerdict#SPAM}.
 * </ol>
 * Fraud is thus always spam first: the lure and deception signals raise the severity of a
 * spam verdict, they never flag clean mail by themselves (plenty of legitimate invites mention
 * passwords or payment).
 */
public final class InviteScanner {
  /** How many contributions a result lists. */
  public static final int TOP_FEATURES = 10;

  private final ScanModel model;
  private final int mask;
  private final ScanModel.Transform transform;

  private InviteScanner(ScanModel model) {
    this.model = model;
    this.mask = model.mask();
    this.transform = model.info().transform();
  }

  /** A scanner using {@code model}. */
  public static InviteScanner create(ScanModel model) {
    return new InviteScanner(Objects.requireNonNull(model, "model"));
  }

  /** The model this scanner uses. */
  public ScanModel model() {
    return model;
  }

  /** Scans one message; never throws for any message content. */
  public ScanResult scan(Message message) {
    FeatureExtractor.Extraction x = FeatureExtractor.extract(message);
    FeatureVector v = x.vector();
    int n = v.size();
    int[] buckets = new int[n];
    float[] xs = new float[n];
    ScanModel.encode(v, transform, mask, buckets, xs);
    double z = model.bias();
    int[] top = new int[TOP_FEATURES];
    double[] topWeight = new double[TOP_FEATURES];
    int topCount = 0;
    for (int i = 0; i < n; i++) {
      double c = model.weight(buckets[i]) * xs[i];
      z += c;
      double a = Math.abs(c);
      if (c == 0 || (topCount == TOP_FEATURES && a <= Math.abs(topWeight[topCount - 1]))) {
        continue;
      }
      int pos = Math.min(topCount, TOP_FEATURES - 1);
      while (pos > 0 && Math.abs(topWeight[pos - 1]) < a) {
        if (pos < TOP_FEATURES) {
          top[pos] = top[pos - 1];
          topWeight[pos] = topWeight[pos - 1];
        }
        pos--;
      }
      top[pos] = i;
      topWeight[pos] = c;
      if (topCount < TOP_FEATURES) {
        topCount++;
      }
    }
    List<Contribution> contributions = new ArrayList<>(topCount);
    for (int k = 0; k < topCount; k++) {
      contributions.add(new Contribution(v.name(top[k]), topWeight[k]));
    }
    double threshold = model.info().threshold();
    ScanVerdict verdict;
    if (z < threshold) {
      verdict = ScanVerdict.CLEAN;
    } else if (!x.lures().isEmpty()
        && (x.deceptiveLink() || x.anomalies().contains(HeaderAnomaly.FROM_REPLY_TO_MISMATCH))) {
      verdict = ScanVerdict.FRAUD;
    } else {
      verdict = ScanVerdict.SPAM;
    }
    List<String> anomalies = new ArrayList<>(x.anomalies().size());
    for (HeaderAnomaly a : x.anomalies()) {
      anomalies.add(a.code());
    }
    return new ScanResult(verdict, ModelTrainer.sigmoid(z), ModelTrainer.sigmoid(threshold),
        contributions, x.linkDomains(), x.mismatches(), anomalies, x.lures());
  }
}
