package org.covenant.core.event;

import java.util.Locale;

/**
 * Why an event was rejected (ARCHITECTURE.md §3). Declared in the order the checks run: the first
 * failing check is the code. {@link #INVALID_ID} is Covenant's own (docs/DECISIONS.md): an
 * identifier that breaks {@link Identifiers}, checked by the ledger at its head before §3's.
 */
public enum RejectionCode {
  INVALID_ID,
  OUT_OF_ORDER,
  UNKNOWN_ACCOUNT,
  UNKNOWN_SETTING,
  UNKNOWN_CONSENT,
  UNKNOWN_TERMS,
  UNKNOWN_FEATURE,
  UNKNOWN_NOTICE,
  UNKNOWN_CATEGORY,
  UNKNOWN_GROUP,
  UNKNOWN_USER,
  UNKNOWN_MEETING,
  UNKNOWN_PARTICIPANT,
  MEETING_ENDED,
  DUPLICATE_ID,
  NOT_AUTHORIZED,
  SETTING_LOCKED,
  SETTING_CEILING,
  FEATURE_DISABLED;

  /** The lowercase snake code, as in {@code rejected:setting_locked}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The code with this id, or null. */
  public static RejectionCode ofCode(String code) {
    for (RejectionCode c : values()) {
      if (c.code().equals(code)) {
        return c;
      }
    }
    return null;
  }
}
