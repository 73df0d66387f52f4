package org.covenant.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.vocab.Role;
import org.junit.jupiter.api.Test;

class SnapshotDiagnosticsConsentTest {
  @Test
  void followsTheCoresCeilingResolutionPerUserAndTime() {
    GovernanceState s = GovernanceState.create(n -> true);
    Instant t0 = Instant.parse("2024-05-01T09:00:00Z");
    s.apply(new Event.AccountCreated(t0, "acme", "alice"));
    s.apply(new Event.GroupCreated(t0, "acme", "eng"));
    s.apply(new Event.UserAdded(t0, "acme", "carol", Role.MEMBER, Optional.of("eng")));
    s.apply(new Event.UserAdded(t0, "acme", "dave", Role.MEMBER, Optional.empty()));
    Instant t1 = t0.plusSeconds(3600);
    s.apply(new Event.SettingSet(t1, "acme", Scope.group("eng"), "diagnostics.optional", false,
        false, "alice"));
    DiagnosticsConsent c = SnapshotDiagnosticsConsent.over(s.snapshot());
    long before = t0.plusSeconds(60).toEpochMilli();
    long after = t1.plusSeconds(60).toEpochMilli();
    assertThat(c.optionalAllowed("acme", "carol", before)).isTrue();
    assertThat(c.optionalAllowed("acme", "carol", after)).isFalse();
    assertThat(c.optionalAllowed("acme", "dave", after)).isTrue();
    assertThat(c.optionalAllowed("acme", "", after)).isTrue();
    assertThat(c.optionalAllowed("unknown", "x", after)).isTrue();
  }
}
