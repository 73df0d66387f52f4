package org.covenant.safety;

import java.util.List;
import java.util.Optional;

/**
 * Port: persistence of the review queue, keyed by content id. Adapters: {@link
 * InMemoryReviewStore}; the server's {@code TableReviewStore} (SQLite or PostgreSQL through the
 * store module's {@code DocumentTable}, items as {@link ReviewJson}).
 */
public interface ReviewStore {
  /** The item for {@code contentId}, if any. */
  Optional<ReviewItem> find(String contentId);

  /** Inserts or replaces the item with the same content id (keeping its first position). */
  void put(ReviewItem item);

  /** Every item, in the order first put. */
  List<ReviewItem> all();
}
