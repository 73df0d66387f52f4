package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The timeline every projection reads "as of (time, position)". */
class HistoryTest {
  @Test
  void emptyHistoryHasNothingInForce() {
    History<String> h = new History<>();
    assertThat(h.at(Long.MAX_VALUE, Long.MAX_VALUE)).isNull();
    assertThat(h.first()).isNull();
    assertThat(h.last()).isNull();
  }

  @Test
  void theValueInForceIsTheLastAtOrBeforeBothStamps() {
    History<String> h = new History<>();
    h.add(10, 1, "a");
    h.add(20, 5, "b");
    h.add(20, 6, "c");
    assertThat(h.at(9, 100)).isNull();
    assertThat(h.at(10, 1).value()).isEqualTo("a");
    assertThat(h.at(19, 100).value()).isEqualTo("a");
    // Same instant, later in the ledger: the position decides (DECISIONS.md, same instant).
    assertThat(h.at(20, 5).value()).isEqualTo("b");
    assertThat(h.at(20, 6).value()).isEqualTo("c");
    // A snapshot cut before an entry's position does not see it, whatever the time.
    assertThat(h.at(Long.MAX_VALUE, 4).value()).isEqualTo("a");
    assertThat(h.at(Long.MAX_VALUE, 0)).isNull();
    assertThat(h.first().value()).isEqualTo("a");
    assertThat(h.last().value()).isEqualTo("c");
    assertThat(h.at(20, 6).pos()).isEqualTo(6);
  }

  @Test
  void binarySearchAgreesWithALinearScan() {
    Random r = new Random(20261206L);
    for (int trial = 0; trial < 200; trial++) {
      History<Integer> h = new History<>();
      List<long[]> stamps = new ArrayList<>();
      long t = 0;
      long p = 0;
      int n = r.nextInt(20);
      for (int i = 0; i < n; i++) {
        t += r.nextInt(3);     // equal instants happen
        p += 1 + r.nextInt(3); // positions strictly ascend
        h.add(t, p, i);
        stamps.add(new long[] {t, p});
      }
      for (int q = 0; q < 50; q++) {
        long qt = r.nextInt((int) t + 3) - 1;
        long qp = r.nextInt((int) p + 3) - 1;
        Integer expected = null;
        for (int i = 0; i < stamps.size(); i++) {
          if (stamps.get(i)[0] <= qt && stamps.get(i)[1] <= qp) {
            expected = i;
          }
        }
        History.Entry<Integer> e = h.at(qt, qp);
        assertThat(e == null ? null : e.value()).as("trial %d at (%d, %d)", trial, qt, qp)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void entriesReadInPlaceAreTheEntriesAllGives() {
    // Booleans (kept as bits) that turn into values, and values: each read by index as all().
    History<Object> h = new History<>();
    assertThat(h.size()).isZero();
    h.add(10, 1, true);
    h.add(10, 2, false);
    h.add(12, 7, "org");
    h.add(15, 9, null);
    History.Entry<Object>[] all = h.all();
    assertThat(h.size()).isEqualTo(all.length).isEqualTo(4);
    for (int i = 0; i < all.length; i++) {
      assertThat(new History.Entry<>(h.time(i), h.pos(i), h.value(i))).as("entry %d", i)
          .isEqualTo(all[i]);
    }
    History<Boolean> bits = new History<>();
    bits.add(3, 4, false);
    bits.add(5, 6, true);
    assertThat(bits.size()).isEqualTo(2);
    assertThat(bits.time(1)).isEqualTo(5);
    assertThat(bits.pos(1)).isEqualTo(6);
    assertThat(bits.value(0)).isFalse();
    assertThat(bits.value(1)).isTrue();
  }
}
