package org.covenant.server.auth;

import java.util.Locale;
import java.util.Optional;

/** The three kinds of API token. */
public enum TokenKind {
  /** Everything, every account; creates accounts, tokens and scratch namespaces. */
  OPERATOR,
  /** A user of one account; the user's role decides what they may change (ARCHITECTURE.md §3). */
  ACCOUNT,
  /** A product service: asks decisions for its purposes and reports meetings and content. */
  SERVICE,
  /**
   * One participant of one meeting, short-lived: reads their notices, joins, acknowledges and
   * leaves as them, nothing else.
   */
  PARTICIPANT;

  /** The wire id. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind with this id. */
  public static Optional<TokenKind> of(String id) {
    for (TokenKind k : values()) {
      if (k.id().equals(id)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
