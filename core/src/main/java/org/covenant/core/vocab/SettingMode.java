package org.covenant.core.vocab;

/** How a setting resolves along account → group → user (ARCHITECTURE.md §4). */
public enum SettingMode {
  /** A locked higher level wins; else the most specific value set. */
  LOCK,
  /** The AND of every value set: a lower level can only restrict. */
  CEILING;

  /** The lowercase id used in files and exports. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
