package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InviteScreeningTest {
  @Test
  void batch_isLoggedAsOneDecision_andFlaggedInvitesAreHeld() {
    ScanModel model = ScanModelFormatTest.sample();
    // a model whose bias alone decides: everything above threshold 0.75 log-odds is spam
    float[] none = new float[1 << 12];
    ScanModel spamAll = new ScanModel(model.info(), 5.0, none);
    ScanModel cleanAll = new ScanModel(model.info(), -5.0, none);
    List<ScanBatch> logged = new ArrayList<>();
    ReviewQueue queue = ReviewQueue.create(InMemoryReviewStore.create(),
        TrainingDataGate.denyAll());
    List<Invite> invites = List.of(
        new Invite("c1", "acme", Message.of("a@b.example", "s", "x", List.of())),
        new Invite("c2", "acme", Message.of("a@b.example", "s", "y", List.of())));

    InviteScreening.Screened s = InviteScreening.create(InviteScanner.create(spamAll), queue,
        logged::add).screen("batch-1", invites, Instant.parse("2024-06-01T10:00:00Z"));
    assertThat(logged).containsExactly(s.batch());
    assertThat(s.batch().purpose()).isEqualTo("safety.abuse_scanning");
    assertThat(s.batch().count(ScanVerdict.SPAM)).isEqualTo(2);
    assertThat(s.batch().manifestSha256()).hasSize(64);
    assertThat(s.batch().model()).isEqualTo(model.info().dataset());
    assertThat(queue.held()).extracting(ReviewItem::contentId).containsExactly("c1", "c2");

    InviteScreening.Screened clean = InviteScreening.create(InviteScanner.create(cleanAll),
        queue, logged::add).screen("batch-2", List.of(invites.get(0)),
        Instant.parse("2024-06-01T11:00:00Z"));
    assertThat(clean.results()).allMatch(r -> r.verdict() == ScanVerdict.CLEAN);
    assertThat(logged).hasSize(2);
    assertThat(clean.batch().manifestSha256()).isNotEqualTo(s.batch().manifestSha256());
  }
}
