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

  @Test
  void aMeetingIsPutUnderItsOwnIdOnly() {
    MeetingIndex index = new MeetingIndex();
    assertThatThrownBy(() -> index.put("m2", meeting("m1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("`m1`");
  }
}
