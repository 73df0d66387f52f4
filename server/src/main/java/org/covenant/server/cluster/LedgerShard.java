package org.covenant.server.cluster;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.covenant.store.Ledger;

/**
 * A member's {@link Shard} over its sharded {@link Ledger} (docs/CLUSTER.md, "Sharded
 * projection"): resharding loads the accounts gained from PostgreSQL by account and drops the
 * accounts lost; an account is ready once owned and loaded; meetings and content of any account
 * resolve through the projection or the ledger's registry of global ids.
 */
public final class LedgerShard implements Shard {
  private final Ledger ledger;

  /** The shard over {@code ledger}, opened with {@link Ledger#openShard}. */
  public LedgerShard(Ledger ledger) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    if (!ledger.sharded()) {
      throw new IllegalArgumentException("the ledger projects every account: open it with "
          + "Ledger.openShard");
    }
  }

  @Override
  public void reshard(Predicate<String> owns) {
    ledger.reshard(owns);
  }

  @Override
  public boolean ready(String account) {
    return ledger.ready(account);
  }

  @Override
  public Optional<String> accountOfMeeting(String meeting) {
    return ledger.accountOfMeeting(meeting);
  }

  @Override
  public Optional<String> accountOfContent(String content) {
    return ledger.accountOfContent(content);
  }
}
