package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReviewQueueTest {
  private static final Instant AT = Instant.parse("2024-06-01T10:00:00Z");
  private final Set<String> consented = new HashSet<>();
  private final ReviewQueue queue =
      ReviewQueue.create(InMemoryReviewStore.create(), consented::contains);

  private static Invite invite(String id, String account) {
    return new Invite(id, account, Message.of("a@b.example", "s", "body " + id, List.of()));
  }

  private static ScanResult flagged(ScanVerdict v) {
    return new ScanResult(v, 0.9, 0.5, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  @Test
  void heldItems_waitForAReviewer_inHoldOrder() {
    queue.hold(invite("c1", "acme"), flagged(ScanVerdict.SPAM), AT);
    queue.hold(invite("c2", "acme"), flagged(ScanVerdict.FRAUD), AT);
    ReviewItem again = queue.hold(invite("c1", "other"), flagged(ScanVerdict.FRAUD), AT);
    assertThat(again.invite().accountId()).isEqualTo("acme");
    assertThat(queue.held()).extracting(ReviewItem::contentId).containsExactly("c1", "c2");
    assertThat(queue.held()).allMatch(i -> i.status() == ReviewStatus.HELD);
  }

  @Test
  void releaseAndConfirm_decideOnce() {
    queue.hold(invite("c1", "acme"), flagged(ScanVerdict.SPAM), AT);
    queue.hold(invite("c2", "acme"), flagged(ScanVerdict.SPAM), AT);
    ReviewOutcome released = queue.release("c1", "rita");
    assertThat(released).isInstanceOf(ReviewOutcome.Applied.class);
    ReviewItem item = ((ReviewOutcome.Applied) released).item();
    assertThat(item.status()).isEqualTo(ReviewStatus.RELEASED);
    assertThat(item.verdict()).isEqualTo(ScanVerdict.CLEAN);
    assertThat(item.reviewer()).isEqualTo("rita");
    assertThat(item.decidedAt()).isEmpty();
    ReviewOutcome confirmed = queue.confirm("c2", "sam", ScanVerdict.FRAUD, AT.plusSeconds(60));
    assertThat(((ReviewOutcome.Applied) confirmed).item().verdict()).isEqualTo(ScanVerdict.FRAUD);
    assertThat(((ReviewOutcome.Applied) confirmed).item().decidedAt()).contains(
        AT.plusSeconds(60));
    assertThat(queue.held()).isEmpty();

    assertThat(queue.confirm("c1", "sam", ScanVerdict.SPAM)).isInstanceOfSatisfying(
        ReviewOutcome.Refused.class, r -> {
          assertThat(r.code()).isEqualTo("already_reviewed");
          assertThat(r.message()).contains("`c1`").contains("released by `rita`");
        });
    assertThat(queue.release("nope", "sam")).isInstanceOfSatisfying(ReviewOutcome.Refused.class,
        r -> assertThat(r.code()).isEqualTo("unknown_item"));
  }

  @Test
  void confirmingAsClean_isRefused_andHoldingCleanIsABug() {
    queue.hold(invite("c1", "acme"), flagged(ScanVerdict.SPAM), AT);
    assertThat(queue.confirm("c1", "sam", ScanVerdict.CLEAN)).isInstanceOfSatisfying(
        ReviewOutcome.Refused.class, r -> assertThat(r.code()).isEqualTo("bad_verdict"));
    assertThat(queue.item("c1").orElseThrow().status()).isEqualTo(ReviewStatus.HELD);
    assertThatThrownBy(() -> queue.hold(invite("c9", "acme"), flagged(ScanVerdict.CLEAN), AT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void harvest_usesOnlyReviewedItemsTheGateAllows_askingAtHarvestTime() {
    queue.hold(invite("c1", "acme"), flagged(ScanVerdict.SPAM), AT);
    queue.hold(invite("c2", "globex"), flagged(ScanVerdict.SPAM), AT);
    queue.hold(invite("c3", "initech"), flagged(ScanVerdict.FRAUD), AT);
    queue.hold(invite("c4", "acme"), flagged(ScanVerdict.SPAM), AT);
    consented.addAll(List.of("c1", "c2", "c3", "c4"));
    queue.confirm("c1", "sam", ScanVerdict.SPAM);
    queue.release("c2", "sam");
    queue.confirm("c3", "sam", ScanVerdict.FRAUD);
    // c4 is still held: never training data
    consented.remove("c3"); // consent withdrawn after review

    TrainingHarvest h = queue.trainingExamples();
    List<String> ids = new ArrayList<>();
    h.examples().forEach(e -> ids.add(e.contentId() + ":" + e.label().code()));
    assertThat(ids).containsExactly("c1:spam", "c2:ham");
    assertThat(h.accounts()).containsExactlyInAnyOrder("acme", "globex");
    assertThat(h.excluded()).containsExactly("c3");
  }

  @Test
  void denyAllGate_harvestsNothing() {
    ReviewQueue closed = ReviewQueue.create(InMemoryReviewStore.create(),
        TrainingDataGate.denyAll());
    closed.hold(invite("c1", "acme"), flagged(ScanVerdict.SPAM), AT);
    closed.confirm("c1", "sam", ScanVerdict.SPAM);
    assertThat(closed.trainingExamples().examples()).isEmpty();
  }
}
