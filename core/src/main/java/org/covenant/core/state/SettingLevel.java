package org.covenant.core.state;

import java.util.Locale;

/** The level that decided an effective setting (ARCHITECTURE.md §4). */
public enum SettingLevel {
  ACCOUNT,
  GROUP,
  USER,
  DEFAULT,
  /** A parent setting is effectively false and forces this one false. */
  PARENT;

  /** The lowercase id used in answers. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
