package org.covenant.store;

import org.covenant.core.CovenantException;

/**
 * The store module's exception family: infrastructure failures and broken contracts, never
 * outcomes (a rejected event is an {@link AppendResult.Rejected}). Codes:
 * {@code store_unavailable} (the database went away or is locked; nothing was half-written; the
 * same {@link Ledger} recovers when it returns), {@code corrupt_store} (not a Covenant ledger, or
 * damaged; never overwritten), {@code schema_too_new} (written by a newer Covenant),
 * {@code conflict} (a caller broke the store's contract), {@code invalid_config},
 * {@code not_owner} (a cluster member asked to append for an account it does not project).
 */
public final class StoreException extends CovenantException {
  private static final long serialVersionUID = 1L;

  /** The database is unreachable, read-only or locked; retry when it returns. */
  public static final String UNAVAILABLE = "store_unavailable";
  /** Not a Covenant ledger, or damaged. */
  public static final String CORRUPT = "corrupt_store";
  /** The schema is newer than this code knows. */
  public static final String SCHEMA_TOO_NEW = "schema_too_new";
  /** A contract violation such as a duplicate idempotency key offered to the store. */
  public static final String CONFLICT = "conflict";
  /**
   * A cluster member was asked to append for an account it does not project (owned by another
   * member, or moving here): nothing was appended; send it to the owner.
   */
  public static final String NOT_OWNER = "not_owner";
  /** A configuration that names no usable store. */
  public static final String INVALID_CONFIG = "invalid_config";

  /** An exception with one of the codes above. */
  public StoreException(String code, String message) {
    super(code, message);
  }

  /** An exception with one of the codes above and its cause. */
  public StoreException(String code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
