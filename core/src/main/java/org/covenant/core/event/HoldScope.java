package org.covenant.core.event;

import java.util.Objects;
import java.util.Optional;

/**
 * What a legal hold covers (docs/DATA-RIGHTS.md): {@code account}, {@code group:G},
 * {@code user:U} or {@code meeting:M}, always within the hold's account.
 *
 * @param kind what the id names
 * @param id the group, user or meeting id; empty for the whole account
 */
public record HoldScope(Kind kind, String id) {
  /** The four kinds of scope. */
  public enum Kind {
    ACCOUNT,
    GROUP,
    USER,
    MEETING;

    /** The lowercase wire prefix. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Validates that only the account scope has no id. */
  public HoldScope {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    if ((kind == Kind.ACCOUNT) != id.isEmpty()) {
      throw new IllegalArgumentException("hold scope " + kind.id() + " with id `" + id + "`");
    }
  }

  /** Parses {@code account}, {@code group:G}, {@code user:U} or {@code meeting:M}. */
  public static Optional<HoldScope> parse(String text) {
    if (text.equals("account")) {
      return Optional.of(new HoldScope(Kind.ACCOUNT, ""));
    }
    for (Kind k : new Kind[] {Kind.GROUP, Kind.USER, Kind.MEETING}) {
      String prefix = k.id() + ":";
      if (text.startsWith(prefix) && text.length() > prefix.length()) {
        return Optional.of(new HoldScope(k, text.substring(prefix.length())));
      }
    }
    return Optional.empty();
  }

  /** The wire form, the inverse of {@link #parse}. */
  @Override
  public String toString() {
    return kind == Kind.ACCOUNT ? "account" : kind.id() + ":" + id;
  }
}
