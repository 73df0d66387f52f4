package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The quality target, on the standard held-out split of the shared corpus. */
class CorpusQualityTest {
  private static final CorpusPipeline PIPELINE = CorpusPipeline.create(HoldoutSplit.STANDARD);
  private static ScanModel logistic;

  @BeforeAll
  static void train() {
    logistic = PIPELINE.train(SharedData.corpus(),
        ModelTrainer.Options.defaults(), List.of());
  }

  @Test
  void logisticModel_meetsTheTarget_onHeldOutData() {
    Metrics m = PIPELINE.evaluate(InviteScanner.create(logistic), SharedData.corpus());
    assertThat(m.n()).isEqualTo(HoldoutSplit.STANDARD.heldOut(SharedData.corpus().records())
        .size());
    assertThat(m.f1()).as(m.toJson()).isGreaterThanOrEqualTo(0.95);
    assertThat(m.fpr()).as(m.toJson()).isLessThanOrEqualTo(0.01);
  }

  @Test
  void training_neverSeesHeldOutIds_andRecordsItsLineage() {
    Set<String> held = new HashSet<>();
    HoldoutSplit.STANDARD.heldOut(SharedData.corpus().records()).forEach(r -> held.add(r.id()));
    List<LabelledExample> train = PIPELINE.trainingExamples(SharedData.corpus());
    assertThat(train).noneMatch(e -> held.contains(e.contentId()));
    assertThat(logistic.info().examples()).isEqualTo(train.size());
    assertThat(logistic.info().dataset())
        .contains("sha256=" + SharedData.corpus().sha256())
        .contains("split=covenant-safety-holdout-v1/2000").contains("n=" + train.size());
  }

  @Test
  void training_isDeterministic() {
    ScanModel again = PIPELINE.train(SharedData.corpus(),
        ModelTrainer.Options.defaults(), List.of());
    assertThat(again.toBytes()).isEqualTo(logistic.toBytes());
  }

  @Test
  void aModelReadBackFromBytes_scoresLikeTheOriginal() {
    ScanModel back = ScanModel.fromBytes(logistic.toBytes(), "memory");
    Message m = SharedData.corpus().records().get(0).toExample(MessageParser.create()).message();
    assertThat(InviteScanner.create(back).scan(m))
        .isEqualTo(InviteScanner.create(logistic).scan(m));
  }
}
