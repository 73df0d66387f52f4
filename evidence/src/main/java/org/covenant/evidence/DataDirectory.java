package org.covenant.evidence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.covenant.log.FileKeyStore;
import org.covenant.log.LogException;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PrivateFiles;

/**
 * A data directory ({@code --data DIR}, ARCHITECTURE.md §7, §9) and the one place that knows its
 * layout and the policy for its transparency log. Everything that writes evidence into a data
 * directory ({@code serve}, {@code ledger import}, {@code scenario run --data},
 * {@code corpus generate}, {@code dataset build}, {@code scan train --governed},
 * {@code telemetry report --data}) opens it through this class.
 *
 * <p>Layout: the SQLite ledger {@code ledger.db}; the tiled log {@code log/}; its signing key
 * {@code keys/log.key}; the pseudonyms' salts {@code keys/salts.json}; the server's decision log
 * {@code decisions/}; the invite scan model {@code safety/scan.model}; the projection checkpoints
 * {@code checkpoints/projection-POSITION.ckpt} (the newest two; with PostgreSQL they live in its
 * {@code projection_checkpoint} table instead, where every server reads them).
 *
 * <p>Log lock policy: one writer at a time holds the log's lock (the log's own file lock). Three
 * ways to take it, one per kind of writer:
 * <ul>
 *   <li>{@link #openLog()}: a long-lived feeder (the server) holds it for its lifetime and cannot
 *       start while another process holds it ({@code log_locked}).
 *   <li>{@link #openLogUnlessHeld()}: a ledger writer (the CLI's {@code ledger import},
 *       {@code scenario run --data}, {@code corpus generate}) logs when the lock is free and
 *       otherwise leaves logging to the holder, whose feed reads the ledger and logs the events.
 *   <li>{@link #appendOne(byte[])}: a bulk job's one leaf (a dataset build, a public corpus) takes
 *       the lock for that append only, and fails {@code log_locked} when it is held, since no
 *       other writer would log that leaf for it.
 * </ul>
 * Keys are created before the log is opened and salts are written only by the lock holder.
 */
public final class DataDirectory {
  /** The SQLite ledger's file name. */
  public static final String LEDGER_FILE = "ledger.db";
  /** The decision log's directory. */
  public static final String DECISIONS = "decisions";
  /** The invite scan model a server loads at start. */
  public static final String SCAN_MODEL = "safety/scan.model";

  private final Path dir;

  private DataDirectory(Path dir) {
    this.dir = dir;
  }

  /** The data directory at {@code dir} (created on first write, not here). */
  public static DataDirectory at(Path dir) {
    return new DataDirectory(dir);
  }

  /** Its path. */
  public Path path() {
    return dir;
  }

  /**
   * Creates the directory if missing, owner-only: 0700 directories and 0600 files, also those an
   * older version left ({@link PrivateFiles}).
   */
  public DataDirectory create() {
    try {
      PrivateFiles.createDirectories(dir);
      PrivateFiles.secureTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dir, e);
    }
    return this;
  }

  /** The ledger of this directory: SQLite in {@code ledger.db}, or PostgreSQL at {@code db}. */
  public LedgerConfig ledger(Optional<String> db) {
    return LedgerConfig.of(Optional.of(dir), db);
  }

  /** The directory of the projection checkpoints of a SQLite ledger. */
  public Path checkpointsDir() {
    return dir.resolve("checkpoints");
  }

  /**
   * Where the projection checkpoints of {@code ledger} (this directory's SQLite ledger, or a
   * PostgreSQL one) are kept: {@code checkpoints/} here, or PostgreSQL's table beside the ledger.
   *
   * @throws org.covenant.store.StoreException {@code store_unavailable} when PostgreSQL cannot
   *     be reached
   */
  public org.covenant.store.CheckpointStore checkpoints(LedgerConfig ledger) {
    if (ledger instanceof LedgerConfig.Postgres p) {
      return org.covenant.store.CheckpointStore.postgres(p);
    }
    return org.covenant.store.CheckpointStore.files(checkpointsDir());
  }

  /** The directory of the server's decision log. */
  public Path decisions() {
    return dir.resolve(DECISIONS);
  }

  /** The invite scan model's file (it may not exist). */
  public Path scanModel() {
    return dir.resolve(SCAN_MODEL);
  }

  /** The tiled log's directory ({@code log/}: tiles, leaves, checkpoint). */
  public Path logDir() {
    return dir.resolve("log");
  }

  /**
   * Opens the log for reading, checked against its own key; takes no lock, so it works while a
   * writer holds the log.
   *
   * @throws LogException {@code log_missing} when the directory has no log key, or when the log
   *     is damaged
   */
  public TiledLog openLogReadOnly() {
    NoteSigner signer = FileKeyStore.load(dir).orElseThrow(
        () -> new LogException("log_missing", "no log key in `" + dir + "`"));
    return TiledLog.openReadOnly(dir, signer.verifier());
  }

  /** The log's signing key, created on first use. */
  public NoteSigner signer() {
    return FileKeyStore.loadOrCreate(dir, FileKeyStore.DEFAULT_NAME);
  }

  /** The salted pseudonyms of the people named in the log; write them only holding the log. */
  public Pseudonyms pseudonyms() {
    return Pseudonyms.open(dir);
  }

  /**
   * Opens the log as its writer for as long as the caller keeps it open.
   *
   * @throws LogException {@code log_locked} when another writer holds it, or when it is damaged
   */
  public TiledLog openLog() {
    return TiledLog.open(dir, signer());
  }

  /**
   * Opens the log as its writer unless another process holds it (empty then: that process's
   * feed logs what this one appends to the ledger).
   *
   * @throws LogException when the log is damaged or cannot be read
   */
  public Optional<TiledLog> openLogUnlessHeld() {
    NoteSigner signer = signer();
    try {
      return Optional.of(TiledLog.open(dir, signer));
    } catch (LogException e) {
      if ("log_locked".equals(e.code())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * A leaf appended durably in its own log commit.
   *
   * @param index the leaf's index in the log
   * @param checkpointBefore the signed checkpoint before the append (signed-note text)
   * @param checkpoint the signed checkpoint that commits the leaf
   */
  public record Appended(long index, String checkpointBefore, String checkpoint) {}

  /**
   * Appends one leaf (a bulk job's), taking the log for this append only.
   *
   * @throws LogException {@code log_locked} when another writer holds the log
   */
  public Appended appendOne(byte[] leaf) {
    try (TiledLog log = openLog()) {
      String before = log.checkpoint().note();
      long index = log.append(List.of(leaf));
      return new Appended(index, before, log.checkpoint().note());
    }
  }

  /** The feed of {@code ledger} into {@code log} (which this directory opened), with its salts. */
  public LedgerFeed feed(TiledLog log, Ledger ledger) {
    return LedgerFeed.create(log, signer(), ledger, pseudonyms());
  }

  /**
   * As {@link #feed(TiledLog, Ledger)}, with the salts {@link #pseudonymsAhead} began opening
   * (waits for them; their failure to open is thrown here, as {@link #pseudonyms} throws it).
   */
  public LedgerFeed feed(TiledLog log, Ledger ledger,
      java.util.function.Supplier<Pseudonyms> salts) {
    return LedgerFeed.create(log, signer(), ledger, salts.get());
  }

  /**
   * Begins {@link #pseudonyms} on a thread of its own and returns what waits for them: a start
   * opens the salts (reading them, folding their journal) while the ledger is restored, which
   * needs nothing of them. At scale the two took about as long each on one thread (10M: ≈ 3 s
   * each; issue 15). A start that fails before it waits leaves the thread to finish alone.
   */
  public java.util.function.Supplier<Pseudonyms> pseudonymsAhead() {
    java.util.concurrent.FutureTask<Pseudonyms> task =
        new java.util.concurrent.FutureTask<>(this::pseudonyms);
    Thread t = new Thread(task, "salts-open");
    t.setDaemon(true);
    t.start();
    return () -> {
      try {
        return task.get();
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the salts were opened", e);
      }
    };
  }
}
