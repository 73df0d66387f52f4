package org.covenant.server.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored API token: never the secret, only its SHA-256. Account tokens name an account and a
 * user; service tokens the purposes they may ask about; operator tokens neither; participant
 * tokens the meeting's account, their binding and an expiry.
 *
 * @param id public id, for listing and revoking
 * @param kind operator, account or service
 * @param name a label for humans
 * @param account the account of an account token
 * @param user the user of an account token
 * @param purposes the purposes a service token may ask decisions for
 * @param accounts the accounts a service token acts in (none: it acts nowhere)
 * @param role what a service token may append (none: nothing, as {@link ServiceRole#DECISIONS})
 * @param created when it was issued
 * @param expires when it stops working, if ever
 * @param sha256 hex SHA-256 of the secret
 * @param participant what a participant token is bound to
 */
public record ApiToken(
    String id,
    TokenKind kind,
    String name,
    Optional<String> account,
    Optional<String> user,
    List<String> purposes,
    List<String> accounts,
    Optional<ServiceRole> role,
    Instant created,
    Optional<Instant> expires,
    String sha256,
    Optional<ParticipantBinding> participant) {
  /** Validates the shape of each kind. */
  public ApiToken {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(user, "user");
    purposes = List.copyOf(purposes);
    accounts = List.copyOf(accounts);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expires, "expires");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(participant, "participant");
    if ((kind == TokenKind.ACCOUNT) != user.isPresent()
        || (kind == TokenKind.ACCOUNT || kind == TokenKind.PARTICIPANT) != account.isPresent()) {
      throw new IllegalArgumentException("an account token, and only it, names account and user;"
          + " a participant token names the meeting's account");
    }
    if ((kind == TokenKind.PARTICIPANT) != participant.isPresent()) {
      throw new IllegalArgumentException("a participant token, and only it, is bound to a "
          + "meeting and participant");
    }
    if (kind == TokenKind.PARTICIPANT && expires.isEmpty()) {
      throw new IllegalArgumentException("a participant token expires");
    }
    if (kind != TokenKind.SERVICE && !purposes.isEmpty()) {
      throw new IllegalArgumentException("only service tokens carry purposes");
    }
    if (kind != TokenKind.SERVICE && (!accounts.isEmpty() || role.isPresent())) {
      throw new IllegalArgumentException("only service tokens are bound to accounts and a role");
    }
  }

  /** A token that is not a participant's. */
  public ApiToken(String id, TokenKind kind, String name, Optional<String> account,
      Optional<String> user, List<String> purposes, List<String> accounts,
      Optional<ServiceRole> role, Instant created, Optional<Instant> expires, String sha256) {
    this(id, kind, name, account, user, purposes, accounts, role, created, expires, sha256,
        Optional.empty());
  }

  /** A token without service accounts or role (operator and account tokens). */
  public ApiToken(String id, TokenKind kind, String name, Optional<String> account,
      Optional<String> user, List<String> purposes, Instant created, Optional<Instant> expires,
      String sha256) {
    this(id, kind, name, account, user, purposes, List.of(), Optional.empty(), created, expires,
        sha256);
  }

  /** True when expired at {@code now}. */
  public boolean expiredAt(Instant now) {
    return expires.isPresent() && !now.isBefore(expires.get());
  }
}
