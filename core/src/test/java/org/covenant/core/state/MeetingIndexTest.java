package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.covenant.core.state.Entities.Meeting;
import org.junit.jupiter.api.Test;

/** The meetings by id answer as the map they replace, through growth and removals. */
class MeetingIndexTest {
  private static Meeting meeting(String id) {
    return new Meeting(id, "acct", "host", 1, 1);
  }

  @Test
  void answersAsAMapThroughGrowthRemovalsAndReplacements() {
    for (long seed = 1; seed <= 20; seed++) {
      Random r = new Random(seed);
      MeetingIndex index = new MeetingIndex();
      Map<String, Meeting> model = new HashMap<>();
      for (int step = 0; step < 5000; step++) {
        // Few distinct ids, so removals, re-adds onto tombstones and replacements are common.
        String id = "m" + r.nextInt(1 + step / 4);
        switch (r.nextInt(4)) {
          case 0 -> assertThat(index.remove(id)).isSameAs(model.remove(id));
          default -> {
            Meeting m = meeting(id);
            index.put(id, m);
            model.put(id, m);
          }
        }
        String probe = "m" + r.nextInt(1 + step / 2);
        assertThat(index.get(probe)).isSameAs(model.get(probe));
        assertThat(index.containsKey(probe)).isEqualTo(model.containsKey(probe));
        assertThat(index.size()).isEqualTo(model.size());
      }
      assertThat(index.values()).containsExactlyInAnyOrderElementsOf(model.values());
    }
  }

  /**
   * Issue 15: the table keeps a load of one half to two thirds at any size (a power of two at
   * least three times the meetings kept 3 to 6 slots a meeting), and every meeting is still
   * found through the growths.
   */
  @Test
  void keepsALoadOfOneHalfToTwoThirds() {
    MeetingIndex index = new MeetingIndex();
    for (int k = 1; k <= 200_000; k++) {
      index.put("m" + k, meeting("m" + k));
      if (k % 997 == 0 || k > 199_990) {
        assertThat(index.slots()).as("slots for %d meetings", k)
            .isLessThanOrEqualTo(Math.max(16, 2 * k)).isGreaterThanOrEqualTo(3 * k / 2);
      }
    }
    for (int k = 1; k <= 200_000; k += 101) {
      assertThat(index.get("m" + k).id()).isEqualTo("m" + k);
    }
    assertThat(index.get("m0")).isNull();
  }

  @Test
  void aMeetingIsPutUnderItsOwnIdOnly() {
    MeetingIndex index = new MeetingIndex();
    assertThatThrownBy(() -> index.put("m2", meeting("m1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("`m1`");
  }

  /**
   * A meeting keeps its id as UTF-8 bytes, not a String: every id reads back as given and is
   * found by itself only, whatever its characters (ASCII, accented, outside the BMP), for ids
   * that are prefixes of each other and for ids with the same {@code hashCode}.
   */
  @Test
  void idsKeptAsBytesReadBackAndMatchExactly() {
    // "Aa" and "BB" have the same hashCode, so do "AaAa" and "BBBB".
    String[] ids = {"m", "m1", "m10", "Aa", "BB", "AaAa", "BBBB", "réunion", "reunion",
        "会議-7", "𝔪𝔢𝔢𝔱", "𝔪𝔢𝔢", "m\u00e8", "mé"};
    MeetingIndex index = new MeetingIndex();
    Map<String, Meeting> model = new HashMap<>();
    for (String id : ids) {
      Meeting m = meeting(id);
      assertThat(m.id()).isEqualTo(id);
      assertThat(m.idHash).isEqualTo(id.hashCode());
      index.put(id, m);
      model.put(id, m);
    }
    for (String id : ids) {
      assertThat(index.get(id)).isSameAs(model.get(id));
      for (String other : ids) {
        assertThat(model.get(id).idIs(other)).as(id + " is " + other).isEqualTo(id.equals(other));
      }
    }
    for (String absent : new String[] {"", "m2", "re\u0301union", "𝔪", "AaBB", "会議"}) {
      assertThat(index.get(absent)).as(absent).isNull();
    }
  }

  /**
   * A restore's bulk put (issue 15: grown once, filled in home-slot order) answers as puts one
   * by one would: every meeting found, a later one with an id replacing an earlier, meetings
   * already held kept, and the load within bounds.
   */
  @Test
  void putAll_answersAsPutsInTurn() {
    for (long seed = 1; seed <= 5; seed++) {
      Random r = new Random(seed);
      MeetingIndex bulk = new MeetingIndex();
      MeetingIndex each = new MeetingIndex();
      for (int k = 0; k < 300; k++) {
        Meeting m = meeting("held" + k);
        bulk.put("held" + k, m);
        each.put("held" + k, m);
      }
      bulk.remove("held7");
      each.remove("held7");
      Meeting[] ms = new Meeting[20_000];
      for (int i = 0; i < ms.length; i++) {
        // Some ids twice (and some of those held already): the later one wins.
        String id = r.nextInt(20) == 0 ? "held" + r.nextInt(400) : "m" + r.nextInt(18_000);
        ms[i] = meeting(id);
      }
      bulk.putAll(ms);
      for (Meeting m : ms) {
        String id = m.id();
        each.put(id, m);
      }
      assertThat(bulk.size()).isEqualTo(each.size());
      assertThat(bulk.values()).containsExactlyInAnyOrderElementsOf(each.values());
      for (Meeting m : each.values()) {
        assertThat(bulk.get(m.id())).isSameAs(m);
      }
      assertThat(bulk.get("held7")).isSameAs(each.get("held7"));
      assertThat(bulk.slots()).isLessThanOrEqualTo(2 * (bulk.size() + ms.length));
    }
  }
}
