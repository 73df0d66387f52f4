package org.covenant.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
import org.covenant.store.Append;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: the trusted replay ({@link GovernanceState#applyValidated}, which a ledger's open
 * uses for its stored events) builds exactly the projection the checked one ({@link
 * GovernanceState#apply}) builds. For seeded random ledgers (the differential generator, with its
 * share of events the rules reject): the accepted events applied both ways give the same
 * checkpoint bytes (the whole projection, field by field) at every position, the same state
 * digest, and the same decisions and queries at random times and past positions. Then through a
 * real SQLite ledger: written through the validating ledger, reopened with the trusted replay and
 * the streaming decoder, and with {@code -Dcovenant.replay=checked}: the same projection.
 */
class TrustedReplayTest {
  private static final int LEDGERS = 24;
  private static final int EVENTS = 400;
  private static final int QUERIES = 40;
  private static final long BASE_SEED = Long.getLong("covenant.seed", 20261206L);
  private static final byte[] ROOT = new byte[32];

  @Test
  void theTrustedReplayBuildsTheCheckedReplaysProjection() {
    TermsCatalog c = TermsLibrary.builtInCatalog();
    DecisionEngine engine = DecisionEngine.create(c);
    int rejected = 0;
    for (int l = 0; l < LEDGERS; l++) {
      long seed = BASE_SEED + l;
      RandomLedger ledger = new RandomLedger(seed, EVENTS);
      Random r = new Random(seed * 31);
      GovernanceState checked = GovernanceState.create(c::knows);
      GovernanceState trusted = GovernanceState.create(c::knows);
      for (Event e : ledger.events) {
        Outcome o = checked.apply(e);
        if (o instanceof Outcome.Accepted acc) {
          assertThat(trusted.applyValidated(e)).as("seed %d", seed).isEqualTo(acc.position());
          if (r.nextInt(8) == 0 || acc.position() == 1) {
            sameProjection(checked, trusted, seed);
          }
        } else {
          rejected++;
        }
      }
      sameProjection(checked, trusted, seed);
      Snapshot a = checked.snapshot();
      Snapshot b = trusted.snapshot();
      long head = checked.head();
      for (int q = 0; q < QUERIES; q++) {
        Instant t = ledger.randomTime();
        DecisionRequest req = new DecisionRequest(ledger.randomPurpose(), ledger.randomContent(),
            t);
        assertThat(engine.decide(b, req)).as("seed %d, %s", seed, req)
            .isEqualTo(engine.decide(a, req));
        long p = r.nextInt((int) head + 1);
        assertThat(engine.decide(trusted.snapshot(p), req)).as("seed %d at %d", seed, p)
            .isEqualTo(engine.decide(checked.snapshot(p), req));
        long tk = TimeKey.of(t);
        String content = ledger.randomContent();
        assertThat(b.content(content, tk)).isEqualTo(a.content(content, tk));
        for (ConsentType ct : ConsentType.values()) {
          for (String acct : List.of("acct0", "acct1", "acct2")) {
            assertThat(b.consent(acct, ct, tk, TimeKey.END, Snapshot.noEvidence()))
                .isEqualTo(a.consent(acct, ct, tk, TimeKey.END, Snapshot.noEvidence()));
          }
        }
      }
      // the next events are judged the same after either replay
      RandomLedger more = new RandomLedger(seed, EVENTS + 60);
      for (Event e : more.events.subList(ledger.events.size(), more.events.size())) {
        Outcome o = checked.apply(e);
        assertThat(trusted.apply(e)).as("seed %d: %s", seed, e).isEqualTo(o);
      }
      sameProjection(checked, trusted, seed);
    }
    assertThat(rejected).as("the ledgers hold events the rules reject").isPositive();
  }

  private static void sameProjection(GovernanceState checked, GovernanceState trusted,
      long seed) {
    long head = checked.head();
    assertThat(trusted.head()).isEqualTo(head);
    assertThat(trusted.lastAt()).isEqualTo(checked.lastAt());
    long at = checked.lastAt().map(TimeKey::of).orElse(Long.MIN_VALUE);
    ProjectionCheckpoint.CheckpointHeader header =
        new ProjectionCheckpoint.CheckpointHeader(head, at, head, ROOT);
    assertThat(ProjectionCheckpoint.toBytes(trusted, header)).as("seed %d at %d", seed, head)
        .isEqualTo(ProjectionCheckpoint.toBytes(checked, header));
    assertThat(ProjectionCheckpoint.digest(trusted, head, at))
        .isEqualTo(ProjectionCheckpoint.digest(checked, head, at));
  }

  @Test
  void theCorpusLedgersReplayTrustedToTheSameProjection() throws java.io.IOException {
    // the corpus has the events the random ledgers lack: legal holds, valued settings,
    // deletions, removals (the data-rights scenarios)
    TermsCatalog c = TermsLibrary.builtInCatalog();
    java.util.Set<String> types = new java.util.TreeSet<>();
    for (Path p : Corpus.all()) {
      GovernanceState checked = GovernanceState.create(c::knows);
      GovernanceState trusted = GovernanceState.create(c::knows);
      com.fasterxml.jackson.databind.JsonNode scenario =
          org.covenant.format.Json.parse(java.nio.file.Files.readString(p));
      for (com.fasterxml.jackson.databind.JsonNode n : scenario.path("events")) {
        com.fasterxml.jackson.databind.node.ObjectNode o =
            ((com.fasterxml.jackson.databind.node.ObjectNode) n).deepCopy();
        o.remove("expect");
        o.remove("idempotency_key");
        Event e;
        try {
          e = org.covenant.format.EventCodec.parse(o, java.util.Set.of());
        } catch (RuntimeException malformed) {
          continue;
        }
        if (checked.apply(e) instanceof Outcome.Accepted) {
          trusted.applyValidated(e);
          types.add(e.type());
        }
      }
      sameProjection(checked, trusted, p.getFileName().toString().hashCode());
    }
    assertThat(types).as("every event type is replayed trusted somewhere")
        .isEqualTo(org.covenant.format.EventCodec.types());
  }

  @Test
  void aSqliteLedgerReopensToTheSameProjection_trustedOrChecked(@TempDir Path dir) {
    TermsCatalog c = TermsLibrary.builtInCatalog();
    // more than the ledger's replay page (10,000), so the read-ahead and decode run
    List<Event> events = new ArrayList<>();
    for (int l = 0; events.size() < 25_000; l++) {
      RandomLedger r = new RandomLedger(BASE_SEED + 100 + l, 400);
      // one ledger after the other: ids are made distinct and times move on
      Instant shift = Instant.parse("2024-01-01T08:00:00Z").plusSeconds(86_400L * 400 * l);
      for (Event e : r.events) {
        events.add(Renamed.of(e, "l" + l + "-", shift));
      }
    }
    GovernanceState expected = GovernanceState.create(c::knows);
    LedgerConfig config = LedgerConfig.sqlite(dir);
    try (Ledger ledger = Ledger.open(config, c)) {
      List<Append> batch = new ArrayList<>();
      for (Event e : events) {
        expected.apply(e);
        batch.add(Append.of(e));
        if (batch.size() == 1000) {
          ledger.append(batch);
          batch.clear();
        }
      }
      ledger.append(batch);
      assertThat(ledger.head()).isEqualTo(expected.head()).isGreaterThan(10_000);
    }
    long head = expected.head();
    long at = expected.lastAt().map(TimeKey::of).orElseThrow();
    ProjectionCheckpoint.CheckpointHeader header =
        new ProjectionCheckpoint.CheckpointHeader(head, at, head, ROOT);
    byte[] want = ProjectionCheckpoint.toBytes(expected, header);
    for (String mode : new String[] {null, "checked"}) {
      if (mode != null) {
        System.setProperty("covenant.replay", mode);
      }
      try (Ledger reopened = Ledger.open(config, c)) {
        assertThat(reopened.head()).isEqualTo(head);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        reopened.writeCheckpoint(head, head, ROOT, out);
        assertThat(out.toByteArray()).as("replay %s", mode == null ? "trusted" : mode)
            .isEqualTo(want);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } finally {
        System.clearProperty("covenant.replay");
      }
    }
  }

  @Test
  void aHandEditedRowTheRulesReject_isFoundByACheckedReplay(@TempDir Path dir) throws Exception {
    TermsCatalog c = TermsLibrary.builtInCatalog();
    Instant t = Instant.parse("2024-01-01T08:00:00Z");
    LedgerConfig config = LedgerConfig.sqlite(dir);
    try (Ledger ledger = Ledger.open(config, c)) {
      ledger.append(List.of(Append.of(new Event.AccountCreated(t, "acme", "alice")),
          Append.of(new Event.UserAdded(t, "acme", "bob", org.covenant.core.vocab.Role.MEMBER,
              java.util.Optional.empty()))));
    }
    // a member may not grant consents: the ledger never stores this; an edit of the file does
    try (java.sql.Connection db = java.sql.DriverManager.getConnection(
        "jdbc:sqlite:" + dir.resolve("ledger.db"));
        java.sql.PreparedStatement ps = db.prepareStatement("INSERT INTO ledger_event "
            + "(position, type, at, body) VALUES (3, 'consent.granted', ?, ?)")) {
      ps.setString(1, t.toString());
      ps.setString(2, org.covenant.format.EventJson.line(
          new Event.ConsentGranted(t, "acme", "ai_training", "bob")));
      ps.executeUpdate();
    }
    try (Ledger trusted = Ledger.open(config, c)) {
      assertThat(trusted.head()).as("the trusted replay does not re-check").isEqualTo(3);
    }
    System.setProperty("covenant.replay", "checked");
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Ledger.open(config, c))
          .isInstanceOf(org.covenant.store.StoreException.class)
          .hasMessageContaining("position 3")
          .hasMessageContaining("not_authorized");
    } finally {
      System.clearProperty("covenant.replay");
    }
  }

  /** An event with every id prefixed and its time shifted, so ledgers can follow each other. */
  private static final class Renamed {
    static Event of(Event e, String p, Instant base) {
      Instant at = base.plusSeconds(e.at().getEpochSecond()
          - Instant.parse("2024-01-01T08:00:00Z").getEpochSecond());
      if (e instanceof Event.AccountCreated x) {
        return new Event.AccountCreated(at, p + x.account(), p + x.owner());
      } else if (e instanceof Event.TermsAccepted x) {
        return new Event.TermsAccepted(at, p + x.account(), x.terms(), p + x.by());
      } else if (e instanceof Event.GroupCreated x) {
        return new Event.GroupCreated(at, p + x.account(), p + x.group());
      } else if (e instanceof Event.UserAdded x) {
        return new Event.UserAdded(at, p + x.account(), p + x.user(), x.role(),
            x.group().map(g -> p + g));
      } else if (e instanceof Event.SettingSet x) {
        return new Event.SettingSet(at, p + x.account(), scope(x.scope(), p), x.key(),
            x.value(), x.locked(), p + x.by());
      } else if (e instanceof Event.SettingCleared x) {
        return new Event.SettingCleared(at, p + x.account(), scope(x.scope(), p), x.key(),
            p + x.by());
      } else if (e instanceof Event.ConsentGranted x) {
        return new Event.ConsentGranted(at, p + x.account(), x.consent(), p + x.by());
      } else if (e instanceof Event.ConsentWithdrawn x) {
        return new Event.ConsentWithdrawn(at, p + x.account(), x.consent(), p + x.by());
      } else if (e instanceof Event.MeetingStarted x) {
        return new Event.MeetingStarted(at, p + x.account(), p + x.meeting(), p + x.host(),
            x.features());
      } else if (e instanceof Event.MeetingFeature x) {
        return new Event.MeetingFeature(at, p + x.meeting(), x.feature(), x.on(), p + x.by());
      } else if (e instanceof Event.MeetingEnded x) {
        return new Event.MeetingEnded(at, p + x.meeting());
      } else if (e instanceof Event.ParticipantJoined x) {
        return new Event.ParticipantJoined(at, p + x.meeting(), p + x.participant(),
            x.account().map(a -> p + a));
      } else if (e instanceof Event.NoticeAcknowledged x) {
        return new Event.NoticeAcknowledged(at, p + x.meeting(), p + x.participant(),
            x.notice());
      } else if (e instanceof Event.ParticipantLeft x) {
        return new Event.ParticipantLeft(at, p + x.meeting(), p + x.participant());
      } else if (e instanceof Event.ContentCreated x) {
        return new Event.ContentCreated(at, p + x.content(), x.category(), p + x.account(),
            x.meeting().map(m -> p + m), x.author().map(a -> p + a),
            x.contributors().stream().map(a -> p + a).toList());
      }
      throw new IllegalStateException("not generated: " + e.type());
    }

    private static org.covenant.core.event.Scope scope(org.covenant.core.event.Scope s,
        String p) {
      return s.level() == org.covenant.core.event.Scope.Level.ACCOUNT ? s
          : new org.covenant.core.event.Scope(s.level(), p + s.id());
    }
  }
}
