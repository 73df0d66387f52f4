package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HoldoutSplitTest {
  private final HoldoutSplit split = HoldoutSplit.STANDARD;

  @Test
  void trainAndHeldOut_areDisjoint_andCoverTheCorpus() {
    List<CorpusRecord> records = SharedData.corpus().records();
    Set<String> train = ids(split.train(records));
    Set<String> held = ids(split.heldOut(records));
    assertThat(train).doesNotContainAnyElementsOf(held);
    assertThat(train.size() + held.size()).isEqualTo(records.size());
    double share = (double) held.size() / records.size();
    assertThat(share).isBetween(0.18, 0.22);
    assertThat(split.heldOut(records)).anyMatch(r -> r.label() == Label.SPAM)
        .anyMatch(r -> r.label() == Label.HAM);
  }

  @Test
  void split_isDeterministic_andIndependentOfOrder() {
    List<CorpusRecord> records = new ArrayList<>(SharedData.corpus().records());
    Set<String> first = ids(split.heldOut(records));
    Collections.shuffle(records, new java.util.Random(7));
    assertThat(ids(split.heldOut(records))).isEqualTo(first);
    assertThat(ids(new HoldoutSplit(split.salt(), split.heldOutPerTenThousand())
        .heldOut(records))).isEqualTo(first);
  }

  @Test
  void membership_ofKnownIds_isPinned() {
    // pinned so that an accidental change of the hash, salt or share shows up here
    List<CorpusRecord> records = SharedData.corpus().records();
    List<String> firstHeld = split.heldOut(records).stream().limit(3).map(CorpusRecord::id)
        .toList();
    assertThat(firstHeld).containsExactly(PINNED);
  }

  @Test
  void anotherSalt_drawsAnotherSplit() {
    List<CorpusRecord> records = SharedData.corpus().records();
    assertThat(ids(new HoldoutSplit("other", 2000).heldOut(records)))
        .isNotEqualTo(ids(split.heldOut(records)));
    assertThat(new HoldoutSplit("x", 0).heldOut(records)).isEmpty();
    assertThat(new HoldoutSplit("x", 10_000).train(records)).isEmpty();
  }

  // cross-checked with an independent implementation (Python hashlib, docs/benchmarks/safety.md)
  static final String[] PINNED = {"spam-1/00002", "spam-1/00003", "spam-1/00004"};

  private static Set<String> ids(List<CorpusRecord> rs) {
    Set<String> out = new HashSet<>();
    rs.forEach(r -> out.add(r.id()));
    return out;
  }
}
