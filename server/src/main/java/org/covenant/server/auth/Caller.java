package org.covenant.server.auth;

import java.util.Objects;
import java.util.Set;

/** Who is calling the API, established from the bearer token of each request. */
public sealed interface Caller {
  /** The id of the token used. */
  String tokenId();

  /** The operator: every route, every account. */
  record Operator(String tokenId) implements Caller {
    /** Validates the fields. */
    public Operator {
      Objects.requireNonNull(tokenId, "tokenId");
    }
  }

  /** A user of one account; never sees another account. */
  record AccountUser(String tokenId, String account, String user) implements Caller {
    /** Validates the fields. */
    public AccountUser {
      Objects.requireNonNull(tokenId, "tokenId");
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(user, "user");
    }
  }

  /**
   * A product service: asks decisions for some purposes, acts only in the accounts it is bound
   * to, and appends only the event types of its role.
   */
  record Service(String tokenId, String name, Set<String> purposes, Set<String> accounts,
      ServiceRole role) implements Caller {
    /** Validates and copies. */
    public Service {
      Objects.requireNonNull(tokenId, "tokenId");
      Objects.requireNonNull(name, "name");
      purposes = Set.copyOf(purposes);
      accounts = Set.copyOf(accounts);
      Objects.requireNonNull(role, "role");
    }
  }

  /**
   * One participant of one meeting (a participant token): reaches no account; the meeting
   * routes let it read its own notices and join, acknowledge and leave as itself.
   */
  record Participant(String tokenId, String account, ParticipantBinding binding)
      implements Caller {
    /** Validates the fields. */
    public Participant {
      Objects.requireNonNull(tokenId, "tokenId");
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(binding, "binding");
    }
  }

  /**
   * Whether this caller may read and act in {@code account} (the operator: everywhere; a
   * participant: nowhere, only in its meeting as itself).
   */
  default boolean reaches(String account) {
    if (this instanceof Operator) {
      return true;
    }
    if (this instanceof Participant) {
      return false;
    }
    if (this instanceof AccountUser u) {
      return u.account().equals(account);
    }
    return ((Service) this).accounts().contains(account);
  }
}
