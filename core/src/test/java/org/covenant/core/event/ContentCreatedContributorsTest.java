package org.covenant.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code content.created} normalizes its contributors to the account, then each contributor not
 * seen before, in order, unmodifiable: what {@code List.copyOf} of a {@code LinkedHashSet} gave
 * before a few were compared pairwise instead (issue 15, a replay builds every one).
 */
class ContentCreatedContributorsTest {
  private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");

  private static List<String> reference(String account, List<String> contributors) {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    all.add(account);
    all.addAll(contributors);
    return List.copyOf(all);
  }

  private static Event.ContentCreated created(String account, List<String> contributors) {
    return new Event.ContentCreated(AT, "c1", "recording", account, Optional.empty(),
        Optional.empty(), contributors);
  }

  @Test
  void randomLists_normalizeAsTheSetDid() {
    SplittableRandom r = new SplittableRandom(15);
    String[] ids = {"a", "b", "c", "d", "acct", "e", "f", "g", "h", "i", "j", "k"};
    for (int round = 0; round < 20_000; round++) {
      int n = r.nextInt(14);
      List<String> contributors = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        contributors.add(ids[r.nextInt(r.nextBoolean() ? 3 : ids.length)]);
      }
      List<String> got = created("acct", contributors).contributors();
      List<String> want = reference("acct", contributors);
      assertThat(got).isEqualTo(want);
      assertThat(got.getClass()).isEqualTo(want.getClass());
      assertThatThrownBy(() -> got.add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void theAccountFirst_duplicatesDropped_orderKept() {
    assertThat(created("acct", List.of()).contributors()).containsExactly("acct");
    assertThat(created("acct", List.of("b", "acct", "a", "b")).contributors())
        .containsExactly("acct", "b", "a");
    List<String> many = Arrays.asList("x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9",
        "x1", "acct");
    assertThat(created("acct", many).contributors())
        .containsExactly("acct", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9");
  }

  @Test
  void aNullContributorOrList_isRefusedAsBefore() {
    assertThatThrownBy(() -> created("acct", Arrays.asList("a", null)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> created("acct", Arrays.asList(null, null, "a")))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> created("acct", null)).isInstanceOf(NullPointerException.class);
    List<String> many = new ArrayList<>(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9"));
    many.add(null);
    assertThatThrownBy(() -> created("acct", many)).isInstanceOf(NullPointerException.class);
  }
}
