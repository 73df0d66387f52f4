package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TimeSplitTest {
  private static CorpusRecord mail(String id, Label label, String date) {
    String header = date == null ? "" : "Date: " + date + "\n";
    return new CorpusRecord(id, "g", label, "From: a@b.example\n" + header + "Subject: s\n\nbody");
  }

  @Test
  void holdsOutTheNewestFifthOfEachLabel_byTheDateHeader() {
    List<CorpusRecord> records = new ArrayList<>();
    for (int d = 1; d <= 10; d++) {
      records.add(mail("ham-" + d, Label.HAM, "Mon, " + d + " Sep 2002 10:00:00 +0000"));
    }
    for (int d = 1; d <= 5; d++) {
      // spam is older than all ham: a split over all mail at once would hold out no spam
      records.add(mail("spam-" + d, Label.SPAM, d + " Aug 2002 10:00:00 -0700"));
    }
    records.add(mail("spam-undated", Label.SPAM, null));

    List<CorpusRecord> held = TimeSplit.STANDARD.heldOut(records);
    assertThat(held).extracting(CorpusRecord::id)
        .containsExactly("ham-9", "ham-10", "spam-5");
    List<CorpusRecord> train = TimeSplit.STANDARD.train(records);
    assertThat(train).hasSize(records.size() - held.size())
        .extracting(CorpusRecord::id).contains("spam-undated").doesNotContain("ham-10");
  }

  @Test
  void onTheDevCorpus_partitionsIt_andEveryHeldOutMessageIsNoOlderThanTrainingOfItsLabel() {
    List<CorpusRecord> records = SharedData.corpus().records();
    List<CorpusRecord> train = TimeSplit.STANDARD.train(records);
    List<CorpusRecord> held = TimeSplit.STANDARD.heldOut(records);
    Set<String> ids = new HashSet<>();
    train.forEach(r -> ids.add(r.id()));
    held.forEach(r -> assertThat(ids.add(r.id())).isTrue());
    assertThat(ids).hasSize(records.size());
    for (Label l : Label.values()) {
      long newestTrain = train.stream().filter(r -> r.label() == l)
          .mapToLong(TimeSplit::dated).max().orElseThrow();
      long oldestHeld = held.stream().filter(r -> r.label() == l)
          .mapToLong(TimeSplit::dated).min().orElseThrow();
      assertThat(oldestHeld).isGreaterThanOrEqualTo(newestTrain);
      long all = records.stream().filter(r -> r.label() == l).count();
      assertThat(held.stream().filter(r -> r.label() == l).count()).isEqualTo(all / 5);
    }
    assertThat(CorpusSplit.parse("time").describe()).isEqualTo("time/2000");
    assertThat(CorpusSplit.parse("random")).isEqualTo(HoldoutSplit.STANDARD);
  }
}
