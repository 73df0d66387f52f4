package org.covenant.safety;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link ReviewStore} in memory: for tests, the demo and single-process use. Thread-safe. */
public final class InMemoryReviewStore implements ReviewStore {
  private final Map<String, ReviewItem> items = new LinkedHashMap<>();

  private InMemoryReviewStore() {}

  /** An empty store. */
  public static InMemoryReviewStore create() {
    return new InMemoryReviewStore();
  }

  @Override
  public synchronized Optional<ReviewItem> find(String contentId) {
    return Optional.ofNullable(items.get(contentId));
  }

  @Override
  public synchronized void put(ReviewItem item) {
    items.put(item.contentId(), item);
  }

  @Override
  public synchronized List<ReviewItem> all() {
    return new ArrayList<>(items.values());
  }
}
