package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.ProjectionCheckpoint;
import org.covenant.core.state.TimeKey;
import org.junit.jupiter.api.Test;

class DirectoryTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void holds_answersForEveryPositionExactlyWhetherItIsTheAccounts() {
    List<StoredEvent> batch = new ArrayList<>();
    // The store: the directory keeps positions and reads the events back through this.
    // The projection: users, groups and meetings are read from it.
    GovernanceState state = GovernanceState.create(name -> true);
    Directory d = new Directory(positions -> java.util.Arrays.stream(positions)
        .mapToObj(q -> batch.get((int) q - 1)).toList(), state::snapshot);
    String[] accounts = {"acme", "globex", "initech"};
    long p = 0;
    for (String a : accounts) {
      batch.add(new StoredEvent(++p, new Event.AccountCreated(T0, a, "o-" + a), Optional.empty()));
    }
    batch.add(new StoredEvent(++p, new Event.MeetingStarted(T0, "globex", "globex:m", "o-globex",
        List.of()), Optional.empty()));
    // Enough events to grow each account's position array several times.
    for (int i = 0; i < 500; i++) {
      Event e = i % 7 == 0
          ? new Event.ParticipantJoined(T0, "globex:m", "guest-" + i, Optional.of("acme"))
          : new Event.ContentCreated(T0, "c" + i, "customer_content.chat",
              accounts[i % accounts.length], Optional.empty(), Optional.empty(), List.of("acme"));
      batch.add(new StoredEvent(++p, e, Optional.empty()));
    }
    for (StoredEvent s : batch) {
      assertThat(state.apply(s.event()).accepted()).as("%s", s.event()).isTrue();
    }
    for (StoredEvent s : batch) {
      String owner = d.accountOf(s.event()).orElseThrow();
      for (String a : accounts) {
        assertThat(d.account(a).orElseThrow().holds(s.position()))
            .as("position %d of %s asked of %s", s.position(), owner, a)
            .isEqualTo(owner.equals(a));
      }
    }
    // Each account's listing is its events, in order, in pages, read back from the store.
    for (String a : accounts) {
      List<StoredEvent> want = batch.stream()
          .filter(x -> d.accountOf(x.event()).orElseThrow().equals(a)).toList();
      List<StoredEvent> got = new ArrayList<>();
      long after = 0;
      while (true) {
        List<StoredEvent> page = d.account(a).orElseThrow().events(after, 37);
        got.addAll(page);
        if (page.size() < 37) {
          break;
        }
        after = page.get(page.size() - 1).position();
      }
      assertThat(got).as(a).isEqualTo(want);
    }
    // Users and meetings are the projection's.
    assertThat(d.meeting("globex:m").orElseThrow())
        .isEqualTo(new Directory.MeetingInfo("globex:m", "globex", "o-globex", T0));
    assertThat(d.account("acme").orElseThrow().users()).containsExactly(
        new Directory.UserInfo("o-acme", org.covenant.core.vocab.Role.OWNER, Optional.empty()));
    assertThat(d.account("acme").orElseThrow().holds(0)).isFalse();
    assertThat(d.account("acme").orElseThrow().holds(p + 1)).isFalse();
    assertThat(d.account("globex").orElseThrow().meetings()).containsExactly("globex:m");
    // Content of acme: i % 3 == 0 and not a join (i % 7 != 0): 167 - 24.
    assertThat(d.account("acme").orElseThrow().contentCount()).isEqualTo(143);

    // The same directory over a projection restored from a checkpoint: nothing replayed.
    byte[] bytes = ProjectionCheckpoint.toBytes(state,
        new ProjectionCheckpoint.CheckpointHeader(p, TimeKey.of(T0), p, new byte[32]));
    GovernanceState restored = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(bytes),
        name -> true);
    Directory r = new Directory(positions -> java.util.Arrays.stream(positions)
        .mapToObj(q -> batch.get((int) q - 1)).toList(), restored::snapshot);
    for (String a : accounts) {
      Directory.AccountInfo x = d.account(a).orElseThrow();
      Directory.AccountInfo y = r.account(a).orElseThrow();
      assertThat(y.events(0, 10_000)).isEqualTo(x.events(0, 10_000));
      assertThat(y.auditPositions()).isEqualTo(x.auditPositions());
      assertThat(y.meetings()).isEqualTo(x.meetings());
      assertThat(y.contentCount()).isEqualTo(x.contentCount());
      for (long q = 0; q <= p + 1; q++) {
        assertThat(y.holds(q)).isEqualTo(x.holds(q));
      }
    }
  }

  @Test
  void termsAndConsentHistoriesAreReadBackFromTheLedger_everyEventNotOnlyChanges() {
    List<StoredEvent> ledger = new ArrayList<>();
    GovernanceState state = GovernanceState.create(name -> true);
    Directory d = new Directory(positions -> java.util.Arrays.stream(positions)
        .mapToObj(q -> ledger.get((int) q - 1)).toList(), state::snapshot);
    List<Event> events = List.of(
        new Event.AccountCreated(T0, "acme", "o"),
        new Event.TermsAccepted(T0.plusSeconds(1), "acme", "t-2024", "o"),
        new Event.ConsentGranted(T0.plusSeconds(2), "acme", "ai_training", "o"),
        new Event.ConsentGranted(T0.plusSeconds(3), "acme", "ai_training", "o"),
        new Event.SettingSet(T0.plusSeconds(4), "acme", org.covenant.core.event.Scope.account(),
            "ai_companion.enabled", true, false, "o"),
        new Event.ConsentWithdrawn(T0.plusSeconds(5), "acme", "ai_training", "o"),
        new Event.TermsAccepted(T0.plusSeconds(6), "acme", "t-2025", "o"));
    for (Event e : events) {
      assertThat(state.apply(e).accepted()).as("%s", e).isTrue();
      ledger.add(new StoredEvent(ledger.size() + 1, e, Optional.empty()));
    }
    Directory.AccountInfo a = d.account("acme").orElseThrow();
    assertThat(a.termsHistory()).containsExactly(
        new Directory.TermsChange("t-2024", T0.plusSeconds(1), "o", 2),
        new Directory.TermsChange("t-2025", T0.plusSeconds(6), "o", 7));
    assertThat(a.consentHistory()).containsExactly(
        new Directory.ConsentChange("ai_training", true, T0.plusSeconds(2), "o", 3),
        new Directory.ConsentChange("ai_training", true, T0.plusSeconds(3), "o", 4),
        new Directory.ConsentChange("ai_training", false, T0.plusSeconds(5), "o", 6));
    assertThat(a.currentTerms()).contains("t-2025");
    assertThat(a.auditPositions()).containsExactly(1, 2, 3, 4, 5, 6, 7);
  }
}
