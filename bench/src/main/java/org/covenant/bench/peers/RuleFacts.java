package org.covenant.bench.peers;

/**
 * What a peer engine is given for one request of the consent rule, precomputed from the ledger
 * because none of the peers can read a history "as of capture time" by itself: the owning
 * account's {@code ai_training} consent at capture and at use, and the raw setting entries of
 * {@code ai_companion.enabled} on the chain account → group → user of the content's meeting host
 * at the time of use (no meeting: the account level alone). Resolving those entries (the lock at
 * account level beats everything, then a group lock, then the most specific value, else the
 * default, false) is left to the peer's own rule language. A level's value and lock are false
 * when the level holds nothing.
 *
 * @param purpose the purpose asking (always {@code ai.training} in the workload)
 * @param category the content's category id, e.g. {@code customer_content.audio}
 * @param consentAtCapture the owner's consent was in force when the content was created
 * @param consentAtUse the owner's consent is in force at the time of use
 * @param accountSet the account level holds a value
 * @param accountValue that value
 * @param accountLocked that value is locked
 * @param groupSet the host's group holds a value
 * @param groupValue that value
 * @param groupLocked that value is locked
 * @param userSet the host's own level holds a value (a lock there has no effect)
 * @param userValue that value
 */
public record RuleFacts(String purpose, String category, boolean consentAtCapture,
    boolean consentAtUse, boolean accountSet, boolean accountValue, boolean accountLocked,
    boolean groupSet, boolean groupValue, boolean groupLocked, boolean userSet,
    boolean userValue) {

  /** The rule written out in plain Java: the reference the generator's model is checked by. */
  public boolean expected() {
    return purpose.equals("ai.training") && category.startsWith("customer_content.")
        && consentAtCapture && consentAtUse && featureOn();
  }

  /** The effective setting in lock mode (ARCHITECTURE.md §4), from the raw entries. */
  public boolean featureOn() {
    if (accountSet && accountLocked) {
      return accountValue;
    }
    if (groupSet && groupLocked) {
      return groupValue;
    }
    if (userSet) {
      return userValue;
    }
    if (groupSet) {
      return groupValue;
    }
    return accountSet && accountValue;
  }
}
