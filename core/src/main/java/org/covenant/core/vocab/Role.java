package org.covenant.core.vocab;

import java.util.Locale;
import java.util.Optional;

/** A user's role in an account (ARCHITECTURE.md §2). */
public enum Role {
  OWNER,
  ADMIN,
  GROUP_ADMIN,
  MEMBER;

  /** The stable id used in events. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for the owner and admins, who may change account-wide governance. */
  public boolean isAccountAdmin() {
    return this == OWNER || this == ADMIN;
  }

  /** The role with this id, if any. */
  public static Optional<Role> of(String id) {
    for (Role r : values()) {
      if (r.id().equals(id)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
