package org.covenant.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.state.ProjectionCheckpoint;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.ConsentType;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: a projection loaded from a checkpoint taken at any cut of a seeded random ledger,
 * with the rest of the ledger replayed on top, is the projection a full replay builds. Checked
 * at every cut of every ledger: the same outcome (acceptance or the same rejection) for every
 * later event, the same canonical state digest, and the same answers to decisions and queries
 * at random times. The checkpoint is taken from the full projection (as the background writer
 * does while the ledger grows), and must equal one taken from a replay of the prefix alone.
 */
class CheckpointReplayTest {
  private static final int LEDGERS = 24;
  private static final int EVENTS = 160;
  private static final int QUERIES = 12;
  private static final long BASE_SEED = Long.getLong("covenant.seed", 20261206L);
  private static final byte[] ROOT = new byte[32];

  @Test
  void aCheckpointAtEveryCutPlusTheTailEqualsAFullReplay() {
    TermsCatalog c = TermsLibrary.builtInCatalog();
    DecisionEngine engine = DecisionEngine.create(c);
    Cases cases = new Cases();
    for (int l = 0; l < LEDGERS; l++) {
      long seed = BASE_SEED + l;
      RandomLedger ledger = new RandomLedger(seed, EVENTS);
      try {
        check(c, engine, ledger, new Random(seed * 17), cases);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + " (replay with -Dcovenant.seed=" + seed + "): "
            + e.getMessage(), e);
      }
    }
    cases.requireAll("rejection in the tail", "ended meeting before the cut",
        "content before the cut", "allowed after restore");
  }

  private static void check(TermsCatalog c, DecisionEngine engine, RandomLedger ledger,
      Random r, Cases cases) {
    GovernanceState full = GovernanceState.create(c::knows);
    List<Outcome> outcomes = new ArrayList<>();
    // acceptedAt[k]: index in ledger.events of the k-th accepted event (1-based positions)
    List<Integer> acceptedAt = new ArrayList<>();
    for (int i = 0; i < ledger.events.size(); i++) {
      Outcome o = full.apply(ledger.events.get(i));
      outcomes.add(o);
      if (o instanceof Outcome.Accepted) {
        acceptedAt.add(i);
      }
    }
    long head = full.head();
    long headAt = lastAt(ledger, acceptedAt, (int) head);
    String fullDigest = ProjectionCheckpoint.digest(full, head, headAt);
    Set<String> meetings = new LinkedHashSet<>();
    Set<String[]> presence = new LinkedHashSet<>();
    for (Event e : ledger.events) {
      if (e instanceof Event.MeetingStarted m) {
        meetings.add(m.meeting());
      } else if (e instanceof Event.ParticipantJoined j) {
        presence.add(new String[] {j.meeting(), j.participant()});
      }
    }
    java.util.Map<String, Long> endedAt = new java.util.HashMap<>();
    for (Outcome o : outcomes) {
      if (o instanceof Outcome.Accepted acc && acc.event() instanceof Event.MeetingEnded e) {
        endedAt.putIfAbsent(e.meeting(), acc.position());
      }
    }
    GovernanceState prefix = GovernanceState.create(c::knows);
    for (int cut = 0; cut <= head; cut++) {
      if (cut > 0) {
        assertThat(prefix.apply(ledger.events.get(acceptedAt.get(cut - 1))))
            .isInstanceOf(Outcome.Accepted.class);
      }
      long cutAt = lastAt(ledger, acceptedAt, cut);
      ProjectionCheckpoint.CheckpointHeader header =
          new ProjectionCheckpoint.CheckpointHeader(cut, cutAt, cut, ROOT);
      byte[] bytes = ProjectionCheckpoint.toBytes(full, header);
      assertThat(bytes).as("cut %d: the checkpoint of the full projection at the cut is the "
          + "checkpoint of the prefix", cut)
          .isEqualTo(ProjectionCheckpoint.toBytes(prefix, header));
      ProjectionCheckpoint.FrameCheck checked =
          ProjectionCheckpoint.check(ProjectionCheckpoint.of(bytes));
      assertThat(checked).isEqualTo(new ProjectionCheckpoint.FrameCheck.Valid(header));
      GovernanceState loaded = ProjectionCheckpoint.restore(
          ProjectionCheckpoint.of(bytes), c::knows);
      assertThat(loaded.head()).isEqualTo(cut);
      int from = cut == 0 ? 0 : acceptedAt.get(cut - 1) + 1;
      for (int i = from; i < ledger.events.size(); i++) {
        Outcome o = loaded.apply(ledger.events.get(i));
        assertThat(o).as("cut %d, event %d", cut, i).isEqualTo(outcomes.get(i));
        cases.when(o instanceof Outcome.Rejected, "rejection in the tail");
      }
      assertThat(ProjectionCheckpoint.digest(loaded, head, headAt)).as("cut %d", cut)
          .isEqualTo(fullDigest);
      Snapshot a = full.snapshot();
      Snapshot b = loaded.snapshot();
      for (int q = 0; q < QUERIES; q++) {
        Instant t = ledger.randomTime();
        DecisionRequest req = new DecisionRequest(ledger.randomPurpose(), ledger.randomContent(),
            t);
        var d = engine.decide(a, req);
        assertThat(engine.decide(b, req)).as("cut %d, %s", cut, req).isEqualTo(d);
        cases.when(d.allowed() && cut > 0, "allowed after restore");
        // the past, too: a snapshot at a random earlier position
        long p = r.nextInt((int) head + 1);
        assertThat(engine.decide(loaded.snapshot(p), req)).as("cut %d, at %d, %s", cut, p, req)
            .isEqualTo(engine.decide(full.snapshot(p), req));
        if (q % 4 != 0) {
          continue;
        }
        long tk = TimeKey.of(t);
        for (String m : meetings) {
          assertThat(b.activeFeatures(m, tk)).isEqualTo(a.activeFeatures(m, tk));
          assertThat(b.presentParticipants(m, tk)).isEqualTo(a.presentParticipants(m, tk));
        }
        for (String[] mp : presence) {
          assertThat(b.notices(mp[0], mp[1], tk)).isEqualTo(a.notices(mp[0], mp[1], tk));
          assertThat(b.participantAccount(mp[0], mp[1], tk))
              .isEqualTo(a.participantAccount(mp[0], mp[1], tk));
          Long ended = endedAt.get(mp[0]);
          cases.when(ended != null && ended <= cut, "ended meeting before the cut");
        }
        String content = ledger.randomContent();
        assertThat(b.content(content, tk)).isEqualTo(a.content(content, tk));
        cases.when(a.content(content, TimeKey.END).isPresent()
            && a.content(content, TimeKey.END).get().position() <= cut,
            "content before the cut");
        for (ConsentType ct : ConsentType.values()) {
          for (String acct : List.of("acct0", "acct1", "acct2")) {
            assertThat(b.consent(acct, ct, tk, TimeKey.END, Snapshot.noEvidence()))
                .isEqualTo(a.consent(acct, ct, tk, TimeKey.END, Snapshot.noEvidence()));
          }
        }
      }
    }
  }

  /** The time of the accepted event at this position (Long.MIN_VALUE for 0). */
  private static long lastAt(RandomLedger ledger, List<Integer> acceptedAt, int position) {
    return position == 0 ? Long.MIN_VALUE
        : TimeKey.of(ledger.events.get(acceptedAt.get(position - 1)).at());
  }
}
