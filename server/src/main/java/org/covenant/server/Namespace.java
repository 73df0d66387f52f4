package org.covenant.server;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.Snapshot;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.covenant.store.StoreException;

/**
 * One ledger the API serves, with what the server keeps beside it: the tenancy
 * {@link Directory}, the decision engine, the decision log and how fresh the ledger's projection
 * is. The server has one main namespace (the data directory's or PostgreSQL's ledger) and, for
 * scenario runs, scratch namespaces in memory that only the operator can create.
 *
 * <p>Freshness (fail closed): {@link #refresh()} runs periodically; while the store cannot be
 * read, the projection keeps answering from the last snapshot, but once it is older than
 * {@code staleAfter}, {@link #stale()} is true and decisions that depend on consents or settings
 * deny with {@code store_unavailable}. Writes fail with 503 at once.
 */
public final class Namespace implements AutoCloseable {
  private final String id;
  private final Ledger ledger;
  private final Directory directory;
  private final DecisionEngine engine;
  private final DecisionLog decisions;
  private final Clock clock;
  private final Duration staleAfter;
  private volatile long freshAt;
  private volatile boolean storeUp = true;
  /** When the refresh in progress started (0: none). */
  private volatile long refreshingSince;
  private final java.util.concurrent.CopyOnWriteArrayList<AutoCloseable> closeFirst =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private Namespace(String id, Ledger ledger, Directory directory, DecisionLog decisions,
      Clock clock, Duration staleAfter) {
    this.id = Objects.requireNonNull(id, "id");
    this.directory = directory;
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.engine = DecisionEngine.create(ledger.catalog());
    this.decisions = Objects.requireNonNull(decisions, "decisions");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    this.freshAt = clock.millis();
  }

  /** A namespace over an open ledger, which it then owns. */
  public static Namespace over(String id, Ledger ledger, DecisionLog decisions, Clock clock,
      Duration staleAfter) {
    Namespace[] self = new Namespace[1];
    Directory directory = new Directory(positions -> self[0].eventsAt(positions),
        ledger::snapshot);
    self[0] = new Namespace(id, ledger, directory, decisions, clock, staleAfter);
    return self[0];
  }

  /**
   * Opens the ledger the configuration names and a namespace over it; the directory reads the
   * ledger's projection (nothing is replayed but the projection's own replay).
   *
   * @throws StoreException as {@link Ledger#open(LedgerConfig, TermsCatalog)}
   */
  public static Namespace open(String id, LedgerConfig config, TermsCatalog catalog,
      DecisionLog decisions, Clock clock, Duration staleAfter) {
    return open(id, config, catalog, decisions, clock, staleAfter, List.of());
  }

  /**
   * As {@link #open(String, LedgerConfig, TermsCatalog, DecisionLog, Clock, Duration)}, the
   * ledger's projection starting from the first of {@code starts} (projection checkpoints) that
   * holds ({@link Ledger#open(LedgerConfig, TermsCatalog, java.util.function.Consumer, List)}).
   * The directory reads everything from the projection (the checkpoint holds the ledger's index
   * by account too), so a start from a checkpoint reads only the ledger's tail.
   */
  public static Namespace open(String id, LedgerConfig config, TermsCatalog catalog,
      DecisionLog decisions, Clock clock, Duration staleAfter,
      List<? extends Ledger.Start> starts) {
    Ledger ledger;
    try {
      ledger = Ledger.open(config, catalog, page -> {}, starts);
    } catch (RuntimeException e) {
      decisions.close();
      throw e;
    }
    try {
      return over(id, ledger, decisions, clock, staleAfter);
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
  }

  /**
   * Opens a shared PostgreSQL ledger as a cluster member projecting only the accounts {@code
   * owns} accepts ({@link Ledger#openShard}; the cluster thread changes the set with {@link
   * Ledger#reshard}) and a namespace over it (docs/CLUSTER.md, "Sharded projection"). The
   * directory reads the projection, which holds the owned accounts in full (their index by
   * account included) and every account's replicated index.
   *
   * @throws StoreException as {@link Ledger#openShard}
   */
  public static Namespace openShard(String id, LedgerConfig.Postgres config,
      TermsCatalog catalog, java.util.function.Predicate<String> owns, DecisionLog decisions,
      Clock clock, Duration staleAfter) {
    return openShard(id, config, catalog, owns, decisions, clock, staleAfter, List.of());
  }

  /**
   * As above, starting from the first of {@code starts} (member checkpoints, docs/CLUSTER.md,
   * "Checkpoints") that holds, then moving to the accounts {@code owns} accepts.
   */
  public static Namespace openShard(String id, LedgerConfig.Postgres config,
      TermsCatalog catalog, java.util.function.Predicate<String> owns, DecisionLog decisions,
      Clock clock, Duration staleAfter, List<? extends Ledger.Start> starts) {
    Ledger ledger;
    try {
      ledger = Ledger.openShard(config, catalog, owns, page -> { }, projection -> { }, starts);
    } catch (RuntimeException e) {
      decisions.close();
      throw e;
    }
    try {
      return over(id, ledger, decisions, clock, staleAfter);
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
  }

  /** The namespace id ({@code main} for the data directory's ledger). */
  public String id() {
    return id;
  }

  /** The ledger. */
  public Ledger ledger() {
    return ledger;
  }

  /** The tenancy projection. */
  public Directory directory() {
    return directory;
  }

  /** The decision engine over the ledger's terms. */
  public DecisionEngine engine() {
    return engine;
  }

  /** The decision log of this namespace. */
  public DecisionLog decisions() {
    return decisions;
  }

  /** The projection at the head: O(1), never touches the store. */
  public Snapshot snapshot() {
    return ledger.snapshot();
  }

  /**
   * Appends a batch. Rejections are values in the results.
   *
   * @throws ServerException 503 {@code store_unavailable} when the store cannot be written;
   *     nothing of the batch is then visible
   */
  public List<AppendResult> append(List<Append> batch) {
    try {
      List<AppendResult> results = ledger.append(batch);
      markFresh();
      return results;
    } catch (StoreException e) {
      if (StoreException.UNAVAILABLE.equals(e.code())) {
        storeUp = false;
        throw ServerException.storeUnavailable("the ledger store cannot be written: "
            + e.getMessage(), e);
      }
      throw e;
    }
  }

  /**
   * A batch whose accounts several cluster members own, appended here (docs/CLUSTER.md,
   * "Batches that span owners"): its accounts loaded beside the projection ({@link Ledger#span})
   * and a directory over them, which the batch is authorised against as the owners' projections
   * would authorise it.
   */
  record Spanning(Ledger.Span span, Directory directory) {}

  /**
   * Loads the accounts of a spanning batch.
   *
   * @throws ServerException 503 {@code store_unavailable} when the store cannot be read
   */
  Spanning span(List<String> accounts) {
    try {
      Ledger.Span span = ledger.span(accounts);
      return new Spanning(span, new Directory(this::eventsAt, span::snapshot));
    } catch (StoreException e) {
      throw unavailable(e, "read");
    }
  }

  /**
   * Appends a spanning batch ({@link Ledger.Span#append}); as {@link #append(List)}.
   *
   * @throws ServerException 503 {@code store_unavailable} when the store cannot be written;
   *     nothing of the batch is then stored
   */
  List<AppendResult> append(Spanning spanning, List<Append> batch) {
    try {
      List<AppendResult> results = spanning.span().append(batch);
      markFresh();
      return results;
    } catch (StoreException e) {
      throw unavailable(e, "written");
    }
  }

  private RuntimeException unavailable(StoreException e, String what) {
    if (StoreException.UNAVAILABLE.equals(e.code())) {
      storeUp = false;
      return ServerException.storeUnavailable("the ledger store cannot be " + what + ": "
          + e.getMessage(), e);
    }
    return e;
  }

  /**
   * Reads what other processes appended to a shared store and records that the projection is
   * fresh; when the store is unreachable, records that and returns false.
   */
  public boolean refresh() {
    refreshingSince = Math.max(1, clock.millis());
    try {
      ledger.refresh();
      markFresh();
      return true;
    } catch (StoreException e) {
      if (StoreException.UNAVAILABLE.equals(e.code())) {
        storeUp = false;
        return false;
      }
      throw e;
    } finally {
      refreshingSince = 0;
    }
  }

  /**
   * True while the last successful read of the store is older than the bound and the store is
   * failing or a read of it has not come back yet: a refresh that hangs on an unreachable store
   * counts from its start, so the bound holds to the second whatever the store's timeouts.
   */
  public boolean stale() {
    return !storeUpNow() && clock.millis() - freshAt > staleAfter.toMillis();
  }

  /**
   * True when the last store operation succeeded and none has been pending for longer than the
   * staleness bound.
   */
  public boolean storeUp() {
    return storeUpNow();
  }

  private boolean storeUpNow() {
    long since = refreshingSince;
    return storeUp && (since == 0 || clock.millis() - since <= staleAfter.toMillis());
  }

  /** Milliseconds since the projection was last known to match the store. */
  public long ageMillis() {
    return storeUpNow() ? 0 : clock.millis() - freshAt;
  }

  private void markFresh() {
    freshAt = clock.millis();
    storeUp = true;
  }

  /** The stored events at these positions; 503 when the store cannot be read. */
  private List<StoredEvent> eventsAt(long[] positions) {
    try {
      return ledger.eventsAt(positions);
    } catch (StoreException e) {
      if (StoreException.UNAVAILABLE.equals(e.code())) {
        storeUp = false;
        throw ServerException.storeUnavailable("the ledger store cannot be read: "
            + e.getMessage(), e);
      }
      throw e;
    }
  }

  /**
   * Closes {@code resource} first when this namespace closes, while the ledger is still open
   * (e.g. the projection checkpoint writer, which writes one last checkpoint).
   */
  public void closeFirst(AutoCloseable resource) {
    closeFirst.add(Objects.requireNonNull(resource, "resource"));
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeFirst) {
      try {
        c.close();
      } catch (Exception e) {
        System.getLogger(Namespace.class.getName()).log(System.Logger.Level.WARNING,
            "closing " + c + " failed", e);
      }
    }
    closeFirst.clear();
    decisions.close();
    ledger.close();
  }
}
