package org.covenant.core.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.covenant.core.event.Scope;
import org.covenant.core.state.Entities.Account;
import org.covenant.core.state.Entities.Group;
import org.covenant.core.state.Entities.Meeting;
import org.covenant.core.state.Entities.Participant;
import org.covenant.core.state.Entities.SettingValue;
import org.covenant.core.state.Entities.User;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Feature;
import org.covenant.core.vocab.Notice;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.SettingMode;
import org.covenant.core.vocab.Vocabulary;

/**
 * The projection of the ledger at one position: an immutable view that the decision engine
 * evaluates (ARCHITECTURE.md §9: the engine never calls a store). Every read also takes a time
 * {@code t} (a {@link TimeKey}) and sees only events at or before it, so one snapshot answers
 * "as of" questions for any instant (§3: a view at any point in time).
 *
 * <p>Taking a snapshot is O(1): the state is append-only and every read filters by position.
 * Snapshots are safe to share between threads while the ledger keeps growing.
 */
public final class Snapshot {
  /** A value with the ledger position of the event that set it. */
  public record Stamped<V>(V value, long position) {}

  private static final LongConsumer NO_EVIDENCE = p -> {};
  private static final List<org.covenant.core.vocab.Category> CATEGORIES =
      Vocabulary.categories();
  /** Parent definitions by ordinal, resolved once (no map look-ups on the hot path). */
  private static final SettingDef[][] PARENTS = new SettingDef[Vocabulary.settings().size()][];

  static {
    for (SettingDef d : Vocabulary.settings()) {
      PARENTS[d.ordinal()] = d.parents().stream()
          .map(k -> Vocabulary.setting(k).orElseThrow()).toArray(SettingDef[]::new);
    }
  }

  private final GovernanceState state;
  private final long position;
  private DataRightsView rights;

  Snapshot(GovernanceState state, long position) {
    this.state = state;
    this.position = position;
  }

  /** The ledger position this snapshot sees up to (inclusive); 0 for an empty ledger. */
  public long position() {
    return position;
  }

  /** A collector that ignores positions, for callers that do not need evidence. */
  public static LongConsumer noEvidence() {
    return NO_EVIDENCE;
  }

  GovernanceState state() {
    return state;
  }

  /** Retention, legal holds, deletions, removed users and regions (docs/DATA-RIGHTS.md). */
  public DataRightsView dataRights() {
    // One per snapshot, made on first use (racy but safe: any one of them will do).
    DataRightsView v = rights;
    if (v == null) {
      v = new DataRightsView(this);
      rights = v;
    }
    return v;
  }

  /**
   * The §5 conditions for one content item at time of use t, reporting every ledger position
   * consulted to {@code evidence}.
   */
  public ContentConditions conditions(ContentRecord c, long t, LongConsumer evidence) {
    return new ContentConditions(this, c, t, evidence);
  }

  private boolean visible(long at, long pos, long t) {
    return pos <= position && at <= t;
  }

  Account account(String id, long t) {
    Account a = state.accounts.get(id);
    return a != null && visible(a.at, a.pos, t) ? a : null;
  }

  User user(Account a, String id, long t) {
    User u = a.users.get(id);
    return u != null && visible(u.at, u.pos, t) ? u : null;
  }

  /**
   * The host of meeting {@code m} as a user of account {@code a} at t, or null: {@link
   * #user(Account, String, long)} of the host's id, from the meeting where it knows the user
   * ({@link Meeting#hostIn}; issue 15: no users' map on a decision's path).
   */
  User host(Account a, Meeting m, long t) {
    User u = m.hostIn(a);
    if (u == null) {
      return user(a, m.host(), t);
    }
    return visible(u.at, u.pos, t) ? u : null;
  }

  Group group(Account a, String id, long t) {
    Group g = a.groups.get(id);
    return g != null && visible(g.at, g.pos, t) ? g : null;
  }

  Meeting meeting(String id, long t) {
    Meeting m = state.meetings.get(id);
    return m != null && m.startedBy(t, position) ? m : null;
  }

  /** True when the account exists at this snapshot's position (at any time). */
  public boolean hasAccount(String account) {
    Account a = state.accounts.get(account);
    return a != null && a.pos <= position;
  }

  /** True when the account exists at t. */
  public boolean accountExists(String account, long t) {
    return account(account, t) != null;
  }

  /**
   * Every account that exists at this snapshot's position (at any time), in creation order: the
   * accounts a batch evaluation ({@link #timeline(String)}) or a listing reads.
   */
  public List<String> accountIds() {
    List<Account> visible = new ArrayList<>();
    for (Account a : state.accounts.values()) {
      if (a.pos <= position) {
        visible.add(a);
      }
    }
    visible.sort((x, y) -> Long.compare(x.pos, y.pos));
    List<String> out = new ArrayList<>(visible.size());
    for (Account a : visible) {
      out.add(a.id);
    }
    return out;
  }

  /**
   * The account's terms and consent timelines up to this snapshot's position, in primitive
   * columns, or empty when the account does not exist at this position. A batch evaluation reads
   * these instead of asking {@link #terms} and {@link #consent} once per item; both answer from
   * the same histories.
   */
  public Optional<AccountTimeline> timeline(String account) {
    Account a = state.accounts.get(account);
    return a == null || a.pos > position ? Optional.empty()
        : Optional.of(AccountTimeline.of(a, position));
  }

  /**
   * A user of an account as the projection holds it (for listings and authorisation).
   *
   * @param user the user id
   * @param role the role given when added (the owner's is {@code owner})
   * @param group the group named when added, if any
   */
  public record UserEntry(String user, Role role, Optional<String> group) {}

  /**
   * A meeting's owning account, host and start (for listings and authorisation).
   *
   * @param meeting the meeting id
   * @param account the owning account
   * @param host the host
   * @param started when it started
   */
  public record MeetingEntry(String meeting, String account, String host, Instant started) {}

  /** The user of the account, if both exist at this snapshot's position (at any time). */
  public Optional<UserEntry> userOf(String account, String user) {
    Account a = state.accounts.get(account);
    User u = a == null || a.pos > position ? null : a.users.get(user);
    return u == null || u.pos > position ? Optional.empty()
        : Optional.of(new UserEntry(u.id, u.role, Optional.ofNullable(u.group())));
  }

  /** The account's users at this snapshot's position, by id; empty when it does not exist. */
  public List<UserEntry> usersOf(String account) {
    Account a = state.accounts.get(account);
    List<UserEntry> out = new ArrayList<>();
    if (a != null && a.pos <= position) {
      for (User u : a.users.values()) {
        if (u.pos <= position) {
          out.add(new UserEntry(u.id, u.role, Optional.ofNullable(u.group())));
        }
      }
      out.sort((x, y) -> x.user().compareTo(y.user()));
    }
    return out;
  }

  /** The account's groups at this snapshot's position, in creation order. */
  public List<String> groupsOf(String account) {
    Account a = state.accounts.get(account);
    List<Group> gs = new ArrayList<>();
    if (a != null && a.pos <= position) {
      for (Group g : a.groups.values()) {
        if (g.pos <= position) {
          gs.add(g);
        }
      }
      gs.sort((x, y) -> Long.compare(x.pos, y.pos));
    }
    List<String> out = new ArrayList<>(gs.size());
    for (Group g : gs) {
      out.add(g.id);
    }
    return out;
  }

  /** Whether the account and its group exist at this snapshot's position (at any time). */
  public boolean hasGroup(String account, String group) {
    Account a = state.accounts.get(account);
    Group g = a == null || a.pos > position ? null : a.groups.get(group);
    return g != null && g.pos <= position;
  }

  /** The meeting, if it exists at this snapshot's position (at any time). */
  public Optional<MeetingEntry> meetingOf(String meeting) {
    Meeting m = state.meetings.get(meeting);
    return m == null || m.pos() > position ? Optional.empty()
        : Optional.of(new MeetingEntry(m.id(), m.account, m.host(), TimeKey.toInstant(m.at())));
  }

  /**
   * The ledger positions of the account's events (its own, its meetings', deletions of its
   * content) after {@code after}, at most {@code limit}, up to this snapshot's position: the
   * ledger's index by account, which the server's listings read the events back through.
   */
  public long[] accountEvents(String account, long after, int limit) {
    Account a = state.accounts.get(account);
    if (a == null || a.pos > position) {
      return new long[0];
    }
    long[] page = a.events.after(after, limit);
    int n = page.length;
    while (n > 0 && page[n - 1] > position) {
      n--;
    }
    return n == page.length ? page : java.util.Arrays.copyOf(page, n);
  }

  /** Whether the event at {@code p} (at or before this snapshot's position) is the account's. */
  public boolean accountHolds(String account, long p) {
    Account a = state.accounts.get(account);
    return a != null && p <= position && a.events.contains(p);
  }

  /** Positions of the account's governance changes ({@link GovernanceState#auditKind}). */
  public long[] auditPositions(String account) {
    Account a = state.accounts.get(account);
    return a == null || a.pos > position ? new long[0] : a.audit.upTo(position);
  }

  /** Positions of the account's {@code terms.accepted} and consent events. */
  public long[] termsAndConsentPositions(String account) {
    Account a = state.accounts.get(account);
    return a == null || a.pos > position ? new long[0] : a.termsAndConsents.upTo(position);
  }

  /** The account's meetings in the order they started. */
  public List<String> meetingsOf(String account) {
    Account a = state.accounts.get(account);
    List<String> out = new ArrayList<>();
    if (a != null && a.pos <= position) {
      int n = a.meetingCount;
      Meeting[] ms = a.meetings;
      for (int i = 0; i < n && ms[i].pos() <= position; i++) {
        out.add(ms[i].id());
      }
    }
    return out;
  }

  /** How many content items the account registered. */
  public int contentCountOf(String account) {
    Account a = state.accounts.get(account);
    return a == null || a.pos > position ? 0 : a.content.countUpTo(position);
  }

  /**
   * The §5 conditions for the content item {@code id} at time of use t, read from the content
   * table's columns without a {@link ContentRecord}, or null when no such item was created at or
   * before t: the decision path's form of {@link #content} then {@link #conditions} (issue 15).
   */
  public ContentConditions conditionsOf(String id, long t, LongConsumer evidence) {
    ContentTable.View v = state.contents.view();
    int i = v.find(id);
    if (i < 0 || !visible(v.at(i), v.pos(i), t)) {
      return null;
    }
    // The author, the other contributors and the meeting are read from the table only if a
    // condition asks (a string made from the arena, an array copied, a meeting's cache miss).
    // The owner is found by the number in the item's row where it has one (issue 15: no
    // meeting, map table and node loaded on the way; the account there is the one the map
    // holds under that id).
    int n = v.number(i);
    // Issue 15, random decisions: the item's meeting is read here, beside the row and the
    // account (three independent cache misses the processor waits for together), not when the
    // first condition asks for it (a miss of its own then, after the account's).
    Meeting m = v.meeting(i);
    Account a = n < 0 ? null : state.numbered(n);
    ContentConditions c;
    if (a == null) {
      String account = v.account(i);
      c = new ContentConditions(this, id, CATEGORIES.get(v.category(i)), account,
          account(account, t), v, i, v.at(i), v.pos(i), t, evidence);
    } else {
      c = new ContentConditions(this, id, CATEGORIES.get(v.category(i)), a.id,
          visible(a.at, a.pos, t) ? a : null, v, i, v.at(i), v.pos(i), t, evidence);
    }
    return c.early(m);
  }

  /** The content item, if it was created at or before t. */
  public Optional<ContentRecord> content(String id, long t) {
    ContentTable.View v = state.contents.view();
    int i = v.find(id);
    if (i < 0 || !visible(v.at(i), v.pos(i), t)) {
      return Optional.empty();
    }
    String account = v.account(i);
    String[] others = v.others(i);
    List<String> contributors;
    if (others == null) {
      contributors = List.of(account);
    } else {
      String[] all = new String[others.length + 1];
      all[0] = account;
      System.arraycopy(others, 0, all, 1, others.length);
      contributors = List.of(all);
    }
    Meeting m = v.meeting(i);
    return Optional.of(new ContentRecord(id, CATEGORIES.get(v.category(i)), account,
        m == null ? Optional.empty() : Optional.of(m.id()), Optional.ofNullable(v.author(i)),
        contributors, TimeKey.toInstant(v.at(i)), v.pos(i)));
  }

  /**
   * The content items an account registered at or before t, in ledger order (one pass over the
   * content table: for previews and reports, not for per-decision use).
   */
  public List<ContentRecord> contentOf(String account, long t) {
    ContentTable.View v = state.contents.view();
    int n = v.count();
    List<ContentRecord> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (account.equals(v.account(i)) && visible(v.at(i), v.pos(i), t)) {
        content(v.id(i), t).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * The §5 conditions of content the account would capture at t, not registered yet
   * ({@link ProspectiveConditions}).
   */
  public ProspectiveConditions prospective(String account, long t) {
    return new ProspectiveConditions(this, account(account, t), t);
  }

  /** The terms version the account accepted last at or before (t, p), with its position. */
  public Optional<Stamped<String>> terms(String account, long t, long p) {
    Account a = account(account, t);
    if (a == null) {
      return Optional.empty();
    }
    int e = a.terms.index(t, Math.min(p, position));
    return e < 0 ? Optional.empty() : Optional.of(new Stamped<>(a.terms.value(e), a.terms.pos(e)));
  }

  /**
   * The account's consent at (t, p): in force, withdrawn (granted at some time before) or
   * missing. An account that does not exist (a contributor outside the platform) is missing.
   */
  public ConsentStatus consent(
      String account, ConsentType consent, long t, long p, LongConsumer evidence) {
    return consent(account(account, t), consent, t, p, evidence);
  }

  /** As {@link #consent(String, ConsentType, long, long, LongConsumer)} for a resolved account. */
  ConsentStatus consent(Account a, ConsentType consent, long t, long p, LongConsumer evidence) {
    // An account created after t did not exist then: its consents cannot be in force.
    if (a == null || !visible(a.at, a.pos, t)) {
      return ConsentStatus.MISSING;
    }
    History<Boolean> h = a.consents[consent.ordinal()];
    int e = h.index(t, Math.min(p, position));
    if (e < 0) {
      return ConsentStatus.MISSING;
    }
    evidence.accept(h.pos(e));
    return h.value(e) ? ConsentStatus.IN_FORCE : ConsentStatus.WITHDRAWN;
  }

  /**
   * The effective setting for a user of an account at t (ARCHITECTURE.md §4), or empty when the
   * account, or the user when one is named, does not exist at t. With no user the chain is the
   * account level alone.
   */
  public Optional<SettingResolution> setting(
      String account, Optional<String> user, SettingDef def, long t) {
    Account a = account(account, t);
    if (a == null) {
      return Optional.empty();
    }
    User u = null;
    if (user.isPresent()) {
      u = user(a, user.get(), t);
      if (u == null) {
        return Optional.empty();
      }
    }
    return Optional.of(resolve(a, u, def, t, NO_EVIDENCE));
  }

  /** The value written at one scope (not resolved), if any: for explanations in the console. */
  public Optional<Stamped<Boolean>> written(
      String account, Scope scope, SettingDef def, long t, boolean[] lockedOut) {
    Account a = account(account, t);
    if (a == null) {
      return Optional.empty();
    }
    Entities.SettingsScope s =
        switch (scope.level()) {
          case ACCOUNT -> a;
          case GROUP -> {
            Group g = group(a, scope.id(), t);
            yield g == null ? null : g;
          }
          case USER -> {
            User u = user(a, scope.id(), t);
            yield u == null ? null : u;
          }
        };
    if (s == null) {
      return Optional.empty();
    }
    History.Entry<SettingValue> e = s.byKey[def.ordinal()].at(t, position);
    if (e == null || e.value() == null) {
      return Optional.empty();
    }
    if (lockedOut.length > 0) {
      lockedOut[0] = e.value().locked();
    }
    return Optional.of(new Stamped<>(e.value().value(), e.pos()));
  }

  SettingResolution resolve(Account a, User u, SettingDef def, long t, LongConsumer evidence) {
    return decode(resolveCode(a, u, def, t, evidence));
  }

  /**
   * {@link #resolve(Account, User, SettingDef, long, LongConsumer)} as a {@link #decode coded}
   * long: the decision path's form, which makes no object.
   */
  long resolveCode(Account a, User u, SettingDef def, long t, LongConsumer evidence) {
    return resolveCode(a, u, groupOf(a, u, t), def, t, evidence);
  }

  /** As above with the user's group as {@link #groupOf} answers it, found by the caller. */
  long resolveCode(Account a, User u, Group g, SettingDef def, long t, LongConsumer evidence) {
    return resolve(a, g, u, def, t, evidence);
  }

  /**
   * The group of user {@code u} (null: none) of account {@code a} at t, or null when it has
   * none or the group does not exist at t: from the user where it knows the group ({@link
   * User#groupIn}), else from the account's map.
   */
  Group groupOf(Account a, User u, long t) {
    Group g = u == null ? null : u.groupIn(a);
    if (g != null) {
      return visible(g.at, g.pos, t) ? g : null;
    }
    return u == null || u.group() == null ? null : group(a, u.group(), t);
  }

  /**
   * What a member of {@code group} of {@code account} gets at t when their own user level sets
   * nothing (ARCHITECTURE.md §4 applied to the account and group levels only), or empty when the
   * account or the group does not exist at t. The console's group view shows this.
   */
  public Optional<SettingResolution> groupSetting(
      String account, String group, SettingDef def, long t) {
    Account a = account(account, t);
    if (a == null) {
      return Optional.empty();
    }
    Group g = group(a, group, t);
    if (g == null) {
      return Optional.empty();
    }
    return Optional.of(decode(resolve(a, g, null, def, t, NO_EVIDENCE)));
  }

  // A resolution coded in a long (no object on the decision path): the deciding write's position
  // in the low bits, then the level's ordinal, the lock and the value.
  private static final int LEVEL_SHIFT = 56;
  private static final long LOCKED = 1L << 60;
  private static final long VALUE = 1L << 61;
  private static final long CODE_POS = (1L << LEVEL_SHIFT) - 1;

  private static long code(boolean value, SettingLevel level, boolean locked, long pos) {
    if (pos < 0 || pos > CODE_POS) {
      throw new IllegalStateException("position " + pos + " out of range");
    }
    return pos | ((long) level.ordinal() << LEVEL_SHIFT) | (locked ? LOCKED : 0)
        | (value ? VALUE : 0);
  }

  /** The effective value of a coded resolution. */
  static boolean codedValue(long code) {
    return (code & VALUE) != 0;
  }

  /** Whether a coded resolution is a parent's false ({@link SettingResolution#parentDisabled}). */
  static boolean codedParentDisabled(long code) {
    return ((code >>> LEVEL_SHIFT) & 7) == SettingLevel.PARENT.ordinal();
  }

  private static final SettingLevel[] LEVELS = SettingLevel.values();

  static SettingResolution decode(long code) {
    return new SettingResolution(codedValue(code), LEVELS[(int) ((code >>> LEVEL_SHIFT) & 7)],
        (code & LOCKED) != 0, code & CODE_POS);
  }

  private long resolve(
      Account a, Group g, User u, SettingDef def, long t, LongConsumer evidence) {
    for (SettingDef parent : PARENTS[def.ordinal()]) {
      if (!codedValue(resolve(a, g, u, parent, t, evidence))) {
        return code(false, SettingLevel.PARENT, false, 0);
      }
    }
    return own(a, g, u, def, t, evidence);
  }

  /** The index of the value written at the scope in force at t, or -1 (none, or unset). */
  private int valueAt(Entities.SettingsScope s, SettingDef def, long t) {
    if (s == null) {
      return -1;
    }
    History<SettingValue> h = s.byKey[def.ordinal()];
    int e = h.index(t, position);
    return e < 0 || h.value(e) == null ? -1 : e;
  }

  private static long decided(History<SettingValue> h, int e, boolean value,
      SettingLevel level, boolean locked, LongConsumer evidence) {
    long pos = h.pos(e);
    evidence.accept(pos);
    return code(value, level, locked, pos);
  }

  private long own(
      Account a, Group g, User u, SettingDef def, long t, LongConsumer evidence) {
    int k = def.ordinal();
    History<SettingValue> ah = a.byKey[k];
    int av = valueAt(a, def, t);
    History<SettingValue> gh = g == null ? null : g.byKey[k];
    int gv = g == null ? -1 : valueAt(g, def, t);
    History<SettingValue> uh = u == null ? null : u.byKey[k];
    int uv = u == null || removed(a, u, t) ? -1 : valueAt(u, def, t);
    SettingValue a1 = av < 0 ? null : ah.value(av);
    SettingValue g1 = gv < 0 ? null : gh.value(gv);
    SettingValue u1 = uv < 0 ? null : uh.value(uv);
    if (def.mode() == SettingMode.LOCK) {
      if (a1 != null && a1.locked()) {
        return decided(ah, av, a1.value(), SettingLevel.ACCOUNT, true, evidence);
      }
      if (g1 != null && g1.locked()) {
        return decided(gh, gv, g1.value(), SettingLevel.GROUP, true, evidence);
      }
      if (u1 != null) {
        return decided(uh, uv, u1.value(), SettingLevel.USER, false, evidence);
      }
      if (g1 != null) {
        return decided(gh, gv, g1.value(), SettingLevel.GROUP, false, evidence);
      }
      if (a1 != null) {
        return decided(ah, av, a1.value(), SettingLevel.ACCOUNT, false, evidence);
      }
      return code(def.defaultValue(), SettingLevel.DEFAULT, false, 0);
    }
    // Ceiling mode: the AND of every value set; the highest false decides, else the most
    // specific level set. Locks have no effect here.
    if (a1 != null && !a1.value()) {
      return decided(ah, av, false, SettingLevel.ACCOUNT, false, evidence);
    }
    if (g1 != null && !g1.value()) {
      return decided(gh, gv, false, SettingLevel.GROUP, false, evidence);
    }
    if (u1 != null && !u1.value()) {
      return decided(uh, uv, false, SettingLevel.USER, false, evidence);
    }
    if (u1 != null) {
      return decided(uh, uv, true, SettingLevel.USER, false, evidence);
    }
    if (g1 != null) {
      return decided(gh, gv, true, SettingLevel.GROUP, false, evidence);
    }
    if (a1 != null) {
      return decided(ah, av, true, SettingLevel.ACCOUNT, false, evidence);
    }
    return code(def.defaultValue(), SettingLevel.DEFAULT, false, 0);
  }

  /** A removed user's own settings stop applying (docs/DATA-RIGHTS.md). */
  private boolean removed(Account a, User u, long t) {
    if (state.rights.removed.isEmpty()) {
      return false;
    }
    History<String> h = state.rights.removed.get(DataRights.key(a.id, u.id));
    return h != null && h.index(t, position) >= 0;
  }

  private static boolean ended(Meeting m, long t, long p) {
    return m.endedBy(t, p);
  }

  private static boolean featureActive(Meeting m, Feature f, long t, long p, LongConsumer ev) {
    if (ended(m, t, p)) {
      return false;
    }
    long on = m.featureOnPos(f.ordinal(), t, p);
    if (on >= 0) {
      ev.accept(on);
      return true;
    }
    return false;
  }

  private static boolean present(Meeting m, String participant, long t, long p) {
    if (ended(m, t, p)) {
      return false;
    }
    if (participant.equals(m.host())) {
      return true;
    }
    java.util.concurrent.ConcurrentHashMap<String, Participant> live = m.participants();
    if (live == null) {
      EndedParticipants c = m.closed();
      int i = c.find(participant);
      return i >= 0 && c.present(i, t, p);
    }
    Participant pt = live.get(participant);
    if (pt == null) {
      return false;
    }
    int e = pt.present.index(t, p);
    return e >= 0 && pt.present.value(e);
  }

  private static boolean acknowledged(
      Meeting m, String participant, Notice n, long t, long p, LongConsumer ev) {
    if (participant.equals(m.host())) {
      return true;
    }
    java.util.concurrent.ConcurrentHashMap<String, Participant> live = m.participants();
    if (live == null) {
      EndedParticipants c = m.closed();
      int i = c.find(participant);
      long pos = i < 0 ? -1 : c.acknowledged(i, n.ordinal(), t, p);
      if (pos >= 0) {
        ev.accept(pos);
        return true;
      }
      return false;
    }
    Participant pt = live.get(participant);
    if (pt == null) {
      return false;
    }
    History<Boolean> h = pt.acks[n.ordinal()];
    int e = h.index(t, p);
    if (e >= 0) {
      ev.accept(h.pos(e));
      return true;
    }
    return false;
  }

  /**
   * Whether feature K was active in the content's meeting when the content was created (the
   * {@code meeting_feature:} condition); never for content outside meetings.
   */
  public boolean featureActiveAtCapture(ContentRecord c, Feature f, LongConsumer evidence) {
    return featureActiveAtCapture(meetingOf(c), f, TimeKey.of(c.at()), c.position() - 1,
        evidence);
  }

  /** The meeting a content record names, as the projection holds it, or null. */
  private Meeting meetingOf(ContentRecord c) {
    return c.meeting().isEmpty() ? null : state.meetings.get(c.meeting().get());
  }

  /** As above for the item's meeting (null: none) and capture stamps (t, p = position - 1). */
  static boolean featureActiveAtCapture(Meeting m, Feature f, long t, long p,
      LongConsumer evidence) {
    return m != null && featureActive(m, f, t, p, evidence);
  }

  /**
   * Whether notice N was acknowledged in the content's meeting before the content was created:
   * by its author, or with no author by everyone present then (the host always has). Content
   * outside a meeting has no meeting to acknowledge in, so this never holds for it.
   */
  public boolean noticeAcknowledgedAtCapture(ContentRecord c, Notice n, LongConsumer evidence) {
    return noticeAcknowledgedAtCapture(meetingOf(c), c.author().orElse(null), n,
        TimeKey.of(c.at()), c.position() - 1, evidence);
  }

  /**
   * As above for the item's meeting (null: none), author (null: none) and capture stamps
   * (t, p = position - 1).
   */
  static boolean noticeAcknowledgedAtCapture(Meeting m, String author, Notice n, long t, long p,
      LongConsumer evidence) {
    if (m == null) {
      return false;
    }
    if (author != null) {
      return acknowledged(m, author, n, t, p, evidence);
    }
    return everyPresentAcknowledged(m, n, t, p, evidence);
  }

  /**
   * As above for item {@code item} of the content table view {@code v} (the decision path),
   * without making its author's string where the table's number answers (issue 15): the host
   * is flagged in the table, and a participant of an ended meeting packed in the same arena is
   * found by that number.
   */
  static boolean noticeAcknowledgedAtCapture(Meeting m, ContentTable.View v, int item, Notice n,
      long t, long p, LongConsumer evidence) {
    if (m == null) {
      return false;
    }
    int a = v.authorRef(item);
    if (a == 0) {
      return everyPresentAcknowledged(m, n, t, p, evidence);
    }
    if (a < 0) {
      return true; // the host always has, as acknowledged() answers
    }
    EndedParticipants c = m.participants() == null ? m.closed() : null;
    if (c == null || c.arena() != v.arena()) {
      return acknowledged(m, v.author(item), n, t, p, evidence);
    }
    // Not the host (flagged otherwise): what acknowledged() answers for an ended meeting.
    int i = c.findNumber(a - 1);
    long pos = i < 0 ? -1 : c.acknowledged(i, n.ordinal(), t, p);
    if (pos >= 0) {
      evidence.accept(pos);
      return true;
    }
    return false;
  }

  /** Whether every participant present at (t, p) but the host had acknowledged n. */
  private static boolean everyPresentAcknowledged(Meeting m, Notice n, long t, long p,
      LongConsumer evidence) {
    java.util.concurrent.ConcurrentHashMap<String, Participant> live = m.participants();
    if (live == null) {
      // The same walk over the compacted participants, in the order the live map had.
      // By index (issue 15: the ids are not strings of their own): what present() and
      // acknowledged() answer for participant i's id, whose find() is i.
      EndedParticipants closed = m.closed();
      if (ended(m, t, p)) {
        return true;
      }
      int ordinal = n.ordinal();
      for (int i = 0; i < closed.size(); i++) {
        if (closed.idIs(i, m.host()) || !closed.present(i, t, p)) {
          continue; // the host always has; someone absent need not
        }
        long pos = closed.acknowledged(i, ordinal, t, p);
        if (pos < 0) {
          return false;
        }
        evidence.accept(pos);
      }
      return true;
    }
    for (String who : live.keySet()) {
      if (present(m, who, t, p) && !acknowledged(m, who, n, t, p, evidence)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The notices a participant must see at t and whether they are held muted (§6). Someone not
   * present (or in a meeting that does not exist) sees nothing and is not held.
   */
  public NoticeState notices(String meeting, String participant, long t) {
    Meeting m = meeting(meeting, t);
    if (m == null || !present(m, participant, t, position)) {
      return NoticeState.absent();
    }
    boolean[] shown = new boolean[Notice.values().length];
    for (Feature f : Vocabulary.features()) {
      if (featureActive(m, f, t, position, NO_EVIDENCE)) {
        shown[f.notice().ordinal()] = true;
      }
    }
    List<Notice> notices = new ArrayList<>();
    List<Notice> acked = new ArrayList<>();
    for (Notice n : Notice.values()) {
      if (shown[n.ordinal()]) {
        notices.add(n);
        if (acknowledged(m, participant, n, t, position, NO_EVIDENCE)) {
          acked.add(n);
        }
      }
    }
    boolean muted = false;
    if (!participant.equals(m.host()) && acked.size() < notices.size()) {
      Account a = account(m.account, t);
      User host = a == null ? null : host(a, m, t);
      SettingDef require = Vocabulary.setting("notice.require_agreement").orElseThrow();
      muted = a != null && resolve(a, host, require, t, NO_EVIDENCE).value();
    }
    return new NoticeState(true, notices, acked, muted);
  }

  /** When the meeting ended, if it had by t. */
  public Optional<java.time.Instant> meetingEnded(String meeting, long t) {
    Meeting m = meeting(meeting, t);
    return m == null || !m.endedBy(t, position) ? Optional.empty()
        : Optional.of(TimeKey.toInstant(m.endedAt()));
  }

  /**
   * The features that were on at some time in a meeting up to t, in vocabulary order: for an
   * ended meeting, what was on in it.
   */
  public List<Feature> featuresUsed(String meeting, long t) {
    Meeting m = meeting(meeting, t);
    List<Feature> out = new ArrayList<>();
    if (m != null) {
      History<Boolean>[] features = m.features();
      for (Feature f : Vocabulary.features()) {
        History<Boolean> h = features[f.ordinal()];
        History.Entry<Boolean>[] all = h.all();
        if (all == null) {
          continue;
        }
        for (History.Entry<Boolean> e : all) {
          if (e != null && e.value() && e.at() <= t && e.pos() <= position) {
            out.add(f);
            break;
          }
        }
      }
    }
    return out;
  }

  /**
   * When the feature was last turned on in the meeting at or before t (at the start, or by the
   * host later), if it is on at t.
   */
  public Optional<java.time.Instant> featureOnSince(String meeting, Feature f, long t) {
    Meeting m = meeting(meeting, t);
    if (m == null || ended(m, t, position)) {
      return Optional.empty();
    }
    History.Entry<Boolean> e = m.feature(f.ordinal(), t, position);
    return e != null && e.value() ? Optional.of(TimeKey.toInstant(e.at())) : Optional.empty();
  }

  /** The features active in a meeting at t, in vocabulary order; empty if it does not exist. */
  public List<Feature> activeFeatures(String meeting, long t) {
    Meeting m = meeting(meeting, t);
    List<Feature> out = new ArrayList<>();
    if (m != null) {
      for (Feature f : Vocabulary.features()) {
        if (featureActive(m, f, t, position, NO_EVIDENCE)) {
          out.add(f);
        }
      }
    }
    return out;
  }

  /**
   * The organisation named by a participant's last {@code participant.joined} at or before t
   * (§3). Empty when that join named none, when they never joined, or when the meeting does not
   * exist at t. It may name an organisation with no account in this ledger: a guest.
   */
  public Optional<String> participantAccount(String meeting, String participant, long t) {
    Meeting m = meeting(meeting, t);
    if (m == null) {
      return Optional.empty();
    }
    java.util.concurrent.ConcurrentHashMap<String, Participant> live = m.participants();
    if (live == null) {
      EndedParticipants c = m.closed();
      int i = c.find(participant);
      return i < 0 ? Optional.empty()
          : Optional.ofNullable(c.organisation(i, t, position, new boolean[1]));
    }
    Participant pt = live.get(participant);
    History.Entry<String> e = pt == null ? null : pt.organisation.at(t, position);
    return e == null ? Optional.empty() : Optional.ofNullable(e.value());
  }

  /**
   * Whether a participant is external to a meeting at t (§3: an absent or different account
   * means external). The host never is; anyone else is unless their last join at or before t
   * named the meeting's account. A guest whose organisation has no account here is external
   * like any other.
   */
  public boolean external(String meeting, String participant, long t) {
    Meeting m = meeting(meeting, t);
    if (m != null && participant.equals(m.host())) {
      return false;
    }
    return m == null
        || !participantAccount(meeting, participant, t).map(m.account::equals).orElse(false);
  }

  /** Participants present in a meeting at t (the host first); empty if it does not exist. */
  public List<String> presentParticipants(String meeting, long t) {
    Meeting m = meeting(meeting, t);
    List<String> out = new ArrayList<>();
    if (m != null && !ended(m, t, position)) {
      out.add(m.host());
      java.util.concurrent.ConcurrentHashMap<String, Participant> live = m.participants();
      List<String> ids = new ArrayList<>();
      if (live == null) {
        EndedParticipants c = m.closed();
        for (int i = 0; i < c.size(); i++) {
          ids.add(c.id(i));
        }
      } else {
        ids.addAll(live.keySet());
      }
      ids.stream()
          .sorted()
          .filter(p -> !p.equals(m.host()) && present(m, p, t, position))
          .forEach(out::add);
    }
    return out;
  }
}
