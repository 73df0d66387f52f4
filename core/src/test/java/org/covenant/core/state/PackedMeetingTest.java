package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.covenant.core.state.Entities.Meeting;
import org.covenant.core.state.Entities.Participant;
import org.junit.jupiter.api.Test;

/**
 * An ended meeting whose id and feature log move into its packed slice (issue 15: no arrays of
 * its own) answers every feature and id question as before it was packed, at any (t, p), and
 * hands the checkpoint the very bytes and log it held.
 */
class PackedMeetingTest {
  private static final int FEATURES = org.covenant.core.vocab.Vocabulary.features().size();

  /** A meeting with random feature changes (gaps of whole seconds, milliseconds, nanoseconds). */
  private static Meeting meeting(Random r, String id, long t0, long p0) {
    Meeting m = new Meeting(id, "acme", "host", t0, p0);
    Participant x = new Participant("guest" + r.nextInt(5));
    x.present.add(t0, p0, true);
    m.participants().put(x.id, x);
    long t = t0;
    long p = p0;
    int changes = r.nextInt(12);
    for (int k = 0; k < changes; k++) {
      switch (r.nextInt(4)) {
        case 0 -> t += 1_000_000_000L * r.nextInt(100);
        case 1 -> t += 1_000_000L * r.nextInt(5000);
        case 2 -> t += 1 + r.nextInt(999_999);
        default -> { }
      }
      p += r.nextInt(3);
      m.addFeature(r.nextInt(FEATURES), t, p, r.nextBoolean());
    }
    m.end(t + 5, p + 1);
    return m;
  }

  private static String answers(Meeting m, Random r, long t0, long p0) {
    StringBuilder b = new StringBuilder(m.id()).append(Arrays.toString(m.idBytes()))
        .append(Arrays.toString(m.featureLog())).append(m.idIs("x")).append('\n');
    long[] log = m.featureLog();
    long[][] at = new long[200 + 4 * log.length / 2][];
    for (int q = 0; q < 200; q++) {
      at[q] = new long[] {t0 + (long) (r.nextDouble() * 2e12), p0 + r.nextInt(40)};
    }
    // At every change's own stamps and just before them in time or position.
    for (int i = 0, q = 200; i < log.length; i += 2) {
      long pos = Meeting.featurePos(log[i + 1]);
      at[q++] = new long[] {log[i], pos};
      at[q++] = new long[] {log[i] - 1, pos};
      at[q++] = new long[] {log[i], pos - 1};
      at[q++] = new long[] {log[i], Long.MAX_VALUE};
    }
    for (long[] tp : at) {
      long t = tp[0];
      long p = tp[1];
      for (int f = 0; f < FEATURES; f++) {
        b.append(m.featureOnPos(f, t, p)).append(' ').append(m.feature(f, t, p)).append(' ');
      }
      b.append('\n');
    }
    for (int f = 0; f < FEATURES; f++) {
      b.append(m.featureOnPos(f, TimeKey.END, Long.MAX_VALUE)).append(' ');
    }
    return b.toString();
  }

  @Test
  void aPackedMeetingAnswersAsItsArraysDid() {
    MeetingArena arena = new MeetingArena();
    String[] ids = {"m-1", "réunion-é", "会议", "\uD83D\uDE00", ""};
    for (long seed = 1; seed <= 60; seed++) {
      Random r = new Random(seed);
      long t0 = 1_700_000_000_000_000_000L + r.nextInt(1000);
      long p0 = 1 + r.nextInt(1_000_000);
      String id = ids[(int) (seed % ids.length)] + seed;
      Meeting m = meeting(r, id, t0, p0);
      String before = answers(m, new Random(seed), t0, p0);
      m.close(arena);
      assertThat(m.participants()).isNull();
      assertThat(m.idBytes()).isNotSameAs(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(answers(m, new Random(seed), t0, p0)).as("seed %d", seed).isEqualTo(before);
      assertThat(m.idIs(id)).isTrue();
      assertThat(m.idIs(id + "0")).isFalse();
      assertThat(m.closed().find(m.closed().id(0))).isZero();
      // A leave after the end re-packs the participants: the id and features stay.
      m.closed(m.closed().left(0, m.endedAt() + 1, m.endedPos() + 1));
      assertThat(answers(m, new Random(seed), t0, p0)).as("seed %d", seed).isEqualTo(before);
      assertThat(m.closed().present(0, TimeKey.END, Long.MAX_VALUE)).isFalse();
    }
    assertThat(arena.deadBytes()).isPositive();
  }

  @Test
  void aFeatureLogThatDoesNotFitKeepsItsArrays() {
    // A change stamped before the meeting's start (a checkpoint may hold one): not packed.
    Meeting m = new Meeting("m", "acme", "host", 1_000_000_000L, 10);
    m.restoreFeatureLog(new long[] {5, 3 | 1L << 62});
    Participant x = new Participant("g");
    x.present.add(1_000_000_000L, 10, true);
    m.participants().put("g", x);
    m.end(2_000_000_000L, 20);
    String before = answers(m, new Random(1), 0, 0);
    m.close(new MeetingArena());
    assertThat(m.participants()).isNull();
    assertThat(m.closed().prefixLength()).isZero();
    assertThat(answers(m, new Random(1), 0, 0)).isEqualTo(before);
  }

  /** Everything a meeting answers about itself but its features and participants. */
  private static String stamps(Meeting m, Random r) {
    StringBuilder b = new StringBuilder().append(m.id()).append(' ').append(m.account)
        .append(' ').append(m.host()).append(' ').append(m.idHash).append(' ').append(m.at())
        .append(' ').append(m.pos()).append(' ').append(m.endedAt()).append(' ')
        .append(m.endedPos()).append(' ').append(m.hasEnded()).append('\n');
    long[][] at = {
      {m.at(), m.pos()}, {m.at() - 1, m.pos()}, {m.at(), m.pos() - 1},
      {m.endedAt(), m.endedPos()}, {m.endedAt() - 1, m.endedPos()},
      {m.endedAt(), m.endedPos() - 1}, {TimeKey.END, Long.MAX_VALUE}, {0, 0},
      {m.at() + r.nextInt(1 << 30), m.pos() + r.nextInt(50)},
    };
    for (long[] tp : at) {
      b.append(m.startedBy(tp[0], tp[1])).append(m.endedBy(tp[0], tp[1])).append(' ');
    }
    return b.toString();
  }

  @Test
  void aMeetingPackedWithoutItsBodyAnswersEveryAccessorAsBefore() {
    MeetingArena arena = new MeetingArena();
    for (long seed = 1; seed <= 80; seed++) {
      Random r = new Random(seed);
      // Whole seconds, milliseconds and nanoseconds; starts far and near the epoch.
      long t0 = switch ((int) (seed % 3)) {
        case 0 -> 1_700_000_000_000_000_000L;
        case 1 -> 1_735_689_600_123_000_000L;
        default -> 1 + r.nextInt(1_000_000);
      };
      long p0 = 1 + r.nextInt(1 << 30);
      Meeting m = meeting(r, "m" + seed, t0, p0);
      // Some meetings of many participants: their view is kept, not the arena.
      int guests = seed % 4 == 0 ? 20 : 0;
      for (int k = 0; k < guests; k++) {
        Participant x = new Participant("many" + k);
        x.present.add(t0 + k, p0 + k, true);
        m.participants().put(x.id, x);
      }
      String before = stamps(m, new Random(seed)) + answers(m, new Random(seed), t0, p0);
      assertThat(m.packed()).isFalse();
      m.close(arena);
      assertThat(m.packed()).as("seed %d", seed).isTrue();
      assertThat(m.participants()).isNull();
      assertThat(stamps(m, new Random(seed)) + answers(m, new Random(seed), t0, p0))
          .as("seed %d", seed).isEqualTo(before);
      // Live again (a leave whose gap does not fit): a body again, the same answers.
      java.util.concurrent.ConcurrentHashMap<String, Participant> again =
          new java.util.concurrent.ConcurrentHashMap<>();
      EndedParticipants stale = m.closed();
      for (Participant x : stale.thawAll()) {
        again.put(x.id, x);
      }
      m.revive(again);
      assertThat(m.packed()).isFalse();
      assertThat(m.participants()).isSameAs(again);
      assertThat(m.closed().address()).isEqualTo(stale.address());
      assertThat(stamps(m, new Random(seed)) + answers(m, new Random(seed), t0, p0))
          .as("seed %d", seed).isEqualTo(before);
    }
  }

  @Test
  void aStartBeforeTheEpochKeepsItsBody() {
    // Time code takes no negative time: the meeting keeps its body, packed participants aside.
    Meeting m = new Meeting("m", "acme", "host", -5_000_000_000L, 10);
    Participant x = new Participant("g");
    x.present.add(-5_000_000_000L, 10, true);
    m.participants().put("g", x);
    m.end(2_000_000_000L, 20);
    String before = stamps(m, new Random(1)) + answers(m, new Random(1), 0, 0);
    m.close(new MeetingArena());
    assertThat(m.packed()).isFalse();
    assertThat(m.participants()).isNull();
    assertThat(m.closed().prefixLength()).isZero();
    assertThat(stamps(m, new Random(1)) + answers(m, new Random(1), 0, 0)).isEqualTo(before);
  }

  @Test
  void compactAddressesRoundTrip() {
    long[] addresses = {
      MeetingArena.address(0, 0), MeetingArena.address(0, MeetingArena.CHUNK - 1),
      MeetingArena.address(1, 17), MeetingArena.address(8191, 12345),
      MeetingArena.address((int) MeetingArena.COMPACT_LIMIT - 1, MeetingArena.CHUNK - 1),
    };
    for (long a : addresses) {
      assertThat(MeetingArena.compactable(a)).isTrue();
      assertThat(MeetingArena.expand(MeetingArena.compact(a))).isEqualTo(a);
    }
    assertThat(MeetingArena.compactable(MeetingArena.address((int) MeetingArena.COMPACT_LIMIT, 0)))
        .isFalse();
  }
}
