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
      // From an offset of a shared array, as a restore's batch holds its lists.
      restored.restore(varints(ps, n, 7, false), 7, n);
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
    assertThatThrownBy(() -> new PositionList().restore(varints(new long[] {5, 9, 9}, 3, 0,
        false), 0, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position 9 after 9");
    // A gap past 2^63 would wrap backwards: refused, not kept.
    byte[] wraps = {5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1};
    assertThatThrownBy(() -> new PositionList().restore(wraps, 0, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after 5");
  }

  /**
   * Varints in a longer form than they need (a last byte of zero after one with the high bit
   * set) give the same list, which grows on by appends.
   */
  @Test
  void longerVarintsGiveTheSameList() {
    Random r = new Random(16);
    long[] ps = new long[300];
    long p = 3;
    for (int i = 0; i < ps.length; i++) {
      ps[i] = p;
      p += 1 + r.nextInt(1 << (1 + r.nextInt(20)));
    }
    PositionList added = new PositionList();
    for (long x : ps) {
      added.add(x);
    }
    PositionList restored = new PositionList();
    restored.restore(varints(ps, ps.length, 0, true), 0, ps.length);
    assertThat(restored.upTo(Long.MAX_VALUE)).isEqualTo(added.upTo(Long.MAX_VALUE));
    added.add(p);
    restored.add(p);
    for (int q = 0; q < 200; q++) {
      long at = r.nextInt((int) p);
      assertThat(restored.countUpTo(at)).isEqualTo(added.countUpTo(at));
      assertThat(restored.after(at, 40)).isEqualTo(added.after(at, 40));
    }
  }

  /**
   * The first n positions as a checkpoint writes them (the first, then the gaps), after
   * {@code at} bytes of something else; {@code padded}: each varint one byte longer than it needs.
   */
  private static byte[] varints(long[] ps, int n, int at, boolean padded) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < at; i++) {
      out.write(0x80 | i);
    }
    long last = 0;
    for (int i = 0; i < n; i++) {
      long gap = ps[i] - last;
      while (gap >= 0x80) {
        out.write((int) (gap | 0x80));
        gap >>>= 7;
      }
      if (padded) {
        out.write((int) (gap | 0x80));
        out.write(0);
      } else {
        out.write((int) gap);
      }
      last = ps[i];
    }
    return out.toByteArray();
  }
}
