package org.covenant.store;

import org.covenant.core.spi.EventStore;

/** The contract on the in-memory adapter (one object is the whole store; close is a no-op). */
class InMemoryEventStoreTest extends EventStoreContract {
  @Override
  protected EventStore createStore() {
    return InMemoryEventStore.create();
  }

  @Override
  protected EventStore sameStore(EventStore store) {
    return store;
  }

  @Override
  protected EventStore reopen(EventStore store) {
    return store;
  }
}
