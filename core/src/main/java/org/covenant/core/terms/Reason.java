package org.covenant.core.terms;

import java.util.Locale;

/** Why a decision denies (ARCHITECTURE.md §5); lowercase snake codes on the wire. */
public enum Reason {
  UNKNOWN_CONTENT,
  /** docs/DATA-RIGHTS.md: the content was deleted at or before the time of use. */
  CONTENT_DELETED,
  /** docs/DATA-RIGHTS.md: older than the retention in force at the time of use. */
  RETENTION_EXPIRED,
  /** docs/DATA-RIGHTS.md: the owning account does not allow the region named. */
  REGION_NOT_ALLOWED,
  NO_TERMS_ACCEPTED,
  CAPTURED_UNDER_OTHER_TERMS,
  FORBIDDEN,
  NO_PERMITTING_CLAUSE,
  SETTING_DISABLED,
  PARENT_DISABLED,
  FEATURE_NOT_ACTIVE,
  CONSENT_MISSING,
  CONSENT_WITHDRAWN,
  CONSENT_NOT_AT_CAPTURE,
  CONTRIBUTOR_CONSENT_MISSING,
  NOTICE_NOT_ACKNOWLEDGED,
  /** The ledger could not be read recently enough: decisions that need it fail closed. */
  STORE_UNAVAILABLE;

  /** The wire code. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The reason with this code, or null. */
  public static Reason ofCode(String code) {
    for (Reason r : values()) {
      if (r.code().equals(code)) {
        return r;
      }
    }
    return null;
  }
}
