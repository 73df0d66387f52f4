package org.covenant.core.state;

import java.util.Objects;

/**
 * An effective setting with its explanation (ARCHITECTURE.md §4).
 *
 * @param value the effective value, parents included
 * @param level the deciding level; {@link SettingLevel#PARENT} when a parent forces false
 * @param locked true when a lock (account, then group) decided
 * @param position the ledger position of the deciding write; 0 for the default or a parent
 */
public record SettingResolution(boolean value, SettingLevel level, boolean locked, long position) {
  /** Validates the fields. */
  public SettingResolution {
    Objects.requireNonNull(level, "level");
  }

  /** True when a parent is effectively false (reason {@code parent_disabled}). */
  public boolean parentDisabled() {
    return level == SettingLevel.PARENT;
  }
}
