package org.covenant.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.log.FileKeyStore;
import org.covenant.log.LogException;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.server.DecisionLog;
import org.covenant.server.LogFeed;
import org.covenant.server.Namespace;
import org.covenant.server.Pseudonyms;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;

/**
 * A ledger opened together with the transparency log of its data directory, wired exactly as
 * {@code Deployment.open} wires the server's (ARCHITECTURE.md §7, §9): the key in
 * {@code DIR/keys/log.key}, the salted pseudonyms of {@code DIR/keys/salts.json} and the leaves
 * of the server's {@link LogFeed}, so a data directory filled by the CLI and one filled through the
 * server hold the same log. Every CLI path that appends to a data directory's ledger goes through
 * this class.
 *
 * <p>The log may lag the ledger, never lead it: leaves are appended only for committed events.
 * Opening brings a lagging log level (a crash between a ledger commit and its log commit leaves
 * exactly such a lag), and so do {@link #catchUp()} and {@link #close()}.
 *
 * <p>No log is kept for a PostgreSQL ledger given without a data directory ({@code --db}). When
 * another process holds the log's writer lock (a server running on the same directory), events
 * go to the ledger only and {@link #logHeldElsewhere()} is true: that process's feed reads the
 * ledger and logs them.
 */
final class LoggedLedger implements AutoCloseable {
  private final Ledger ledger;
  private final Optional<Wiring> wiring;
  private final boolean heldElsewhere;

  /** The log side, present when this process holds the log. */
  private record Wiring(Namespace namespace, TiledLog log, LogFeed feed) {}

  private LoggedLedger(Ledger ledger, Optional<Wiring> wiring, boolean heldElsewhere) {
    this.ledger = ledger;
    this.wiring = wiring;
    this.heldElsewhere = heldElsewhere;
  }

  /**
   * Opens the ledger of {@code --data DIR} (with its log) or {@code --db URL} (without), and
   * brings the log level with the ledger.
   *
   * @throws org.covenant.store.StoreException when the ledger cannot be opened
   * @throws LogException when the log cannot be opened or appended to ({@code log_corrupt},
   *     {@code checkpoint_unverified}, {@code log_io}, …), except {@code log_locked}; nothing is
   *     appended then, and the ledger is closed again
   */
  static LoggedLedger open(Optional<Path> data, Optional<String> db, TermsCatalog catalog) {
    if (data.isEmpty()) {
      return new LoggedLedger(Ledger.open(LedgerConfig.of(data, db), catalog), Optional.empty(),
          false);
    }
    // The feed needs a namespace; the CLI writes no decision log, so it is the in-memory one.
    // Opened as the server opens it: the directory is built from the ledger's own replay.
    Namespace ns = Namespace.open("main", LedgerConfig.of(data, db), catalog,
        DecisionLog.inMemory(), Clock.systemUTC(), Duration.ofMinutes(1));
    Ledger ledger = ns.ledger();
    Path dir = data.get();
    TiledLog log = null;
    try {
      // The same order as Deployment.open: the salts are written only by the log's lock holder.
      NoteSigner signer = FileKeyStore.loadOrCreate(dir, FileKeyStore.DEFAULT_NAME);
      try {
        log = TiledLog.open(dir, signer);
      } catch (LogException e) {
        if ("log_locked".equals(e.code())) {
          return new LoggedLedger(ledger, Optional.empty(), true);
        }
        throw e;
      }
      LogFeed feed = LogFeed.create(log, signer, ns, Pseudonyms.open(dir));
      LoggedLedger opened = new LoggedLedger(ledger, Optional.of(new Wiring(ns, log, feed)),
          false);
      feed.catchUp();
      return opened;
    } catch (RuntimeException e) {
      if (log != null) {
        log.close();
      }
      ledger.close();
      throw e;
    }
  }

  /** The ledger; append to it, then call {@link #catchUp()} (or close this). */
  Ledger ledger() {
    return ledger;
  }

  /** True when another process holds the log and will log this process's appends. */
  boolean logHeldElsewhere() {
    return heldElsewhere;
  }

  /** The log this process feeds, when it holds one. */
  Optional<TiledLog> log() {
    return wiring.map(Wiring::log);
  }

  /**
   * Appends the leaves of every committed ledger event not yet logged, as one durable log commit
   * per page of the feed. Does nothing without a log.
   *
   * @throws LogException {@code log_io} when the log cannot be written; the ledger keeps the
   *     events and the next open logs them
   */
  void catchUp() {
    wiring.ifPresent(w -> w.feed().catchUp());
  }

  /** Brings the log level, then closes the log and the ledger (the latter even if that fails). */
  @Override
  public void close() {
    try {
      catchUp();
    } finally {
      if (wiring.isPresent()) {
        Wiring w = wiring.get();
        try {
          w.log().close();
        } finally {
          w.namespace().close();
        }
      }
      ledger.close();
    }
  }
}
