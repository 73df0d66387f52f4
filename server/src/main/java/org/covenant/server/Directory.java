package org.covenant.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.ContentRecord;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Role;

/**
 * What the API needs to know about tenancy, read from the core projection (issue 15: one
 * projection; the server keeps no index and replays nothing of its own, so a start from a
 * projection checkpoint reads none of the ledger before it). Users (with their roles and
 * groups), groups, meetings (owner, host, start), each account's meetings and content count and
 * the ledger's index by account (each account's ledger positions and those of its governance
 * changes, its terms and consent events) are the projection's ({@link Snapshot#usersOf},
 * {@link Snapshot#accountEvents}, ...); events are read back from the store when listed. Reads
 * are lock-free and see the projection at the head.
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
      long[] page = snapshot.get().accountEvents(account, after, limit);
      return page.length == 0 ? List.of() : reader.apply(page);
    }

    /**
     * Whether the event at {@code position} belongs to this account. Lock-free (decisions ask it
     * for each evidence position).
     */
    public boolean holds(long position) {
      return snapshot.get().accountHolds(account, position);
    }

    /** Positions of the account's governance changes, oldest first. */
    public long[] auditPositions() {
      return snapshot.get().auditPositions(account);
    }

    /**
     * The events at these positions (the account's own, ascending), read from the ledger.
     *
     * @throws ServerException 503 {@code store_unavailable} when the store cannot be read
     */
    public List<StoredEvent> read(long[] at) {
      return at.length == 0 ? List.of() : reader.apply(at);
    }

    /**
     * Consent changes, oldest first, read from the ledger.
     *
     * @throws ServerException 503 {@code store_unavailable} when the store cannot be read
     */
    public List<ConsentChange> consentHistory() {
      List<ConsentChange> out = new ArrayList<>();
      for (StoredEvent s : read(snapshot.get().termsAndConsentPositions(account))) {
        if (s.event() instanceof Event.ConsentGranted c) {
          out.add(new ConsentChange(c.consent(), true, c.at(), c.by(), s.position()));
        } else if (s.event() instanceof Event.ConsentWithdrawn c) {
          out.add(new ConsentChange(c.consent(), false, c.at(), c.by(), s.position()));
        }
      }
      return out;
    }

    /**
     * Terms acceptances, oldest first, read from the ledger.
     *
     * @throws ServerException 503 {@code store_unavailable} when the store cannot be read
     */
    public List<TermsChange> termsHistory() {
      List<TermsChange> out = new ArrayList<>();
      for (StoredEvent s : read(snapshot.get().termsAndConsentPositions(account))) {
        if (s.event() instanceof Event.TermsAccepted t) {
          out.add(new TermsChange(t.terms(), t.at(), t.by(), s.position()));
        }
      }
      return out;
    }

    /** The terms version the account accepted last, if any (the projection's; no store read). */
    public Optional<String> currentTerms() {
      return snapshot.get().terms(account, TimeKey.END, TimeKey.END).map(Snapshot.Stamped::value);
    }

    /** The account's meetings, oldest first. */
    public List<String> meetings() {
      return snapshot.get().meetingsOf(account);
    }

    /** How many content items the account registered. */
    public int contentCount() {
      return snapshot.get().contentCountOf(account);
    }
  }

  private final Function<long[], List<StoredEvent>> reader;
  private final Supplier<Snapshot> snapshot;

  /**
   * A directory that reads events back through {@code reader} (the stored events at ascending
   * positions) and everything else from {@code snapshot} (the ledger's projection at its head).
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
   * which names only the content).
   */
  public Optional<String> contentAccount(String content) {
    return snapshot.get().content(content, TimeKey.END).map(ContentRecord::account);
  }

  /** The ledger position the directory sees (the projection's head). */
  public long position() {
    return snapshot.get().position();
  }

  /** The account, if it exists at the head. */
  public Optional<AccountInfo> account(String id) {
    return snapshot.get().hasAccount(id) ? Optional.of(new AccountInfo(id, reader, snapshot))
        : Optional.empty();
  }

  /** Every account id, sorted. */
  public List<String> accountIds() {
    List<String> out = new ArrayList<>(snapshot.get().accountIds());
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
    return meetingOf(e).flatMap(m -> snapshot.get().meetingOf(m))
        .map(Snapshot.MeetingEntry::account);
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
   * The kind of governance change an event is, for the audit history: {@code setting},
   * {@code consent}, {@code terms}, {@code membership} (account, group and user changes) or
   * {@code hold} (any event type naming a hold); empty for meetings, participants and content.
   */
  public static Optional<String> auditKind(Event e) {
    return GovernanceState.auditKind(e);
  }
}
