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

  /** A product service limited to some purposes. */
  record Service(String tokenId, String name, Set<String> purposes) implements Caller {
    /** Validates and copies. */
    public Service {
      Objects.requireNonNull(tokenId, "tokenId");
      Objects.requireNonNull(name, "name");
      purposes = Set.copyOf(purposes);
    }
  }
}
