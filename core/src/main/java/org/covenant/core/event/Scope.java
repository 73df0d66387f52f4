package org.covenant.core.event;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a setting is written (ARCHITECTURE.md §3): {@code account}, {@code group:G} or
 * {@code user:U}.
 *
 * @param level the level of the hierarchy
 * @param id the group or user id; empty for the account level
 */
public record Scope(Level level, String id) {
  /** The three levels, highest first. */
  public enum Level {
    ACCOUNT,
    GROUP,
    USER;

    /** The lowercase id used in answers ({@code account}, {@code group}, {@code user}). */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Validates that group and user scopes name an id and the account scope does not. */
  public Scope {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(id, "id");
    if ((level == Level.ACCOUNT) != id.isEmpty()) {
      throw new IllegalArgumentException("scope " + level.id() + " with id `" + id + "`");
    }
  }

  /** The account-level scope. */
  public static Scope account() {
    return new Scope(Level.ACCOUNT, "");
  }

  /** A group scope. */
  public static Scope group(String group) {
    return new Scope(Level.GROUP, group);
  }

  /** A user scope. */
  public static Scope user(String user) {
    return new Scope(Level.USER, user);
  }

  /** Parses {@code account}, {@code group:G} or {@code user:U}; empty when malformed. */
  public static Optional<Scope> parse(String text) {
    if (text.equals("account")) {
      return Optional.of(account());
    }
    if (text.startsWith("group:") && text.length() > 6) {
      return Optional.of(group(text.substring(6)));
    }
    if (text.startsWith("user:") && text.length() > 5) {
      return Optional.of(user(text.substring(5)));
    }
    return Optional.empty();
  }

  /** The wire form, the inverse of {@link #parse}. */
  @Override
  public String toString() {
    return level == Level.ACCOUNT ? "account" : level.id() + ":" + id;
  }
}
