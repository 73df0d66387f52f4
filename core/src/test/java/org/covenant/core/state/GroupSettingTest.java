package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.Vocabulary;
import org.junit.jupiter.api.Test;

/**
 * What a group's members get (ARCHITECTURE.md §4 over the account and group levels): the
 * console's group view. A group lock decides for the group where the account does not lock; an
 * account lock decides over it; a parent switched off at group level switches the child off.
 */
class GroupSettingTest {
  private static final Instant T0 = Instant.parse("2025-02-03T09:00:00Z");
  private final GovernanceState state = GovernanceState.create(name -> name.equals("default"));
  private static final SettingDef SUMMARY =
      Vocabulary.setting("ai_companion.meeting_summary").orElseThrow();
  private static final SettingDef AI = Vocabulary.setting("ai_companion.enabled").orElseThrow();

  private static Instant at(int minute) {
    return T0.plusSeconds(60L * minute);
  }

  private void accept(Event e) {
    assertThat(state.apply(e)).as("%s", e).isInstanceOf(Outcome.Accepted.class);
  }

  private void account() {
    accept(new Event.AccountCreated(at(0), "acme", "alice"));
    accept(new Event.GroupCreated(at(1), "acme", "eng"));
    accept(new Event.GroupCreated(at(1), "acme", "sales"));
    accept(new Event.UserAdded(at(2), "acme", "bob", Role.MEMBER, Optional.of("eng")));
    accept(new Event.SettingSet(at(3), "acme", Scope.account(), AI.key(), true, false,
        "alice"));
    accept(new Event.SettingSet(at(3), "acme", Scope.account(), SUMMARY.key(), true, false,
        "alice"));
  }

  /**
   * Issue 15: a user or group with no setting of its own shares the empty histories, and one
   * written to gets its own, the others untouched, live and after a checkpoint's restore.
   */
  @Test
  void scopesWithoutSettings_shareTheEmptyHistories_andAWriteMakesThemItsOwn() {
    account();
    accept(new Event.UserAdded(at(3), "acme", "carol", Role.MEMBER, Optional.of("eng")));
    accept(new Event.SettingSet(at(4), "acme", Scope.user("bob"), SUMMARY.key(), false, false,
        "alice"));
    long t = TimeKey.of(at(5));
    GovernanceState restored = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(
        ProjectionCheckpoint.toBytes(state, new ProjectionCheckpoint.CheckpointHeader(
            state.head(), t, 7, new byte[32]))), name -> name.equals("default"));
    for (GovernanceState g : java.util.List.of(state, restored)) {
      Entities.Account a = g.accounts.get("acme");
      Object shared = a.users.get("carol").byKey;
      assertThat(a.groups.get("eng").byKey).isSameAs(shared);
      assertThat(a.groups.get("sales").byKey).isSameAs(shared);
      assertThat(a.users.get("bob").byKey).isNotSameAs(shared);
      assertThat(a.byKey).isNotSameAs(shared);
      Snapshot s = g.snapshot();
      assertThat(s.setting("acme", Optional.of("bob"), SUMMARY, t).orElseThrow().value())
          .isFalse();
      assertThat(s.setting("acme", Optional.of("carol"), SUMMARY, t).orElseThrow().value())
          .isTrue();
      assertThat(s.groupSetting("acme", "eng", SUMMARY, t).orElseThrow().value()).isTrue();
    }
    // Carol's first setting is hers alone: bob's and the groups' are as they were.
    accept(new Event.SettingSet(at(6), "acme", Scope.user("carol"), AI.key(), false, false,
        "alice"));
    Snapshot s = state.snapshot();
    long t2 = TimeKey.of(at(7));
    assertThat(s.setting("acme", Optional.of("carol"), AI, t2).orElseThrow().value()).isFalse();
    assertThat(s.setting("acme", Optional.of("bob"), AI, t2).orElseThrow().value()).isTrue();
    assertThat(s.groupSetting("acme", "eng", AI, t2).orElseThrow().value()).isTrue();
    assertThat(state.accounts.get("acme").groups.get("eng").byKey)
        .isNotSameAs(state.accounts.get("acme").users.get("carol").byKey);
  }

  @Test
  void aGroupLock_decidesForTheGroupsMembers_notForTheAccount() {
    account();
    accept(new Event.SettingSet(at(4), "acme", Scope.group("eng"), SUMMARY.key(), false, true,
        "alice"));
    Snapshot s = state.snapshot();
    long t = TimeKey.of(at(5));
    SettingResolution eng = s.groupSetting("acme", "eng", SUMMARY, t).orElseThrow();
    assertThat(eng.value()).isFalse();
    assertThat(eng.level()).isEqualTo(SettingLevel.GROUP);
    assertThat(eng.locked()).isTrue();
    // The same as a member of eng with nothing of their own, and unlike the account alone.
    assertThat(s.setting("acme", Optional.of("bob"), SUMMARY, t).orElseThrow()).isEqualTo(eng);
    assertThat(s.setting("acme", Optional.empty(), SUMMARY, t).orElseThrow().value()).isTrue();
    SettingResolution sales = s.groupSetting("acme", "sales", SUMMARY, t).orElseThrow();
    assertThat(sales.value()).isTrue();
    assertThat(sales.level()).isEqualTo(SettingLevel.ACCOUNT);
    // Before the lock, eng's members had the account's value.
    assertThat(s.groupSetting("acme", "eng", SUMMARY, TimeKey.of(at(3))).orElseThrow().value())
        .isTrue();
    assertThat(s.groupSetting("acme", "nobody", SUMMARY, t)).isEmpty();
    assertThat(s.groupSetting("nowhere", "eng", SUMMARY, t)).isEmpty();
  }

  @Test
  void anAccountLock_decidesOverTheGroup_andAParentOffAtGroupLevelSwitchesTheChildOff() {
    account();
    accept(new Event.SettingSet(at(4), "acme", Scope.group("eng"), AI.key(), false, false,
        "alice"));
    Snapshot s = state.snapshot();
    long t = TimeKey.of(at(5));
    assertThat(s.groupSetting("acme", "eng", SUMMARY, t).orElseThrow().level())
        .isEqualTo(SettingLevel.PARENT);
    assertThat(s.groupSetting("acme", "sales", SUMMARY, t).orElseThrow().value()).isTrue();
    accept(new Event.SettingSet(at(6), "acme", Scope.account(), AI.key(), true, true, "alice"));
    SettingResolution locked = state.snapshot().groupSetting("acme", "eng", AI, TimeKey.of(at(7)))
        .orElseThrow();
    assertThat(locked.value()).isTrue();
    assertThat(locked.level()).isEqualTo(SettingLevel.ACCOUNT);
    assertThat(locked.locked()).isTrue();
  }
}
