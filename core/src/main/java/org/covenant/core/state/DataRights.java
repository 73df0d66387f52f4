package org.covenant.core.state;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.covenant.core.event.HoldScope;
import org.covenant.core.event.SettingValue;

/**
 * The data-rights part of the projection (docs/DATA-RIGHTS.md): valued settings
 * ({@code retention.days}, {@code data_regions.allowed}), legal holds, deletions and removed
 * users. Kept apart from the other entities so that it grows only with its own events; only
 * {@link GovernanceState} writes it, {@link DataRightsView} reads it. Keys join ids with NUL,
 * which no identifier may hold.
 */
final class DataRights {
  /** A valued setting written at one scope; {@code null} entries mean "cleared". */
  record Valued(SettingValue value, boolean locked) {}

  /** A legal hold; its release (by whom) is the one entry of {@code released}. */
  static final class Hold {
    final String id;
    final String account;
    final HoldScope scope;
    final String matter;
    final String by;
    final long at;
    final long pos;
    final History<String> released = new History<>();

    Hold(String id, String account, HoldScope scope, String matter, String by, long at,
        long pos) {
      this.id = id;
      this.account = account;
      this.scope = scope;
      this.matter = matter;
      this.by = by;
      this.at = at;
      this.pos = pos;
    }
  }

  /** setting key, account, scope → the values written there. */
  final ConcurrentHashMap<String, History<Valued>> valued = new ConcurrentHashMap<>();
  /**
   * Accounts that ever wrote a valued setting: for every other account resolution is empty at
   * any time, so a decision on its content builds no look-up key (the hot path).
   */
  final java.util.Set<String> valuedAccounts = ConcurrentHashMap.newKeySet();
  /** account, user → one entry: who removed them. */
  final ConcurrentHashMap<String, History<String>> removed = new ConcurrentHashMap<>();
  /** account, hold → the hold. */
  final ConcurrentHashMap<String, Hold> holds = new ConcurrentHashMap<>();
  /** account → its holds in ledger order. */
  final ConcurrentHashMap<String, List<Hold>> holdsOf = new ConcurrentHashMap<>();
  /** content → one entry: who deleted it. */
  final ConcurrentHashMap<String, History<String>> deleted = new ConcurrentHashMap<>();

  static String key(String... parts) {
    return String.join("\u0000", parts);
  }

  void addHold(Hold h) {
    holds.put(key(h.account, h.id), h);
    holdsOf.computeIfAbsent(h.account, a -> new CopyOnWriteArrayList<>()).add(h);
  }
}
