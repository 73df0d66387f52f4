package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FeedbackReplayTest {
  @Test
  void slicesPartitionEachLabelInDateOrder() {
    List<CorpusRecord> records = SharedData.corpus().records();
    List<List<CorpusRecord>> slices = FeedbackReplay.slices(records, 8);
    Set<String> ids = new HashSet<>();
    long previousNewestSpam = Long.MIN_VALUE;
    for (List<CorpusRecord> s : slices) {
      s.forEach(r -> ids.add(r.id()));
      long spam = s.stream().filter(r -> r.label() == Label.SPAM).count();
      assertThat(spam).isBetween(62L, 63L);
      long oldest = s.stream().filter(r -> r.label() == Label.SPAM)
          .mapToLong(TimeSplit::dated).min().orElseThrow();
      assertThat(oldest).isGreaterThanOrEqualTo(previousNewestSpam);
      previousNewestSpam = s.stream().filter(r -> r.label() == Label.SPAM)
          .mapToLong(TimeSplit::dated).max().orElseThrow();
    }
    assertThat(ids).hasSize(records.size());
  }

  @Test
  void replay_learnsOnlyFromReviewedInvites_andTheGateHalvesWhatItMayUse() {
    List<CorpusRecord> some = new ArrayList<>();
    List<CorpusRecord> all = SharedData.corpus().records();
    for (int k = 0; k < all.size(); k += 4) {
      some.add(all.get(k));
    }
    Corpus small = new Corpus(SharedData.corpusFile(), "test", some);
    List<String> lines = FeedbackReplay.run(small, 2,
        ModelTrainer.Options.defaults());
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).contains("\"arm\":\"static\"").contains("\"learned\":0");
    int learned = learned(lines.get(1));
    int half = learned(lines.get(2));
    // the first batch's flagged invites, all reviewed: every one with consent, fewer with half
    int flagged = tp(lines.get(1)) + fp(lines.get(1));
    assertThat(learned).isEqualTo(flagged).isPositive();
    assertThat(half).isLessThan(learned).isPositive();
  }

  private static int field(String json, String name) {
    int at = json.indexOf("\"" + name + "\":") + name.length() + 3;
    int end = at;
    while (end < json.length() && Character.isDigit(json.charAt(end))) {
      end++;
    }
    return Integer.parseInt(json.substring(at, end));
  }

  private static int learned(String json) {
    return field(json, "learned");
  }

  private static int tp(String json) {
    return field(json, "tp");
  }

  private static int fp(String json) {
    return field(json, "fp");
  }
}
