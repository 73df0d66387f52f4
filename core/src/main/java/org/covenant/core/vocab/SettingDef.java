package org.covenant.core.vocab;

import java.util.List;
import java.util.Objects;

/**
 * A boolean setting definition (ARCHITECTURE.md §2 settings table).
 *
 * @param key stable key, e.g. {@code recording.cloud}
 * @param ordinal dense index into {@link Vocabulary#settings()}
 * @param defaultValue the value when no level sets it
 * @param mode lock or ceiling resolution
 * @param parents keys that must all be effectively true for this one to be true
 */
public record SettingDef(
    String key, int ordinal, boolean defaultValue, SettingMode mode, List<String> parents) {
  /** Validates and copies. */
  public SettingDef {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(mode, "mode");
    parents = List.copyOf(parents);
  }
}
