package org.covenant.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.decision.Verdict;
import org.covenant.core.event.Event;
import org.covenant.core.event.RejectionCode;
import org.covenant.core.state.ContentRecord;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.Effect;
import org.covenant.core.terms.Reason;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.Test;

/**
 * Properties of the engine over seeded random ledgers (STYLE.md: property tests with a printed,
 * replayable seed): deny by default, forbid monotonicity, clause order independence, rejected
 * events change nothing, and a snapshot at a past position equals the ledger cut there.
 */
class EnginePropertiesTest {
  private static final int LEDGERS = 60;
  private static final int EVENTS = 220;
  private static final int QUERIES = 150;
  private static final long BASE_SEED = Long.getLong("covenant.seed", 20261128L);

  private static GovernanceState replay(TermsCatalog c, List<Event> events) {
    GovernanceState s = GovernanceState.create(c::knows);
    events.forEach(s::apply);
    return s;
  }

  private static TermsCatalog mapped(java.util.function.UnaryOperator<TermsVersion> f) {
    List<TermsVersion> vs = new ArrayList<>();
    for (TermsVersion v : TermsLibrary.builtIn()) {
      vs.add(f.apply(v));
    }
    return TermsCatalog.of(vs);
  }

  private interface Check {
    void run(RandomLedger ledger, Random r);
  }

  private static void forEachLedger(Check check) {
    for (int i = 0; i < LEDGERS; i++) {
      long seed = BASE_SEED + i;
      RandomLedger ledger = new RandomLedger(seed, EVENTS);
      try {
        check.run(ledger, new Random(seed * 31));
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + " (replay with -Dcovenant.seed=" + seed + "): "
            + e.getMessage(), e);
      }
    }
  }

  @Test
  void termsWithNoPermitDenyEverything() {
    TermsCatalog none = mapped(v -> TermsVersion.of(v.name(), v.title(),
        v.clauses().stream().filter(c -> c.effect() == Effect.FORBID).toList(), "test"));
    DecisionEngine engine = DecisionEngine.create(none);
    Cases cases = new Cases();
    forEachLedger((ledger, r) -> {
      Snapshot s = replay(none, ledger.events).snapshot();
      for (int q = 0; q < QUERIES; q++) {
        Decision d = engine.decide(s, new DecisionRequest(ledger.randomPurpose(),
            ledger.randomContent(), ledger.randomTime()));
        assertThat(d.verdict()).isEqualTo(Verdict.DENY);
        assertThat(d.reasons()).isNotEmpty();
        // Denies for want of content or terms would hold whatever the clauses said.
        cases.when(d.reason().get() != Reason.UNKNOWN_CONTENT
            && d.reason().get() != Reason.NO_TERMS_ACCEPTED, "denied under accepted terms");
        cases.when(d.reason().get() == Reason.FORBIDDEN, "denied by a forbid");
        cases.when(d.reason().get() == Reason.NO_PERMITTING_CLAUSE, "no permit left");
      }
    });
    cases.requireAll("denied under accepted terms", "denied by a forbid", "no permit left");
  }

  @Test
  void addingAForbidNeverTurnsADenyIntoAnAllow() {
    TermsCatalog base = TermsLibrary.builtInCatalog();
    DecisionEngine before = DecisionEngine.create(base);
    Cases cases = new Cases();
    forEachLedger((ledger, r) -> {
      Purpose target = ledger.randomPurpose();
      String catPattern = r.nextBoolean() ? "customer_content.*"
          : Vocabulary.categories().get(r.nextInt(Vocabulary.categories().size())).id();
      List<Condition> unless = r.nextBoolean() ? List.of()
          : List.of(new Condition.Consent(ConsentType.AI_TRAINING));
      Clause forbid = new Clause("zz-added", "added", Effect.FORBID, List.of(catPattern),
          List.of(target.id()), Optional.empty(), List.of(), unless, List.of());
      TermsCatalog stricter = mapped(v -> {
        List<Clause> cs = new ArrayList<>(v.clauses());
        cs.add(forbid);
        return TermsVersion.of(v.name(), v.title(), cs, v.revision());
      });
      DecisionEngine after = DecisionEngine.create(stricter);
      cases.when(unless.isEmpty(), "forbid without exceptions");
      cases.when(!unless.isEmpty(), "forbid unless consent");
      Snapshot s1 = replay(base, ledger.events).snapshot();
      Snapshot s2 = replay(stricter, ledger.events).snapshot();
      for (int q = 0; q < QUERIES; q++) {
        DecisionRequest req = new DecisionRequest(r.nextBoolean() ? target
            : ledger.randomPurpose(), ledger.randomContent(), ledger.randomTime());
        Decision d1 = before.decide(s1, req);
        Decision d2 = after.decide(s2, req);
        if (cases.when(d1.verdict() == Verdict.DENY, "denied before")) {
          assertThat(d2.verdict()).as("%s", req).isEqualTo(Verdict.DENY);
        }
        cases.when(d1.allowed() && !d2.allowed(), "the forbid turned an allow into a deny");
        if (cases.when(d2.verdict() == Verdict.ALLOW, "still allowed after")) {
          // Evidence may grow (the added forbid's unless reads the ledger too); the answer not.
          assertThat(List.of(d1.verdict(), d1.basis(), d1.clauses(), d1.obligations()))
              .as("%s", req)
              .isEqualTo(List.of(d2.verdict(), d2.basis(), d2.clauses(), d2.obligations()));
        }
      }
    });
    cases.requireAll("forbid without exceptions", "forbid unless consent", "denied before",
        "the forbid turned an allow into a deny", "still allowed after");
  }

  @Test
  void theOrderOfClausesNeverMatters() {
    TermsCatalog base = TermsLibrary.builtInCatalog();
    DecisionEngine a = DecisionEngine.create(base);
    Cases cases = new Cases();
    forEachLedger((ledger, r) -> {
      TermsCatalog shuffled = mapped(v -> {
        List<Clause> cs = new ArrayList<>(v.clauses());
        Collections.shuffle(cs, r);
        return TermsVersion.of(v.name(), v.title(), cs, v.revision());
      });
      DecisionEngine b = DecisionEngine.create(shuffled);
      Snapshot s = replay(base, ledger.events).snapshot();
      for (int q = 0; q < QUERIES; q++) {
        DecisionRequest req = new DecisionRequest(ledger.randomPurpose(), ledger.randomContent(),
            ledger.randomTime());
        Decision d = a.decide(s, req);
        assertThat(b.decide(s, req)).as("%s", req).isEqualTo(d);
        cases.saw(d.allowed() ? "allow" : d.reason().get() == Reason.FORBIDDEN ? "forbidden"
            : "other deny");
        cases.when(d.clauses().size() > 1, "several clauses cited");
      }
    });
    cases.requireAll("allow", "forbidden", "other deny", "several clauses cited");
  }

  @Test
  void rejectedEventsChangeNothing() {
    TermsCatalog c = TermsLibrary.builtInCatalog();
    DecisionEngine engine = DecisionEngine.create(c);
    Cases cases = new Cases();
    forEachLedger((ledger, r) -> {
      GovernanceState all = GovernanceState.create(c::knows);
      List<Event> accepted = new ArrayList<>();
      int rejected = 0;
      for (Event e : ledger.events) {
        if (all.apply(e) instanceof Outcome.Accepted) {
          accepted.add(e);
        } else {
          rejected++;
        }
      }
      GovernanceState clean = replay(c, accepted);
      assertThat(clean.head()).isEqualTo(all.head());
      assertThat(rejected).as("the generator exercises rejections").isPositive();
      for (int q = 0; q < QUERIES; q++) {
        DecisionRequest req = new DecisionRequest(ledger.randomPurpose(), ledger.randomContent(),
            ledger.randomTime());
        Decision d = engine.decide(all.snapshot(), req);
        assertThat(engine.decide(clean.snapshot(), req)).isEqualTo(d);
        cases.saw(d.allowed() ? "allow" : "deny");
      }
    });
    cases.requireAll("allow", "deny");
  }

  @Test
  void aSnapshotAtAPastPositionEqualsTheLedgerCutThere() {
    TermsCatalog c = TermsLibrary.builtInCatalog();
    DecisionEngine engine = DecisionEngine.create(c);
    Cases cases = new Cases();
    forEachLedger((ledger, r) -> {
      GovernanceState full = replay(c, ledger.events);
      List<Event> accepted = new ArrayList<>();
      GovernanceState probe = GovernanceState.create(c::knows);
      for (Event e : ledger.events) {
        if (probe.apply(e) instanceof Outcome.Accepted) {
          accepted.add(e);
        }
      }
      int cut = r.nextInt(accepted.size() + 1);
      GovernanceState prefix = replay(c, accepted.subList(0, cut));
      Snapshot past = full.snapshot(cut);
      cases.when(cut > 0 && cut < accepted.size(), "cut inside the ledger");
      for (int q = 0; q < QUERIES; q++) {
        Instant t = ledger.randomTime();
        DecisionRequest req = new DecisionRequest(ledger.randomPurpose(), ledger.randomContent(),
            t);
        Decision d = engine.decide(prefix.snapshot(), req);
        assertThat(engine.decide(past, req)).as("cut %d, %s", cut, req).isEqualTo(d);
        cases.when(d.allowed(), "allowed in the past");
        cases.when(d.allowed() && !engine.decide(full.snapshot(), req).allowed(),
            "allowed in the past, denied now");
      }
    });
    cases.requireAll("cut inside the ledger", "allowed in the past",
        "allowed in the past, denied now");
  }

  /**
   * §3 check 2: a join is rejected only for its time or its meeting, never for the organisation
   * it names; a guest is external unless their last join named the meeting's account; and an
   * organisation with no account never consents, so no content naming it is trainable under
   * terms that ask every contributor.
   */
  @Test
  void joinsAreNeverCheckedForTheirOrganisation_andItsGuestsAreExternal() {
    TermsCatalog c = TermsLibrary.builtInCatalog();
    DecisionEngine engine = DecisionEngine.create(c);
    int[] guests = {0};
    int[] missing = {0};
    forEachLedger((ledger, r) -> {
      GovernanceState s = GovernanceState.create(c::knows);
      Map<String, String> meetingAccount = new HashMap<>();
      Map<String, String> meetingHost = new HashMap<>();
      Map<String, Boolean> ended = new HashMap<>();
      Instant last = Instant.MIN;
      for (Event e : ledger.events) {
        Outcome o = s.apply(e);
        if (e instanceof Event.ParticipantJoined j) {
          // The model: out_of_order, then unknown_meeting, then meeting_ended; else accepted.
          RejectionCode expected = j.at().isBefore(last) ? RejectionCode.OUT_OF_ORDER
              : !meetingAccount.containsKey(j.meeting()) ? RejectionCode.UNKNOWN_MEETING
              : ended.getOrDefault(j.meeting(), false) ? RejectionCode.MEETING_ENDED : null;
          RejectionCode got = o instanceof Outcome.Rejected x ? x.rejection().code() : null;
          assertThat(got).as("%s", e).isEqualTo(expected);
          if (got == null) {
            long t = TimeKey.of(j.at());
            Snapshot now = s.snapshot();
            assertThat(now.participantAccount(j.meeting(), j.participant(), t))
                .isEqualTo(j.account());
            boolean host = meetingHost.get(j.meeting()).equals(j.participant());
            assertThat(now.external(j.meeting(), j.participant(), t)).as("%s", e)
                .isEqualTo(!host && !j.account().equals(Optional.of(
                    meetingAccount.get(j.meeting()))));
            if (j.account().equals(Optional.of(RandomLedger.OUTSIDER))) {
              guests[0]++;
            }
          }
        }
        if (o instanceof Outcome.Accepted) {
          last = e.at();
          if (e instanceof Event.MeetingStarted m) {
            meetingAccount.put(m.meeting(), m.account());
            meetingHost.put(m.meeting(), m.host());
          } else if (e instanceof Event.MeetingEnded m) {
            ended.put(m.meeting(), true);
          }
        }
      }
      Snapshot end = s.snapshot();
      for (String id : ledger.contents) {
        Optional<ContentRecord> content = end.content(id, TimeKey.END);
        if (content.isEmpty() || !content.get().contributors().contains(RandomLedger.OUTSIDER)) {
          continue;
        }
        Decision d = engine.decide(end, new DecisionRequest(
            Vocabulary.purpose("ai.training").orElseThrow(), id, ledger.randomTime()));
        if (d.allowed()) {
          assertThat(d.clauses()).as("%s", d).doesNotContain("default#training");
        } else if (d.reason().orElseThrow() == Reason.CONTRIBUTOR_CONSENT_MISSING) {
          missing[0]++;
        }
      }
    });
    assertThat(guests[0]).as("guests of an organisation with no account joined").isPositive();
    assertThat(missing[0]).as("content naming it was denied for it").isPositive();
  }

  @Test
  void everyDenyHasAKnownPrimaryReasonAndEveryAllowABasis() {
    TermsCatalog c = TermsLibrary.builtInCatalog();
    DecisionEngine engine = DecisionEngine.create(c);
    Cases cases = new Cases();
    forEachLedger((ledger, r) -> {
      Snapshot s = replay(c, ledger.events).snapshot();
      for (int q = 0; q < QUERIES; q++) {
        Decision d = engine.decide(s, new DecisionRequest(ledger.randomPurpose(),
            ledger.randomContent(), ledger.randomTime()));
        cases.saw(d.allowed() ? "allow" : d.reason().get() == Reason.FORBIDDEN ? "forbidden"
            : "other deny");
        if (d.allowed()) {
          assertThat(d.basis()).isPresent();
          assertThat(d.clauses()).isNotEmpty();
        } else {
          assertThat(d.reason()).isPresent();
          assertThat(d.reason().get()).isNotEqualTo(Reason.STORE_UNAVAILABLE);
          if (d.reason().get() == Reason.FORBIDDEN) {
            assertThat(d.clauses()).isNotEmpty();
          }
        }
      }
    });
    cases.requireAll("allow", "forbidden", "other deny");
  }
}
