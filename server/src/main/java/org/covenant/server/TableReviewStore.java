package org.covenant.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.covenant.safety.ReviewItem;
import org.covenant.safety.ReviewJson;
import org.covenant.safety.ReviewStore;
import org.covenant.store.DocumentTable;

/**
 * One account's review queue in the server's review table: each item is a row keyed by
 * (account, content id), stored as {@link ReviewJson}. Every hold, release and confirm is written
 * before the route answers, so a restart keeps them; a database that cannot be reached fails the
 * request with {@code store_unavailable} (503) and nothing is held or decided.
 */
final class TableReviewStore implements ReviewStore {
  private final DocumentTable table;
  private final String account;

  TableReviewStore(DocumentTable table, String account) {
    this.table = table;
    this.account = account;
  }

  @Override
  public Optional<ReviewItem> find(String contentId) {
    return table.find(account, contentId).map(ReviewJson::read);
  }

  @Override
  public void put(ReviewItem item) {
    table.put(account, item.contentId(), ReviewJson.write(item));
  }

  @Override
  public List<ReviewItem> all() {
    List<ReviewItem> out = new ArrayList<>();
    for (String doc : table.all(account)) {
      out.add(ReviewJson.read(doc));
    }
    return out;
  }
}
