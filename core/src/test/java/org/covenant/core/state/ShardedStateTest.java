package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.event.HoldScope;
import org.covenant.core.event.Rejection;
import org.covenant.core.event.RejectionCode;
import org.covenant.core.spi.GlobalIds;
import org.covenant.core.vocab.ConsentType;
import org.junit.jupiter.api.Test;

/**
 * The core's hooks for a member's projection (docs/CLUSTER.md, "Sharded projection"): another
 * account's events pass with only their index part ({@link GovernanceState#skip}), and ids the
 * projection does not hold are asked of {@link GlobalIds} at the place §3 checks them.
 */
class ShardedStateTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  private static Instant t(int s) {
    return T0.plusSeconds(s);
  }

  /** `b`'s meeting and content, as another member's registry knows them. */
  private static final GlobalIds B = new GlobalIds() {
    @Override
    public Optional<String> meetingAccount(String meeting) {
      return Optional.ofNullable(Map.of("mb", "b").get(meeting));
    }

    @Override
    public boolean joined(String meeting, String participant) {
      return meeting.equals("mb") && List.of("b-owner", "guest").contains(participant);
    }

    @Override
    public boolean contentExists(String content) {
      return content.equals("cb");
    }
  };

  private static List<Event> ledger() {
    return List.of(
        new Event.AccountCreated(t(0), "a", "a-owner"),
        new Event.TermsAccepted(t(1), "a", "default", "a-owner"),
        new Event.AccountCreated(t(2), "b", "b-owner"),
        new Event.TermsAccepted(t(3), "b", "default", "b-owner"),
        new Event.UserAdded(t(4), "b", "b-admin", org.covenant.core.vocab.Role.ADMIN,
            Optional.empty()),
        new Event.ConsentGranted(t(5), "b", "ai_training", "b-admin"),
        new Event.MeetingStarted(t(6), "b", "mb", "b-owner", List.of()),
        new Event.ParticipantJoined(t(7), "mb", "guest", Optional.of("a")),
        new Event.ConsentGranted(t(8), "a", "ai_training", "a-owner"),
        new Event.ContentCreated(t(9), "ca", "customer_content.chat", "a", Optional.empty(),
            Optional.empty(), List.of("b")),
        new Event.ContentCreated(t(10), "cb", "customer_content.chat", "b", Optional.of("mb"),
            Optional.of("guest"), List.of()),
        new Event.ConsentWithdrawn(t(11), "b", "ai_training", "b-owner"));
  }

  /** The projection of `a` alone, every `b` event skipped. */
  private static GovernanceState onlyA() {
    GovernanceState s = GovernanceState.create(name -> true);
    long pos = 0;
    for (Event e : ledger()) {
      pos++;
      boolean ofA = e.accountId().map("a"::equals).orElse(false);
      if (ofA) {
        assertThat(s.applyAt(e, pos, GlobalIds.NONE)).isInstanceOf(Outcome.Accepted.class);
      } else {
        s.skip(e, pos);
      }
    }
    return s;
  }

  @Test
  void anotherAccountsEventsKeepOnlyTheIndexAndMoveTheHeadAndClock() {
    GovernanceState full = GovernanceState.create(name -> true);
    for (Event e : ledger()) {
      assertThat(full.apply(e)).isInstanceOf(Outcome.Accepted.class);
    }
    GovernanceState a = onlyA();
    assertThat(a.head()).isEqualTo(full.head());
    assertThat(a.lastAt()).isEqualTo(full.lastAt());
    Snapshot s = a.snapshot();
    assertThat(s.accountIds()).containsExactly("a", "b");
    assertThat(s.meetingOf("mb")).isEmpty();
    assertThat(s.usersOf("b")).extracting(Snapshot.UserEntry::user).containsExactly("b-owner");
    for (long p = 0; p <= full.head(); p++) {
      for (int sec = 0; sec <= 12; sec++) {
        long tk = TimeKey.of(t(sec));
        assertThat(a.snapshot(p).consent("b", ConsentType.AI_TRAINING, tk, TimeKey.END,
            Snapshot.noEvidence())).isEqualTo(full.snapshot(p).consent("b",
                ConsentType.AI_TRAINING, tk, TimeKey.END, Snapshot.noEvidence()));
        assertThat(a.snapshot(p).terms("b", tk, p)).isEqualTo(full.snapshot(p).terms("b", tk,
            p));
      }
      assertThat(a.snapshot(p).content("ca", TimeKey.END))
          .isEqualTo(full.snapshot(p).content("ca", TimeKey.END));
    }
    // The ledger's clock is the last event's, whoever's it was.
    assertThat(a.check(new Event.GroupCreated(t(10), "a", "g")))
        .map(Rejection::code).contains(RejectionCode.OUT_OF_ORDER);
    assertThatThrownBy(() -> a.skip(ledger().get(0), a.head()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void idsOfAnotherAccountAreCheckedInTheSameOrderAsInOneProjection() {
    GovernanceState full = GovernanceState.create(name -> true);
    for (Event e : ledger()) {
      full.apply(e);
    }
    GovernanceState a = onlyA();
    Instant at = t(20);
    List<Event> probes = List.of(
        new Event.MeetingStarted(at, "a", "mb", "a-owner", List.of()),
        new Event.ContentCreated(at, "cb", "customer_content.chat", "a", Optional.empty(),
            Optional.empty(), List.of()),
        new Event.ContentCreated(at, "new", "customer_content.chat", "a", Optional.of("mb"),
            Optional.of("stranger"), List.of()),
        new Event.ContentCreated(at, "cb", "customer_content.chat", "a", Optional.of("mb"),
            Optional.of("guest"), List.of()),
        new Event.ContentCreated(at, "new", "customer_content.chat", "a", Optional.of("mb"),
            Optional.of("b-owner"), List.of()),
        new Event.ContentCreated(at, "new", "customer_content.chat", "a", Optional.of("nope"),
            Optional.empty(), List.of()),
        new Event.LegalHoldPlaced(at, "a", "h", new HoldScope(HoldScope.Kind.MEETING, "mb"),
            "matter", "a-owner"),
        new Event.LegalHoldPlaced(at, "a", "h", new HoldScope(HoldScope.Kind.MEETING, "nope"),
            "matter", "a-owner"));
    List<RejectionCode> codes = List.of(RejectionCode.DUPLICATE_ID, RejectionCode.DUPLICATE_ID,
        RejectionCode.UNKNOWN_PARTICIPANT, RejectionCode.DUPLICATE_ID,
        RejectionCode.NOT_AUTHORIZED, RejectionCode.UNKNOWN_MEETING,
        RejectionCode.NOT_AUTHORIZED, RejectionCode.UNKNOWN_MEETING);
    for (int i = 0; i < probes.size(); i++) {
      Event e = probes.get(i);
      Optional<Rejection> want = full.check(e);
      assertThat(want).as("%s", e).map(Rejection::code).contains(codes.get(i));
      assertThat(a.check(e, B)).as("%s", e).isEqualTo(want);
      // Without the registry the member would accept what the ledger must reject.
      if (codes.get(i) == RejectionCode.DUPLICATE_ID && e instanceof Event.MeetingStarted) {
        assertThat(a.check(e)).isEmpty();
      }
    }
  }
}
