package org.covenant.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.spi.GlobalIds;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.state.ProjectionCheckpoint;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.TermsLibrary;
import org.covenant.store.ShardKey;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, moves (docs/CLUSTER.md, "Moves in the projection"): a sharded projection moved
 * incrementally from one share of the accounts to another ({@link GovernanceState#prune} the
 * accounts lost, {@link GovernanceState#adopt} a projection of the accounts gained built from their events
 * alone) is the projection of the new share built from the start: the same canonical digest
 * and the same decisions, for seeded random ledgers and random sequences of shares. The
 * PostgreSQL path ({@code Ledger.reshard}) is {@code ShardedProjectionIT}'s.
 */
class ShardedMoveTest {
  private static final int LEDGERS = 24;
  private static final int EVENTS = 260;
  private static final int MOVES = 4;
  private static final long BASE_SEED = Long.getLong("covenant.seed", 20261207L);
  private static final TermsCatalog CATALOG = TermsLibrary.builtInCatalog();
  private static final DecisionEngine ENGINE = DecisionEngine.create(CATALOG);

  @Test
  void aMovedShareIsTheShareBuiltFromTheStart() {
    int moved = 0;
    for (int l = 0; l < LEDGERS; l++) {
      long seed = BASE_SEED + l;
      try {
        moved += check(new RandomLedger(seed, EVENTS), new Random(seed * 13));
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + " (replay with -Dcovenant.seed=" + seed + "): "
            + e.getMessage(), e);
      }
    }
    assertThat(moved).as("accounts moved in and out").isGreaterThan(LEDGERS * MOVES);
  }

  /** The accepted events with their positions and accounts. */
  private record Stored(Event event, long position, String account) {}

  private static int check(RandomLedger gen, Random r) {
    GovernanceState full = GovernanceState.create(CATALOG::knows);
    List<Event> accepted = new ArrayList<>();
    for (Event e : gen.events) {
      if (full.apply(e) instanceof Outcome.Accepted) {
        accepted.add(e);
      }
    }
    List<Stored> ledger = new ArrayList<>();
    for (int i = 0; i < accepted.size(); i++) {
      Event e = accepted.get(i);
      ShardKey k = ShardKey.of(e);
      String account = switch (k.kind()) {
        case ACCOUNT -> k.id();
        case MEETING -> full.meetingAccount(k.id()).orElseThrow();
        case CONTENT -> full.contentAccount(k.id()).orElseThrow();
      };
      ledger.add(new Stored(e, i + 1, account));
    }
    List<String> accounts = full.snapshot().accountIds();
    long head = full.head();
    long lastAt = TimeKey.of(accepted.get(accepted.size() - 1).at());
    Set<String> share = randomShare(accounts, r);
    GovernanceState moving = build(ledger, share, head);
    int moved = 0;
    for (int m = 0; m < MOVES; m++) {
      Set<String> next = randomShare(accounts, r);
      List<String> lost = new ArrayList<>();
      Set<String> gained = new HashSet<>();
      for (String a : accounts) {
        if (share.contains(a) && !next.contains(a)) {
          lost.add(a);
        } else if (!share.contains(a) && next.contains(a)) {
          gained.add(a);
        }
      }
      moving.prune(lost);
      moving.adopt(alone(ledger, gained));
      moved += lost.size() + gained.size();
      GovernanceState fresh = build(ledger, next, head);
      assertThat(ProjectionCheckpoint.digest(moving, head, lastAt))
          .as("move %d: %s lost, %s gained", m, lost, gained)
          .isEqualTo(ProjectionCheckpoint.digest(fresh, head, lastAt));
      for (String a : accounts) {
        assertThat(moving.holdsAccount(a)).as(a).isEqualTo(next.contains(a));
      }
      Snapshot got = moving.snapshot();
      Snapshot want = full.snapshot();
      for (String a : next) {
        for (var c : want.contentOf(a, TimeKey.END)) {
          Instant t = gen.randomTime();
          DecisionRequest req = new DecisionRequest(gen.randomPurpose(), c.id(), t);
          assertThat(ENGINE.decide(got, req)).as("%s", req).isEqualTo(ENGINE.decide(want, req));
        }
      }
      share = next;
    }
    return moved;
  }

  private static Set<String> randomShare(List<String> accounts, Random r) {
    Set<String> out = new HashSet<>();
    for (String a : accounts) {
      if (r.nextInt(3) != 0) {
        out.add(a);
      }
    }
    return out;
  }

  /** The projection of {@code share} plus every account's index, as a member opens it. */
  private static GovernanceState build(List<Stored> ledger, Set<String> share, long head) {
    GovernanceState s = GovernanceState.create(CATALOG::knows);
    for (Stored e : ledger) {
      if (share.contains(e.account())) {
        assertThat(s.applyAt(e.event(), e.position(), GlobalIds.NONE))
            .isInstanceOf(Outcome.Accepted.class);
      } else {
        s.skip(e.event(), e.position());
      }
    }
    assertThat(s.head()).isEqualTo(head);
    return s;
  }

  /** The projection of {@code accounts} alone, from their events only (what a move loads). */
  private static GovernanceState alone(List<Stored> ledger, Set<String> accounts) {
    GovernanceState s = GovernanceState.create(CATALOG::knows);
    for (Stored e : ledger) {
      if (accounts.contains(e.account())) {
        assertThat(s.applyAt(e.event(), e.position(), GlobalIds.NONE))
            .as("%s at %d", e.event(), e.position()).isInstanceOf(Outcome.Accepted.class);
      }
    }
    return s;
  }
}
