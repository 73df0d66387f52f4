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
  private final java.util.function.Function<java.util.Set<String>, MemberCheckpoints.Starts>
      sources;

  /** The shard over {@code ledger}, opened with {@link Ledger#openShard}. */
  public LedgerShard(Ledger ledger) {
    this(ledger, departed -> new MemberCheckpoints.Starts(java.util.List.of(),
        java.util.Set.of(), Optional.empty()));
  }

  /**
   * The shard over {@code ledger}, a move taking the accounts it gains from the checkpoints
   * {@code sources} gives for the members that left (docs/CLUSTER.md, "Moves in the
   * projection", rule 7), else by account.
   */
  public LedgerShard(Ledger ledger,
      java.util.function.Function<java.util.Set<String>, MemberCheckpoints.Starts> sources) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.sources = Objects.requireNonNull(sources, "sources");
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
  public void reshard(Predicate<String> owns, java.util.Set<String> departed) {
    if (departed.isEmpty()) {
      ledger.reshard(owns);
      return;
    }
    try (MemberCheckpoints.Starts starts = sources.apply(departed)) {
      ledger.reshard(owns, starts.starts());
    }
  }

  @Override
  public Optional<String> lastMove() {
    return ledger.lastMove();
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
