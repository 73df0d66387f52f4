package org.covenant.core.terms;

import java.util.Locale;

/** What a clause does when its patterns match (ARCHITECTURE.md §5). */
public enum Effect {
  PERMIT,
  FORBID;

  /** The lowercase id used in policy files. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
