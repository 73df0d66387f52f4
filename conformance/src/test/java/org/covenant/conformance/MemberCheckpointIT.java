package org.covenant.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.ProjectionCheckpoint;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.TermsLibrary;
import org.covenant.server.cluster.Members;
import org.covenant.store.Append;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, per-member checkpoints (docs/CLUSTER.md, "Checkpoints"), on real PostgreSQL: a
 * member's projection written as a checkpoint half-way through a seeded random ledger, then the
 * rest appended; a member opened from it (its accounts brought to the head with the tail, then
 * moved to the accounts it owns now) is the member a fresh open builds: the same canonical
 * digest, with the same membership and with another one (a member joined, or left). A damaged
 * checkpoint or one taken after another event is ignored (a fresh open), and the whole ledger's
 * open refuses a member's checkpoint.
 */
class MemberCheckpointIT {
  private static final int EVENTS = 300;
  private static final long BASE_SEED = Long.getLong("covenant.seed", 20261217L);
  private static final TermsCatalog CATALOG = TermsLibrary.builtInCatalog();

  @Test
  void aMemberStartedFromACheckpointIsAFreshMember() throws Exception {
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
    String schema = "covenant_mckpt_" + java.util.UUID.randomUUID().toString()
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
      // Member m0 of 2 writes its checkpoint at the head.
      byte[] bytes;
      long at;
      StoredEvent there;
      try (Ledger m0 = Ledger.openShard(config, CATALOG, owns(2, "m0"))) {
        at = m0.head();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m0.writeCheckpoint(at, 0, new byte[32], out);
        bytes = out.toByteArray();
        there = m0.events(at - 1, 1).get(0);
      }
      try (Ledger whole = Ledger.open(config, CATALOG)) {
        for (Event e : gen.events.subList(half, gen.events.size())) {
          whole.append(Append.of(e));
        }
      }
      Ledger.Start good = start(at, there, bytes);
      for (int[] membership : new int[][] {{2, 0}, {2, 1}, {3, 0}, {1, 0}}) {
        Predicate<String> owns = owns(membership[0], "m" + membership[1]);
        try (Ledger fresh = Ledger.openShard(config, CATALOG, owns);
            Ledger started = Ledger.openShard(config, CATALOG, owns, p -> {}, p -> {},
                List.of(good))) {
          assertThat(started.startedFrom()).as("started from the checkpoint").isPresent();
          assertThat(started.head()).isEqualTo(fresh.head());
          assertThat(started.projectionDigest())
              .as("m%d of %d from the checkpoint of m0 of 2", membership[1], membership[0])
              .isEqualTo(fresh.projectionDigest());
          for (String a : fresh.snapshot().accountIds()) {
            assertThat(started.ready(a)).as(a).isEqualTo(owns.test(a));
          }
        }
      }
      // Damaged, or taken after another event: ignored, the member reads its accounts.
      byte[] flipped = bytes.clone();
      flipped[flipped.length / 2] ^= 1;
      StoredEvent other = new StoredEvent(there.position(), gen.events.get(0), Optional.empty());
      for (Ledger.Start bad : List.of(start(at, there, flipped), start(at, other, bytes))) {
        Predicate<String> owns = owns(3, "m2");
        try (Ledger fresh = Ledger.openShard(config, CATALOG, owns);
            Ledger started = Ledger.openShard(config, CATALOG, owns, p -> {}, p -> {},
                List.of(bad))) {
          assertThat(started.startedFrom()).isEmpty();
          assertThat(started.projectionDigest()).isEqualTo(fresh.projectionDigest());
        }
      }
      // The whole ledger's open does not take a member's checkpoint for the ledger's projection.
      try (Ledger fresh = Ledger.open(config, CATALOG);
          Ledger started = Ledger.open(config, CATALOG, p -> {}, List.of(good))) {
        assertThat(started.startedFrom()).isEmpty();
        assertThat(started.projectionDigest()).isEqualTo(fresh.projectionDigest());
      }
    } finally {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
          java.sql.Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  /** A start from checkpoint bytes taken after {@code event} (also DepartedCheckpointMoveIT's). */
  static Ledger.Start start(long position, StoredEvent event, byte[] bytes) {
    return new Ledger.Start() {
      @Override
      public long position() {
        return position;
      }

      @Override
      public Optional<String> mismatch(StoredEvent atPosition) {
        return atPosition.event().equals(event.event()) ? Optional.empty()
            : Optional.of("another event at " + position);
      }

      @Override
      public GovernanceState restore(Predicate<String> knownTerms) throws java.io.IOException {
        try {
          return ProjectionCheckpoint.restore(ProjectionCheckpoint.of(bytes), knownTerms);
        } catch (ProjectionCheckpoint.Unreadable e) {
          throw new java.io.IOException(e.getMessage(), e);
        }
      }

      @Override
      public String describe() {
        return "test checkpoint at " + position;
      }
    };
  }

  /** Whether member {@code self} of m0…m(members-1) owns an account (rendezvous hashing). */
  static Predicate<String> owns(int members, String self) {
    List<Members.Member> live = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      live.add(new Members.Member("m" + i, "http://m" + i, false, Instant.EPOCH, 1000));
    }
    return a -> Members.owner(live, a).orElseThrow().id().equals(self);
  }
}
