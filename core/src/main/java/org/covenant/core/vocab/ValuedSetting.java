package org.covenant.core.vocab;

import java.util.Locale;
import java.util.Optional;
import org.covenant.core.event.Scope;

/**
 * The settings whose value is not a boolean (docs/DATA-RIGHTS.md). They are kept apart from
 * {@link Vocabulary#settings()} (the boolean settings every invariant check enumerates); a key
 * is known when it is in either. Both are "ceilings": a lower level may only shorten the number or
 * narrow the set that a higher level wrote; a lock works as in lock mode (ARCHITECTURE.md §3
 * check 5).
 */
public enum ValuedSetting {
  /** Days customer content is kept after capture; absent means kept until deleted. */
  RETENTION_DAYS("retention.days", Scope.Level.USER),
  /** The data-centre regions where customer content may be processed; absent means every one. */
  DATA_REGIONS_ALLOWED("data_regions.allowed", Scope.Level.GROUP);

  /** The longest retention accepted, in days (100 years): keeps capture + days in range. */
  public static final long MAX_DAYS = 36_500;

  private final String key;
  private final Scope.Level lowest;

  ValuedSetting(String key, Scope.Level lowest) {
    this.key = key;
    this.lowest = lowest;
  }

  /** The wire key. */
  public String key() {
    return key;
  }

  /** Whether the key may be written at this level. */
  public boolean settableAt(Scope.Level level) {
    return level.ordinal() <= lowest.ordinal();
  }

  /** The lowest level it may be written at, as a word. */
  public String lowestLevel() {
    return lowest.name().toLowerCase(Locale.ROOT);
  }

  /** The valued setting with this key. */
  public static Optional<ValuedSetting> of(String key) {
    for (ValuedSetting v : values()) {
      if (v.key.equals(key)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a region code is well formed: 1 to 32 characters of lowercase ASCII letters, digits
   * and hyphens, starting with a letter (as the telemetry's region dictionary spells them).
   */
  public static boolean regionCode(String code) {
    return code.matches("[a-z][a-z0-9-]{0,31}");
  }
}
