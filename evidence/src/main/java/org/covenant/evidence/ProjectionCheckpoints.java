package org.covenant.evidence;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.ProjectionCheckpoint;
import org.covenant.core.state.TimeKey;
import org.covenant.log.TiledLog;
import org.covenant.store.CheckpointStore;
import org.covenant.store.Ledger;

/**
 * Projection checkpoints of a data directory's ledger (issue 15; docs/DECISIONS.md, "Projection
 * checkpoints"): which stored checkpoints a start may use, and the writer that keeps new ones
 * coming.
 *
 * <p>A checkpoint is used only if, in this order: its header is in this version's format and
 * vocabulary, the directory's transparency log has the tree size it names and the same root
 * there (so it was taken from this log, not another ledger's), the last ledger-event leaf of
 * that tree is its position, the ledger's event at that position is the one the log committed,
 * at the time the checkpoint records, and its SHA-256 over every byte matches, checked as it is
 * restored (the checkpoint is read once; the state is used only when the digest matches).
 * Anything else is ignored with a warning and the ledger is replayed: a checkpoint is never
 * trusted over the ledger.
 *
 * <p>The writer runs on its own daemon thread: every {@code interval} it writes a checkpoint when
 * the log has logged {@code everyEvents} ledger events since the last one, or when
 * {@code everyTime} has passed and there is anything new; {@link #close()} (a clean shutdown)
 * writes one when at least {@code minEvents} are new. Positions are those the log has logged, so
 * every checkpoint carries a root the log holds.
 */
public final class ProjectionCheckpoints implements AutoCloseable {
  private static final System.Logger LOG =
      System.getLogger(ProjectionCheckpoints.class.getName());
  /** Default: a checkpoint every million logged events… */
  public static final long EVERY_EVENTS = 1_000_000;
  /** …or every five minutes when anything is new… */
  public static final Duration EVERY_TIME = Duration.ofMinutes(5);
  /** …and at a clean shutdown when at least this many events are new. */
  public static final long MIN_EVENTS = 10_000;

  /** When checkpoints are written. */
  public record Policy(long everyEvents, Duration everyTime, long minEvents, Duration interval) {
    /** Validates the fields. */
    public Policy {
      Objects.requireNonNull(everyTime, "everyTime");
      Objects.requireNonNull(interval, "interval");
      if (everyEvents < 1 || minEvents < 1 || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("everyEvents, minEvents and interval must be > 0");
      }
    }

    /** The defaults: a million events, five minutes, 10,000 at shutdown, checked every 10 s. */
    public static Policy defaults() {
      return new Policy(EVERY_EVENTS, EVERY_TIME, MIN_EVENTS, Duration.ofSeconds(10));
    }
  }

  /**
   * Where the log stands, for the writer: a data directory's feed, or a cluster member's view of
   * the shared log (which another member may write).
   */
  public interface Points {
    /** The log's point now, at a position the projection has reached; empty when none. */
    Optional<LedgerFeed.LogPoint> now();

    /** Brings the log (or this process's view of it) level with the ledger, before a last write. */
    void catchUp();

    /**
     * A count that changes whenever the projection's set of accounts changes (a cluster
     * member's moves, {@link Ledger#accountsMoved}); constant for a whole ledger's projection.
     * A checkpoint of another set is out of date even at the same position.
     */
    default long shape() {
      return 0;
    }

    /**
     * False while a checkpoint now would be worth less than the one it may replace: a cluster
     * member that, in its own view, owns nothing because it saw itself leave (its heartbeat
     * lapsed) holds only the index, and a checkpoint of that at the position of its last one
     * would replace the one of its whole share (docs/CLUSTER.md, "Member checkpoints in the
     * server"). Always true for a whole ledger's projection.
     */
    default boolean worthWriting() {
      return true;
    }

    /** A data directory's own feed. */
    static Points of(LedgerFeed feed) {
      Objects.requireNonNull(feed, "feed");
      return new Points() {
        @Override
        public Optional<LedgerFeed.LogPoint> now() {
          return Optional.of(feed.logPoint());
        }

        @Override
        public void catchUp() {
          feed.catchUp();
        }
      };
    }
  }

  private final CheckpointStore store;
  private final Points points;
  private final Ledger ledger;
  private final Policy policy;
  private final ScheduledExecutorService thread;
  private long lastPosition;
  private long lastWrittenNanos = System.nanoTime();
  /** The shape of the newest checkpoint (see {@link Points#shape}); another: one is due. */
  private volatile long writtenShape;
  private long seenShape;
  private long shapeSeenAt = System.nanoTime();
  private volatile boolean closed;

  private ProjectionCheckpoints(CheckpointStore store, Points points, Ledger ledger,
      Policy policy, boolean background) {
    this(store, points, ledger, policy, background, points.shape());
  }

  private ProjectionCheckpoints(CheckpointStore store, Points points, Ledger ledger,
      Policy policy, boolean background, long writtenShape) {
    this.writtenShape = writtenShape;
    this.seenShape = points.shape();
    this.store = store;
    this.points = points;
    this.ledger = ledger;
    this.policy = policy;
    // The newest stored one is checked before the first write relies on it (lastValid).
    this.lastPosition = -1;
    if (background) {
      thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "covenant-checkpoints");
        t.setDaemon(true);
        return t;
      });
      long ms = policy.interval().toMillis();
      thread.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    } else {
      thread = null;
    }
  }

  /**
   * The checkpoints in {@code store} that a start of this directory's ledger may try, newest
   * first, each header checked against {@code log}; those that fail are warned about (and listed
   * in {@code warnings} when given) and left out. The ledger checks its own event at each
   * position when it opens ({@link Ledger.Start#mismatch}), then restores it, checking the
   * digest as it reads: one that fails there is listed in {@code warnings} too (the ledger logs
   * it) and the next one is tried.
   */
  public static List<Ledger.Start> candidates(CheckpointStore store, TiledLog log,
      List<String> warnings) {
    return candidates(safeList(store), log, warnings);
  }

  /** As above, over stored checkpoints the caller chose (a cluster member's, in its order). */
  public static List<Ledger.Start> candidates(List<CheckpointStore.Stored> stored, TiledLog log,
      List<String> warnings) {
    List<Ledger.Start> out = new ArrayList<>();
    for (CheckpointStore.Stored s : stored) {
      // The header only: the digest over every byte is checked by the restore, in its one read.
      ProjectionCheckpoint.FrameCheck checked =
          ProjectionCheckpoint.checkHeader(CheckpointStore.source(s));
      String problem;
      if (checked instanceof ProjectionCheckpoint.FrameCheck.Valid v) {
        Optional<String> against = againstLog(v.header(), s, log);
        if (against.isEmpty()) {
          out.add(start(v.header(), s, log, warnings));
          continue;
        }
        problem = against.get();
      } else {
        problem = ((ProjectionCheckpoint.FrameCheck.Invalid) checked).problem();
      }
      String warning = warning(s, problem);
      LOG.log(System.Logger.Level.WARNING, warning);
      if (warnings != null) {
        warnings.add(warning);
      }
    }
    return out;
  }

  private static String warning(CheckpointStore.Stored s, String problem) {
    return "ignoring projection checkpoint " + s.describe() + ": " + problem
        + "; the ledger is replayed instead";
  }

  private static List<CheckpointStore.Stored> safeList(CheckpointStore store) {
    try {
      return store.list();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot list projection checkpoints: "
          + e.getMessage() + "; the ledger is replayed instead");
      return List.of();
    }
  }

  /** Why the header does not belong to this log at its position; empty when it does. */
  private static Optional<String> againstLog(ProjectionCheckpoint.CheckpointHeader h,
      CheckpointStore.Stored s, TiledLog log) {
    if (h.position() != s.position()) {
      return Optional.of("it is stored as position " + s.position() + " but says "
          + h.position());
    }
    if (h.position() < 1) {
      return Optional.of("it is at position 0");
    }
    if (h.logSize() > log.size() || h.logSize() < 1) {
      return Optional.of("it names log size " + h.logSize() + " but the log has " + log.size()
          + " leaves: it belongs to another ledger's log");
    }
    if (!Arrays.equals(log.root(h.logSize()).bytes(), h.logRoot())) {
      return Optional.of("its log root " + h.logRootHex() + " is not this log's root at size "
          + h.logSize() + " (" + log.root(h.logSize()).hex() + "): it belongs to another"
          + " ledger's log");
    }
    long leaf = LedgerFeed.lastEventLeaf(log, h.logSize());
    long logged = leaf < 0 ? 0 : LedgerFeed.leafPosition(log.leaf(leaf));
    if (logged != h.position()) {
      return Optional.of("the log at size " + h.logSize() + " ends at ledger position " + logged
          + ", not " + h.position());
    }
    return Optional.empty();
  }

  private static Ledger.Start start(ProjectionCheckpoint.CheckpointHeader h,
      CheckpointStore.Stored s, TiledLog log, List<String> warnings) {
    long leafIndex = LedgerFeed.lastEventLeaf(log, h.logSize());
    return new Ledger.Start() {
      @Override
      public long position() {
        return h.position();
      }

      @Override
      public Optional<String> mismatch(StoredEvent at) {
        if (!LedgerFeed.sameEvent(at, log.leaf(leafIndex))) {
          return Optional.of("the ledger's event at position " + h.position()
              + " is not the one the log committed at leaf " + leafIndex);
        }
        if (TimeKey.of(at.event().at()) != h.lastAt()) {
          return Optional.of("its time of position " + h.position() + " differs from the "
              + "ledger's");
        }
        return Optional.empty();
      }

      @Override
      public GovernanceState restore(Predicate<String> knownTerms) throws IOException {
        try {
          return ProjectionCheckpoint.restore(CheckpointStore.source(s), knownTerms);
        } catch (java.io.UncheckedIOException e) {
          throw e.getCause();
        } catch (ProjectionCheckpoint.Unreadable e) {
          // The ledger logs it as it moves on; the caller's list hears it as from the check.
          if (warnings != null) {
            warnings.add(warning(s, e.getMessage()));
          }
          throw new IOException(e.getMessage(), e);
        }
      }

      @Override
      public String describe() {
        return s.describe();
      }
    };
  }

  /**
   * Starts writing checkpoints of {@code ledger} into {@code store} in the background, with the
   * log points of {@code feed}. The caller closes this before the ledger and the log.
   */
  public static ProjectionCheckpoints start(CheckpointStore store, LedgerFeed feed,
      Ledger ledger, Policy policy) {
    return new ProjectionCheckpoints(store, Points.of(feed), ledger, policy, true);
  }

  /**
   * As {@link #start}, at the points {@code points} gives: a cluster member's checkpoints
   * (docs/CLUSTER.md, "Checkpoints"), at positions the shared log has covered. Only the
   * store's own checkpoints ({@link CheckpointStore.Stored#mine}) count as the last one.
   */
  public static ProjectionCheckpoints start(CheckpointStore store, Points points,
      Ledger ledger, Policy policy) {
    return new ProjectionCheckpoints(store, points, ledger, policy, true);
  }

  /**
   * As {@link #start(CheckpointStore, Points, Ledger, Policy)}, the newest stored checkpoint
   * being of shape {@code writtenShape} ({@link Points#shape}): when the projection's shape is
   * another (a member that opened from another member's checkpoint, or moved accounts since), a
   * checkpoint of the projection as it is becomes due once the shape has held for six
   * {@link Policy#interval}s, at the same position if nothing is new, and at a clean shutdown.
   */
  public static ProjectionCheckpoints start(CheckpointStore store, Points points,
      Ledger ledger, Policy policy, long writtenShape) {
    return new ProjectionCheckpoints(store, points, ledger, policy, true, writtenShape);
  }

  /** As {@link #start} without the background thread: checkpoints on {@link #writeNow}/close. */
  public static ProjectionCheckpoints manual(CheckpointStore store, LedgerFeed feed,
      Ledger ledger, Policy policy) {
    return new ProjectionCheckpoints(store, Points.of(feed), ledger, policy, false);
  }

  /**
   * The position of the newest checkpoint that can be read (a valid frame, in this version's
   * format), found on first use: one in an older format, or damaged, at the head must not stop
   * a new one from being written there.
   */
  private synchronized long lastValid() {
    if (lastPosition < 0) {
      lastPosition = 0;
      for (CheckpointStore.Stored s : safeList(store)) {
        if (!s.mine()) {
          continue;
        }
        ProjectionCheckpoint.FrameCheck c =
            ProjectionCheckpoint.checkHeader(CheckpointStore.source(s));
        if (c instanceof ProjectionCheckpoint.FrameCheck.Valid) {
          lastPosition = s.position();
          break;
        }
      }
    }
    return lastPosition;
  }

  private void tick() {
    try {
      Optional<LedgerFeed.LogPoint> now = points.now();
      if (now.isEmpty()) {
        return;
      }
      LedgerFeed.LogPoint point = now.get();
      long fresh = point.position() - lastValid();
      long shape = points.shape();
      if (shape != seenShape) {
        seenShape = shape;
        shapeSeenAt = System.nanoTime();
      }
      // A share that moves settles first: members joining one after another move it again.
      boolean reshaped = shape != writtenShape
          && System.nanoTime() - shapeSeenAt >= 6 * policy.interval().toNanos();
      boolean due = fresh >= policy.everyEvents() || (fresh > 0
          && System.nanoTime() - lastWrittenNanos >= policy.everyTime().toNanos())
          || (reshaped && fresh >= 0);
      if (due) {
        write(point);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "projection checkpoint failed: " + e.getMessage(), e);
    }
  }

  /**
   * Brings the log level with the ledger and writes a checkpoint at the last logged position,
   * unless one is already there; returns the position written.
   */
  public synchronized Optional<Long> writeNow() throws IOException {
    points.catchUp();
    Optional<LedgerFeed.LogPoint> point = points.now();
    if (point.isEmpty() || stale(point.get().position())) {
      return Optional.empty();
    }
    return Optional.of(write(point.get()));
  }

  /** Whether a checkpoint at {@code position} would add nothing to the newest one. */
  private boolean stale(long position) {
    long last = lastValid();
    return position < last || (position == last && points.shape() == writtenShape);
  }

  private synchronized long write(LedgerFeed.LogPoint point) throws IOException {
    if (stale(point.position())) {
      return lastPosition;
    }
    if (!points.worthWriting()) {
      LOG.log(System.Logger.Level.INFO, "projection checkpoint at position " + point.position()
          + " not written: this member owns no account now (it saw itself leave)");
      return lastPosition;
    }
    long t0 = System.nanoTime();
    // Read before the write: a move during it makes the ledger refuse the checkpoint.
    long shape = points.shape();
    store.write(point.position(), out -> ledger.writeCheckpoint(point.position(), point.size(),
        point.root(), out));
    writtenShape = shape;
    lastPosition = point.position();
    lastWrittenNanos = System.nanoTime();
    LOG.log(System.Logger.Level.INFO, "projection checkpoint at position " + point.position()
        + " written in " + (lastWrittenNanos - t0) / 1_000_000 + " ms");
    return point.position();
  }

  /** The position of the newest checkpoint written or found (0: none). */
  public synchronized long lastPosition() {
    return lastValid();
  }

  /**
   * Stops the background writer and, at this clean shutdown, writes a checkpoint when at least
   * {@code minEvents} events are new. Closes the store. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (thread != null) {
        thread.shutdown();
        thread.awaitTermination(1, TimeUnit.MINUTES);
      }
      points.catchUp();
      Optional<LedgerFeed.LogPoint> point = points.now();
      if (point.isPresent() && (point.get().position() - lastPosition() >= policy.minEvents()
          || points.shape() != writtenShape)) {
        writeNow();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "projection checkpoint at shutdown failed: "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      store.close();
    }
  }
}
