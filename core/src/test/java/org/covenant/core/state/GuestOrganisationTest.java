package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.event.RejectionCode;
import org.covenant.core.vocab.Role;
import org.junit.jupiter.api.Test;

/**
 * A guest from an organisation with no account in this ledger (ARCHITECTURE.md §3 check 2): the
 * join is accepted, the guest is external and the organisation is kept as named, as of any time;
 * every event that belongs to an account still needs the account.
 */
class GuestOrganisationTest {
  private static final Instant T0 = Instant.parse("2025-02-03T09:00:00Z");
  private final GovernanceState state = GovernanceState.create(name -> name.equals("default"));

  private static Instant at(int minute) {
    return T0.plusSeconds(60L * minute);
  }

  private long accept(Event e) {
    Outcome o = state.apply(e);
    assertThat(o).as("%s", e).isInstanceOf(Outcome.Accepted.class);
    return ((Outcome.Accepted) o).position();
  }

  private RejectionCode reject(Event e) {
    Outcome o = state.apply(e);
    assertThat(o).as("%s", e).isInstanceOf(Outcome.Rejected.class);
    return ((Outcome.Rejected) o).rejection().code();
  }

  private void meeting() {
    accept(new Event.AccountCreated(at(0), "acme", "alice"));
    accept(new Event.UserAdded(at(1), "acme", "bob", Role.MEMBER,
        Optional.empty()));
    accept(new Event.MeetingStarted(at(2), "acme", "m1", "alice", List.of()));
  }

  @Test
  void aGuestOfAnOrganisationWithNoAccount_joinsAndIsExternal_asOfEachTime() {
    meeting();
    long joined = accept(new Event.ParticipantJoined(at(3), "m1", "gus", Optional.of("initrode")));
    accept(new Event.ParticipantJoined(at(4), "m1", "bob", Optional.of("acme")));
    accept(new Event.ParticipantJoined(at(5), "m1", "pat", Optional.empty()));
    Snapshot s = state.snapshot();
    long t = TimeKey.of(at(6));
    assertThat(s.presentParticipants("m1", t)).containsExactly("alice", "bob", "gus", "pat");
    assertThat(s.participantAccount("m1", "gus", t)).contains("initrode");
    assertThat(s.external("m1", "gus", t)).isTrue();
    assertThat(s.participantAccount("m1", "bob", t)).contains("acme");
    assertThat(s.external("m1", "bob", t)).isFalse();
    assertThat(s.participantAccount("m1", "pat", t)).isEmpty();
    assertThat(s.external("m1", "pat", t)).isTrue();
    assertThat(s.external("m1", "alice", t)).as("the host").isFalse();
    // Before the join, and in a snapshot cut before it, nothing is known about gus.
    assertThat(s.participantAccount("m1", "gus", TimeKey.of(at(2)))).isEmpty();
    assertThat(state.snapshot(joined - 1).participantAccount("m1", "gus", t)).isEmpty();
    assertThat(s.participantAccount("m-none", "gus", t)).isEmpty();
    assertThat(s.external("m-none", "gus", t)).isTrue();
  }

  @Test
  void theGuestAcknowledgesAuthorsLeavesAndRejoins_andTheLastJoinNamesTheOrganisation() {
    meeting();
    accept(new Event.ParticipantJoined(at(3), "m1", "gus", Optional.of("initrode")));
    accept(new Event.NoticeAcknowledged(at(4), "m1", "gus", "recording"));
    accept(new Event.ContentCreated(at(5), "gus-audio", "customer_content.audio", "acme",
        Optional.of("m1"), Optional.of("gus"), List.of("initrode")));
    accept(new Event.ParticipantLeft(at(6), "m1", "gus"));
    assertThat(state.snapshot().presentParticipants("m1", TimeKey.of(at(7))))
        .containsExactly("alice");
    accept(new Event.ParticipantJoined(at(8), "m1", "gus", Optional.of("acme")));
    Snapshot s = state.snapshot();
    assertThat(s.participantAccount("m1", "gus", TimeKey.of(at(5)))).contains("initrode");
    assertThat(s.external("m1", "gus", TimeKey.of(at(5)))).isTrue();
    assertThat(s.participantAccount("m1", "gus", TimeKey.of(at(9)))).contains("acme");
    assertThat(s.external("m1", "gus", TimeKey.of(at(9)))).isFalse();
    assertThat(s.content("gus-audio", TimeKey.of(at(9)))).isPresent();
  }

  @Test
  void unknownAccount_stillAppliesToEveryEventThatBelongsToAnAccount() {
    meeting();
    accept(new Event.ParticipantJoined(at(3), "m1", "gus", Optional.of("initrode")));
    assertThat(reject(new Event.ConsentGranted(at(4), "initrode", "ai_training", "gus")))
        .isEqualTo(RejectionCode.UNKNOWN_ACCOUNT);
    assertThat(reject(new Event.TermsAccepted(at(4), "initrode", "default", "gus")))
        .isEqualTo(RejectionCode.UNKNOWN_ACCOUNT);
    assertThat(reject(new Event.ContentCreated(at(4), "x", "customer_content.audio",
        "initrode", Optional.of("m1"), Optional.of("gus"), List.of())))
        .isEqualTo(RejectionCode.UNKNOWN_ACCOUNT);
    assertThat(reject(new Event.MeetingStarted(at(4), "initrode", "m2", "gus", List.of())))
        .isEqualTo(RejectionCode.UNKNOWN_ACCOUNT);
    // The guest's join is still checked for its meeting: unknown_meeting, then meeting_ended.
    assertThat(reject(new Event.ParticipantJoined(at(5), "m-none", "gus",
        Optional.of("initrode")))).isEqualTo(RejectionCode.UNKNOWN_MEETING);
    accept(new Event.MeetingEnded(at(6), "m1"));
    assertThat(reject(new Event.ParticipantJoined(at(7), "m1", "hal",
        Optional.of("initrode")))).isEqualTo(RejectionCode.MEETING_ENDED);
  }
}
