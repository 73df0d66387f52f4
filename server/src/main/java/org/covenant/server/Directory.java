package org.covenant.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.ContentRecord;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Role;

/**
 * What the API needs to know about tenancy, read from the core projection where it holds it and
 * indexed here where it does not. Users (with their roles and groups), groups and meetings (owner,
 * host, start) are the projection's own ({@link Snapshot#usersOf}, {@link Snapshot#groupsOf},
 * {@link Snapshot#meetingOf}): this class keeps no copy of them. What it keeps is an index of the
 * ledger by account (each account's ledger positions, 8 bytes each, read back from the store when
 * listed; which account each meeting's events belong to) and the account's audit lists that the
 * projection does not hold (every terms acceptance and consent event with who made it, and a count
 * of content). Fed the ledger's accepted events in position order; reads are lock-free.
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
    private final List<ConsentChange> consents = Collections.synchronizedList(new ArrayList<>());
    private final List<TermsChange> terms = Collections.synchronizedList(new ArrayList<>());
    private final List<String> meetings = Collections.synchronizedList(new ArrayList<>());
    private volatile int contentCount;
    /** This account's ledger positions, ascending; the first {@link #positionCount} are set. */
    private volatile long[] positions = new long[16];
    private volatile int positionCount;
    /** Positions of the account's governance changes ({@link #auditKind}), ascending. */
    private final List<Long> audit = Collections.synchronizedList(new ArrayList<>());

    private final Function<long[], List<StoredEvent>> reader;
    private final Supplier<Snapshot> snapshot;

    AccountInfo(String account, Function<long[], List<StoredEvent>> reader,
        Supplier<Snapshot> snapshot) {
      this.account = account;
      this.reader = reader;
      this.snapshot = snapshot;
    }

    /** The account id. */
    public String account() {
      return account;
    }

    /** The user, if it exists. */
    public Optional<UserInfo> user(String id) {
      return snapshot.get().userOf(account, id).map(Directory::info);
    }

    /** Every user, sorted by id. */
    public List<UserInfo> users() {
      List<UserInfo> out = new ArrayList<>();
      for (Snapshot.UserEntry u : snapshot.get().usersOf(account)) {
        out.add(info(u));
      }
      return out;
    }

    /** Every group, in creation order. */
    public List<String> groups() {
      return snapshot.get().groupsOf(account);
    }

    /** Whether the group exists. */
    public boolean hasGroup(String group) {
      return snapshot.get().hasGroup(account, group);
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

    /** Positions of the account's governance changes, oldest first. */
    public long[] auditPositions() {
      synchronized (audit) {
        long[] out = new long[audit.size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = audit.get(i);
        }
        return out;
      }
    }

    /**
     * The events at these positions (the account's own, ascending), read from the ledger.
     *
     * @throws ServerException 503 {@code store_unavailable} when the store cannot be read
     */
    public List<StoredEvent> read(long[] at) {
      return at.length == 0 ? List.of() : reader.apply(at);
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
  private final Map<String, AccountInfo> accounts = new ConcurrentHashMap<>();
  private final Supplier<Snapshot> snapshot;
  /** The account of each meeting (its events are the account's). */
  private final Map<String, AccountInfo> meetings = new ConcurrentHashMap<>();
  private volatile long position;
  /** Content the projection does not hold (a sharded member's other accounts): the registry. */
  private volatile Function<String, Optional<String>> contentElsewhere = c -> Optional.empty();

  /**
   * An empty directory that reads events back through {@code reader} (the stored events at
   * ascending positions) and users, groups and meetings from {@code snapshot} (the ledger's
   * projection at its head).
   */
  public Directory(Function<long[], List<StoredEvent>> reader, Supplier<Snapshot> snapshot) {
    this.reader = java.util.Objects.requireNonNull(reader, "reader");
    this.snapshot = java.util.Objects.requireNonNull(snapshot, "snapshot");
  }

  private static UserInfo info(Snapshot.UserEntry u) {
    return new UserInfo(u.user(), u.role(), u.group());
  }

  /**
   * The account owning a content item, if it exists at the head (for {@code content.deleted},
   * which names only the content): the ledger's projection, which applies every event before
   * this directory sees it.
   */
  public Optional<String> contentAccount(String content) {
    Optional<String> a = snapshot.get().content(content, TimeKey.END).map(ContentRecord::account);
    return a.isPresent() ? a : contentElsewhere.apply(content);
  }

  /**
   * Resolves content the projection does not hold through {@code registry} (a sharded member:
   * a {@code content.deleted} of another member's account is still indexed under its account,
   * so the account's positions are whole when it moves here). Returns this.
   */
  Directory contentElsewhere(Function<String, Optional<String>> registry) {
    this.contentElsewhere = java.util.Objects.requireNonNull(registry, "registry");
    return this;
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
    return snapshot.get().meetingOf(id)
        .map(m -> new MeetingInfo(m.meeting(), m.account(), m.host(), m.started()));
  }

  /** The account an event belongs to: its own field, or its meeting's account. */
  public Optional<String> accountOf(Event e) {
    Optional<String> own = e.accountId();
    if (own.isPresent()) {
      return own;
    }
    if (e instanceof Event.ContentDeleted d) {
      return contentAccount(d.content());
    }
    return meetingOf(e).map(meetings::get).map(AccountInfo::account);
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
      accounts.put(a.account(), new AccountInfo(a.account(), reader, snapshot));
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
      AccountInfo a = accounts.get(m.account());
      meetings.put(m.meeting(), a);
      a.meetings.add(m.meeting());
    } else if (e instanceof Event.ContentCreated c) {
      accounts.get(c.account()).contentCount++;
    }
    accountOf(e).map(accounts::get).ifPresent(a -> {
      a.addPosition(s.position());
      if (auditKind(e).isPresent()) {
        a.audit.add(s.position());
      }
    });
  }

  /**
   * The kind of governance change an event is, for the audit history: {@code setting},
   * {@code consent}, {@code terms}, {@code membership} (account, group and user changes) or
   * {@code hold} (any event type naming a hold); empty for meetings, participants and content.
   */
  public static Optional<String> auditKind(Event e) {
    String type = e.type();
    if (type.contains("hold")) {
      return Optional.of("hold");
    }
    String family = type.substring(0, Math.max(0, type.indexOf('.')));
    return switch (family) {
      case "setting" -> Optional.of("setting");
      case "consent" -> Optional.of("consent");
      case "terms" -> Optional.of("terms");
      case "account", "group", "user" -> Optional.of("membership");
      default -> Optional.empty();
    };
  }
}
