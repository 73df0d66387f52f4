package org.covenant.telemetry;

import java.time.Instant;
import java.util.Optional;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.Vocabulary;

/**
 * {@link DiagnosticsConsent} over the governance ledger itself: {@code diagnostics.optional} as
 * the core resolves it (ARCHITECTURE.md §4 ceiling mode, with groups), for the user at the
 * event's instant. An account or user the ledger does not know at that instant gets the
 * setting's default, as §4 prescribes for a chain with no value set.
 */
public final class SnapshotDiagnosticsConsent implements DiagnosticsConsent {
  private static final SettingDef KEY = Vocabulary.setting("diagnostics.optional").orElseThrow();
  private final Snapshot snapshot;

  private SnapshotDiagnosticsConsent(Snapshot snapshot) {
    this.snapshot = snapshot;
  }

  /** Consent read from this snapshot of the ledger. */
  public static SnapshotDiagnosticsConsent over(Snapshot snapshot) {
    return new SnapshotDiagnosticsConsent(snapshot);
  }

  @Override
  public boolean optionalAllowed(String account, String user, long epochMillis) {
    long t = TimeKey.of(Instant.ofEpochMilli(epochMillis));
    Optional<String> u = user == null || user.isEmpty() ? Optional.empty() : Optional.of(user);
    return snapshot.setting(account, u, KEY, t)
        .or(() -> snapshot.setting(account, Optional.empty(), KEY, t))
        .map(r -> r.value())
        .orElse(KEY.defaultValue());
  }
}
