package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.state.Entities.Account;
import org.covenant.core.state.Entities.Meeting;
import org.covenant.core.state.Entities.User;
import org.covenant.core.vocab.Role;
import org.junit.jupiter.api.Test;

/**
 * A meeting keeps its host's user and a user its group (issue 15: a decision reads them there,
 * not from the account's maps), and answers them only for the account object the user was added
 * to: the host and group a decision finds are the ones the maps hold, after a replay, after a
 * restore and for an account object that is not the meeting's own.
 */
class MeetingHostTest {
  private static final Instant T0 = Instant.parse("2025-02-03T09:00:00Z");
  private static final byte[] ROOT = new byte[32];

  private static GovernanceState state() {
    GovernanceState s = GovernanceState.create(name -> true);
    for (Event e : List.of(
        new Event.AccountCreated(T0, "acme", "alice"),
        new Event.GroupCreated(T0, "acme", "eng"),
        new Event.UserAdded(T0.plusSeconds(1), "acme", "bob", Role.MEMBER, Optional.of("eng")),
        new Event.MeetingStarted(T0.plusSeconds(2), "acme", "m1", "bob", List.of()),
        new Event.MeetingStarted(T0.plusSeconds(3), "acme", "m2", "alice", List.of()),
        new Event.MeetingStarted(T0.plusSeconds(4), "acme", "m3", "bob", List.of()))) {
      assertThat(s.apply(e)).as("%s", e).isInstanceOf(Outcome.Accepted.class);
    }
    return s;
  }

  private static void hostsAreTheMapsUsers(GovernanceState s) {
    Account a = s.accounts.get("acme");
    Snapshot snap = s.snapshot();
    long t = TimeKey.of(T0.plusSeconds(10));
    for (String id : List.of("m1", "m2", "m3")) {
      Meeting m = s.meetings.get(id);
      User u = a.users.get(m.host());
      assertThat(u).as(id).isNotNull();
      assertThat(m.hostIn(a)).as(id).isSameAs(u);
      assertThat(snap.host(a, m, t)).as(id).isSameAs(u);
      // Before the user was added (bob at +1 s), there is no host to find.
      assertThat(snap.host(a, m, TimeKey.of(T0))).as(id)
          .isSameAs(m.host().equals("alice") ? u : null);
    }
    assertThat(s.meetings.get("m1").host()).isEqualTo("bob");
    User bob = a.users.get("bob");
    assertThat(bob.group()).isEqualTo("eng");
    assertThat(bob.groupIn(a)).isNotNull().isSameAs(a.groups.get("eng"));
    assertThat(a.users.get("alice").group()).isNull();
    assertThat(a.users.get("alice").groupIn(a)).isNull();
    assertThat(s.meetings.get("m2").host()).isEqualTo("alice");
  }

  @Test
  void aReplayedMeetingHoldsItsHostsUser() {
    hostsAreTheMapsUsers(state());
  }

  @Test
  void aRestoredMeetingHoldsTheRestoredAccountsUser() {
    GovernanceState s = state();
    byte[] b = ProjectionCheckpoint.toBytes(s, new ProjectionCheckpoint.CheckpointHeader(
        s.head(), TimeKey.of(s.lastAt().orElseThrow()), 7, ROOT));
    GovernanceState r = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(b), name -> true);
    hostsAreTheMapsUsers(r);
    assertThat(r.meetings.get("m1").hostIn(s.accounts.get("acme"))).isNull();
    assertThat(r.accounts.get("acme").users.get("bob").groupIn(s.accounts.get("acme"))).isNull();
  }

  @Test
  void anotherAccountObjectIsAnsweredByItsOwnMap() {
    GovernanceState s = state();
    Account a = s.accounts.get("acme");
    Meeting m = s.meetings.get("m1");
    // The same id, another object (as a shard's prune makes one): its map has only the owner.
    Account other = new Account(a.id, a.owner, a.at, a.pos, a.terms, a.consents);
    other.users.put("alice", new User(other, "alice", Role.OWNER, null, a.at, a.pos));
    long t = TimeKey.of(T0.plusSeconds(10));
    assertThat(m.hostIn(other)).isNull();
    assertThat(s.snapshot().host(other, m, t)).isNull();
    User bob = new User(other, "bob", Role.MEMBER, "eng", a.at, a.pos);
    other.users.put("bob", bob);
    assertThat(s.snapshot().host(other, m, t)).isSameAs(bob);
    // A group known by its id alone is the map's; the one the old user knows is not other's.
    assertThat(bob.groupIn(other)).isNull();
    assertThat(a.users.get("bob").groupIn(other)).isNull();
  }
}
