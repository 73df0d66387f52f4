package org.covenant.core.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongConsumer;
import org.covenant.core.event.HoldScope;
import org.covenant.core.event.Scope;
import org.covenant.core.event.SettingValue;
import org.covenant.core.state.Entities.Account;
import org.covenant.core.state.Entities.Group;
import org.covenant.core.state.Entities.Meeting;
import org.covenant.core.state.Entities.User;
import org.covenant.core.terms.Reason;
import org.covenant.core.vocab.Owner;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.ValuedSetting;

/**
 * Retention, legal holds, deletions, removed users and regions as one snapshot sees them
 * (docs/DATA-RIGHTS.md). Every read takes a time t (a {@link TimeKey}) and sees only events at
 * or before it and at or before the snapshot's position.
 */
public final class DataRightsView {
  /** One nanosecond-keyed day. */
  private static final long DAY = 86_400L * 1_000_000_000L;
  private static final String LEGAL = "legal.compliance";

  /** Who did something, when, at which ledger position. */
  public record Stamp(String by, Instant at, long position) {}

  /**
   * A legal hold as of t.
   *
   * @param released the release, when it happened at or before t
   */
  public record Hold(String account, String hold, HoldScope scope, String matter, Stamp placed,
      Optional<Stamp> released) {
    /** True while not released. */
    public boolean inForce() {
      return released.isEmpty();
    }
  }

  /**
   * An effective valued setting.
   *
   * @param value the number or the set of codes in force
   * @param level the deciding level: the locked level, else the level holding the smallest
   *     number (the highest on ties), or for sets the most specific level set
   * @param locked whether a lock decided it
   * @param positions the ledger positions of every value it was computed from, ascending
   */
  public record Effective(SettingValue value, SettingLevel level, boolean locked,
      List<Long> positions) {}

  private final Snapshot s;
  private final DataRights r;

  DataRightsView(Snapshot s) {
    this.s = s;
    this.r = s.state().rights;
  }

  private long p() {
    return s.position();
  }

  private static <V> History.Entry<V> at(History<V> h, long t, long p) {
    return h == null ? null : h.at(t, p);
  }

  private static Stamp stamp(History.Entry<String> e) {
    return new Stamp(e.value(), TimeKey.toInstant(e.at()), e.pos());
  }

  /** The deletion of a content item at or before t, if any. */
  public Optional<Stamp> deletion(String content, long t) {
    History.Entry<String> e = at(r.deleted.get(content), t, p());
    return e == null ? Optional.empty() : Optional.of(stamp(e));
  }

  /** The removal of a user at or before t, if any. */
  public Optional<Stamp> removal(String account, String user, long t) {
    History.Entry<String> e = at(r.removed.get(DataRights.key(account, user)), t, p());
    return e == null ? Optional.empty() : Optional.of(stamp(e));
  }

  /** True when the user was removed at or before t. */
  public boolean removed(String account, String user, long t) {
    return at(r.removed.get(DataRights.key(account, user)), t, p()) != null;
  }

  /** Every hold placed in the account at or before t, in ledger order, released or not. */
  public List<Hold> holds(String account, long t) {
    List<Hold> out = new ArrayList<>();
    for (DataRights.Hold h : r.holdsOf.getOrDefault(account, List.of())) {
      if (h.pos <= p() && h.at <= t) {
        out.add(view(h, t));
      }
    }
    return out;
  }

  /** The hold with this id in the account as of t, if placed by then. */
  public Optional<Hold> hold(String account, String hold, long t) {
    DataRights.Hold h = r.holds.get(DataRights.key(account, hold));
    return h == null || h.pos > p() || h.at > t ? Optional.empty() : Optional.of(view(h, t));
  }

  private Hold view(DataRights.Hold h, long t) {
    History.Entry<String> rel = h.released.at(t, p());
    return new Hold(h.account, h.id, h.scope, h.matter,
        new Stamp(h.by, TimeKey.toInstant(h.at), h.pos),
        rel == null ? Optional.empty() : Optional.of(stamp(rel)));
  }

  /** The holds in force at t that cover the content item (docs/DATA-RIGHTS.md "Coverage"). */
  public List<Hold> covering(ContentRecord c, long t) {
    List<Hold> out = new ArrayList<>();
    for (DataRights.Hold h : r.holdsOf.getOrDefault(c.account(), List.of())) {
      if (h.pos <= p() && h.at <= t && h.released.at(t, p()) == null && covers(h.scope, c, t)) {
        out.add(view(h, t));
      }
    }
    return out;
  }

  private boolean covers(HoldScope scope, ContentRecord c, long t) {
    switch (scope.kind()) {
      case ACCOUNT:
        return true;
      case MEETING:
        return c.meeting().map(scope.id()::equals).orElse(false);
      default:
        break;
    }
    Account a = s.account(c.account(), t);
    if (a == null) {
      return false;
    }
    List<String> people = new ArrayList<>(2);
    c.author().ifPresent(people::add);
    Meeting m = c.meeting().map(id -> s.state().meetings.get(id)).orElse(null);
    if (m != null) {
      people.add(m.host());
    }
    for (String who : people) {
      if (scope.kind() == HoldScope.Kind.USER && who.equals(scope.id())) {
        return true;
      }
      if (scope.kind() == HoldScope.Kind.GROUP) {
        User u = s.user(a, who, t);
        if (u != null && scope.id().equals(u.group())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The retention in force for a content item at t: customer content only, read for its author
   * when the author is a user of the owning account, else at the account level. Empty when no
   * level sets one (kept until deleted) or for data the platform owns.
   */
  public Optional<Effective> retention(ContentRecord c, long t, LongConsumer evidence) {
    return customerSetting(ValuedSetting.RETENTION_DAYS, c.category().owner(), c.account(),
        c.author().orElse(null), t, evidence);
  }

  /**
   * A valued setting for customer content of the account (the author's when a user of it, else
   * the account level), empty for data the platform owns.
   */
  private Optional<Effective> customerSetting(ValuedSetting key, Owner owner, String account,
      String author, long t, LongConsumer evidence) {
    if (owner != Owner.CUSTOMER || !r.valuedAccounts.contains(account)) {
      // resolve() answers empty for an account with no valued setting: no look-ups.
      return Optional.empty();
    }
    Account a = s.account(account, t);
    if (a == null) {
      return Optional.empty();
    }
    return resolve(key, a, author == null ? null : s.user(a, author, t), t, evidence);
  }

  /**
   * As above for an item read from the content table: its author (a string made from the
   * table's arena, issue 15) is read only when the account has a valued setting.
   */
  private Optional<Effective> customerSetting(ValuedSetting key, Owner owner,
      ContentConditions c, long t, LongConsumer evidence) {
    if (owner != Owner.CUSTOMER || !r.valuedAccounts.contains(c.account())) {
      return Optional.empty();
    }
    return customerSetting(key, owner, c.account(), c.author(), t, evidence);
  }

  /** When the item expires under the retention in force at t, if one is. */
  public Optional<Instant> expiry(ContentRecord c, long t) {
    return retention(c, t, Snapshot.noEvidence()).map(e -> TimeKey.toInstant(
        TimeKey.of(c.at()) + ((SettingValue.Number) e.value()).value() * DAY));
  }

  /**
   * The regions allowed for a content item at t (customer content only; the author's group as for
   * retention); empty when every region is.
   */
  public Optional<Effective> regions(ContentRecord c, long t, LongConsumer evidence) {
    return customerSetting(ValuedSetting.DATA_REGIONS_ALLOWED, c.category().owner(), c.account(),
        c.author().orElse(null), t, evidence);
  }

  /**
   * The effective valued setting for a user of an account (or the account level alone with no
   * user, or a group's members with {@code group} and no user) at t; empty when nothing is set
   * or the account, group or user does not exist at t.
   */
  public Optional<Effective> effective(ValuedSetting key, String account, Optional<String> group,
      Optional<String> user, long t) {
    Account a = s.account(account, t);
    if (a == null) {
      return Optional.empty();
    }
    User u = null;
    Group g = null;
    if (user.isPresent()) {
      u = s.user(a, user.get(), t);
      if (u == null) {
        return Optional.empty();
      }
    } else if (group.isPresent()) {
      g = s.group(a, group.get(), t);
      if (g == null) {
        return Optional.empty();
      }
    }
    if (u != null) {
      return resolve(key, a, u, t, Snapshot.noEvidence());
    }
    return resolve(key, a, g == null ? null : g.id, null, t, Snapshot.noEvidence());
  }

  /** The value written at one scope (not resolved), if any, with whether it is locked. */
  public Optional<Snapshot.Stamped<SettingValue>> written(ValuedSetting key, String account,
      Scope scope, long t, boolean[] lockedOut) {
    History.Entry<DataRights.Valued> e = valueAt(key, account, scope.toString(), t);
    if (e == null) {
      return Optional.empty();
    }
    if (lockedOut.length > 0) {
      lockedOut[0] = e.value().locked();
    }
    return Optional.of(new Snapshot.Stamped<>(e.value().value(), e.pos()));
  }

  private History.Entry<DataRights.Valued> valueAt(ValuedSetting key, String account,
      String scope, long t) {
    History.Entry<DataRights.Valued> e =
        at(r.valued.get(DataRights.key(key.key(), account, scope)), t, p());
    return e == null || e.value() == null ? null : e;
  }

  private Optional<Effective> resolve(ValuedSetting key, Account a, User u, long t,
      LongConsumer evidence) {
    String group = u == null || u.group() == null ? null : u.group();
    // A removed user's own level stops applying (docs/DATA-RIGHTS.md).
    String user = u == null || removed(a.id, u.id, t) ? null : u.id;
    return resolve(key, a, group, user, t, evidence);
  }

  private Optional<Effective> resolve(ValuedSetting key, Account a, String group, String user,
      long t, LongConsumer evidence) {
    if (!r.valuedAccounts.contains(a.id)) {
      return Optional.empty();
    }
    History.Entry<DataRights.Valued> av = valueAt(key, a.id, "account", t);
    History.Entry<DataRights.Valued> gv = group == null ? null
        : valueAt(key, a.id, "group:" + group, t);
    History.Entry<DataRights.Valued> uv = user == null || !key.settableAt(Scope.Level.USER)
        ? null : valueAt(key, a.id, "user:" + user, t);
    List<History.Entry<DataRights.Valued>> chain = new ArrayList<>(3);
    List<SettingLevel> levels = new ArrayList<>(3);
    boolean locked = false;
    if (av != null && av.value().locked()) {
      chain.add(av);
      levels.add(SettingLevel.ACCOUNT);
      locked = true;
    } else {
      if (av != null) {
        chain.add(av);
        levels.add(SettingLevel.ACCOUNT);
      }
      if (gv != null) {
        chain.add(gv);
        levels.add(SettingLevel.GROUP);
        locked = gv.value().locked();
      }
      if (uv != null && !locked) {
        chain.add(uv);
        levels.add(SettingLevel.USER);
      }
    }
    if (chain.isEmpty()) {
      return Optional.empty();
    }
    SettingValue value = null;
    SettingLevel level = null;
    TreeSet<Long> positions = new TreeSet<>();
    for (int i = 0; i < chain.size(); i++) {
      History.Entry<DataRights.Valued> e = chain.get(i);
      positions.add(e.pos());
      evidence.accept(e.pos());
      SettingValue v = e.value().value();
      if (value == null) {
        value = v;
        level = levels.get(i);
      } else if (v instanceof SettingValue.Number n) {
        if (n.value() < ((SettingValue.Number) value).value()) {
          value = v;
          level = levels.get(i);
        }
      } else {
        List<String> kept = new ArrayList<>(((SettingValue.Codes) value).codes());
        kept.retainAll(((SettingValue.Codes) v).codes());
        value = new SettingValue.Codes(kept);
        level = levels.get(i);
      }
    }
    if (locked) {
      level = levels.get(levels.size() - 1);
    }
    return Optional.of(new Effective(value, level, locked, List.copyOf(positions)));
  }

  /**
   * The data-rights reasons of docs/DATA-RIGHTS.md for a content item that exists at t, in their
   * order ({@code content_deleted}, {@code retention_expired}, {@code region_not_allowed}):
   * the first that applies, or empty. Every position read is reported to {@code evidence}.
   */
  public Optional<Reason> deny(ContentRecord c, Purpose purpose, Optional<String> region,
      long t, LongConsumer evidence) {
    return deny(new ContentConditions(s, c, t, evidence), purpose, region, t, evidence);
  }

  private static final Optional<Reason> DELETED = Optional.of(Reason.CONTENT_DELETED);
  private static final Optional<Reason> EXPIRED = Optional.of(Reason.RETENTION_EXPIRED);
  private static final Optional<Reason> REGION = Optional.of(Reason.REGION_NOT_ALLOWED);

  /**
   * As {@link #deny(ContentRecord, Purpose, Optional, long, LongConsumer)} for an item read from
   * the content table's columns (the decision path: no record unless a hold must be matched).
   */
  public Optional<Reason> deny(ContentConditions c, Purpose purpose, Optional<String> region,
      long t, LongConsumer evidence) {
    Objects.requireNonNull(region, "region");
    if (!r.deleted.isEmpty()) {
      History<String> d = r.deleted.get(c.id());
      int deleted = d == null ? -1 : d.index(t, p());
      if (deleted >= 0) {
        evidence.accept(d.pos(deleted));
        return DELETED;
      }
    }
    Owner owner = c.category().owner();
    if (owner != Owner.CUSTOMER) {
      return Optional.empty();
    }
    Optional<Effective> retention = customerSetting(ValuedSetting.RETENTION_DAYS, owner, c, t,
        evidence);
    if (retention.isPresent() && expired(c.capturedAt(), retention.get(), t)) {
      List<Hold> holds = purpose.id().equals(LEGAL) ? covering(c.record(), t) : List.of();
      if (holds.isEmpty()) {
        return EXPIRED;
      }
      holds.forEach(h -> evidence.accept(h.placed().position()));
    }
    if (region.isPresent()) {
      Optional<Effective> allowed = customerSetting(ValuedSetting.DATA_REGIONS_ALLOWED, owner, c,
          t, evidence);
      if (allowed.isPresent()
          && !((SettingValue.Codes) allowed.get().value()).codes().contains(region.get())) {
        return REGION;
      }
    }
    return Optional.empty();
  }

  private static boolean expired(ContentRecord c, Effective retention, long t) {
    return expired(TimeKey.of(c.at()), retention, t);
  }

  private static boolean expired(long capturedAt, Effective retention, long t) {
    long days = ((SettingValue.Number) retention.value()).value();
    return capturedAt + days * DAY <= t;
  }

  /**
   * An expired content item as a sweep sees it.
   *
   * @param content the item
   * @param days the retention in force at the sweep's time
   * @param level the level that decided it
   * @param expiredAt capture time + days
   * @param holds the holds in force that cover it (empty: it must be deleted)
   */
  public record Expired(ContentRecord content, long days, SettingLevel level, Instant expiredAt,
      List<Hold> holds) {
    /** True when no hold covers it: the sweep deletes it. */
    public boolean due() {
      return holds.isEmpty();
    }
  }

  /**
   * Every customer content item created at or before t, not deleted by t and older than the
   * retention in force at t (docs/DATA-RIGHTS.md, "Retention sweep"), held or not, in ledger
   * order.
   */
  public List<Expired> expired(long t) {
    List<Expired> out = new ArrayList<>();
    ContentTable.View v = s.state().contents.view();
    int n = v.count();
    for (int i = 0; i < n; i++) {
      if (v.pos(i) > p() || v.at(i) > t) {
        continue;
      }
      Optional<ContentRecord> c = s.content(v.id(i), t);
      if (c.isEmpty() || c.get().category().owner() != Owner.CUSTOMER
          || at(r.deleted.get(c.get().id()), t, p()) != null) {
        continue;
      }
      Optional<Effective> retention = retention(c.get(), t, Snapshot.noEvidence());
      if (retention.isPresent() && expired(c.get(), retention.get(), t)) {
        long days = ((SettingValue.Number) retention.get().value()).value();
        out.add(new Expired(c.get(), days, retention.get().level(),
            TimeKey.toInstant(TimeKey.of(c.get().at()) + days * DAY), covering(c.get(), t)));
      }
    }
    return out;
  }

  /** What a retention sweep at t must delete: the expired items no hold covers. */
  public List<ContentRecord> sweep(long t) {
    return expired(t).stream().filter(Expired::due).map(Expired::content).toList();
  }

  /** The owner of an account that exists at t (who signs a sweep's deletions). */
  public Optional<String> owner(String account, long t) {
    Account a = s.account(account, t);
    return a == null ? Optional.empty() : Optional.of(a.owner);
  }
}
