package org.covenant.core.spi;

import java.util.Optional;

/**
 * What validation needs to know about ids the projection does not hold (ARCHITECTURE.md §3:
 * account, meeting and content ids are global). A member of a cluster projects only the accounts
 * it owns (docs/CLUSTER.md, "Sharded projection"), so a meeting or content of another account is
 * not in its projection; the checks that must see every account's ids ({@code duplicate_id}, a
 * {@code content.created} or legal hold naming a meeting of another account) ask this port when
 * the projection does not know the id, in the same §3 order as for a local one.
 *
 * <p>Answers are as of the ledger's head (the event being validated comes after it). In a single
 * projection of the whole ledger the port is {@link #NONE}: the projection itself knows every id.
 */
public interface GlobalIds {
  /** No ids beyond the projection's own: the single (unsharded) projection. */
  GlobalIds NONE = new GlobalIds() {
    @Override
    public Optional<String> meetingAccount(String meeting) {
      return Optional.empty();
    }

    @Override
    public boolean joined(String meeting, String participant) {
      return false;
    }

    @Override
    public boolean contentExists(String content) {
      return false;
    }
  };

  /** The account of a meeting started in the ledger that the projection does not hold. */
  Optional<String> meetingAccount(String meeting);

  /**
   * Whether {@code participant} is the host of that meeting (one {@link #meetingAccount} found)
   * or joined it at least once.
   */
  boolean joined(String meeting, String participant);

  /** Whether a content item with this id was created in the ledger (any account). */
  boolean contentExists(String content);
}
