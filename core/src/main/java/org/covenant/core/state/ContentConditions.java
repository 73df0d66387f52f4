package org.covenant.core.state;

import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.covenant.core.state.Entities.Account;
import org.covenant.core.state.Entities.Group;
import org.covenant.core.state.Entities.Meeting;
import org.covenant.core.state.Entities.User;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.ConditionOracle;
import org.covenant.core.terms.Reason;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.ConsentType;

/**
 * The §5 conditions answered for one content item at one time of use, from a snapshot
 * (ARCHITECTURE.md §5 conditions table). The owning account, the meeting and its host are looked
 * up once, so that evaluating a whole terms version costs a few array and history look-ups.
 * Every ledger position consulted is reported to the evidence collector.
 *
 * <p>It holds the item's capture stamps as the content table's columns have them (the meeting
 * and contributors as the projection's own objects), so the decision path reads an item without
 * a {@link ContentRecord} (issue 15: no object per look-up but this one).
 */
public final class ContentConditions implements ConditionOracle, ConsentRows.Facts {
  private static final Reason[] REASONS = Reason.values();
  /** One {@code Optional} per reason, shared: a failed condition makes no object. */
  private static final Optional<?>[] FAILED = new Optional<?>[REASONS.length];

  static {
    for (Reason r : REASONS) {
      FAILED[r.ordinal()] = Optional.of(r);
    }
  }

  private final Snapshot s;
  private final String id;
  private final Category category;
  private final String account;
  /**
   * The meeting it was captured in, as the projection holds it; null for none. Read from
   * {@link #table} on first use when that is set (issue 15: a random decision that asks no
   * meeting condition does not load the meeting, a cache miss).
   */
  private Meeting meeting;
  private boolean meetingRead;
  /** The author, null for none; read from {@link #table} on first use when that is set. */
  private String author;
  private boolean authorRead;
  /** The content table view and the item's index in it; or null. */
  private final ContentTable.View table;
  private final int item;
  /**
   * The contributors other than the owning account; null for none. Read from {@link #table} on
   * first use when that is set (issue 15: the table keeps them in one array for all items, and
   * an item's are copied out only when a condition asks).
   */
  private String[] others;
  private boolean othersRead;
  private final long t;
  private final long captureT;
  private final long position;
  private final LongConsumer evidence;
  private final Account owner;
  /** Resolved on first use: most purposes never read the meeting or its host. */
  private boolean hostResolved;
  private User host;
  /** The host's group at t (null: none), resolved with {@link #host}. */
  private Group hostGroup;
  /** Indexes into the owner's terms history at use and at capture: -1 none, -2 not looked up. */
  private int useIndex = -2;
  private int captureIndex = -2;

  ContentConditions(Snapshot s, ContentRecord c, long t, LongConsumer evidence) {
    this(s, c.id(), c.category(), c.account(), s.account(c.account(), t), null, -1,
        TimeKey.of(c.at()), c.position(), t, evidence);
    this.author = c.author().orElse(null);
    this.others = others(c);
    this.meeting = c.meeting().isPresent() ? s.state().meetings.get(c.meeting().get()) : null;
  }

  /**
   * The conditions of item {@code item} of the content table {@code table} (the decision
   * path): its author is read from the table only when a condition asks for it (issue 15: the
   * table keeps authors as arena numbers, a string is made on reading), and so are the other
   * contributors and the meeting; {@code table} null: none of them (the caller sets them).
   * {@code owner} is the owning account as {@link Snapshot#account(String, long)} answers at t
   * (the caller may have found it by the item's account number).
   */
  ContentConditions(Snapshot s, String id, Category category, String account, Account owner,
      ContentTable.View table, int item, long at, long position, long t, LongConsumer evidence) {
    this.s = s;
    this.id = id;
    this.category = category;
    this.account = account;
    this.table = table;
    this.item = item;
    this.othersRead = table == null;
    this.authorRead = table == null;
    this.meetingRead = table == null;
    this.t = t;
    this.captureT = at;
    this.position = position;
    this.evidence = evidence;
    this.owner = owner;
  }

  /**
   * The snapshot's position, the bound of the state at use (read from the snapshot, not kept:
   * issue 15, one object of these per decision, 16 bytes less with this and {@link #captureP}).
   */
  private long p() {
    return s.position();
  }

  /** The position just before the item's creation, the bound of the state at capture. */
  private long captureP() {
    return position - 1;
  }

  private static String[] others(ContentRecord c) {
    List<String> all = c.contributors();
    if (all.size() <= 1) {
      return null;
    }
    // The first contributor is always the owning account (Event.ContentCreated normalizes).
    return all.subList(1, all.size()).toArray(String[]::new);
  }

  @SuppressWarnings("unchecked")
  private static Optional<Reason> failed(Reason r) {
    return (Optional<Reason>) FAILED[r.ordinal()];
  }

  /** The item's id. */
  public String id() {
    return id;
  }

  /** The item's category. */
  public Category category() {
    return category;
  }

  /** The owning account. */
  public String account() {
    return account;
  }

  /** The ledger position of its {@code content.created}. */
  public long position() {
    return position;
  }

  String author() {
    if (!authorRead) {
      author = table.author(item);
      authorRead = true;
    }
    return author;
  }

  /** The contributors other than the owning account, or null for none. */
  private String[] others() {
    if (!othersRead) {
      others = table.others(item);
      othersRead = true;
    }
    return others;
  }

  Meeting meeting() {
    if (!meetingRead) {
      meeting = table.meeting(item);
      meetingRead = true;
    }
    return meeting;
  }

  /** Capture time ({@link TimeKey}). */
  long capturedAt() {
    return captureT;
  }

  /** The item as a record (for the rare paths that report it). */
  ContentRecord record() {
    List<String> contributors;
    String[] others = others();
    if (others == null) {
      contributors = List.of(account);
    } else {
      String[] all = new String[others.length + 1];
      all[0] = account;
      System.arraycopy(others, 0, all, 1, others.length);
      contributors = List.of(all);
    }
    return new ContentRecord(id, category, account,
        meeting() == null ? Optional.empty() : Optional.of(meeting().id()),
        Optional.ofNullable(author()), contributors, TimeKey.toInstant(captureT), position);
  }

  /**
   * Reads now what every decision about the item reads (the terms at use and at capture) and
   * what a setting condition reads first (the meeting, as the table has it, its host and the
   * host's group),
   * then returns this. Issue 15, random decisions: a decision is a chain of cache misses; these
   * loads depend only on the row, the meeting and the owner, so issued together here the
   * processor waits for them at once, where read on demand each waited for the one before.
   * The host is resolved here only where the meeting holds its user (no map asked: a load the
   * decision may not need, but one issued beside the others). Answers do not change: the
   * values are the ones the lazy reads would find (the view and the snapshot do not change).
   */
  ContentConditions early(Meeting m) {
    meeting = m;
    meetingRead = true;
    if (m != null && owner != null && m.hostIn(owner) != null) {
      // The host's user from the meeting and its group from the user: no map asked.
      host();
    }
    useIndex();
    captureIndex();
    return this;
  }

  private User host() {
    if (!hostResolved) {
      hostResolved = true;
      Meeting m = meeting();
      host = m == null || owner == null ? null : s.host(owner, m, t);
      hostGroup = host == null ? null : s.groupOf(owner, host, t);
    }
    return host;
  }

  /** The terms the owning account accepted last at or before the time of use. */
  public Optional<Snapshot.Stamped<String>> termsAtUse() {
    return stamped(useIndex());
  }

  /** The terms the owning account had accepted when the content was created. */
  public Optional<Snapshot.Stamped<String>> termsAtCapture() {
    return stamped(captureIndex());
  }

  /**
   * T_use's name, or null when the owner had accepted none at the time of use: {@link
   * #termsAtUse()} without its objects, with {@link #termsAtUsePosition()}.
   */
  public String termsAtUseName() {
    int e = useIndex();
    return e < 0 ? null : owner.terms.value(e);
  }

  /** The ledger position of T_use's acceptance; 0 when there is none. */
  public long termsAtUsePosition() {
    int e = useIndex();
    return e < 0 ? 0 : owner.terms.pos(e);
  }

  /** T_capture's name, or null when the owner had accepted none at capture. */
  public String termsAtCaptureName() {
    int e = captureIndex();
    return e < 0 ? null : owner.terms.value(e);
  }

  /** The ledger position of T_capture's acceptance; 0 when there is none. */
  public long termsAtCapturePosition() {
    int e = captureIndex();
    return e < 0 ? 0 : owner.terms.pos(e);
  }

  private int useIndex() {
    if (useIndex == -2) {
      useIndex = termsIndex(t, p());
    }
    return useIndex;
  }

  private int captureIndex() {
    if (captureIndex == -2) {
      captureIndex = termsIndex(captureT, captureP());
    }
    return captureIndex;
  }

  private int termsIndex(long time, long pos) {
    return owner == null ? -1 : owner.terms.index(time, Math.min(pos, p()));
  }

  private Optional<Snapshot.Stamped<String>> stamped(int e) {
    return e < 0 ? Optional.empty()
        : Optional.of(new Snapshot.Stamped<>(owner.terms.value(e), owner.terms.pos(e)));
  }

  @Override
  public Optional<Reason> check(Condition condition) {
    if (condition instanceof Condition.Setting k) {
      if (owner == null) {
        return failed(Reason.SETTING_DISABLED);
      }
      long r = s.resolveCode(owner, host(), hostGroup, k.setting(), t, evidence);
      if (Snapshot.codedValue(r)) {
        return Optional.empty();
      }
      return failed(Snapshot.codedParentDisabled(r) ? Reason.PARENT_DISABLED
          : Reason.SETTING_DISABLED);
    }
    if (condition instanceof Condition.MeetingFeature f) {
      return Snapshot.featureActiveAtCapture(meeting(), f.feature(), captureT, captureP(), evidence)
          ? Optional.empty()
          : failed(Reason.FEATURE_NOT_ACTIVE);
    }
    if (condition instanceof Condition.Consent
        || condition instanceof Condition.ConsentAtCapture
        || condition instanceof Condition.AllContributorsConsent) {
      return ConsentRows.check(condition, this);
    }
    if (condition instanceof Condition.NoticeAcknowledged n) {
      ContentTable.View v = table;
      Meeting m = meeting();
      boolean acknowledged = v != null
          ? Snapshot.noticeAcknowledgedAtCapture(m, v, item, n.notice(), captureT, captureP(),
              evidence)
          : Snapshot.noticeAcknowledgedAtCapture(m, author, n.notice(), captureT, captureP(),
              evidence);
      return acknowledged
          ? Optional.empty()
          : failed(Reason.NOTICE_NOT_ACKNOWLEDGED);
    }
    throw new IllegalStateException("unhandled condition " + condition.kind());
  }

  @Override
  public ConsentStatus ownerAtUse(ConsentType consent) {
    return s.consent(owner, consent, t, p(), evidence);
  }

  @Override
  public ConsentStatus ownerAtCapture(ConsentType consent) {
    return s.consent(owner, consent, captureT, captureP(), evidence);
  }

  @Override
  public boolean othersInForce(ConsentType consent) {
    String[] others = others();
    if (others == null) {
      return true;
    }
    for (String other : others) {
      if (other.equals(account)) {
        continue;
      }
      if (s.consent(other, consent, t, p(), evidence) != ConsentStatus.IN_FORCE
          || s.consent(other, consent, captureT, captureP(), evidence) != ConsentStatus.IN_FORCE) {
        return false;
      }
    }
    return true;
  }
}
