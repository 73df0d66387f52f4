package org.covenant.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.evidence.DataDirectory;
import org.covenant.evidence.FeedStages;
import org.covenant.evidence.LedgerFeed;
import org.covenant.evidence.ProjectionCheckpoints;
import org.covenant.log.LogException;
import org.covenant.log.TiledLog;
import org.covenant.store.CheckpointStore;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;

/**
 * A ledger opened together with the transparency log of its data directory, through the evidence
 * module's {@link DataDirectory} (layout, lock policy) and {@link LedgerFeed} (the leaves), the
 * same two the server uses (ARCHITECTURE.md §7, §9), so a data directory filled by the CLI and one
 * filled through the server hold the same log. Every CLI path that appends to a data directory's
 * ledger goes through this class.
 *
 * <p>The log may lag the ledger, never lead it: leaves are appended only for committed events.
 * Opening brings a lagging log level (a crash between a ledger commit and its log commit leaves
 * exactly such a lag), and so do {@link #catchUp()} and {@link #close()}.
 *
 * <p>No log is kept for a PostgreSQL ledger given without a data directory ({@code --db}). When
 * another process holds the log's writer lock (a server running on the same directory), events
 * go to the ledger only and {@link #logHeldElsewhere()} is true: that process's feed reads the
 * ledger and logs them ({@link DataDirectory#openLogUnlessHeld()}).
 */
final class LoggedLedger implements AutoCloseable {
  private final Ledger ledger;
  private final Optional<LedgerFeed> feed;
  private final boolean heldElsewhere;
  private final Optional<ProjectionCheckpoints> checkpoints;

  private LoggedLedger(Ledger ledger, Optional<LedgerFeed> feed, boolean heldElsewhere,
      Optional<ProjectionCheckpoints> checkpoints) {
    this.ledger = ledger;
    this.feed = feed;
    this.heldElsewhere = heldElsewhere;
    this.checkpoints = checkpoints;
  }

  /**
   * Opens the ledger of {@code --data DIR} (with its log) or {@code --db URL} (without), and
   * brings the log level with the ledger. With a data directory the projection starts from the
   * newest projection checkpoint that holds against the log and the ledger (issue 15) and
   * replays only the events after it; closing this writes a new checkpoint when enough events
   * are new ({@link ProjectionCheckpoints}).
   *
   * @throws org.covenant.store.StoreException when the ledger cannot be opened
   * @throws LogException when the log cannot be opened or appended to ({@code log_corrupt},
   *     {@code checkpoint_unverified}, {@code log_io}, …), except {@code log_locked}; nothing is
   *     appended then, and the ledger is closed again
   */
  static LoggedLedger open(Optional<Path> data, Optional<String> db, TermsCatalog catalog) {
    return open(data, db, catalog, true);
  }

  /** As {@link #open(Optional, Optional, TermsCatalog)}; ignores checkpoints unless asked. */
  static LoggedLedger open(Optional<Path> data, Optional<String> db, TermsCatalog catalog,
      boolean useCheckpoints) {
    return open(LedgerConfig.of(data, db), data, catalog, useCheckpoints);
  }

  /**
   * As {@link #open(Optional, Optional, TermsCatalog)} for any ledger, with the transparency log
   * of the data directory {@code logDir} when given: a PostgreSQL ledger with its log in a data
   * directory, as the server keeps it ({@code serve --data DIR --db URL}).
   */
  static LoggedLedger open(LedgerConfig config, Optional<Path> logDir, TermsCatalog catalog) {
    return open(config, logDir, catalog, true);
  }

  /**
   * As {@link #open(LedgerConfig, Optional, TermsCatalog)}; ignores checkpoints unless asked.
   */
  static LoggedLedger open(LedgerConfig config, Optional<Path> logDir, TermsCatalog catalog,
      boolean useCheckpoints) {
    if (logDir.isEmpty()) {
      return new LoggedLedger(Ledger.open(config, catalog), Optional.empty(), false,
          Optional.empty());
    }
    DataDirectory dir = DataDirectory.at(logDir.get());
    TiledLog log = null;
    CheckpointStore store = null;
    Ledger ledger = null;
    ProjectionCheckpoints writer = null;
    try {
      Optional<TiledLog> held = dir.openLogUnlessHeld();
      if (held.isEmpty()) {
        return new LoggedLedger(Ledger.open(config, catalog), Optional.empty(), true,
            Optional.empty());
      }
      log = held.get();
      // The salts open beside the ledger's restore (they need nothing of it).
      java.util.function.Supplier<org.covenant.evidence.Pseudonyms> salts = dir.pseudonymsAhead();
      store = dir.checkpoints(config);
      List<Ledger.Start> starts = useCheckpoints
          ? ProjectionCheckpoints.candidates(store, log, null) : List.of();
      ledger = Ledger.open(config, catalog, page -> {}, starts);
      LedgerFeed feed = dir.feed(log, ledger, salts);
      writer = ProjectionCheckpoints.manual(store, feed, ledger,
          ProjectionCheckpoints.Policy.defaults());
      store = null;
      LoggedLedger opened = new LoggedLedger(ledger, Optional.of(feed), false,
          Optional.of(writer));
      feed.catchUp();
      return opened;
    } catch (RuntimeException e) {
      if (store != null) {
        store.close();
      }
      if (log != null) {
        log.close();
      }
      if (ledger != null) {
        ledger.close();
      }
      throw e;
    }
  }

  /** The checkpoint the projection started from, if any. */
  Optional<String> startedFrom() {
    return ledger.startedFrom();
  }

  /** Writes a projection checkpoint now (when the log holds anything new); its position. */
  Optional<Long> checkpoint() throws java.io.IOException {
    return checkpoints.isEmpty() ? Optional.empty() : checkpoints.get().writeNow();
  }

  /** The ledger; append to it, then call {@link #catchUp()} (or close this). */
  Ledger ledger() {
    return ledger;
  }

  /** True when another process holds the log and will log this process's appends. */
  boolean logHeldElsewhere() {
    return heldElsewhere;
  }

  /** The feed of the log this process holds, when it holds one. */
  Optional<LedgerFeed> feed() {
    return feed;
  }

  /** The log this process feeds, when it holds one. */
  Optional<TiledLog> log() {
    return feed.map(LedgerFeed::log);
  }

  /**
   * Appends the leaves of every committed ledger event not yet logged, as one durable log commit
   * per page of the feed. Does nothing without a log.
   *
   * @throws LogException {@code log_io} when the log cannot be written; the ledger keeps the
   *     events and the next open logs them
   */
  void catchUp() {
    awaitBackground();
    feed.ifPresent(LedgerFeed::catchUp);
  }

  /**
   * As {@link #catchUp()}, in the background, in the two stages of {@link FeedStages} so an
   * import uses both cores: one thread computes the leaves of the events committed so far while
   * another appends the pages computed before, in order; a log commit's fsyncs no longer hold up
   * the next page's leaves, nor the batch after (issue 15). This first waits for the previous
   * call's leaves, and for appends until at most one is pending. A failure of either stage is
   * thrown here, or by {@link #catchUp()} and {@link #close()}; the ledger keeps its events: the
   * next open logs them.
   */
  void catchUpInBackground() {
    if (feed.isEmpty()) {
      return;
    }
    if (stages == null) {
      stages = new FeedStages(feed.get(), "covenant-log");
    }
    stages.start();
  }

  /** The two stages of {@link #catchUpInBackground()}, once started. */
  private FeedStages stages;

  /**
   * The results of a batch handed to a {@link Ledger.Pipeline}, once committed; its failure is
   * thrown as {@link Ledger#append(List)} throws it.
   */
  static List<org.covenant.store.AppendResult> await(
      java.util.concurrent.CompletableFuture<List<org.covenant.store.AppendResult>> results) {
    try {
      return results.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof org.covenant.store.StoreException se) {
        // A fresh exception so the stack shows this caller.
        throw new org.covenant.store.StoreException(se.code(), se.getMessage(), se);
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Waits for both background stages; the first failure is thrown. */
  private void awaitBackground() {
    if (stages != null) {
      stages.await();
    }
  }

  /** Brings the log level, then closes the log and the ledger (the latter even if that fails). */
  @Override
  public void close() {
    try {
      catchUp();
      // a clean shutdown: a checkpoint when enough is new (never fails the close)
      checkpoints.ifPresent(ProjectionCheckpoints::close);
    } finally {
      if (stages != null) {
        stages.close();
      }
      try {
        feed.ifPresent(f -> f.log().close());
      } finally {
        ledger.close();
      }
    }
  }
}
