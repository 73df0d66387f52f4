package org.covenant.store;

import java.util.List;
import org.covenant.core.spi.StoredEvent;

/** Argument checks every adapter applies the same way. */
final class StoreChecks {
  private StoreChecks() {}

  static void readArguments(long afterPosition, int limit) {
    if (afterPosition < 0) {
      throw new IllegalArgumentException("afterPosition " + afterPosition + " is negative");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit " + limit + " is below 1");
    }
  }

  static void knownHead(long knownHead, long head) {
    if (knownHead < 0) {
      throw new IllegalArgumentException("knownHead " + knownHead + " is negative");
    }
    if (knownHead > head) {
      throw new StoreException(StoreException.CORRUPT, "the ledger's head is " + head
          + " but position " + knownHead + " was seen before: it was replaced by an older copy");
    }
  }

  /** INVARIANT: a batch continues the ledger with no gap and no overlap. */
  static void batch(List<StoredEvent> batch, long head) {
    long expected = head + 1;
    for (StoredEvent e : batch) {
      if (e.position() != expected) {
        throw new IllegalArgumentException("event at position " + e.position()
            + " does not follow the head: expected position " + expected);
      }
      expected++;
    }
  }

  static StoreException duplicateKey(String key) {
    return new StoreException(StoreException.CONFLICT,
        "idempotency key `" + key + "` is already stored");
  }
}
