package org.covenant.core.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.covenant.core.vocab.Role;

/**
 * A governance event, the unit of the append-only ledger (ARCHITECTURE.md §3). Events are
 * well-formed by construction (types and required fields); whether one is acceptable against the
 * ledger (known references, roles, locks) is decided by {@code GovernanceState} and reported as a
 * {@link Rejection}. Vocabulary items (setting keys, consents, terms, features, notices,
 * categories) are kept as strings because an unknown one is a rejection, not malformed input.
 */
public sealed interface Event {
  /** When it happened; compared as an instant. */
  Instant at();

  /** The wire type, e.g. {@code setting.set}. */
  String type();

  /** The account the event is scoped to, when it names one directly. */
  default Optional<String> accountId() {
    return Optional.empty();
  }

  /** The same event at another time (the server stamps the time of online writes). */
  default Event withAt(Instant at) {
    Event e = this;
    if (e instanceof AccountCreated x) {
      return new AccountCreated(at, x.account(), x.owner());
    } else if (e instanceof TermsAccepted x) {
      return new TermsAccepted(at, x.account(), x.terms(), x.by());
    } else if (e instanceof GroupCreated x) {
      return new GroupCreated(at, x.account(), x.group());
    } else if (e instanceof UserAdded x) {
      return new UserAdded(at, x.account(), x.user(), x.role(), x.group());
    } else if (e instanceof SettingSet x) {
      return new SettingSet(at, x.account(), x.scope(), x.key(), x.value(), x.locked(), x.by());
    } else if (e instanceof SettingCleared x) {
      return new SettingCleared(at, x.account(), x.scope(), x.key(), x.by());
    } else if (e instanceof ConsentGranted x) {
      return new ConsentGranted(at, x.account(), x.consent(), x.by());
    } else if (e instanceof ConsentWithdrawn x) {
      return new ConsentWithdrawn(at, x.account(), x.consent(), x.by());
    } else if (e instanceof MeetingStarted x) {
      return new MeetingStarted(at, x.account(), x.meeting(), x.host(), x.features());
    } else if (e instanceof MeetingFeature x) {
      return new MeetingFeature(at, x.meeting(), x.feature(), x.on(), x.by());
    } else if (e instanceof MeetingEnded x) {
      return new MeetingEnded(at, x.meeting());
    } else if (e instanceof ParticipantJoined x) {
      return new ParticipantJoined(at, x.meeting(), x.participant(), x.account());
    } else if (e instanceof NoticeAcknowledged x) {
      return new NoticeAcknowledged(at, x.meeting(), x.participant(), x.notice());
    } else if (e instanceof ParticipantLeft x) {
      return new ParticipantLeft(at, x.meeting(), x.participant());
    } else if (e instanceof ContentCreated x) {
      return new ContentCreated(at, x.content(), x.category(), x.account(), x.meeting(),
          x.author(), x.contributors());
    } else if (e instanceof ValuedSettingSet x) {
      return new ValuedSettingSet(at, x.account(), x.scope(), x.key(), x.value(), x.locked(),
          x.by());
    } else if (e instanceof ContentDeleted x) {
      return new ContentDeleted(at, x.content(), x.by());
    } else if (e instanceof LegalHoldPlaced x) {
      return new LegalHoldPlaced(at, x.account(), x.hold(), x.scope(), x.matter(), x.by());
    } else if (e instanceof LegalHoldReleased x) {
      return new LegalHoldReleased(at, x.account(), x.hold(), x.by());
    } else if (e instanceof UserRemoved x) {
      return new UserRemoved(at, x.account(), x.user(), x.by());
    }
    throw new IllegalStateException("unhandled event " + type());
  }

  private static <T> T req(T v, String field) {
    return Objects.requireNonNull(v, field);
  }

  /** {@code account.created}: creates the owner as a user with role owner and no group. */
  record AccountCreated(Instant at, String account, String owner) implements Event {
    /** Validates required fields. */
    public AccountCreated {
      req(at, "at");
      req(account, "account");
      req(owner, "owner");
    }

    @Override
    public String type() {
      return "account.created";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code terms.accepted}: the account accepts a terms version by name. */
  record TermsAccepted(Instant at, String account, String terms, String by) implements Event {
    /** Validates required fields. */
    public TermsAccepted {
      req(at, "at");
      req(account, "account");
      req(terms, "terms");
      req(by, "by");
    }

    @Override
    public String type() {
      return "terms.accepted";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code group.created}. */
  record GroupCreated(Instant at, String account, String group) implements Event {
    /** Validates required fields. */
    public GroupCreated {
      req(at, "at");
      req(account, "account");
      req(group, "group");
    }

    @Override
    public String type() {
      return "group.created";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code user.added}: role is admin, group_admin or member; at most one group. */
  record UserAdded(Instant at, String account, String user, Role role, Optional<String> group)
      implements Event {
    /** Validates required fields; the owner role comes only with {@code account.created}. */
    public UserAdded {
      req(at, "at");
      req(account, "account");
      req(user, "user");
      req(role, "role");
      req(group, "group");
      if (role == Role.OWNER) {
        throw new IllegalArgumentException("role owner comes only with account.created");
      }
    }

    @Override
    public String type() {
      return "user.added";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code setting.set}: replaces value and lock at the scope. */
  record SettingSet(
      Instant at, String account, Scope scope, String key, boolean value, boolean locked, String by)
      implements Event {
    /** Validates required fields. */
    public SettingSet {
      req(at, "at");
      req(account, "account");
      req(scope, "scope");
      req(key, "key");
      req(by, "by");
    }

    @Override
    public String type() {
      return "setting.set";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code setting.cleared}: removes the value at the scope. */
  record SettingCleared(Instant at, String account, Scope scope, String key, String by)
      implements Event {
    /** Validates required fields. */
    public SettingCleared {
      req(at, "at");
      req(account, "account");
      req(scope, "scope");
      req(key, "key");
      req(by, "by");
    }

    @Override
    public String type() {
      return "setting.cleared";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code consent.granted}. */
  record ConsentGranted(Instant at, String account, String consent, String by) implements Event {
    /** Validates required fields. */
    public ConsentGranted {
      req(at, "at");
      req(account, "account");
      req(consent, "consent");
      req(by, "by");
    }

    @Override
    public String type() {
      return "consent.granted";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code consent.withdrawn}. */
  record ConsentWithdrawn(Instant at, String account, String consent, String by) implements Event {
    /** Validates required fields. */
    public ConsentWithdrawn {
      req(at, "at");
      req(account, "account");
      req(consent, "consent");
      req(by, "by");
    }

    @Override
    public String type() {
      return "consent.withdrawn";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code meeting.started}: the host starts it with features on. */
  record MeetingStarted(
      Instant at, String account, String meeting, String host, List<String> features)
      implements Event {
    /** Validates required fields and copies the features. */
    public MeetingStarted {
      req(at, "at");
      req(account, "account");
      req(meeting, "meeting");
      req(host, "host");
      features = List.copyOf(features);
    }

    @Override
    public String type() {
      return "meeting.started";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code meeting.feature}: the host turns a feature on or off mid-meeting. */
  record MeetingFeature(Instant at, String meeting, String feature, boolean on, String by)
      implements Event {
    /** Validates required fields. */
    public MeetingFeature {
      req(at, "at");
      req(meeting, "meeting");
      req(feature, "feature");
      req(by, "by");
    }

    @Override
    public String type() {
      return "meeting.feature";
    }
  }

  /** {@code meeting.ended}: every feature stops and everyone leaves. */
  record MeetingEnded(Instant at, String meeting) implements Event {
    /** Validates required fields. */
    public MeetingEnded {
      req(at, "at");
      req(meeting, "meeting");
    }

    @Override
    public String type() {
      return "meeting.ended";
    }
  }

  /** {@code participant.joined}: an absent or different account means external. */
  record ParticipantJoined(
      Instant at, String meeting, String participant, Optional<String> account) implements Event {
    /** Validates required fields. */
    public ParticipantJoined {
      req(at, "at");
      req(meeting, "meeting");
      req(participant, "participant");
      req(account, "account");
    }

    @Override
    public String type() {
      return "participant.joined";
    }
  }

  /** {@code notice.acknowledged}. */
  record NoticeAcknowledged(Instant at, String meeting, String participant, String notice)
      implements Event {
    /** Validates required fields. */
    public NoticeAcknowledged {
      req(at, "at");
      req(meeting, "meeting");
      req(participant, "participant");
      req(notice, "notice");
    }

    @Override
    public String type() {
      return "notice.acknowledged";
    }
  }

  /** {@code participant.left}. */
  record ParticipantLeft(Instant at, String meeting, String participant) implements Event {
    /** Validates required fields. */
    public ParticipantLeft {
      req(at, "at");
      req(meeting, "meeting");
      req(participant, "participant");
    }

    @Override
    public String type() {
      return "participant.left";
    }
  }

  /**
   * {@code content.created}: {@code at} is the capture time. The contributors always include the
   * owning account (added first when absent).
   */
  record ContentCreated(
      Instant at,
      String content,
      String category,
      String account,
      Optional<String> meeting,
      Optional<String> author,
      List<String> contributors)
      implements Event {
    /** Validates required fields and normalizes the contributors. */
    public ContentCreated {
      req(at, "at");
      req(content, "content");
      req(category, "category");
      req(account, "account");
      req(meeting, "meeting");
      req(author, "author");
      contributors = withAccountFirst(account, contributors);
    }

    /**
     * {@code account}, then each contributor not seen before, in order, as an unmodifiable list
     * ({@code List.copyOf} of a {@code LinkedHashSet}). A few contributors are compared pairwise
     * instead of hashed into a set: every replayed {@code content.created} is built here, and the
     * set was most of what its decoding allocated (issue 15).
     */
    private static List<String> withAccountFirst(String account, List<String> contributors) {
      int n = contributors.size();
      if (n > 8) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        all.add(account);
        all.addAll(contributors);
        return List.copyOf(all);
      }
      String[] all = new String[n + 1];
      all[0] = account;
      int size = 1;
      for (String c : contributors) {
        boolean seen = false;
        for (int i = 0; i < size && !seen; i++) {
          seen = java.util.Objects.equals(all[i], c);
        }
        if (!seen) {
          all[size++] = c;
        }
      }
      return List.of(size == all.length ? all : java.util.Arrays.copyOf(all, size));
    }

    @Override
    public String type() {
      return "content.created";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  // Data rights (docs/DATA-RIGHTS.md): retention, legal hold, deletion, removal, regions.

  /**
   * {@code setting.set} of a setting whose value is not a boolean ({@code retention.days}, a
   * whole number; {@code data_regions.allowed}, a set of region codes). The same wire type as
   * {@link SettingSet}; the value's JSON type tells them apart.
   */
  record ValuedSettingSet(
      Instant at, String account, Scope scope, String key, SettingValue value, boolean locked,
      String by) implements Event {
    /** Validates required fields. */
    public ValuedSettingSet {
      req(at, "at");
      req(account, "account");
      req(scope, "scope");
      req(key, "key");
      req(value, "value");
      req(by, "by");
    }

    @Override
    public String type() {
      return "setting.set";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code content.deleted}: from then on every decision on the content denies. */
  record ContentDeleted(Instant at, String content, String by) implements Event {
    /** Validates required fields. */
    public ContentDeleted {
      req(at, "at");
      req(content, "content");
      req(by, "by");
    }

    @Override
    public String type() {
      return "content.deleted";
    }
  }

  /** {@code legal_hold.placed}: the account's content in scope may not be deleted. */
  record LegalHoldPlaced(
      Instant at, String account, String hold, HoldScope scope, String matter, String by)
      implements Event {
    /** Validates required fields. */
    public LegalHoldPlaced {
      req(at, "at");
      req(account, "account");
      req(hold, "hold");
      req(scope, "scope");
      req(matter, "matter");
      req(by, "by");
    }

    @Override
    public String type() {
      return "legal_hold.placed";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code legal_hold.released}. */
  record LegalHoldReleased(Instant at, String account, String hold, String by) implements Event {
    /** Validates required fields. */
    public LegalHoldReleased {
      req(at, "at");
      req(account, "account");
      req(hold, "hold");
      req(by, "by");
    }

    @Override
    public String type() {
      return "legal_hold.released";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }

  /** {@code user.removed}: the user can no longer act; their user-level settings stop applying. */
  record UserRemoved(Instant at, String account, String user, String by) implements Event {
    /** Validates required fields. */
    public UserRemoved {
      req(at, "at");
      req(account, "account");
      req(user, "user");
      req(by, "by");
    }

    @Override
    public String type() {
      return "user.removed";
    }

    @Override
    public Optional<String> accountId() {
      return Optional.of(account);
    }
  }
}
