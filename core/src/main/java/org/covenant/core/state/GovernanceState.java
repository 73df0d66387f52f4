package org.covenant.core.state;

import static org.covenant.core.event.RejectionCode.DUPLICATE_ID;
import static org.covenant.core.event.RejectionCode.FEATURE_DISABLED;
import static org.covenant.core.event.RejectionCode.MEETING_ENDED;
import static org.covenant.core.event.RejectionCode.NOT_AUTHORIZED;
import static org.covenant.core.event.RejectionCode.OUT_OF_ORDER;
import static org.covenant.core.event.RejectionCode.SETTING_CEILING;
import static org.covenant.core.event.RejectionCode.SETTING_LOCKED;
import static org.covenant.core.event.RejectionCode.UNKNOWN_ACCOUNT;
import static org.covenant.core.event.RejectionCode.UNKNOWN_CATEGORY;
import static org.covenant.core.event.RejectionCode.UNKNOWN_CONSENT;
import static org.covenant.core.event.RejectionCode.UNKNOWN_FEATURE;
import static org.covenant.core.event.RejectionCode.UNKNOWN_GROUP;
import static org.covenant.core.event.RejectionCode.UNKNOWN_MEETING;
import static org.covenant.core.event.RejectionCode.UNKNOWN_NOTICE;
import static org.covenant.core.event.RejectionCode.UNKNOWN_PARTICIPANT;
import static org.covenant.core.event.RejectionCode.UNKNOWN_SETTING;
import static org.covenant.core.event.RejectionCode.UNKNOWN_TERMS;
import static org.covenant.core.event.RejectionCode.UNKNOWN_USER;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.covenant.core.event.Event;
import org.covenant.core.event.Rejection;
import org.covenant.core.event.RejectionCode;
import org.covenant.core.event.Scope;
import org.covenant.core.spi.GlobalIds;
import org.covenant.core.state.Entities.Account;
import org.covenant.core.state.Entities.Group;
import org.covenant.core.state.Entities.Meeting;
import org.covenant.core.state.Entities.Participant;
import org.covenant.core.state.Entities.SettingValue;
import org.covenant.core.state.Entities.SettingsScope;
import org.covenant.core.state.Entities.User;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Feature;
import org.covenant.core.vocab.Notice;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.SettingMode;
import org.covenant.core.vocab.ValuedSetting;
import org.covenant.core.vocab.Vocabulary;

/**
 * The governance projection of the ledger (ARCHITECTURE.md §3–§6): it checks each offered event
 * against the state at the head, in the order §3 prescribes, and either appends it (the next
 * ledger position) or rejects it with its code, changing nothing.
 *
 * <p>All state is kept as append-only histories, so {@link #snapshot(long)} gives the view at any
 * past position in O(1) and each view answers for any instant. One thread appends; any number of
 * threads may read snapshots meanwhile.
 */
public final class GovernanceState {
  final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
  final MeetingIndex meetings = new MeetingIndex();
  /** Where ended meetings keep their packed participants and the strings they name. */
  final MeetingArena arena = new MeetingArena();
  /**
   * Every account by its number ({@link Account#number}), as {@link #accounts} holds it (null
   * where one was dropped): issue 15, a random decision finds the owner of an item from the
   * number in the item's row, one load in an array of 4 bytes an account, where the map took
   * the item's meeting, the map's table and node. Single writer; an element is written before
   * the array is published when it grows, and before the content that names it.
   */
  private volatile Account[] numbered = new Account[16];
  private int numberedCount;
  final ContentTable contents = new ContentTable(arena, id -> {
    Account a = accounts.get(id);
    return a == null ? -1 : a.number;
  });
  /** Retention, holds, deletions, removals and regions (docs/DATA-RIGHTS.md). */
  final DataRights rights = new DataRights();
  private final Predicate<String> knownTerms;
  private volatile long head;
  private long lastAt = Long.MIN_VALUE;

  private GovernanceState(Predicate<String> knownTerms) {
    this.knownTerms = Objects.requireNonNull(knownTerms, "knownTerms");
  }

  /**
   * An empty ledger whose {@code terms.accepted} events may name the terms versions the
   * predicate knows (the built-in ones plus the user's).
   */
  public static GovernanceState create(Predicate<String> knownTerms) {
    return new GovernanceState(knownTerms);
  }

  /**
   * Sets the head and the clock of a state {@link ProjectionCheckpoint} restored: the state it
   * read is the one at {@code position}, whose event is at {@code lastAt} ({@link TimeKey}).
   */
  void restoredAt(long position, long lastAt) {
    this.head = position;
    this.lastAt = position == 0 ? Long.MIN_VALUE : lastAt;
  }

  /** The position of the last accepted event; 0 when empty. */
  public long head() {
    return head;
  }

  /** The time of the last accepted event, the ledger's clock; empty when none. */
  public java.util.Optional<java.time.Instant> lastAt() {
    return lastAt == Long.MIN_VALUE ? java.util.Optional.empty()
        : java.util.Optional.of(TimeKey.toInstant(lastAt));
  }

  /** A view at the head. */
  public Snapshot snapshot() {
    return new Snapshot(this, head);
  }

  /** A view at a past position (clamped to the head). */
  public Snapshot snapshot(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("position " + position + " is negative");
    }
    return new Snapshot(this, Math.min(position, head));
  }

  /** Number of registered content items (all positions). */
  public int contentCount() {
    return contents.size();
  }

  /**
   * Offers an event: checks it against the head and appends it when every check passes. Not
   * thread-safe against other appends: the ledger has one writer.
   */
  public Outcome apply(Event event) {
    return apply(event, GlobalIds.NONE);
  }

  /**
   * As {@link #apply(Event)}, asking {@code ids} about meeting and content ids this projection
   * does not hold (a sharded projection: {@link GlobalIds}).
   */
  public Outcome apply(Event event, GlobalIds ids) {
    return applyAt(event, head + 1, ids);
  }

  /**
   * As {@link #apply(Event, GlobalIds)} for an event at a known ledger position after the head:
   * the positions between belong to accounts this projection does not hold
   * ({@link #skip(Event, long)} is the other way to pass them).
   */
  public Outcome applyAt(Event event, long position, GlobalIds ids) {
    if (position <= head) {
      throw new IllegalArgumentException("position " + position + " is not after the head "
          + head);
    }
    Optional<Rejection> rejection = check(event, ids);
    if (rejection.isPresent()) {
      return new Outcome.Rejected(event, rejection.get());
    }
    write(event, TimeKey.of(event.at()), position);
    index(event, position);
    lastAt = TimeKey.of(event.at());
    head = position;
    return new Outcome.Accepted(event, position);
  }

  /**
   * Passes a stored event of an account this projection does not hold (a cluster member's
   * projection, docs/CLUSTER.md): only its part of the replicated index is written (the
   * account's creation, terms acceptances and consent changes, which contributors' consent
   * conditions and routing read); the head and the ledger's clock move to it. Not checked: it is
   * a fact another member validated.
   */
  public void skip(Event event, long position) {
    if (position <= head) {
      throw new IllegalArgumentException("position " + position + " is not after the head "
          + head);
    }
    long at = TimeKey.of(event.at());
    if (isIndexed(event) && !(event instanceof Event.AccountCreated c
        && accounts.containsKey(c.account()))) {
      write(event, at, position);
    }
    lastAt = at;
    head = position;
  }

  /**
   * Moves the head and the clock to a position whose events (up to it) belong to accounts this
   * projection does not hold and have no replicated part, with {@code at} the time of the event
   * at that position.
   */
  public void skipTo(long position, java.time.Instant at) {
    if (position < head) {
      throw new IllegalArgumentException("position " + position + " is before the head " + head);
    }
    if (position > head) {
      lastAt = TimeKey.of(at);
      head = position;
    }
  }

  /**
   * Whether the event is part of the replicated index every member keeps for every account:
   * {@code account.created}, {@code terms.accepted}, {@code consent.granted},
   * {@code consent.withdrawn}.
   */
  public static boolean isIndexed(Event event) {
    return event instanceof Event.AccountCreated || event instanceof Event.TermsAccepted
        || event instanceof Event.ConsentGranted || event instanceof Event.ConsentWithdrawn;
  }

  /**
   * Keeps only the replicated index of {@code lost} (their creation, terms acceptances and
   * consent histories, as {@link #skip} writes them) and drops everything else of theirs: users,
   * groups, settings, meetings, content, data-rights entries and their index by account. The
   * state is then the one a projection that never held them in full has (a cluster member whose
   * accounts moved away, docs/CLUSTER.md, "Moves in the projection"). Single writer, as
   * {@link #apply}; readers go on meanwhile (the accounts dropped must no longer be answered for).
   */
  public void prune(java.util.Collection<String> lost) {
    java.util.Set<String> gone = new java.util.HashSet<>();
    for (String id : lost) {
      Account old = accounts.get(id);
      if (old == null) {
        continue;
      }
      gone.add(old.id);
      Account index = new Account(old.id, old.owner, old.at, old.pos, old.terms, old.consents);
      index.users.put(old.owner, new User(index, old.owner, Role.OWNER, null, old.at, old.pos));
      Meeting[] ms = old.meetings;
      for (int i = 0; i < old.meetingCount; i++) {
        meetings.remove(ms[i].id());
        // Its packed slice stays in the arena (nothing there moves): dead bytes from now on.
        ms[i].release();
      }
      putAccount(index);
    }
    dropContentAndRights(gone);
  }

  /**
   * Removes the content items and data-rights entries (deletions, valued settings, removed
   * users, holds) of the accounts {@code gone}, whose accounts and meetings {@link #prune} or
   * {@link #retain} dropped; the content table is rebuilt without their items.
   */
  private void dropContentAndRights(java.util.Set<String> gone) {
    if (gone.isEmpty()) {
      return;
    }
    for (String content : contents.merge(gone::contains, null)) {
      rights.deleted.remove(content);
    }
    rights.valued.keySet().removeIf(k -> gone.contains(k.split("\0", -1)[1]));
    rights.valuedAccounts.removeAll(gone);
    rights.removed.keySet().removeIf(k -> gone.contains(k.substring(0, k.indexOf('\0'))));
    rights.holds.keySet().removeIf(k -> gone.contains(k.substring(0, k.indexOf('\0'))));
    rights.holdsOf.keySet().removeAll(gone);
  }

  /**
   * Drops every account but {@code keep}, index included: their users, groups, settings,
   * meetings, content, data-rights entries and index by account. The state is then a projection
   * of {@code keep} alone at this head, as one built from their events only is, which
   * {@link #adopt} takes (a member gaining accounts from a departed member's checkpoint,
   * docs/CLUSTER.md, "Moves in the projection"). The head and the clock stay. Single writer.
   */
  public void retain(java.util.Collection<String> keep) {
    java.util.Set<String> kept = new java.util.HashSet<>(keep);
    java.util.Set<String> gone = new java.util.HashSet<>();
    for (java.util.Iterator<Account> it = accounts.values().iterator(); it.hasNext(); ) {
      Account old = it.next();
      if (kept.contains(old.id)) {
        continue;
      }
      gone.add(old.id);
      Meeting[] ms = old.meetings;
      for (int i = 0; i < old.meetingCount; i++) {
        meetings.remove(ms[i].id());
      }
      it.remove();
      if (old.number >= 0) {
        numbered[old.number] = null;
      }
    }
    dropContentAndRights(gone);
  }

  /**
   * Takes over in full the accounts {@code from} holds: {@code from} is a projection of those
   * accounts alone (built from their events only, up to this head), and this one holds only
   * their replicated index (a cluster member gaining accounts, docs/CLUSTER.md, "Moves in the
   * projection"). The accounts are independent but for that index, so the state is then the
   * one a projection that held them from the start has. {@code from} must not be used
   * afterwards. Single writer.
   *
   * @throws IllegalArgumentException when {@code from} is ahead of this head, or holds an
   *     account this projection does not index
   */
  public void adopt(GovernanceState from) {
    if (from.head > head) {
      throw new IllegalArgumentException("the accounts are at position " + from.head
          + ", ahead of this projection's head " + head);
    }
    for (String id : from.accounts.keySet()) {
      if (!accounts.containsKey(id)) {
        throw new IllegalArgumentException("account `" + id + "` is not in this projection's "
            + "index");
      }
    }
    for (Account a : from.accounts.values()) {
      Meeting[] ms = a.meetings;
      for (int i = 0; i < a.meetingCount; i++) {
        meetings.put(ms[i].id(), ms[i]);
      }
      putAccount(a);
    }
    if (from.contents.size() > 0) {
      contents.merge(account -> false, from.contents);
    }
    rights.valued.putAll(from.rights.valued);
    rights.valuedAccounts.addAll(from.rights.valuedAccounts);
    rights.removed.putAll(from.rights.removed);
    rights.holds.putAll(from.rights.holds);
    rights.holdsOf.putAll(from.rights.holdsOf);
    rights.deleted.putAll(from.rights.deleted);
  }

  /**
   * Whether this projection holds the account in full (its creation is in the account's index
   * by account), not only its replicated index ({@link #skip}).
   */
  public boolean holdsAccount(String account) {
    Account a = accounts.get(account);
    return a != null && a.events.size() > 0;
  }

  /**
   * Whether this projection holds every account it indexes in full: the whole ledger's
   * projection, not a cluster member's ({@link #holdsAccount}).
   */
  public boolean holdsEveryAccount() {
    for (Account a : accounts.values()) {
      if (a.events.size() == 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether this projection holds the meeting (at the head). */
  public boolean holdsMeeting(String meeting) {
    return meetings.containsKey(meeting);
  }

  /** Whether this projection holds the content item (at the head). */
  public boolean holdsContent(String content) {
    return contents.view().find(content) >= 0;
  }

  /** The account of a meeting this projection holds. */
  public Optional<String> meetingAccount(String meeting) {
    Meeting m = meetings.get(meeting);
    return m == null ? Optional.empty() : Optional.of(m.account);
  }

  /** The account of a content item this projection holds. */
  public Optional<String> contentAccount(String content) {
    ContentTable.View v = contents.view();
    int i = v.find(content);
    return i < 0 ? Optional.empty() : Optional.of(v.account(i));
  }

  /**
   * Appends an event these rules accepted before, without checking it again: a stored ledger
   * event, validated when it was appended (issue 15, replay). Only its time order is checked.
   * For an event {@link #apply} accepts here, the state afterwards is exactly the one
   * {@link #apply} makes (pinned by {@code TrustedReplayTest}); for any other event the result is
   * undefined: it may throw (then discard this state) or leave a state no valid ledger has.
   *
   * @return the event's position
   * @throws IllegalStateException when the event is earlier than the last one
   */
  public long applyValidated(Event event) {
    long at = TimeKey.of(event.at());
    if (at < lastAt) {
      throw new IllegalStateException("`" + event.at() + "` is earlier than the last event's `"
          + TimeKey.toInstant(lastAt) + "`");
    }
    long pos = head + 1;
    write(event, at, pos);
    index(event, pos);
    lastAt = at;
    head = pos;
    return pos;
  }

  /** Checks an event against the head without appending it: the first failing check, if any. */
  public Optional<Rejection> check(Event event) {
    return check(event, GlobalIds.NONE);
  }

  /** As {@link #check(Event)}, asking {@code ids} about ids this projection does not hold. */
  public Optional<Rejection> check(Event event, GlobalIds ids) {
    long at = TimeKey.of(event.at());
    if (at < lastAt) {
      return reject(
          OUT_OF_ORDER,
          "`" + event.at() + "` is earlier than the last accepted event's `"
              + TimeKey.toInstant(lastAt) + "`");
    }
    Snapshot now = new Snapshot(this, head);
    long t = TimeKey.END;
    if (event instanceof Event.AccountCreated e) {
      return accounts.containsKey(e.account())
          ? reject(DUPLICATE_ID, "account `" + e.account() + "` already exists")
          : ok();
    }
    if (event instanceof Event.TermsAccepted e) {
      return checkTerms(now, e, t);
    }
    if (event instanceof Event.GroupCreated e) {
        Account a = accounts.get(e.account());
        if (a == null) {
          return unknownAccount(e.account());
        }
        return a.groups.containsKey(e.group())
            ? reject(DUPLICATE_ID, "group `" + e.group() + "` already exists in `" + a.id + "`")
            : ok();
      }
    if (event instanceof Event.UserAdded e) {
        Account a = accounts.get(e.account());
        if (a == null) {
          return unknownAccount(e.account());
        }
        if (e.group().isPresent() && !a.groups.containsKey(e.group().get())) {
          return reject(UNKNOWN_GROUP, "no group `" + e.group().get() + "` in `" + a.id + "`");
        }
        return a.users.containsKey(e.user())
            ? reject(DUPLICATE_ID, "user `" + e.user() + "` already exists in `" + a.id + "`")
            : ok();
      }
    if (event instanceof Event.SettingSet e) {
      return checkSetting(e.account(), e.scope(), e.key(), e.by(),
          Optional.of(e.value()), Optional.empty(), e.locked());
    }
    if (event instanceof Event.SettingCleared e) {
      return checkSetting(e.account(), e.scope(), e.key(), e.by(),
          Optional.empty(), Optional.empty(), false);
    }
    if (event instanceof Event.ConsentGranted e) {
      return checkConsent(e.account(), e.consent(), e.by());
    }
    if (event instanceof Event.ConsentWithdrawn e) {
      return checkConsent(e.account(), e.consent(), e.by());
    }
    if (event instanceof Event.MeetingStarted e) {
      return checkMeetingStarted(now, e, ids);
    }
    if (event instanceof Event.MeetingFeature e) {
      return checkMeetingFeature(now, e);
    }
    if (event instanceof Event.MeetingEnded e) {
      return meetings.containsKey(e.meeting())
          ? ok()
          : reject(UNKNOWN_MEETING, "no meeting `" + e.meeting() + "`");
    }
    if (event instanceof Event.ParticipantJoined e) {
        // Its `account` is the guest's organisation, which need not have an account here
        // (§3 check 2): it is never looked up.
        Meeting m = meetings.get(e.meeting());
        if (m == null) {
          return reject(UNKNOWN_MEETING, "no meeting `" + e.meeting() + "`");
        }
        return ended(m)
            ? reject(MEETING_ENDED, "meeting `" + m.id() + "` has ended")
            : ok();
      }
    if (event instanceof Event.NoticeAcknowledged e) {
        if (Notice.of(e.notice()).isEmpty()) {
          return reject(UNKNOWN_NOTICE, "no notice `" + e.notice() + "`");
        }
        Meeting m = meetings.get(e.meeting());
        if (m == null) {
          return reject(UNKNOWN_MEETING, "no meeting `" + e.meeting() + "`");
        }
        if (!hasJoined(m, e.participant())) {
          return reject(UNKNOWN_PARTICIPANT,
              "`" + e.participant() + "` never joined meeting `" + m.id() + "`");
        }
        return ended(m) ? reject(MEETING_ENDED, "meeting `" + m.id() + "` has ended") : ok();
      }
    if (event instanceof Event.ParticipantLeft e) {
        Meeting m = meetings.get(e.meeting());
        if (m == null) {
          return reject(UNKNOWN_MEETING, "no meeting `" + e.meeting() + "`");
        }
        return hasJoined(m, e.participant())
            ? ok()
            : reject(UNKNOWN_PARTICIPANT,
                "`" + e.participant() + "` never joined meeting `" + m.id() + "`");
      }
    if (event instanceof Event.ContentCreated e) {
      return checkContent(e, ids);
    }
    if (event instanceof Event.ValuedSettingSet e) {
      return checkSetting(e.account(), e.scope(), e.key(), e.by(), Optional.empty(),
          Optional.of(e.value()), e.locked());
    }
    Optional<Rejection> rights = DataRightsRules.check(this, event, ids);
    if (rights != null) {
      return rights;
    }
    throw new IllegalStateException("unhandled event type " + event.type());
  }

  /**
   * The account an accepted event belongs to: its own, its meeting's, or for a deletion of
   * content the content's owner; null for none.
   */
  private Account owner(Event e) {
    Optional<String> own = e.accountId();
    if (own.isPresent()) {
      return accounts.get(own.get());
    }
    if (e instanceof Event.ContentDeleted d) {
      ContentTable.View v = contents.view();
      int i = v.find(d.content());
      return i < 0 ? null : accounts.get(v.account(i));
    }
    String meeting = null;
    if (e instanceof Event.MeetingFeature m) {
      meeting = m.meeting();
    } else if (e instanceof Event.MeetingEnded m) {
      meeting = m.meeting();
    } else if (e instanceof Event.ParticipantJoined m) {
      meeting = m.meeting();
    } else if (e instanceof Event.ParticipantLeft m) {
      meeting = m.meeting();
    } else if (e instanceof Event.NoticeAcknowledged m) {
      meeting = m.meeting();
    }
    Meeting m = meeting == null ? null : meetings.get(meeting);
    return m == null ? null : accounts.get(m.account);
  }

  /** Files the accepted event's position under its account (the ledger's index by account). */
  private void index(Event e, long pos) {
    Account a = owner(e);
    if (a == null) {
      return;
    }
    a.events.add(pos);
    if (auditKind(e).isPresent()) {
      a.audit.add(pos);
    }
    if (e instanceof Event.TermsAccepted || e instanceof Event.ConsentGranted
        || e instanceof Event.ConsentWithdrawn) {
      a.termsAndConsents.add(pos);
    } else if (e instanceof Event.ContentCreated) {
      a.content.add(pos);
    } else if (e instanceof Event.MeetingStarted m) {
      a.addMeeting(meetings.get(m.meeting()));
    }
  }

  /**
   * The kind of governance change an event is, for an account's audit history: {@code
   * setting}, {@code consent}, {@code terms}, {@code membership} (account, group and user
   * changes) or {@code hold} (any event type naming a hold); empty for meetings, participants
   * and content.
   */
  public static Optional<String> auditKind(Event e) {
    return auditKindOf(e.type());
  }

  private static final Optional<String> HOLD = Optional.of("hold");
  private static final Optional<String> SETTING = Optional.of("setting");
  private static final Optional<String> CONSENT = Optional.of("consent");
  private static final Optional<String> TERMS = Optional.of("terms");
  private static final Optional<String> MEMBERSHIP = Optional.of("membership");

  /**
   * {@link #auditKind} of a type name: the family is the text before the first dot (none
   * without a dot). Compared in place rather than cut out and switched on: every event indexed
   * asks (issue 15, a string made and hashed per replayed event).
   */
  static Optional<String> auditKindOf(String type) {
    if (type.contains("hold")) {
      return HOLD;
    }
    int dot = Math.max(0, type.indexOf('.'));
    if (family(type, dot, "setting")) {
      return SETTING;
    }
    if (family(type, dot, "consent")) {
      return CONSENT;
    }
    if (family(type, dot, "terms")) {
      return TERMS;
    }
    if (family(type, dot, "account") || family(type, dot, "group") || family(type, dot, "user")) {
      return MEMBERSHIP;
    }
    return Optional.empty();
  }

  /** Whether {@code type.substring(0, dot)} is {@code family}. */
  private static boolean family(String type, int dot, String family) {
    return dot == family.length() && type.startsWith(family);
  }

  static Optional<Rejection> ok() {
    return Optional.empty();
  }

  static Optional<Rejection> reject(RejectionCode code, String message) {
    return Optional.of(new Rejection(code, message));
  }

  static Optional<Rejection> unknownAccount(String account) {
    return reject(UNKNOWN_ACCOUNT, "no account `" + account + "`");
  }

  static Optional<Rejection> unknownUser(String user, Account a) {
    return reject(UNKNOWN_USER, "`" + user + "` is not a user of `" + a.id + "`");
  }

  static Optional<Rejection> userRemoved(String user, Account a) {
    return reject(RejectionCode.USER_REMOVED, "`" + user + "` was removed from `" + a.id + "`");
  }

  /** Whether the user was removed (at the head). */
  boolean removed(Account a, String user) {
    return rights.removed.containsKey(DataRights.key(a.id, user));
  }

  private static boolean ended(Meeting m) {
    return m.hasEnded();
  }

  static boolean hasJoined(Meeting m, String participant) {
    if (participant.equals(m.host())) {
      return true;
    }
    java.util.concurrent.ConcurrentHashMap<String, Participant> live = m.participants();
    if (live == null) {
      EndedParticipants c = m.closed();
      int i = c.find(participant);
      return i >= 0 && c.joined(i);
    }
    Participant p = live.get(participant);
    return p != null && p.present.first() != null;
  }

  /** The meeting's own string for a participant's id, or null when it has none. */
  private static String participantId(Meeting m, String id) {
    java.util.concurrent.ConcurrentHashMap<String, Participant> live = m.participants();
    if (live == null) {
      // The meeting keeps no string of its own for it (issue 15): the id asked for is equal.
      EndedParticipants c = m.closed();
      return c.find(id) < 0 ? null : id;
    }
    Participant p = live.get(id);
    return p == null ? null : p.id;
  }

  private Optional<Rejection> checkTerms(Snapshot now, Event.TermsAccepted e, long t) {
    Account a = accounts.get(e.account());
    if (a == null) {
      return unknownAccount(e.account());
    }
    if (!knownTerms.test(e.terms())) {
      return reject(UNKNOWN_TERMS, "no terms `" + e.terms() + "`");
    }
    User by = a.users.get(e.by());
    if (by == null) {
      return unknownUser(e.by(), a);
    }
    if (removed(a, by.id)) {
      return userRemoved(by.id, a);
    }
    return by.role.isAccountAdmin()
        ? ok()
        : reject(NOT_AUTHORIZED, "`" + by.id + "` (" + by.role.id()
            + ") may not accept terms: owner or admin only");
  }

  private Optional<Rejection> checkConsent(String account, String consent, String byId) {
    Account a = accounts.get(account);
    if (a == null) {
      return unknownAccount(account);
    }
    if (ConsentType.of(consent).isEmpty()) {
      return reject(UNKNOWN_CONSENT, "no consent `" + consent + "`");
    }
    User by = a.users.get(byId);
    if (by == null) {
      return unknownUser(byId, a);
    }
    if (removed(a, by.id)) {
      return userRemoved(by.id, a);
    }
    return by.role.isAccountAdmin()
        ? ok()
        : reject(NOT_AUTHORIZED, "`" + by.id + "` (" + by.role.id()
            + ") may not change consents: owner or admin only");
  }

  private Optional<Rejection> checkSetting(
      String account, Scope scope, String key, String byId, Optional<Boolean> value,
      Optional<org.covenant.core.event.SettingValue> valued, boolean locked) {
    Account a = accounts.get(account);
    if (a == null) {
      return unknownAccount(account);
    }
    Optional<SettingDef> def = Vocabulary.setting(key);
    Optional<ValuedSetting> valuedDef = ValuedSetting.of(key);
    if (def.isEmpty() && valuedDef.isEmpty()) {
      return reject(UNKNOWN_SETTING, "no setting `" + key + "`");
    }
    Group scopeGroup = null;
    User scopeUser = null;
    if (scope.level() == Scope.Level.GROUP) {
      scopeGroup = a.groups.get(scope.id());
      if (scopeGroup == null) {
        return reject(UNKNOWN_GROUP, "no group `" + scope.id() + "` in `" + a.id + "`");
      }
    } else if (scope.level() == Scope.Level.USER) {
      scopeUser = a.users.get(scope.id());
      if (scopeUser == null) {
        return unknownUser(scope.id(), a);
      }
    }
    User by = a.users.get(byId);
    if (by == null) {
      return unknownUser(byId, a);
    }
    if (removed(a, by.id)) {
      return userRemoved(by.id, a);
    }
    if (scopeUser != null && removed(a, scopeUser.id)) {
      return userRemoved(scopeUser.id, a);
    }
    Optional<Rejection> invalid = DataRightsRules.invalidValue(key, scope, def, valuedDef,
        value, valued);
    if (invalid.isPresent()) {
      return invalid;
    }
    boolean authorized =
        switch (scope.level()) {
          case ACCOUNT -> by.role.isAccountAdmin();
          case GROUP -> by.role.isAccountAdmin()
              || (by.role == Role.GROUP_ADMIN && scope.id().equals(by.group()));
          case USER -> by.role.isAccountAdmin() || by.id.equals(scope.id());
        };
    if (!authorized) {
      return reject(NOT_AUTHORIZED, "`" + by.id + "` (" + by.role.id() + ") may not write `"
          + key + "` at `" + scope + "`");
    }
    if (scope.level() == Scope.Level.ACCOUNT) {
      return ok();
    }
    if (valuedDef.isPresent()) {
      return DataRightsRules.checkValuedBelow(this, a, scope, scopeUser, valuedDef.get(), valued);
    }
    SettingDef d = def.get();
    // Levels above the scope: the account, and for a user also their group.
    SettingValue accountValue = current(a, d);
    SettingValue groupValue = null;
    String groupId = null;
    if (scopeUser != null && scopeUser.group() != null) {
      Group g = a.groups.get(scopeUser.group());
      groupValue = g == null ? null : current(g, d);
      groupId = scopeUser.group();
    }
    if (d.mode() == SettingMode.LOCK) {
      if (accountValue != null && accountValue.locked()) {
        return reject(SETTING_LOCKED, "`" + key + "` is locked at the account level");
      }
      if (groupValue != null && groupValue.locked()) {
        return reject(SETTING_LOCKED, "`" + key + "` is locked at group `" + groupId + "`");
      }
      return ok();
    }
    if (value.isPresent() && value.get()) {
      if (accountValue != null && !accountValue.value()) {
        return reject(SETTING_CEILING, "`" + key
            + "` is false at the account level: a lower level may only restrict it");
      }
      if (groupValue != null && !groupValue.value()) {
        return reject(SETTING_CEILING, "`" + key + "` is false at group `" + groupId
            + "`: a lower level may only restrict it");
      }
    }
    return ok();
  }

  private static SettingValue current(SettingsScope s, SettingDef d) {
    History.Entry<SettingValue> e = s.byKey[d.ordinal()].last();
    return e == null ? null : e.value();
  }

  private Optional<Rejection> checkMeetingStarted(Snapshot now, Event.MeetingStarted e,
      GlobalIds ids) {
    Account a = accounts.get(e.account());
    if (a == null) {
      return unknownAccount(e.account());
    }
    for (String f : e.features()) {
      if (Vocabulary.feature(f).isEmpty()) {
        return reject(UNKNOWN_FEATURE, "no feature `" + f + "`");
      }
    }
    User host = a.users.get(e.host());
    if (host == null) {
      return unknownUser(e.host(), a);
    }
    if (removed(a, host.id)) {
      return userRemoved(host.id, a);
    }
    if (meetings.containsKey(e.meeting()) || ids.meetingAccount(e.meeting()).isPresent()) {
      return reject(DUPLICATE_ID, "meeting `" + e.meeting() + "` already exists");
    }
    for (String f : e.features()) {
      Feature feature = Vocabulary.feature(f).orElseThrow();
      SettingResolution r = now.resolve(a, host, feature.setting(), TimeKey.END,
          Snapshot.noEvidence());
      if (!r.value()) {
        return reject(FEATURE_DISABLED, "`" + f + "` is off for host `" + host.id + "` ("
            + (r.parentDisabled() ? "a parent setting is off" : "decided at " + r.level().id())
            + ")");
      }
    }
    return ok();
  }

  private Optional<Rejection> checkMeetingFeature(Snapshot now, Event.MeetingFeature e) {
    Optional<Feature> feature = Vocabulary.feature(e.feature());
    if (feature.isEmpty()) {
      return reject(UNKNOWN_FEATURE, "no feature `" + e.feature() + "`");
    }
    Meeting m = meetings.get(e.meeting());
    if (m == null) {
      return reject(UNKNOWN_MEETING, "no meeting `" + e.meeting() + "`");
    }
    Account a = accounts.get(m.account);
    if (a.users.get(e.by()) == null) {
      return unknownUser(e.by(), a);
    }
    if (removed(a, e.by())) {
      return userRemoved(e.by(), a);
    }
    if (ended(m)) {
      return reject(MEETING_ENDED, "meeting `" + m.id() + "` has ended");
    }
    if (!e.by().equals(m.host())) {
      return reject(NOT_AUTHORIZED, "only the host `" + m.host() + "` may change features of `"
          + m.id() + "`");
    }
    if (e.on()) {
      User host = a.users.get(m.host());
      SettingResolution r = now.resolve(a, host, feature.get().setting(), TimeKey.END,
          Snapshot.noEvidence());
      if (!r.value()) {
        return reject(FEATURE_DISABLED, "`" + e.feature() + "` is off for host `" + m.host() + "`");
      }
    }
    return ok();
  }

  private Optional<Rejection> checkContent(Event.ContentCreated e, GlobalIds ids) {
    Account a = accounts.get(e.account());
    if (a == null) {
      return unknownAccount(e.account());
    }
    if (Vocabulary.category(e.category()).isEmpty()) {
      return reject(UNKNOWN_CATEGORY, "no category `" + e.category() + "`");
    }
    // The meeting's account: held here, or (a sharded projection) another account's.
    String meetingAccount = null;
    if (e.meeting().isPresent()) {
      String id = e.meeting().get();
      Meeting m = meetings.get(id);
      meetingAccount = m != null ? m.account : ids.meetingAccount(id).orElse(null);
      if (meetingAccount == null) {
        return reject(UNKNOWN_MEETING, "no meeting `" + id + "`");
      }
      if (e.author().isPresent() && !(m != null ? hasJoined(m, e.author().get())
          : ids.joined(id, e.author().get()))) {
        return reject(UNKNOWN_PARTICIPANT, "author `" + e.author().get()
            + "` never joined meeting `" + id + "` and is not its host");
      }
    }
    if (contents.view().find(e.content()) >= 0 || ids.contentExists(e.content())) {
      return reject(DUPLICATE_ID, "content `" + e.content() + "` already exists");
    }
    if (meetingAccount != null && !meetingAccount.equals(a.id)) {
      return reject(NOT_AUTHORIZED, "meeting `" + e.meeting().get()
          + "` belongs to another account");
    }
    return ok();
  }

  /**
   * The account numbered {@code n} (a number a content row holds), or null when it was
   * dropped. Any thread.
   */
  Account numbered(int n) {
    return numbered[n];
  }

  /**
   * Puts the account in {@link #accounts} with a number: the number of the account it replaces
   * there, else the next one. Single writer.
   */
  void putAccount(Account a) {
    Account old = accounts.get(a.id);
    int n;
    if (old != null && old.number >= 0) {
      n = old.number;
    } else {
      n = numberedCount++;
      if (n == numbered.length) {
        numbered = java.util.Arrays.copyOf(numbered, n + (n >> 1));
      }
    }
    a.number = n;
    numbered[n] = a;
    accounts.put(a.id, a);
  }

  private void write(Event event, long at, long pos) {
    if (event instanceof Event.AccountCreated e) {
        Account a = new Account(e.account(), e.owner(), at, pos);
        a.users.put(e.owner(), new User(a, e.owner(), Role.OWNER, null, at, pos));
        putAccount(a);
    } else if (event instanceof Event.TermsAccepted e) {
        accounts.get(e.account()).terms.add(at, pos, e.terms());
    } else if (event instanceof Event.GroupCreated e) {
        accounts.get(e.account()).groups.put(e.group(), new Group(e.group(), at, pos));
    } else if (event instanceof Event.UserAdded e) {
        Account a = accounts.get(e.account());
        String group = e.group().orElse(null);
        // The group exists (user.added is checked against the account's groups).
        Group g = group == null ? null : a.groups.get(group);
        a.users.put(e.user(), new User(a, e.user(), e.role(), g == null ? group : g, at, pos));
    } else if (event instanceof Event.SettingSet e) {
        SettingDef d = Vocabulary.setting(e.key()).orElseThrow();
        History.writable(scope(e.account(), e.scope()).own(), d.ordinal()).add(at, pos,
            new SettingValue(e.value(), e.locked()));
    } else if (event instanceof Event.SettingCleared e
        && ValuedSetting.of(e.key()).isPresent()) {
        DataRightsRules.write(this, event, at, pos);
    } else if (event instanceof Event.SettingCleared e) {
        SettingDef d = Vocabulary.setting(e.key()).orElseThrow();
        History<SettingValue> h = scope(e.account(), e.scope()).byKey[d.ordinal()];
        History.Entry<SettingValue> last = h.last();
        if (last != null && last.value() != null) {
          // A history with an entry is never the shared empty one.
          h.add(at, pos, null);
        }
    } else if (event instanceof Event.ConsentGranted e) {
        setConsent(e.account(), e.consent(), true, at, pos);
    } else if (event instanceof Event.ConsentWithdrawn e) {
        setConsent(e.account(), e.consent(), false, at, pos);
    } else if (event instanceof Event.MeetingStarted e) {
        Account a = accounts.get(e.account());
        Meeting m = new Meeting(e.meeting(), a.id, a.users.get(e.host()), at, pos);
        for (String f : e.features()) {
          int k = Vocabulary.feature(f).orElseThrow().ordinal();
          if (m.feature(k, TimeKey.END, Long.MAX_VALUE) == null) {
            m.addFeature(k, at, pos, true);
          }
        }
        meetings.put(e.meeting(), m);
    } else if (event instanceof Event.MeetingFeature e) {
        Meeting m = meetings.get(e.meeting());
        int k = Vocabulary.feature(e.feature()).orElseThrow().ordinal();
        boolean current = m.featureOnPos(k, TimeKey.END, Long.MAX_VALUE) >= 0;
        if (current != e.on()) {
          m.addFeature(k, at, pos, e.on());
        }
    } else if (event instanceof Event.MeetingEnded e) {
        Meeting m = meetings.get(e.meeting());
        if (!m.hasEnded()) {
          m.end(at, pos);
          m.close(arena);
        }
    } else if (event instanceof Event.ParticipantJoined e) {
        Participant p = participant(meetings.get(e.meeting()), e.participant());
        History.Entry<Boolean> last = p.present.last();
        if (last == null || !last.value()) {
          p.present.add(at, pos, true);
        }
        // The canonical string when the organisation has an account here: no copy per join.
        String organisation = e.account()
            .map(o -> accounts.containsKey(o) ? accounts.get(o).id : o).orElse(null);
        History.Entry<String> named = p.organisation.last();
        if (named == null || !Objects.equals(named.value(), organisation)) {
          p.organisation.add(at, pos, organisation);
        }
    } else if (event instanceof Event.NoticeAcknowledged e) {
        Meeting m = meetings.get(e.meeting());
        Participant p = participant(m, e.participant());
        History<Boolean> h = History.writable(p.ownAcks(),
            Notice.of(e.notice()).orElseThrow().ordinal());
        if (h.last() == null) {
          h.add(at, pos, true);
        }
    } else if (event instanceof Event.ParticipantLeft e) {
        Meeting m = meetings.get(e.meeting());
        java.util.concurrent.ConcurrentHashMap<String, Participant> live = m.participants();
        if (live == null) {
          // A leave after the end (§3 accepts it): the compacted participants take it.
          EndedParticipants c = m.closed();
          int i = c.find(e.participant());
          if (i >= 0 && c.lastPresent(i)) {
            EndedParticipants next = c.left(i, at, pos);
            if (next != null) {
              m.closed(next);
            } else {
              // Its gap does not fit the compacted form: live again, in the same order (a
              // reader that finds the live map uses it and never reads the stale copy).
              java.util.concurrent.ConcurrentHashMap<String, Participant> again =
                  new java.util.concurrent.ConcurrentHashMap<>();
              for (Participant x : c.thawAll()) {
                again.put(x.id, x);
              }
              again.get(e.participant()).present.add(at, pos, false);
              m.revive(again);
            }
          }
          return;
        }
        Participant p = live.get(e.participant());
        if (p != null) {
          History.Entry<Boolean> last = p.present.last();
          if (last != null && last.value()) {
            p.present.add(at, pos, false);
          }
        }
    } else if (event instanceof Event.ContentCreated e) {
        addContent(e, at, pos);
    } else if (!DataRightsRules.write(this, event, at, pos)) {
      throw new IllegalStateException("unhandled event type " + event.type());
    }
  }

  /**
   * Registers a content item as its capture stamp. Names are stored as the projection's own
   * canonical strings (the account's, the meeting's, the host's or participant's), so an item
   * adds no string but its id.
   */
  private void addContent(Event.ContentCreated e, long at, long pos) {
    Category c = Vocabulary.category(e.category()).orElseThrow();
    Account a = accounts.get(e.account());
    Meeting m = e.meeting().isPresent() ? meetings.get(e.meeting().get()) : null;
    String author = null;
    if (e.author().isPresent()) {
      String who = e.author().get();
      if (m != null && who.equals(m.host())) {
        author = m.host();
      } else if (m != null && participantId(m, who) != null) {
        author = participantId(m, who);
      } else {
        User u = a.users.get(who);
        author = u != null ? u.id : who;
      }
    }
    List<String> contributors = e.contributors();
    if (contributors.size() > 1) {
      List<String> canonical = new ArrayList<>(contributors.size());
      for (String other : contributors) {
        Account o = accounts.get(other);
        canonical.add(o != null ? o.id : other);
      }
      contributors = canonical;
    }
    contents.add(e.content(), c.ordinal(), a.id, m, author, contributors, at, pos);
  }

  private SettingsScope scope(String account, Scope scope) {
    Account a = accounts.get(account);
    return switch (scope.level()) {
      case ACCOUNT -> a;
      case GROUP -> a.groups.get(scope.id());
      case USER -> a.users.get(scope.id());
    };
  }

  /**
   * The meeting's participant, added on first sight under the canonical string of the id (the
   * account user's, when it names one), so the meeting adds no copy of a user's id.
   */
  private Participant participant(Meeting m, String id) {
    java.util.concurrent.ConcurrentHashMap<String, Participant> live = m.participants();
    if (live == null) {
      throw new IllegalStateException("meeting `" + m.id() + "` has ended: no join or"
          + " acknowledgement passes the checks");
    }
    Participant p = live.get(id);
    if (p == null) {
      User u = accounts.get(m.account).users.get(id);
      String canonical = u != null ? u.id : id;
      p = new Participant(canonical);
      live.put(canonical, p);
    }
    return p;
  }

  private void setConsent(String account, String consent, boolean grant, long at, long pos) {
    History<Boolean> h = History.writable(accounts.get(account).consents,
        ConsentType.of(consent).orElseThrow().ordinal());
    History.Entry<Boolean> last = h.last();
    boolean inForce = last != null && last.value();
    if (inForce != grant) {
      h.add(at, pos, grant);
    }
  }
}
