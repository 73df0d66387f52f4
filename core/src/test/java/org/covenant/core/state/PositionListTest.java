package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** A list restored in one piece answers as one built position by position, and grows on. */
class PositionListTest {
  @Test
  void aRestoredListAnswersAsOneBuiltByAppends() {
    Random r = new Random(15);
    for (int n : new int[] {0, 1, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000, 4099}) {
      long[] ps = new long[n + 50];
      long p = r.nextInt(3);
      for (int i = 0; i < ps.length; i++) {
        ps[i] = p;
        p += 1 + (r.nextInt(4) == 0 ? r.nextInt(1 << 20) : r.nextInt(200));
      }
      PositionList added = new PositionList();
      PositionList restored = new PositionList();
      for (int i = 0; i < n; i++) {
        added.add(ps[i]);
      }
      restored.restore(ps, n);
      // Both grow on by appends after the restore.
      for (int i = n; i < ps.length; i++) {
        added.add(ps[i]);
        restored.add(ps[i]);
        assertThat(restored.size()).isEqualTo(added.size());
        assertThat(restored.last()).isEqualTo(added.last());
      }
      for (int q = 0; q < 200; q++) {
        long at = r.nextInt((int) Math.min(Integer.MAX_VALUE, p + 10));
        assertThat(restored.upTo(at)).isEqualTo(added.upTo(at));
        assertThat(restored.countUpTo(at)).isEqualTo(added.countUpTo(at));
        assertThat(restored.contains(at)).isEqualTo(added.contains(at));
        assertThat(restored.after(at, 40)).isEqualTo(added.after(at, 40));
      }
      assertThat(restored.upTo(Long.MAX_VALUE)).isEqualTo(added.upTo(Long.MAX_VALUE));
    }
  }

  @Test
  void positionsThatDoNotAscendAreRefused() {
    assertThatThrownBy(() -> new PositionList().restore(new long[] {5, 9, 9}, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position 9 after 9");
  }
}
