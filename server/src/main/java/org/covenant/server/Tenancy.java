package org.covenant.server;

import io.javalin.http.Context;
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
    if (c instanceof Caller.AccountUser u && !u.account().equals(account)) {
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
    if (c instanceof Caller.AccountUser u && !u.account().equals(m.account())) {
      throw ServerException.notFound("meeting", "no meeting `" + meeting + "`");
    }
    return m;
  }

  /** Requires the account caller to be the account's owner or an admin; operators pass. */
  static void requireAdmin(Context ctx, Directory.AccountInfo a) {
    Caller c = Http.caller(ctx);
    if (c instanceof Caller.Operator) {
      return;
    }
    if (c instanceof Caller.AccountUser u) {
      Role role = a.user(u.user()).map(Directory.UserInfo::role).orElse(Role.MEMBER);
      if (role.isAccountAdmin()) {
        return;
      }
      throw ServerException.forbidden("Authorization", "`" + u.user() + "` (" + role.id()
          + ") may not do this: owner or admin only");
    }
    throw ServerException.forbidden("Authorization", "a service token may not do this");
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
      if (by.isPresent() && !by.get().equals(u.user())) {
        throw ServerException.forbidden("by", "an account token acts as its own user `"
            + u.user() + "`");
      }
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
