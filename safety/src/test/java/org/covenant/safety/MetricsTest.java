package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void metrics_followTheirDefinitions() {
    Metrics m = new Metrics(90, 2, 498, 10);
    assertThat(m.n()).isEqualTo(600);
    assertThat(m.precision()).isEqualTo(90.0 / 92);
    assertThat(m.recall()).isEqualTo(0.9);
    assertThat(m.f1()).isEqualTo(180.0 / 192);
    assertThat(m.fpr()).isEqualTo(2.0 / 500);
    assertThat(m.toJson()).startsWith("{\"n\":600,\"precision\":0.9783,\"recall\":0.9000,"
        + "\"f1\":0.9375,\"fpr\":0.0040,");
    assertThat(new Metrics(0, 0, 0, 0).f1()).isZero();
    assertThat(new Metrics(0, 0, 0, 0).plus(Label.SPAM, true).plus(Label.HAM, true)
        .plus(Label.HAM, false).plus(Label.SPAM, false)).isEqualTo(new Metrics(1, 1, 1, 1));
  }

  @Test
  void threshold_isTheF1BestCut_withinTheFprBudget() {
    double[] scores = {5, 4, 3, 2, 1, 0, -1, -2};
    boolean[] spam = {true, true, false, true, true, false, false, false};
    // with no false positive allowed the cut is between 4 and 3; with one, between 1 and 0
    assertThat(ModelTrainer.chooseThreshold(scores, spam, 0.0)).isEqualTo(3.5);
    assertThat(ModelTrainer.chooseThreshold(scores, spam, 0.25)).isEqualTo(0.5);
  }

  @Test
  void scanBatch_digestCoversTheEntries() {
    List<ScanBatch.Entry> entries = List.of(new ScanBatch.Entry("c1", "a", ScanVerdict.SPAM, 0.9));
    ScanBatch b = ScanBatch.of("b1", "m", entries);
    assertThatThrownBy(() -> new ScanBatch("b1", ScanBatch.PURPOSE, "m", entries,
        "00".repeat(32))).isInstanceOf(IllegalArgumentException.class);
    assertThat(ScanBatch.of("b1", "m",
        List.of(new ScanBatch.Entry("c1", "a", ScanVerdict.FRAUD, 0.9))).manifestSha256())
        .isNotEqualTo(b.manifestSha256());
  }
}
