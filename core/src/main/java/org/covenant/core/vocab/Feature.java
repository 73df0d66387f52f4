package org.covenant.core.vocab;

import java.util.Objects;

/**
 * A meeting feature (ARCHITECTURE.md §3 feature keys): it is gated by the setting of the same key
 * and shows a notice while active (§6).
 *
 * @param key the feature key, also the setting key
 * @param ordinal dense index into {@link Vocabulary#features()}
 * @param setting the setting that gates it
 * @param notice the notice shown while it is active
 */
public record Feature(String key, int ordinal, SettingDef setting, Notice notice) {
  /** Validates the fields. */
  public Feature {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(setting, "setting");
    Objects.requireNonNull(notice, "notice");
  }
}
