package org.covenant.core.state;

/** The state of an account's consent at an instant (ARCHITECTURE.md §5 consent conditions). */
public enum ConsentStatus {
  /** Granted and not withdrawn since. */
  IN_FORCE,
  /** Not in force, but it was granted at some time before. */
  WITHDRAWN,
  /** Never granted up to that time (or the account does not exist). */
  MISSING
}
