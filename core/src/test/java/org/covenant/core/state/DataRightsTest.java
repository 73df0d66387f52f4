package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.event.HoldScope;
import org.covenant.core.event.Scope;
import org.covenant.core.event.SettingValue;
import org.covenant.core.terms.Basis;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.Effect;
import org.covenant.core.terms.Reason;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.ValuedSetting;
import org.covenant.core.vocab.Vocabulary;
import org.junit.jupiter.api.Test;

/**
 * The data-rights projection read directly (docs/DATA-RIGHTS.md): effective values and their
 * levels, the sweep list, and the reasons answered from a stale snapshot (a deletion it holds
 * denies; it is never turned into {@code store_unavailable}).
 */
class DataRightsTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Purpose PROVIDE = Vocabulary.purpose("service.provide").orElseThrow();

  private static DecisionEngine engine() {
    Clause provide = new Clause("p", "provide", Effect.PERMIT, List.of("customer_content.*"),
        List.of(PROVIDE.id()), Optional.of(Basis.LICENSE), List.of(), List.of(), List.of());
    return DecisionEngine.create(TermsCatalog.of(List.of(
        TermsVersion.of("t1", "test", List.of(provide), "sha256:test"))));
  }

  private static GovernanceState ledger(DecisionEngine engine, Event... extra) {
    GovernanceState s = GovernanceState.create(engine.catalog()::knows);
    List<Event> events = new java.util.ArrayList<>(List.of(
        new Event.AccountCreated(T0, "acme", "ann"),
        new Event.TermsAccepted(T0, "acme", "t1", "ann"),
        new Event.GroupCreated(T0, "acme", "eng"),
        new Event.UserAdded(T0, "acme", "cy", org.covenant.core.vocab.Role.MEMBER,
            Optional.of("eng")),
        new Event.ValuedSettingSet(T0, "acme", Scope.account(), "retention.days",
            new SettingValue.Number(30), false, "ann"),
        new Event.ValuedSettingSet(T0, "acme", Scope.group("eng"), "retention.days",
            new SettingValue.Number(10), false, "ann"),
        new Event.ValuedSettingSet(T0, "acme", Scope.account(), "data_regions.allowed",
            new SettingValue.Codes(List.of("us-east", "eu-west", "eu-west")), false, "ann"),
        new Event.ContentCreated(T0.plusSeconds(1), "c1", "customer_content.chat", "acme",
            Optional.empty(), Optional.of("cy"), List.of()),
        new Event.ContentCreated(T0.plusSeconds(2), "c2", "customer_content.chat", "acme",
            Optional.empty(), Optional.empty(), List.of())));
    events.addAll(List.of(extra));
    for (Event e : events) {
      Outcome o = s.apply(e);
      assertThat(o.accepted()).as("%s: %s", e, o).isTrue();
    }
    return s;
  }

  @Test
  void effectiveValuesTakeTheSmallestNumberAndTheSortedIntersection() {
    GovernanceState s = ledger(engine());
    DataRightsView v = s.snapshot().dataRights();
    long t = TimeKey.of(T0.plusSeconds(10));
    DataRightsView.Effective cy = v.effective(ValuedSetting.RETENTION_DAYS, "acme",
        Optional.empty(), Optional.of("cy"), t).orElseThrow();
    assertThat(cy.value()).isEqualTo(new SettingValue.Number(10));
    assertThat(cy.level()).isEqualTo(SettingLevel.GROUP);
    DataRightsView.Effective account = v.effective(ValuedSetting.RETENTION_DAYS, "acme",
        Optional.empty(), Optional.empty(), t).orElseThrow();
    assertThat(account.value()).isEqualTo(new SettingValue.Number(30));
    assertThat(v.effective(ValuedSetting.DATA_REGIONS_ALLOWED, "acme", Optional.of("eng"),
        Optional.empty(), t).orElseThrow().value())
        .isEqualTo(new SettingValue.Codes(List.of("eu-west", "us-east")));
    assertThat(v.effective(ValuedSetting.RETENTION_DAYS, "nope", Optional.empty(),
        Optional.empty(), t)).isEmpty();
    ContentRecord c1 = s.snapshot().content("c1", t).orElseThrow();
    assertThat(v.expiry(c1, t)).contains(T0.plusSeconds(1).plus(java.time.Duration.ofDays(10)));
  }

  @Test
  void theSweepListsExpiredUnheldContentOnly() {
    Instant placed = T0.plusSeconds(3);
    GovernanceState s = ledger(engine(), new Event.LegalHoldPlaced(placed, "acme", "h",
        new HoldScope(HoldScope.Kind.USER, "cy"), "matter", "ann"));
    DataRightsView v = s.snapshot().dataRights();
    long day11 = TimeKey.of(T0.plus(java.time.Duration.ofDays(11)));
    List<DataRightsView.Expired> expired = v.expired(day11);
    assertThat(expired).extracting(x -> x.content().id()).containsExactly("c1");
    assertThat(expired.get(0).holds()).extracting(DataRightsView.Hold::hold).containsExactly("h");
    assertThat(v.sweep(day11)).isEmpty();
    long day31 = TimeKey.of(T0.plus(java.time.Duration.ofDays(31)));
    assertThat(v.sweep(day31)).extracting(ContentRecord::id).containsExactly("c2");
  }

  @Test
  void aStaleSnapshotStillDeniesWhatItHoldsAndNeverClaimsTheStoreForIt() {
    DecisionEngine engine = engine();
    GovernanceState s = ledger(engine, new Event.ContentDeleted(T0.plusSeconds(5), "c2", "ann"));
    DecisionRequest req = new DecisionRequest(PROVIDE, "c2", T0.plusSeconds(6));
    DecisionEngine.Attributed stale = engine.decide(s.snapshot(), req, a -> true, true);
    Decision fresh = engine.decide(s.snapshot(), req);
    assertThat(stale.decision()).isEqualTo(fresh);
    assertThat(fresh.reasons()).containsExactly(Reason.CONTENT_DELETED);
    assertThat(fresh.evidence()).containsExactly(9L, 10L);
    DecisionRequest region = new DecisionRequest(PROVIDE, "c1", T0.plusSeconds(6),
        Optional.of("ap-south"));
    assertThat(engine.decide(s.snapshot(), region, a -> true, true).decision().reasons())
        .containsExactly(Reason.REGION_NOT_ALLOWED);
    // Another account's reader learns nothing: unknown_content, before any data-rights reason.
    assertThat(engine.decide(s.snapshot(), req, "globex"::equals, false).decision().reasons())
        .containsExactly(Reason.UNKNOWN_CONTENT);
  }
}
