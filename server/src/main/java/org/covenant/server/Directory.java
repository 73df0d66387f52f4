package org.covenant.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.vocab.Role;

/**
 * What the API needs to know about tenancy that the decision snapshot does not expose: which
 * account a meeting belongs to and who hosts it, the users of an account with their roles and
 * groups, and each account's own slice of the ledger (its events, terms and consent history). A
 * projection of the ledger's accepted events, fed in position order; reads are lock-free.
 *
 * <p>The ledger is the only copy of events: an account's events are kept here as ledger
 * positions only (8 bytes each) and read back from the store when listed.
 */
public final class Directory {
  /** A user of an account. */
  public record UserInfo(String user, Role role, Optional<String> group) {}

  /** A meeting's owner and host. */
  public record MeetingInfo(String meeting, String account, String host, Instant started) {}

  /** One change of a consent, for the history. */
  public record ConsentChange(String consent, boolean granted, Instant at, String by,
      long position) {}

  /** One acceptance of terms. */
  public record TermsChange(String terms, Instant at, String by, long position) {}

  /** An account's slice of the ledger. */
  public static final class AccountInfo {
    private final String account;
    private final Map<String, UserInfo> users = new ConcurrentHashMap<>();
    private final Set<String> groups = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<ConsentChange> consents = Collections.synchronizedList(new ArrayList<>());
    private final List<TermsChange> terms = Collections.synchronizedList(new ArrayList<>());
    private final List<String> meetings = Collections.synchronizedList(new ArrayList<>());
    private volatile int contentCount;
    /** This account's ledger positions, ascending; the first {@link #positionCount} are set. */
    private volatile long[] positions = new long[16];
    private volatile int positionCount;

    private final Function<long[], List<StoredEvent>> reader;

    AccountInfo(String account, Function<long[], List<StoredEvent>> reader) {
      this.account = account;
      this.reader = reader;
    }

    /** The account id. */
    public String account() {
      return account;
    }

    /** The user, if it exists. */
    public Optional<UserInfo> user(String id) {
      return Optional.ofNullable(users.get(id));
    }

    /** Every user, sorted by id. */
    public List<UserInfo> users() {
      List<UserInfo> out = new ArrayList<>(users.values());
      out.sort((a, b) -> a.user().compareTo(b.user()));
      return out;
    }

    /** Every group, in creation order. */
    public List<String> groups() {
      synchronized (groups) {
        return List.copyOf(groups);
      }
    }

    /** Whether the group exists. */
    public boolean hasGroup(String group) {
      return groups.contains(group);
    }

    /**
     * The account's events after a position, at most {@code limit}, read from the ledger.
     *
     * @throws ServerException 503 {@code store_unavailable} when the store cannot be read
     */
    public List<StoredEvent> events(long after, int limit) {
      int n = positionCount;
      long[] a = positions;
      int lo = 0;
      int hi = n;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (a[mid] <= after) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      long[] page = Arrays.copyOfRange(a, lo, Math.min(n, lo + limit));
      return page.length == 0 ? List.of() : reader.apply(page);
    }

    /**
     * Whether the event at {@code position} belongs to this account. Lock-free (decisions ask it
     * for each evidence position): a binary search over the positions published so far.
     */
    public boolean holds(long position) {
      int n = positionCount;
      long[] a = positions;
      int lo = 0;
      int hi = n - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        long p = a[mid];
        if (p == position) {
          return true;
        }
        if (p < position) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return false;
    }

    /** Publishes one more position (single writer: the directory's apply). */
    private void addPosition(long position) {
      long[] a = positions;
      int n = positionCount;
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, Math.max(16, n * 2));
        a[n] = position;
        // The array before the count: a reader that sees the count sees an array that holds it.
        positions = a;
      } else {
        a[n] = position;
      }
      positionCount = n + 1;
    }

    /** Consent changes, oldest first. */
    public List<ConsentChange> consentHistory() {
      synchronized (consents) {
        return List.copyOf(consents);
      }
    }

    /** Terms acceptances, oldest first. */
    public List<TermsChange> termsHistory() {
      synchronized (terms) {
        return List.copyOf(terms);
      }
    }

    /** The account's meetings, oldest first. */
    public List<String> meetings() {
      synchronized (meetings) {
        return List.copyOf(meetings);
      }
    }

    /** How many content items the account registered. */
    public int contentCount() {
      return contentCount;
    }
  }

  private final Function<long[], List<StoredEvent>> reader;
  private final Function<String, Optional<String>> contentAccount;
  private final Map<String, AccountInfo> accounts = new ConcurrentHashMap<>();
  private final Map<String, MeetingInfo> meetings = new ConcurrentHashMap<>();
  private volatile long position;

  /**
   * An empty directory that reads events back through {@code reader} (the stored events at
   * ascending positions).
   */
  public Directory(Function<long[], List<StoredEvent>> reader) {
    this(reader, content -> Optional.empty());
  }

  /**
   * As {@link #Directory(Function)}, resolving the account of a content item (for
   * {@code content.deleted}, which names only the content) through {@code contentAccount}: the
   * ledger's projection, which applies every event before this directory sees it.
   */
  public Directory(Function<long[], List<StoredEvent>> reader,
      Function<String, Optional<String>> contentAccount) {
    this.reader = java.util.Objects.requireNonNull(reader, "reader");
    this.contentAccount = java.util.Objects.requireNonNull(contentAccount, "contentAccount");
  }

  /** The account owning a content item, if it exists at the head. */
  public Optional<String> contentAccount(String content) {
    return contentAccount.apply(content);
  }

  /** The last ledger position applied. */
  public long position() {
    return position;
  }

  /** The account, if it exists at the head. */
  public Optional<AccountInfo> account(String id) {
    return Optional.ofNullable(accounts.get(id));
  }

  /** Every account id, sorted. */
  public List<String> accountIds() {
    List<String> out = new ArrayList<>(accounts.keySet());
    Collections.sort(out);
    return out;
  }

  /** The meeting, if it exists at the head. */
  public Optional<MeetingInfo> meeting(String id) {
    return Optional.ofNullable(meetings.get(id));
  }

  /** The account an event belongs to: its own field, or its meeting's account. */
  public Optional<String> accountOf(Event e) {
    Optional<String> own = e.accountId();
    if (own.isPresent()) {
      return own;
    }
    if (e instanceof Event.ContentDeleted d) {
      return contentAccount.apply(d.content());
    }
    return meetingOf(e).map(meetings::get).map(MeetingInfo::account);
  }

  /** The meeting a meeting-scoped event (one without an account of its own) names. */
  public static Optional<String> meetingOf(Event e) {
    if (e instanceof Event.MeetingFeature m) {
      return Optional.of(m.meeting());
    } else if (e instanceof Event.MeetingEnded m) {
      return Optional.of(m.meeting());
    } else if (e instanceof Event.ParticipantJoined m) {
      return Optional.of(m.meeting());
    } else if (e instanceof Event.ParticipantLeft m) {
      return Optional.of(m.meeting());
    } else if (e instanceof Event.NoticeAcknowledged m) {
      return Optional.of(m.meeting());
    }
    return Optional.empty();
  }

  /**
   * Applies accepted events in position order; positions already applied are skipped. Returns
   * false when a gap shows that earlier events are missing (the caller reads them and retries).
   */
  public synchronized boolean apply(List<StoredEvent> batch) {
    for (StoredEvent s : batch) {
      if (s.position() <= position) {
        continue;
      }
      if (s.position() != position + 1) {
        return false;
      }
      applyOne(s);
      position = s.position();
    }
    return true;
  }

  private void applyOne(StoredEvent s) {
    Event e = s.event();
    if (e instanceof Event.AccountCreated a) {
      AccountInfo info = new AccountInfo(a.account(), reader);
      info.users.put(a.owner(), new UserInfo(a.owner(), Role.OWNER, Optional.empty()));
      accounts.put(a.account(), info);
    } else if (e instanceof Event.GroupCreated g) {
      accounts.get(g.account()).groups.add(g.group());
    } else if (e instanceof Event.UserAdded u) {
      accounts.get(u.account()).users.put(u.user(), new UserInfo(u.user(), u.role(), u.group()));
    } else if (e instanceof Event.TermsAccepted t) {
      accounts.get(t.account()).terms.add(new TermsChange(t.terms(), t.at(), t.by(),
          s.position()));
    } else if (e instanceof Event.ConsentGranted c) {
      accounts.get(c.account()).consents.add(new ConsentChange(c.consent(), true, c.at(), c.by(),
          s.position()));
    } else if (e instanceof Event.ConsentWithdrawn c) {
      accounts.get(c.account()).consents.add(new ConsentChange(c.consent(), false, c.at(),
          c.by(), s.position()));
    } else if (e instanceof Event.MeetingStarted m) {
      // The account's and the host's own strings: a meeting adds no copies of them.
      AccountInfo a = accounts.get(m.account());
      String host = a.user(m.host()).map(UserInfo::user).orElse(m.host());
      meetings.put(m.meeting(), new MeetingInfo(m.meeting(), a.account, host, m.at()));
      a.meetings.add(m.meeting());
    } else if (e instanceof Event.ContentCreated c) {
      accounts.get(c.account()).contentCount++;
    }
    accountOf(e).map(accounts::get).ifPresent(a -> a.addPosition(s.position()));
  }
}
