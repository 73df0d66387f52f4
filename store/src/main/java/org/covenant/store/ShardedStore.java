package org.covenant.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;

/**
 * A shared store a cluster member can project part of (docs/CLUSTER.md, "Sharded projection"):
 * every stored event carries the account it belongs to ({@link ShardKey}), and the global ids
 * (accounts, meetings, content) are kept in a registry written in the same transaction as the
 * events, so a member that projects some accounts still validates ids against all of them.
 * {@link PostgresEventStore} implements it.
 */
public interface ShardedStore extends EventStore {
  /** The replicated-index event types every member projects for every account. */
  List<String> INDEXED_TYPES =
      List.of("account.created", "terms.accepted", "consent.granted", "consent.withdrawn");

  /**
   * The events after {@code afterPosition} and at most {@code upTo}, in position order, that
   * belong to one of {@code accounts} or are of an {@link #INDEXED_TYPES} type (for any account).
   * A call costs one pass over the rows of its range, so a caller reads a large range as
   * consecutive windows of a few thousand positions (one sequential pass over the ledger in all).
   */
  List<StoredEvent> readShard(long afterPosition, long upTo, Collection<String> accounts);

  /**
   * The events after {@code afterPosition} and at most {@code upTo}, in position order, that
   * belong to one of {@code accounts} (index events of other accounts not included): the
   * accounts a member gains in a move. The caller bounds the range (a window), as for
   * {@link #readShard}.
   */
  List<StoredEvent> readAccounts(long afterPosition, long upTo, Collection<String> accounts);

  /** Every account created at or before {@code upTo}, in creation order. */
  List<String> accounts(long upTo);

  /** The accounts of those of {@code ids} the registry holds (meetings or content), by id. */
  Map<String, String> accountsOf(ShardKey.Kind kind, Collection<String> ids);

  /**
   * Whether {@code participant} hosts the meeting of {@code account} or joined it, as of the
   * store's head.
   */
  boolean joined(String account, String meeting, String participant);
}
