package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.covenant.core.state.Entities.Participant;
import org.covenant.core.vocab.Notice;
import org.junit.jupiter.api.Test;

/**
 * An ended meeting's packed participants answer every question as the live histories they were
 * made from, for meetings found by a walk (a few participants) and by offsets (many), and read
 * back from their packed form (a checkpoint's) unchanged.
 */
class EndedParticipantsTest {
  private static final int NOTICES = Notice.values().length;

  /** Random live participants: joins and leaves, organisations, acknowledgements. */
  private static ConcurrentHashMap<String, Participant> live(Random r, int n) {
    ConcurrentHashMap<String, Participant> live = new ConcurrentHashMap<>();
    long t = 1_700_000_000_000_000_000L;
    long p = 100;
    Participant[] ps = new Participant[n];
    for (int i = 0; i < n; i++) {
      ps[i] = new Participant((r.nextBoolean() ? "guest" : "u") + i);
      live.put(ps[i].id, ps[i]);
    }
    for (int step = 0; step < n * 6; step++) {
      t += r.nextInt(3) == 0 ? 1_000_000_000L * r.nextInt(90) : 1_000_000L * r.nextInt(5000) + 7;
      p += 1 + r.nextInt(50);
      Participant x = ps[r.nextInt(n)];
      switch (r.nextInt(3)) {
        case 0 -> x.present.add(t, p, x.present.last() == null || !x.present.last().value());
        case 1 -> {
          if (x.present.last() == null || !x.present.last().value()) {
            x.present.add(t, p, true);
            x.organisation.add(t, p, r.nextBoolean() ? null : "org" + r.nextInt(3));
          }
        }
        default -> {
          int k = r.nextInt(NOTICES);
          if (x.acks[k].last() == null) {
            History.writable(x.ownAcks(), k).add(t, p, true);
          }
        }
      }
    }
    return live;
  }

  private static void sameAnswers(Participant[] expected, EndedParticipants c, Random r) {
    assertThat(c.size()).isEqualTo(expected.length);
    long maxPos = 0;
    for (int i = 0; i < expected.length; i++) {
      Participant x = expected[i];
      assertThat(c.id(i)).isEqualTo(x.id);
      assertThat(c.find(x.id)).isEqualTo(i);
      assertThat(c.joined(i)).isEqualTo(x.present.first() != null);
      History.Entry<?>[] stamps = x.present.all();
      for (History.Entry<?> e : stamps) {
        maxPos = Math.max(maxPos, e.pos());
      }
      for (History.Entry<?> e : x.organisation.all()) {
        maxPos = Math.max(maxPos, e.pos());
      }
      for (History<Boolean> h : x.acks) {
        for (History.Entry<Boolean> e : h.all()) {
          maxPos = Math.max(maxPos, e.pos());
        }
      }
      for (int q = 0; q < 40; q++) {
        long t = 1_700_000_000_000_000_000L + (long) (r.nextDouble() * 4e12);
        long p = r.nextInt(20_000);
        History.Entry<Boolean> pr = x.present.at(t, p);
        assertThat(c.present(i, t, p)).isEqualTo(pr != null && pr.value());
        boolean[] found = new boolean[1];
        String org = c.organisation(i, t, p, found);
        History.Entry<String> o = x.organisation.at(t, p);
        assertThat(found[0]).isEqualTo(o != null);
        assertThat(org).isEqualTo(o == null ? null : o.value());
        for (int k = 0; k < NOTICES; k++) {
          History.Entry<Boolean> a = x.acks[k].at(t, p);
          assertThat(c.acknowledged(i, k, t, p)).isEqualTo(a == null ? -1 : a.pos());
        }
      }
      Participant back = c.thaw(i);
      assertThat(Arrays.asList(back.present.all())).isEqualTo(Arrays.asList(x.present.all()));
      assertThat(Arrays.asList(back.organisation.all()))
          .isEqualTo(Arrays.asList(x.organisation.all()));
    }
    assertThat(c.lastPos()).isEqualTo(maxPos);
    assertThat(c.find("nobody")).isEqualTo(-1);
  }

  @Test
  void answersAsTheLiveHistoriesAndReadsBackPackedForFewAndManyParticipants() {
    for (int n : new int[] {0, 1, 3, 8, 9, 30, 200}) {
      for (long seed = 1; seed <= 5; seed++) {
        Random r = new Random(seed * 1000 + n);
        ConcurrentHashMap<String, Participant> live = live(r, n);
        Participant[] order = live.values().toArray(new Participant[0]);
        EndedParticipants c = EndedParticipants.of(new MeetingArena(), live);
        sameAnswers(order, c, r);
        EndedParticipants[] back = new EndedParticipants[1];
        c.writeTo((strings, count, data, baseAt, basePos) -> back[0] =
            EndedParticipants.restore(new MeetingArena(), strings.clone(), count, data.clone(), baseAt, basePos));
        sameAnswers(order, back[0], r);
      }
    }
  }

  @Test
  void aPackedFormWhoseSectionsDoNotAddUpIsRefused() {
    Random r = new Random(7);
    for (int n : new int[] {3, 12}) {
      EndedParticipants c = EndedParticipants.of(new MeetingArena(), live(r, n));
      c.writeTo((strings, count, data, baseAt, basePos) -> {
        assertThatThrownBy(() -> EndedParticipants.restore(new MeetingArena(), strings, count,
            Arrays.copyOf(data, data.length - 1), baseAt, basePos))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EndedParticipants.restore(new MeetingArena(), strings, count,
            Arrays.copyOf(data, data.length + 1), baseAt, basePos))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EndedParticipants.restore(new MeetingArena(), strings, count + 1, data, baseAt,
            basePos)).isInstanceOf(IllegalArgumentException.class);
      });
    }
  }

  /** Participants whose ids and organisations are not ASCII (accents, CJK, outside the BMP). */
  @Test
  void idsAndOrganisationsBeyondAsciiAnswerAsTheLiveHistories() {
    String[] ids = {"zoë", "李雷", "\uD83D\uDE00guest", "ann", "ann\u00e9", "anné"};
    ConcurrentHashMap<String, Participant> live = new ConcurrentHashMap<>();
    long t = 1_700_000_000_000_000_000L;
    for (int i = 0; i < ids.length; i++) {
      Participant x = new Participant(ids[i]);
      x.present.add(t + i, 10 + i, true);
      x.organisation.add(t + i, 10 + i, i % 2 == 0 ? "société-" + i : null);
      live.put(x.id, x);
    }
    Participant[] order = live.values().toArray(new Participant[0]);
    EndedParticipants c = EndedParticipants.of(new MeetingArena(), live);
    sameAnswers(order, c, new Random(3));
    for (int i = 0; i < order.length; i++) {
      assertThat(c.idIs(i, order[i].id)).isTrue();
      assertThat(c.idIs(i, order[i].id + "x")).isFalse();
      assertThat(c.organisation(i, TimeKey.END, Long.MAX_VALUE, new boolean[1]))
          .isEqualTo(order[i].organisation.last().value());
    }
    assertThat(c.find("ann\u00e9")).isEqualTo(c.find("anné")).isNotNegative();
    assertThat(c.find("李")).isEqualTo(-1);
    assertThat(c.find("\uD83D\uDE00")).isEqualTo(-1);
  }

  /**
   * Many ended meetings in one arena: each id or organisation they name is held once however
   * many meetings name it, every meeting answers from its own slice, and a meeting larger than
   * a chunk gets a chunk of its own without disturbing the others.
   */
  @Test
  void meetingsShareOneArenaAndItsInternedStrings() {
    MeetingArena arena = new MeetingArena();
    Random r = new Random(11);
    java.util.List<Participant[]> orders = new java.util.ArrayList<>();
    java.util.List<EndedParticipants> packed = new java.util.ArrayList<>();
    for (int m = 0; m < 300; m++) {
      int n = m == 150 ? 12_000 : 1 + r.nextInt(6);
      ConcurrentHashMap<String, Participant> live = live(r, n);
      orders.add(live.values().toArray(new Participant[0]));
      packed.add(EndedParticipants.of(arena, live));
    }
    assertThat(packed.get(150).sliceLength()).isGreaterThan(MeetingArena.CHUNK);
    java.util.Set<String> distinct = new java.util.HashSet<>();
    for (Participant[] order : orders) {
      for (Participant x : order) {
        distinct.add(x.id);
        for (History.Entry<String> e : x.organisation.all()) {
          if (e.value() != null) {
            distinct.add(e.value());
          }
        }
      }
    }
    assertThat(arena.strings()).isEqualTo(distinct.size());
    for (int m = 0; m < orders.size(); m++) {
      if (m != 150) {
        EndedParticipants again = EndedParticipants.at(arena, packed.get(m).address());
        sameAnswers(orders.get(m), again, r);
      }
    }
    EndedParticipants big = packed.get(150);
    for (int i = 0; i < big.size(); i += 997) {
      assertThat(big.find(orders.get(150)[i].id)).isEqualTo(i);
    }
  }

  /** A meeting prefix whose start (the origin of the slice's base) is (at, pos). */
  private static byte[] prefix(long at, long pos) {
    byte[] b = new byte[40];
    int o = MeetingArena.putVarint(b, 0, pos);
    o = MeetingArena.putVarint(b, o, 3);
    o = MeetingArena.putVarint(b, o, EndedParticipants.timeCode(at));
    o = MeetingArena.putVarint(b, o, 0);
    o = MeetingArena.putVarint(b, o, 0);
    o = MeetingArena.putVarint(b, o, 0);
    return Arrays.copyOf(b, o);
  }

  /**
   * The base stamps are gaps from the meeting's start in its prefix, or absolute without one
   * or when the gap is negative or does not fit; the string numbers take three bytes or four.
   * Every combination answers the same and writes back the same base.
   */
  @Test
  void theBaseAsGapsFromTheMeetingsStartAndStringNumbersOfEitherWidth() {
    Random r = new Random(21);
    for (int n : new int[] {1, 5, 12}) {
      ConcurrentHashMap<String, Participant> live = live(r, n);
      Participant[] order = live.values().toArray(new Participant[0]);
      EndedParticipants c = EndedParticipants.of(new MeetingArena(), live);
      c.writeTo((strings, count, data, baseAt, basePos) -> {
        byte[][] prefixes = {
          new byte[0],
          prefix(baseAt - 1_000_000L * r.nextInt(100), basePos - r.nextInt(5)),
          prefix(baseAt - 7, basePos),
          prefix(baseAt + 1, basePos + 3), // after the base: baseAt raw, basePos's gap negative
          prefix(0, 0),
        };
        int[] sizes = new int[prefixes.length * 2];
        for (int k = 0; k < prefixes.length; k++) {
          for (boolean wide : new boolean[] {false, true}) {
            MeetingArena arena = new MeetingArena();
            int[] refs = new int[strings.length];
            for (int j = 0; j < refs.length; j++) {
              refs[j] = strings[j] == null ? 0 : arena.intern(strings[j]) + 1;
            }
            EndedParticipants e = EndedParticipants.packRefs(arena, prefixes[k], refs, count,
                data, data.length, baseAt, basePos, wide);
            sameAnswers(order, e, r);
            assertThat(e.prefixLength()).isEqualTo(prefixes[k].length);
            e.writeTo((s2, count2, data2, baseAt2, basePos2) -> {
              assertThat(baseAt2).isEqualTo(baseAt);
              assertThat(basePos2).isEqualTo(basePos);
              assertThat(data2).isEqualTo(data);
            });
            sizes[2 * k + (wide ? 1 : 0)] = e.sliceLength() - prefixes[k].length;
          }
        }
        for (int k = 0; k < prefixes.length; k++) {
          // A wide number is a byte longer.
          assertThat(sizes[2 * k + 1] - sizes[2 * k]).isEqualTo(strings.length);
        }
        // A start just before the base: its gap is shorter than the absolute base.
        assertThat(sizes[4]).isLessThan(sizes[0]);
      });
    }
  }
}
