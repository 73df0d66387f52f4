package org.covenant.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.NoticeState;
import org.covenant.core.state.Outcome;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, compact state: when a meeting ends its participants are compacted
 * (docs/DECISIONS.md, "Ended meetings are compacted"). For seeded random ledgers, every query
 * asked of the head while the ledger grew (the meeting still live) is asked again, after the
 * whole ledger, of a snapshot at that same position (the meeting now ended and compacted): the
 * same decisions with the same evidence, the same notices, organisations and presence.
 */
class EndedMeetingsTest {
  private static final int LEDGERS = 24;
  private static final int EVENTS = 200;
  private static final long BASE_SEED = Long.getLong("covenant.seed", 20261207L);

  private record Asked(long position, DecisionRequest request, Decision decision,
      String meeting, String participant, long t, NoticeState notices,
      java.util.Optional<String> organisation, List<String> present) {}

  @Test
  void aPastSnapshotAnswersAsTheHeadDidBeforeTheMeetingEnded() {
    TermsCatalog c = TermsLibrary.builtInCatalog();
    DecisionEngine engine = DecisionEngine.create(c);
    Cases cases = new Cases();
    for (int l = 0; l < LEDGERS; l++) {
      long seed = BASE_SEED + l;
      try {
        check(engine, c, new RandomLedger(seed, EVENTS), new Random(seed * 31), cases);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
    cases.requireAll("asked live, answered compacted", "acknowledged notice in ended meeting",
        "decision with evidence in ended meeting");
  }

  private static void check(DecisionEngine engine, TermsCatalog c, RandomLedger ledger,
      Random r, Cases cases) {
    GovernanceState state = GovernanceState.create(c::knows);
    List<Asked> asked = new ArrayList<>();
    Set<String[]> pairs = new LinkedHashSet<>();
    List<String> meetings = new ArrayList<>();
    for (Event e : ledger.events) {
      Outcome o = state.apply(e);
      if (!(o instanceof Outcome.Accepted)) {
        continue;
      }
      if (e instanceof Event.MeetingStarted m) {
        meetings.add(m.meeting());
        pairs.add(new String[] {m.meeting(), m.host()});
      } else if (e instanceof Event.ParticipantJoined j) {
        pairs.add(new String[] {j.meeting(), j.participant()});
      }
      Snapshot head = state.snapshot();
      for (int q = 0; q < 3; q++) {
        Instant at = r.nextBoolean() ? e.at() : ledger.randomTime();
        long t = TimeKey.of(at);
        DecisionRequest req = new DecisionRequest(ledger.randomPurpose(),
            ledger.randomContent(), at);
        String[] mp = pairs.isEmpty() ? new String[] {"none", "none"}
            : new ArrayList<>(pairs).get(r.nextInt(pairs.size()));
        asked.add(new Asked(head.position(), req, engine.decide(head, req), mp[0], mp[1], t,
            head.notices(mp[0], mp[1], t), head.participantAccount(mp[0], mp[1], t),
            head.presentParticipants(mp[0], t)));
      }
    }
    Snapshot end = state.snapshot();
    for (Asked a : asked) {
      Snapshot past = state.snapshot(a.position());
      assertThat(engine.decide(past, a.request())).as("at %d: %s", a.position(), a.request())
          .isEqualTo(a.decision());
      assertThat(past.notices(a.meeting(), a.participant(), a.t()))
          .as("at %d: notices of %s in %s", a.position(), a.participant(), a.meeting())
          .isEqualTo(a.notices());
      assertThat(past.participantAccount(a.meeting(), a.participant(), a.t()))
          .isEqualTo(a.organisation());
      assertThat(past.presentParticipants(a.meeting(), a.t())).isEqualTo(a.present());
      boolean endedNow = end.meetingEnded(a.meeting(), TimeKey.END).isPresent();
      boolean endedThen = past.meetingEnded(a.meeting(), TimeKey.END).isPresent();
      cases.when(endedNow && !endedThen, "asked live, answered compacted");
      cases.when(endedNow && !endedThen && !a.notices().acknowledged().isEmpty(),
          "acknowledged notice in ended meeting");
      cases.when(a.decision().evidence().size() > 2 && endedNow && !endedThen,
          "decision with evidence in ended meeting");
    }
  }
}
