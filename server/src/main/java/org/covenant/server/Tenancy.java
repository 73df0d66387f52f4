package org.covenant.server;

import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.vocab.Role;
import org.covenant.server.auth.Caller;

/**
 * Tenancy rules in one place: a token of one account never reads or changes another account;
 * every route that names an account or a meeting of another account answers 404, the same as for
 * one that does not exist, so nothing about other tenants leaks.
 */
final class Tenancy {
  private Tenancy() {}

  /**
   * The account a route names, checked against the caller: operators reach any existing account,
   * account tokens only their own, service tokens only where {@code services} allows.
   */
  static Directory.AccountInfo account(Context ctx, String account, boolean services) {
    Caller c = Http.caller(ctx);
    if (!c.reaches(account)) {
      throw ServerException.notFound("account", "no account `" + account + "`");
    }
    if (c instanceof Caller.Service && !services) {
      throw ServerException.forbidden("Authorization", "a service token may not use this route");
    }
    return Http.namespace(ctx).directory().account(account).orElseThrow(
        () -> ServerException.notFound("account", "no account `" + account + "`"));
  }

  /** The meeting a route names, checked the same way. */
  static Directory.MeetingInfo meeting(Context ctx, String meeting) {
    Caller c = Http.caller(ctx);
    Directory.MeetingInfo m = Http.namespace(ctx).directory().meeting(meeting).orElseThrow(
        () -> ServerException.notFound("meeting", "no meeting `" + meeting + "`"));
    boolean own = c instanceof Caller.Participant p && p.binding().meeting().equals(meeting)
        && p.account().equals(m.account());
    if (!own && !c.reaches(m.account())) {
      throw ServerException.notFound("meeting", "no meeting `" + meeting + "`");
    }
    return m;
  }

  /**
   * Authorises one event for the caller against the owner of everything it names, before the
   * ledger sees it (docs/DECISIONS.md, "Tenant isolation"): the account of an account's event;
   * for a meeting-scoped event the account of the meeting (started earlier in the ledger, or
   * earlier in this batch as {@code batchMeetings} records); for content in a meeting, also the
   * meeting's account. Account tokens act in their account as their own user, service tokens in
   * their accounts with their role's event types; the operator appends anything. What the caller
   * cannot reach answers 404 exactly as what does not exist; new meeting and content ids of
   * account and service callers lie in their account's id namespace ({@code ACCOUNT:LOCAL}).
   *
   * @param prefix the field prefix of the event in the request ({@code events[3].} or empty)
   * @param batchMeetings meetings started earlier in the same request, by id, with their account;
   *     updated with this event's
   * @throws ServerException 403 or 404 when the caller may not append the event
   */
  static void authorize(Caller caller, Directory dir, Event e, String prefix,
      Map<String, String> batchMeetings) {
    if (caller instanceof Caller.Operator) {
      return;
    }
    if (caller instanceof Caller.Participant p) {
      authorizeParticipant(p, dir, e, prefix);
      return;
    }
    if (e instanceof Event.AccountCreated) {
      throw ServerException.forbidden(prefix + "type", "only the operator creates accounts");
    }
    if (caller instanceof Caller.Service s && !s.role().mayAppend(e.type())) {
      throw ServerException.forbidden(prefix + "type", "a service token of role `"
          + s.role().id() + "` may not append `" + e.type() + "`");
    }
    String owner;
    Optional<String> own = e.accountId();
    if (own.isPresent()) {
      owner = own.get();
      if (!caller.reaches(owner) || dir.account(owner).isEmpty()) {
        throw ServerException.notFound(prefix + "account", "no account `" + owner + "`");
      }
    } else if (e instanceof Event.ContentDeleted d) {
      // The content names its account (DATA-RIGHTS.md); unknown and unreachable alike are 404.
      Optional<String> account = dir.contentAccount(d.content());
      if (account.isEmpty() || !caller.reaches(account.get())) {
        throw ServerException.notFound(prefix + "content", "no content `" + d.content() + "`");
      }
      owner = account.get();
    } else {
      owner = meetingOwner(caller, dir, Directory.meetingOf(e).orElseThrow(
          () -> new IllegalStateException(e.type() + " names neither account nor meeting")),
          prefix, batchMeetings);
    }
    if (e instanceof Event.ContentCreated c) {
      if (c.meeting().isPresent()
          && !owner.equals(meetingOwner(caller, dir, c.meeting().get(), prefix, batchMeetings))) {
        throw ServerException.notFound(prefix + "meeting", "no meeting `" + c.meeting().get()
            + "`");
      }
      requireOwnNamespace(owner, c.content(), prefix + "content");
    }
    if (e instanceof Event.MeetingStarted m) {
      requireOwnNamespace(owner, m.meeting(), prefix + "meeting");
      if (dir.meeting(m.meeting()).isEmpty()) {
        batchMeetings.putIfAbsent(m.meeting(), owner);
      }
    }
    if (caller instanceof Caller.AccountUser u) {
      authorizeUser(u, dir.account(owner).orElseThrow(), dir, e, prefix);
    }
  }

  /**
   * A participant token appends only its own join (from the organisation it was issued for),
   * acknowledgements and leaving, in its own meeting.
   */
  private static void authorizeParticipant(Caller.Participant p, Directory dir, Event e,
      String prefix) {
    String meeting;
    String participant;
    if (e instanceof Event.ParticipantJoined j) {
      meeting = j.meeting();
      participant = j.participant();
      if (!j.account().equals(p.binding().organisation())) {
        throw ServerException.forbidden(prefix + "account", "a participant token joins from "
            + p.binding().organisation().map(o -> "`" + o + "`").orElse("no organisation"));
      }
    } else if (e instanceof Event.NoticeAcknowledged n) {
      meeting = n.meeting();
      participant = n.participant();
    } else if (e instanceof Event.ParticipantLeft l) {
      meeting = l.meeting();
      participant = l.participant();
    } else {
      throw ServerException.forbidden(prefix + "type", "a participant token may not append `"
          + e.type() + "`");
    }
    requireBound(p, meeting, participant,
        dir.meeting(meeting).map(m -> m.account().equals(p.account())).orElse(false),
        prefix + "meeting", prefix + "participant");
  }

  /**
   * For a participant token, requires the meeting and participant a route names to be the ones
   * it is bound to (404 for another meeting, 403 for another participant); others pass.
   */
  static void participantBound(Context ctx, String meeting, String participant, String field) {
    if (Http.caller(ctx) instanceof Caller.Participant p) {
      requireBound(p, meeting, participant, true, "meeting", field);
    }
  }

  /**
   * The one check of a participant token against what it names: its own meeting (404 for
   * another, or when {@code meetingKnown} is false, alike), then its own participant (403).
   */
  private static void requireBound(Caller.Participant p, String meeting, String participant,
      boolean meetingKnown, String meetingField, String participantField) {
    if (!meeting.equals(p.binding().meeting()) || !meetingKnown) {
      throw ServerException.notFound(meetingField, "no meeting `" + meeting + "`");
    }
    if (!participant.equals(p.binding().participant())) {
      throw ServerException.forbidden(participantField, "a participant token acts as `"
          + p.binding().participant() + "` only");
    }
  }

  /** The one check of an account token acting as a user: only as its own user (403). */
  private static void requireSelf(Caller.AccountUser u, Optional<String> by, String field) {
    if (by.isPresent() && !by.get().equals(u.user())) {
      throw ServerException.forbidden(field, "an account token acts as its own user `"
          + u.user() + "`");
    }
  }

  /** The role of the account token's user in {@code a} (member when not a user). */
  private static Role roleOf(Caller.AccountUser u, Directory.AccountInfo a) {
    return a.user(u.user()).map(Directory.UserInfo::role).orElse(Role.MEMBER);
  }

  /** The account of a meeting the caller reaches; 404 alike for unknown and unreachable ones. */
  private static String meetingOwner(Caller caller, Directory dir, String meeting, String prefix,
      Map<String, String> batchMeetings) {
    Optional<String> account = dir.meeting(meeting).map(Directory.MeetingInfo::account)
        .or(() -> Optional.ofNullable(batchMeetings.get(meeting)));
    if (account.isEmpty() || !caller.reaches(account.get())) {
      throw ServerException.notFound(prefix + "meeting", "no meeting `" + meeting + "`");
    }
    return account.get();
  }

  /**
   * Ids that account and service callers create are {@code ACCOUNT:LOCAL} with no colon in
   * {@code LOCAL}: one tenant can neither squat nor probe another's ids.
   */
  private static void requireOwnNamespace(String account, String id, String field) {
    String prefix = account + ":";
    if (!id.startsWith(prefix) || id.length() == prefix.length()
        || id.indexOf(':', prefix.length()) >= 0) {
      throw ServerException.invalid(field, "`" + id + "` is not in this account's id namespace:"
          + " ids created with an account or service token are `" + prefix + "LOCAL` (LOCAL "
          + "without `:`)");
    }
  }

  /** An account user acts as its own user, with the role §3 and the API require. */
  private static void authorizeUser(Caller.AccountUser u, Directory.AccountInfo a, Directory dir,
      Event e, String prefix) {
    Role role = roleOf(u, a);
    if ((e instanceof Event.GroupCreated || e instanceof Event.UserAdded)
        && !role.isAccountAdmin()) {
      throw ServerException.forbidden(prefix + "type", "`" + u.user() + "` (" + role.id()
          + ") may not append `" + e.type() + "`: owner or admin only");
    }
    requireSelf(u, byOf(e), prefix + "by");
    if (e instanceof Event.MeetingStarted m && !m.host().equals(u.user())
        && !role.isAccountAdmin()) {
      throw ServerException.forbidden(prefix + "host", "only the host or an admin starts a "
          + "meeting");
    }
    if (e instanceof Event.MeetingEnded m) {
      boolean host = dir.meeting(m.meeting()).map(x -> x.host().equals(u.user())).orElse(false);
      if (!host && !role.isAccountAdmin()) {
        throw ServerException.forbidden(prefix + "meeting", "only the host or an admin ends a "
            + "meeting");
      }
    }
  }

  private static Optional<String> byOf(Event e) {
    if (e instanceof Event.TermsAccepted x) {
      return Optional.of(x.by());
    }
    if (e instanceof Event.SettingSet x) {
      return Optional.of(x.by());
    }
    if (e instanceof Event.SettingCleared x) {
      return Optional.of(x.by());
    }
    if (e instanceof Event.ConsentGranted x) {
      return Optional.of(x.by());
    }
    if (e instanceof Event.ConsentWithdrawn x) {
      return Optional.of(x.by());
    }
    if (e instanceof Event.MeetingFeature x) {
      return Optional.of(x.by());
    }
    if (e instanceof Event.ValuedSettingSet x) {
      return Optional.of(x.by());
    }
    if (e instanceof Event.ContentDeleted x) {
      return Optional.of(x.by());
    }
    if (e instanceof Event.LegalHoldPlaced x) {
      return Optional.of(x.by());
    }
    if (e instanceof Event.LegalHoldReleased x) {
      return Optional.of(x.by());
    }
    if (e instanceof Event.UserRemoved x) {
      return Optional.of(x.by());
    }
    return Optional.empty();
  }

  /** Requires the account caller to be the account's owner or an admin; operators pass. */
  static void requireAdmin(Context ctx, Directory.AccountInfo a) {
    Caller c = Http.caller(ctx);
    if (c instanceof Caller.Operator) {
      return;
    }
    if (c instanceof Caller.AccountUser u) {
      Role role = roleOf(u, a);
      if (role.isAccountAdmin()) {
        return;
      }
      throw ServerException.forbidden("Authorization", "`" + u.user() + "` (" + role.id()
          + ") may not do this: owner or admin only");
    }
    throw ServerException.forbidden("Authorization", "only an owner or admin may do this");
  }

  /** Requires the operator token. */
  static void requireOperator(Context ctx) {
    if (!(Http.caller(ctx) instanceof Caller.Operator)) {
      throw ServerException.forbidden("Authorization", "the operator token is required");
    }
  }

  /**
   * The user an account-changing event is by: the caller's own user for account tokens (a
   * different {@code by} is refused), the given one or the owner for the operator.
   */
  static String actor(Context ctx, Directory.AccountInfo a, java.util.Optional<String> by) {
    Caller c = Http.caller(ctx);
    if (c instanceof Caller.AccountUser u) {
      requireSelf(u, by, "by");
      return u.user();
    }
    if (c instanceof Caller.Operator) {
      return by.orElseGet(() -> a.users().stream()
          .filter(x -> x.role() == Role.OWNER).map(Directory.UserInfo::user).findFirst()
          .orElseThrow(() -> new IllegalStateException("account `" + a.account()
              + "` has no owner")));
    }
    throw ServerException.forbidden("Authorization", "a service token may not change governance");
  }
}
