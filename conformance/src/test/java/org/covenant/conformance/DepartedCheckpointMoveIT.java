package org.covenant.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.ProjectionCheckpoint;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.TermsLibrary;
import org.covenant.server.cluster.Members;
import org.covenant.store.Append;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, a leaving member's accounts taken from its checkpoint (docs/CLUSTER.md, "Moves in
 * the projection", rule 7), on real PostgreSQL with seeded random ledgers: m2 of three writes its
 * checkpoint half-way, the rest of the ledger is appended, then m2 leaves; m0 and m1, each
 * moving to its share of two with m2's checkpoint as the source, take the accounts they gain
 * from it and its tail (none read by account) and have the canonical digest and the decisions
 * of a fresh {@code openShard} of their new share. A damaged checkpoint, one taken after another
 * event, or a checkpoint of a member that holds none of the gained accounts is not used: the
 * accounts are read by account, with the same digest.
 */
class DepartedCheckpointMoveIT {
  private static final int EVENTS = 300;
  private static final long BASE_SEED = Long.getLong("covenant.seed", 20261207L);
  private static final TermsCatalog CATALOG = TermsLibrary.builtInCatalog();
  private static final DecisionEngine ENGINE = DecisionEngine.create(CATALOG);
  private static final Pattern FROM = Pattern.compile(
      "gained (\\d+) \\((\\d+) from checkpoints.*, (\\d+) read by account\\)");

  @Test
  void aLeavingMembersAccountsComeFromItsCheckpointAndTail() throws Exception {
    for (int l = 0; l < 3; l++) {
      long seed = BASE_SEED + l;
      try {
        run(seed);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  private static void run(long seed) throws Exception {
    String url = PgUrl.get();
    String schema = "covenant_leave_" + java.util.UUID.randomUUID().toString()
        .replace("-", "").substring(0, 12);
    LedgerConfig.Postgres config = new LedgerConfig.Postgres(url, schema, 4,
        Duration.ofSeconds(10));
    try {
      RandomLedger gen = new RandomLedger(seed, EVENTS);
      int half = gen.events.size() / 2;
      try (Ledger whole = Ledger.open(config, CATALOG)) {
        for (Event e : gen.events.subList(0, half)) {
          whole.append(Append.of(e));
        }
      }
      // m2 of three (leaving later) and m1 of three (staying) write their checkpoints.
      Checkpoint m2 = checkpoint(config, owns(3, "m2"));
      Checkpoint m1 = checkpoint(config, owns(3, "m1"));
      try (Ledger whole = Ledger.open(config, CATALOG)) {
        for (Event e : gen.events.subList(half, gen.events.size())) {
          whole.append(Append.of(e));
        }
      }
      for (String self : List.of("m0", "m1")) {
        // From m2's checkpoint and its tail: every gained account (that m2 held) from it.
        int[] moved = move(config, gen, self, List.of(m2.start()));
        assertThat(moved[0]).as("%s gains accounts", self).isPositive();
        assertThat(moved[2]).as("%s: read by account (%s)", self, moved[0]).isZero();
        assertThat(moved[1]).isEqualTo(moved[0]);
      }
      // Not used: damaged, taken after another event, a member holding none of the gained
      // accounts; and the damaged one before the good one: the good one is used.
      byte[] flipped = m2.bytes.clone();
      flipped[flipped.length / 2] ^= 1;
      StoredEvent other = new StoredEvent(m2.there.position(), gen.events.get(0),
          Optional.empty());
      for (Ledger.Start bad : List.of(start(m2.at, m2.there, flipped),
          start(m2.at, other, m2.bytes), m1.start())) {
        int[] moved = move(config, gen, "m0", List.of(bad));
        assertThat(moved[1]).as("from %s", bad.describe()).isZero();
        assertThat(moved[2]).isEqualTo(moved[0]);
      }
      int[] moved = move(config, gen, "m0",
          List.of(start(m2.at, m2.there, flipped), m2.start()));
      assertThat(moved[2]).isZero();
    } finally {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
          java.sql.Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  /**
   * Member {@code self} of three moves to its share of two (m2 left) with {@code sources};
   * checks it against a fresh open of that share and returns the accounts gained, those from
   * checkpoints and those read by account.
   */
  private static int[] move(LedgerConfig.Postgres config, RandomLedger gen, String self,
      List<Ledger.Start> sources) {
    Predicate<String> after = owns(2, self);
    try (Ledger member = Ledger.openShard(config, CATALOG, owns(3, self));
        Ledger fresh = Ledger.openShard(config, CATALOG, after)) {
      member.reshard(after, sources);
      String line = member.lastMove().orElseThrow();
      assertThat(member.head()).isEqualTo(fresh.head());
      assertThat(member.projectionDigest()).as("%s after the move: %s", self, line)
          .isEqualTo(fresh.projectionDigest());
      Snapshot got = member.snapshot();
      Snapshot want = fresh.snapshot();
      for (String a : want.accountIds()) {
        assertThat(member.ready(a)).as(a).isEqualTo(after.test(a));
        if (!after.test(a)) {
          continue;
        }
        for (var c : want.contentOf(a, TimeKey.END)) {
          Instant t = gen.randomTime();
          DecisionRequest req = new DecisionRequest(gen.randomPurpose(), c.id(), t);
          assertThat(ENGINE.decide(got, req)).as("%s", req).isEqualTo(ENGINE.decide(want, req));
        }
      }
      Matcher m = FROM.matcher(line);
      assertThat(m.find()).as(line).isTrue();
      return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3))};
    }
  }

  private record Checkpoint(long at, StoredEvent there, byte[] bytes) {
    Ledger.Start start() {
      return DepartedCheckpointMoveIT.start(at, there, bytes);
    }
  }

  /** The checkpoint of a member owning {@code owns}, at the head. */
  private static Checkpoint checkpoint(LedgerConfig.Postgres config, Predicate<String> owns)
      throws java.io.IOException {
    try (Ledger m = Ledger.openShard(config, CATALOG, owns)) {
      long at = m.head();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      m.writeCheckpoint(at, 0, new byte[32], out);
      return new Checkpoint(at, m.events(at - 1, 1).get(0), out.toByteArray());
    }
  }

  private static Ledger.Start start(long position, StoredEvent event, byte[] bytes) {
    return MemberCheckpointIT.start(position, event, bytes);
  }

  private static Predicate<String> owns(int members, String self) {
    return MemberCheckpointIT.owns(members, self);
  }
}
