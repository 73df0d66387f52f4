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
  void codedValuesReadBackEqualAndUncodedOnesMoveToTheValues() {
    // Setting values, clears and booleans are coded in the position word; a value without a
    // code moves every earlier one to the values array, and all read back as written.
    History<Object> h = new History<>();
    List<Object> written = new ArrayList<>();
    Object[] values = {true, false, null, new Entities.SettingValue(true, false),
        new Entities.SettingValue(false, true), new Entities.SettingValue(true, true),
        new Entities.SettingValue(false, false), "not a code", 7, true, null};
    for (int i = 0; i < values.length; i++) {
      h.add(i, i + 1, values[i]);
      written.add(values[i]);
      for (int j = 0; j <= i; j++) {
        assertThat(h.value(j)).as("entry %d after %d adds", j, i + 1).isEqualTo(written.get(j));
        assertThat(h.at(j, j + 1).value()).isEqualTo(written.get(j));
        assertThat(h.pos(j)).isEqualTo(j + 1);
      }
    }
  }

  @Test
  void namesAreCodedUntilTheCodesRunOutThenKeptAsValues() {
    History<String> h = History.names();
    int n = 100; // more names than there are codes
    for (int i = 0; i < n; i++) {
      h.add(i, i + 1, "terms-" + i);
    }
    for (int i = 0; i < n; i++) {
      assertThat(h.value(h.index(i, Long.MAX_VALUE))).isEqualTo("terms-" + i);
    }
    History<String> other = History.names();
    other.add(1, 1, new String("terms-0"));
    assertThat(other.value(0)).isEqualTo("terms-0");
    // Plain histories never code strings (ids of people must not fill the codes).
    History<String> plain = new History<>();
    plain.add(1, 1, "terms-0");
    assertThat(plain.last().value()).isEqualTo("terms-0");
  }

  @Test
  void positionsBeyondTheirBitsAreRefused() {
    History<Boolean> h = new History<>();
    h.add(1, (1L << 56) - 1, true);
    assertThat(h.last().pos()).isEqualTo((1L << 56) - 1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.add(2, 1L << 56, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
  }
}
