package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.Vocabulary;
import org.junit.jupiter.api.Test;

/** Effective settings along account → group → user (ARCHITECTURE.md §4), one rule at a time. */
class SettingResolutionTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final long END = TimeKey.END;
  private static final SettingDef CLOUD = Vocabulary.setting("recording.cloud").orElseThrow();
  private static final SettingDef TRANSCRIPTION =
      Vocabulary.setting("transcription.enabled").orElseThrow();
  private static final SettingDef DIAGNOSTICS =
      Vocabulary.setting("diagnostics.optional").orElseThrow();

  private final GovernanceState state = GovernanceState.create(t -> true);
  private int second;

  private void apply(Event e) {
    assertThat(state.apply(e).accepted()).as("%s", e).isTrue();
  }

  private Instant next() {
    return T0.plusSeconds(++second);
  }

  private void world() {
    apply(new Event.AccountCreated(next(), "acme", "ann"));
    apply(new Event.GroupCreated(next(), "acme", "eng"));
    apply(new Event.UserAdded(next(), "acme", "bob", Role.MEMBER, Optional.of("eng")));
  }

  private void set(Scope scope, SettingDef def, boolean value, boolean locked) {
    apply(new Event.SettingSet(next(), "acme", scope, def.key(), value, locked, "ann"));
  }

  private SettingResolution bob(SettingDef def) {
    return state.snapshot().setting("acme", Optional.of("bob"), def, END).orElseThrow();
  }

  @Test
  void nothingSetIsTheDefault() {
    world();
    SettingResolution r = bob(CLOUD);
    assertThat(r.value()).isEqualTo(CLOUD.defaultValue());
    assertThat(r.level()).isEqualTo(SettingLevel.DEFAULT);
    assertThat(r.position()).isZero();
  }

  @Test
  void lockMode_theMostSpecificValueWinsUnlessAHigherLevelLocked() {
    world();
    set(Scope.account(), CLOUD, true, false);
    set(Scope.user("bob"), CLOUD, false, false);
    assertThat(bob(CLOUD).value()).isFalse();
    assertThat(bob(CLOUD).level()).isEqualTo(SettingLevel.USER);
    set(Scope.group("eng"), CLOUD, true, true);
    assertThat(bob(CLOUD).value()).isTrue();
    assertThat(bob(CLOUD).level()).isEqualTo(SettingLevel.GROUP);
    assertThat(bob(CLOUD).locked()).isTrue();
    set(Scope.account(), CLOUD, false, true);
    assertThat(bob(CLOUD).value()).isFalse();
    assertThat(bob(CLOUD).level()).isEqualTo(SettingLevel.ACCOUNT);
  }

  @Test
  void ceilingMode_anyFalseAlongTheChainWins_andLocksDoNothing() {
    world();
    set(Scope.user("bob"), DIAGNOSTICS, true, false);
    assertThat(bob(DIAGNOSTICS).level()).isEqualTo(SettingLevel.USER);
    set(Scope.group("eng"), DIAGNOSTICS, false, false);
    assertThat(bob(DIAGNOSTICS).value()).isFalse();
    assertThat(bob(DIAGNOSTICS).level()).isEqualTo(SettingLevel.GROUP);
    set(Scope.account(), DIAGNOSTICS, true, true);
    assertThat(bob(DIAGNOSTICS).value()).as("a locked true above cannot lift a false below")
        .isFalse();
  }

  @Test
  void aParentEffectivelyFalseForcesTheChildFalse() {
    world();
    set(Scope.account(), TRANSCRIPTION, true, false);
    assertThat(bob(TRANSCRIPTION).value()).isTrue();
    set(Scope.user("bob"), CLOUD, false, false);
    SettingResolution r = bob(TRANSCRIPTION);
    assertThat(r.value()).isFalse();
    assertThat(r.level()).isEqualTo(SettingLevel.PARENT);
    assertThat(r.parentDisabled()).isTrue();
  }

  @Test
  void aSettingIsReadAsOfTheTimeAsked() {
    world();
    long before = TimeKey.of(T0.plusSeconds(second));
    set(Scope.account(), CLOUD, false, false);
    assertThat(state.snapshot().setting("acme", Optional.of("bob"), CLOUD, before).orElseThrow()
        .level()).isEqualTo(SettingLevel.DEFAULT);
    assertThat(bob(CLOUD).value()).isFalse();
    assertThat(state.snapshot().setting("nobody", Optional.empty(), CLOUD, END)).isEmpty();
    assertThat(state.snapshot().setting("acme", Optional.of("nobody"), CLOUD, END)).isEmpty();
  }
}
