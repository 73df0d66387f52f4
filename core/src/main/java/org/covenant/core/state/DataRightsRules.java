package org.covenant.core.state;

import static org.covenant.core.event.RejectionCode.DUPLICATE_ID;
import static org.covenant.core.event.RejectionCode.INVALID_VALUE;
import static org.covenant.core.event.RejectionCode.LEGAL_HOLD;
import static org.covenant.core.event.RejectionCode.NOT_AUTHORIZED;
import static org.covenant.core.event.RejectionCode.SETTING_CEILING;
import static org.covenant.core.event.RejectionCode.SETTING_LOCKED;
import static org.covenant.core.event.RejectionCode.UNKNOWN_CONTENT;
import static org.covenant.core.event.RejectionCode.UNKNOWN_GROUP;
import static org.covenant.core.event.RejectionCode.UNKNOWN_HOLD;
import static org.covenant.core.event.RejectionCode.UNKNOWN_MEETING;
import static org.covenant.core.state.GovernanceState.ok;
import static org.covenant.core.state.GovernanceState.reject;
import static org.covenant.core.state.GovernanceState.unknownAccount;
import static org.covenant.core.state.GovernanceState.unknownUser;
import static org.covenant.core.state.GovernanceState.userRemoved;

import java.util.List;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.event.HoldScope;
import org.covenant.core.event.Rejection;
import org.covenant.core.event.Scope;
import org.covenant.core.event.SettingValue;
import org.covenant.core.state.Entities.Account;
import org.covenant.core.state.Entities.Meeting;
import org.covenant.core.state.Entities.User;
import org.covenant.core.vocab.Owner;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.ValuedSetting;

/**
 * The ledger's checks and writes for the data-rights events (docs/DATA-RIGHTS.md), in the §3
 * order with the places that document gives the new codes. Kept out of {@link GovernanceState}
 * so the two evolve apart; it reads and writes the same projection at the head.
 */
final class DataRightsRules {
  private DataRightsRules() {}

  /** The first failing check of a data-rights event, or null when it is not one. */
  static Optional<Rejection> check(GovernanceState g, Event event,
      org.covenant.core.spi.GlobalIds ids) {
    if (event instanceof Event.ContentDeleted e) {
      return checkDeleted(g, e);
    }
    if (event instanceof Event.LegalHoldPlaced e) {
      return checkPlaced(g, e, ids);
    }
    if (event instanceof Event.LegalHoldReleased e) {
      return checkReleased(g, e);
    }
    if (event instanceof Event.UserRemoved e) {
      return checkRemoved(g, e);
    }
    return null;
  }

  /** The actor of an owner-or-admin event: unknown, removed, or not an admin. */
  private static Optional<Rejection> actor(GovernanceState g, Account a, String byId) {
    User by = a.users.get(byId);
    if (by == null) {
      return unknownUser(byId, a);
    }
    if (g.removed(a, by.id)) {
      return userRemoved(by.id, a);
    }
    return ok();
  }

  private static Optional<Rejection> admin(Account a, String byId, String what) {
    User by = a.users.get(byId);
    return by.role.isAccountAdmin() ? ok()
        : reject(NOT_AUTHORIZED, "`" + by.id + "` (" + by.role.id() + ") may not " + what
            + ": owner or admin only");
  }

  private static Optional<Rejection> checkDeleted(GovernanceState g, Event.ContentDeleted e) {
    ContentTable.View v = g.contents.view();
    int i = v.find(e.content());
    if (i < 0) {
      return reject(UNKNOWN_CONTENT, "no content `" + e.content() + "`");
    }
    Account a = g.accounts.get(v.account(i));
    User by = a.users.get(e.by());
    boolean isAuthor = v.authorIs(i, e.by());
    if (by == null && !isAuthor) {
      return unknownUser(e.by(), a);
    }
    if (by != null && g.removed(a, by.id)) {
      return userRemoved(by.id, a);
    }
    if (org.covenant.core.vocab.Vocabulary.categories().get(v.category(i)).owner()
        != Owner.CUSTOMER) {
      return reject(NOT_AUTHORIZED, "content `" + e.content()
          + "` is service-generated data: it belongs to the platform, not the account");
    }
    if (!isAuthor && !by.role.isAccountAdmin()) {
      return reject(NOT_AUTHORIZED, "`" + by.id + "` (" + by.role.id() + ") may not delete `"
          + e.content() + "`: the owner, an admin of `" + a.id + "` or its author only");
    }
    Snapshot now = g.snapshot();
    ContentRecord c = now.content(e.content(), TimeKey.END).orElseThrow();
    List<DataRightsView.Hold> holds = now.dataRights().covering(c, TimeKey.END);
    if (!holds.isEmpty()) {
      return reject(LEGAL_HOLD, "content `" + e.content() + "` is under legal hold `"
          + holds.get(0).hold() + "` (" + holds.get(0).matter() + ")");
    }
    return ok();
  }

  private static Optional<Rejection> checkPlaced(GovernanceState g, Event.LegalHoldPlaced e,
      org.covenant.core.spi.GlobalIds ids) {
    Account a = g.accounts.get(e.account());
    if (a == null) {
      return unknownAccount(e.account());
    }
    HoldScope scope = e.scope();
    if (scope.kind() == HoldScope.Kind.GROUP && !a.groups.containsKey(scope.id())) {
      return reject(UNKNOWN_GROUP, "no group `" + scope.id() + "` in `" + a.id + "`");
    }
    if (scope.kind() == HoldScope.Kind.USER && !a.users.containsKey(scope.id())) {
      return unknownUser(scope.id(), a);
    }
    Optional<Rejection> actor = actor(g, a, e.by());
    if (actor.isPresent()) {
      return actor;
    }
    // The meeting's account: held here, or (a sharded projection) another account's.
    String meetingAccount = null;
    if (scope.kind() == HoldScope.Kind.MEETING) {
      Meeting m = g.meetings.get(scope.id());
      meetingAccount = m != null ? m.account : ids.meetingAccount(scope.id()).orElse(null);
      if (meetingAccount == null) {
        return reject(UNKNOWN_MEETING, "no meeting `" + scope.id() + "`");
      }
    }
    if (g.rights.holds.containsKey(DataRights.key(a.id, e.hold()))) {
      return reject(DUPLICATE_ID, "hold `" + e.hold() + "` already exists in `" + a.id + "`");
    }
    Optional<Rejection> admin = admin(a, e.by(), "place legal holds");
    if (admin.isPresent()) {
      return admin;
    }
    if (meetingAccount != null && !meetingAccount.equals(a.id)) {
      return reject(NOT_AUTHORIZED, "meeting `" + scope.id() + "` belongs to another account");
    }
    return ok();
  }

  private static Optional<Rejection> checkReleased(GovernanceState g,
      Event.LegalHoldReleased e) {
    Account a = g.accounts.get(e.account());
    if (a == null) {
      return unknownAccount(e.account());
    }
    Optional<Rejection> actor = actor(g, a, e.by());
    if (actor.isPresent()) {
      return actor;
    }
    if (!g.rights.holds.containsKey(DataRights.key(a.id, e.hold()))) {
      return reject(UNKNOWN_HOLD, "no hold `" + e.hold() + "` in `" + a.id + "`");
    }
    return admin(a, e.by(), "release legal holds");
  }

  private static Optional<Rejection> checkRemoved(GovernanceState g, Event.UserRemoved e) {
    Account a = g.accounts.get(e.account());
    if (a == null) {
      return unknownAccount(e.account());
    }
    User u = a.users.get(e.user());
    if (u == null) {
      return unknownUser(e.user(), a);
    }
    Optional<Rejection> actor = actor(g, a, e.by());
    if (actor.isPresent()) {
      return actor;
    }
    if (g.removed(a, u.id)) {
      return userRemoved(u.id, a);
    }
    Optional<Rejection> admin = admin(a, e.by(), "remove users");
    if (admin.isPresent()) {
      return admin;
    }
    if (u.id.equals(a.owner)) {
      return reject(NOT_AUTHORIZED, "`" + u.id + "` owns `" + a.id
          + "`: the owner cannot be removed");
    }
    return ok();
  }

  /**
   * {@code invalid_value}: a boolean for a valued key or the reverse, a number out of range, a
   * malformed or empty region set, or a level the key may not be written at. Clearing checks only
   * the level.
   */
  static Optional<Rejection> invalidValue(String key, Scope scope, Optional<SettingDef> def,
      Optional<ValuedSetting> valuedDef, Optional<Boolean> value,
      Optional<SettingValue> valued) {
    if (def.isPresent()) {
      return valued.isPresent()
          ? reject(INVALID_VALUE, "`" + key + "` takes true or false, not " + valued.get())
          : ok();
    }
    ValuedSetting k = valuedDef.orElseThrow();
    if (value.isPresent()) {
      return reject(INVALID_VALUE, "`" + key + "` takes "
          + (k == ValuedSetting.RETENTION_DAYS ? "a number of days" : "a list of region codes")
          + ", not " + value.get());
    }
    if (!k.settableAt(scope.level())) {
      return reject(INVALID_VALUE, "`" + key + "` may be set at account and group level only, "
          + "not at `" + scope + "`");
    }
    if (valued.isEmpty()) {
      return ok();
    }
    SettingValue v = valued.get();
    if (k == ValuedSetting.RETENTION_DAYS) {
      if (!(v instanceof SettingValue.Number n)) {
        return reject(INVALID_VALUE, "`" + key + "` takes a number of days, not a list");
      }
      if (n.value() < 1 || n.value() > ValuedSetting.MAX_DAYS) {
        return reject(INVALID_VALUE, "`" + key + "` must be 1 to " + ValuedSetting.MAX_DAYS
            + " days, not " + n.value() + " (clear it to keep content until deleted)");
      }
      return ok();
    }
    if (!(v instanceof SettingValue.Codes c)) {
      return reject(INVALID_VALUE, "`" + key + "` takes a list of region codes, not a number");
    }
    if (c.codes().isEmpty()) {
      return reject(INVALID_VALUE, "`" + key + "` must allow at least one region");
    }
    for (String code : c.codes()) {
      if (!ValuedSetting.regionCode(code)) {
        return reject(INVALID_VALUE, "`" + key + "` holds a malformed region code: lowercase "
            + "letters, digits and hyphens, starting with a letter, at most 32");
      }
    }
    return ok();
  }

  /**
   * Checks 5 for a valued setting below the account level: {@code setting_locked} under a lock
   * at a higher level (set or clear), then {@code setting_ceiling} for a set that lengthens a
   * higher level's retention or allows a region it does not.
   */
  static Optional<Rejection> checkValuedBelow(GovernanceState g, Account a, Scope scope,
      User scopeUser, ValuedSetting key, Optional<SettingValue> valued) {
    History.Entry<DataRights.Valued> av = current(g, key, a.id, "account");
    History.Entry<DataRights.Valued> gv = null;
    String groupId = null;
    if (scopeUser != null && scopeUser.group() != null) {
      groupId = scopeUser.group();
      gv = current(g, key, a.id, "group:" + groupId);
    }
    if (av != null && av.value().locked()) {
      return reject(SETTING_LOCKED, "`" + key.key() + "` is locked at the account level");
    }
    if (gv != null && gv.value().locked()) {
      return reject(SETTING_LOCKED, "`" + key.key() + "` is locked at group `" + groupId + "`");
    }
    if (valued.isEmpty()) {
      return ok();
    }
    for (History.Entry<DataRights.Valued> above : new java.util.ArrayList<>(
        java.util.Arrays.asList(av, gv))) {
      if (above == null) {
        continue;
      }
      String where = above == av ? "the account level" : "group `" + groupId + "`";
      SettingValue higher = above.value().value();
      SettingValue lower = valued.get();
      if (higher instanceof SettingValue.Number h && lower instanceof SettingValue.Number l
          && l.value() > h.value()) {
        return reject(SETTING_CEILING, "`" + key.key() + "` is " + h.value() + " days at "
            + where + ": a lower level may only shorten it");
      }
      if (higher instanceof SettingValue.Codes h && lower instanceof SettingValue.Codes l
          && !h.codes().containsAll(l.codes())) {
        return reject(SETTING_CEILING, "`" + key.key() + "` allows only " + h.codes() + " at "
            + where + ": a lower level may only narrow it");
      }
    }
    return ok();
  }

  private static History.Entry<DataRights.Valued> current(GovernanceState g, ValuedSetting key,
      String account, String scope) {
    History<DataRights.Valued> h = g.rights.valued.get(DataRights.key(key.key(), account, scope));
    History.Entry<DataRights.Valued> e = h == null ? null : h.last();
    return e == null || e.value() == null ? null : e;
  }

  /** Writes an accepted data-rights event; false when it is not one. */
  static boolean write(GovernanceState g, Event event, long at, long pos) {
    DataRights r = g.rights;
    if (event instanceof Event.ValuedSettingSet e) {
      r.valuedAccounts.add(e.account());
      r.valued.computeIfAbsent(DataRights.key(e.key(), e.account(), e.scope().toString()),
          k -> new History<>()).add(at, pos, new DataRights.Valued(e.value(), e.locked()));
    } else if (event instanceof Event.SettingCleared e) {
      History<DataRights.Valued> h =
          r.valued.get(DataRights.key(e.key(), e.account(), e.scope().toString()));
      if (h != null && h.last() != null && h.last().value() != null) {
        h.add(at, pos, null);
      }
    } else if (event instanceof Event.ContentDeleted e) {
      r.deleted.computeIfAbsent(e.content(), k -> {
        History<String> h = new History<>();
        h.add(at, pos, e.by());
        return h;
      });
    } else if (event instanceof Event.LegalHoldPlaced e) {
      r.addHold(new DataRights.Hold(e.hold(), g.accounts.get(e.account()).id, e.scope(),
          e.matter(), e.by(), at, pos));
    } else if (event instanceof Event.LegalHoldReleased e) {
      DataRights.Hold h = r.holds.get(DataRights.key(e.account(), e.hold()));
      if (h.released.last() == null) {
        h.released.add(at, pos, e.by());
      }
    } else if (event instanceof Event.UserRemoved e) {
      History<String> h = new History<>();
      h.add(at, pos, e.by());
      r.removed.put(DataRights.key(e.account(), e.user()), h);
    } else {
      return false;
    }
    return true;
  }
}
