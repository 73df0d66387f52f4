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
  /** docs/DATA-RIGHTS.md: {@code content.deleted} of content not created (it names the account). */
  UNKNOWN_CONTENT,
  UNKNOWN_SETTING,
  UNKNOWN_CONSENT,
  UNKNOWN_TERMS,
  UNKNOWN_FEATURE,
  UNKNOWN_NOTICE,
  UNKNOWN_CATEGORY,
  UNKNOWN_GROUP,
  UNKNOWN_USER,
  /** docs/DATA-RIGHTS.md: a removed user acts, or is named as a setting scope or removed again. */
  USER_REMOVED,
  UNKNOWN_MEETING,
  UNKNOWN_PARTICIPANT,
  /** docs/DATA-RIGHTS.md: {@code legal_hold.released} of a hold never placed in the account. */
  UNKNOWN_HOLD,
  MEETING_ENDED,
  /** docs/DATA-RIGHTS.md: a value that does not fit its setting, or a level it may not be set at. */
  INVALID_VALUE,
  DUPLICATE_ID,
  NOT_AUTHORIZED,
  SETTING_LOCKED,
  SETTING_CEILING,
  FEATURE_DISABLED,
  /** docs/DATA-RIGHTS.md: {@code content.deleted} of content a legal hold covers. */
  LEGAL_HOLD;

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
