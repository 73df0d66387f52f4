package org.covenant.server.cluster;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.covenant.evidence.LedgerFeed;
import org.covenant.evidence.ProjectionCheckpoints;
import org.covenant.log.TiledLog;
import org.covenant.server.Namespace;
import org.covenant.store.CheckpointStore;
import org.covenant.store.Ledger;

/**
 * A cluster member's projection checkpoints (docs/CLUSTER.md, "Member checkpoints in the
 * server"): the member's stable id (its checkpoint is found again after a restart, and
 * rendezvous hashing gives it the same accounts), which stored checkpoints its open tries, the
 * share it expects to own at open, and the log points it writes at.
 */
public final class MemberCheckpoints {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  /**
   * Tried at open: this member's newest two, and no other member's. Another member's checkpoint
   * would be a valid start (the open moves it to this member's share), but it holds about 1/N of
   * this member's share (rendezvous hashing gives a live member's accounts to it, not to this
   * one), and loading the rest by account after restoring it cost more than opening without a
   * checkpoint (docs/BENCHMARKS.md, "Member checkpoints": 1M events, a third of the accounts).
   */
  private static final int MINE = 2;
  private static final int OTHERS = 0;

  private MemberCheckpoints() {}

  /**
   * A member's id, kept in {@code DIR/cluster/member-id} and locked there for as long as the
   * member runs. The first start writes a fresh id; later starts on the same directory read it,
   * so a restarted member owns the same accounts and finds its own checkpoint. A directory whose
   * id another live process holds (a second server on the same data directory) gets a fresh,
   * unsaved id instead of sharing it: two members with one id would both own its accounts.
   */
  public static final class Identity implements AutoCloseable {
    private final String id;
    private final FileChannel channel;
    private final FileLock lock;

    private Identity(String id, FileChannel channel, FileLock lock) {
      this.id = id;
      this.channel = channel;
      this.lock = lock;
    }

    /** The member's id. */
    public String id() {
      return id;
    }

    /** Whether the id is kept in the data directory (false: a fresh one for this run only). */
    public boolean kept() {
      return lock != null;
    }

    /** Claims the id kept in {@code dataDir}, or keeps a fresh one there. */
    public static Identity claim(Path dataDir) {
      Path dir = dataDir.resolve("cluster");
      Path file = dir.resolve("member-id");
      FileChannel ch = null;
      try {
        Files.createDirectories(dir);
        ch = FileChannel.open(dir.resolve("member-id.lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // this JVM holds it: another member in the same process
        }
        if (lock == null) {
          ch.close();
          String fresh = ClusterNode.newId();
          System.err.println("covenant: the member id kept in " + file + " is in use by "
              + "another running member: this one runs as " + fresh + " (not kept)");
          return new Identity(fresh, null, null);
        }
        String id = null;
        if (Files.isRegularFile(file)) {
          String text = Files.readString(file, StandardCharsets.UTF_8).trim();
          if (ID.matcher(text).matches()) {
            id = text;
          } else {
            System.err.println("covenant: ignoring " + file + ": not a member id; keeping a "
                + "fresh one");
          }
        }
        if (id == null) {
          id = ClusterNode.newId();
          Path tmp = dir.resolve(".member-id.tmp");
          Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
          Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return new Identity(id, ch, lock);
      } catch (IOException e) {
        if (ch != null) {
          try {
            ch.close();
          } catch (IOException x) {
            e.addSuppressed(x);
          }
        }
        String fresh = ClusterNode.newId();
        System.err.println("covenant: cannot keep a member id in " + file + " ("
            + e.getMessage() + "): this member runs as " + fresh + " (not kept)");
        return new Identity(fresh, null, null);
      }
    }

    /** A fresh id kept nowhere (tests, a member with no data directory). */
    public static Identity fresh() {
      return new Identity(ClusterNode.newId(), null, null);
    }

    @Override
    public void close() {
      try {
        if (lock != null) {
          lock.release();
        }
        if (channel != null) {
          channel.close();
        }
      } catch (IOException e) {
        // the process is ending or the file is gone: nothing holds the id any more
      }
    }
  }

  /**
   * The accounts member {@code self} expects to own at open: rendezvous hashing over the live
   * members that own accounts and itself. The open loads them (from a checkpoint when one holds
   * them); the first move at start corrects the share if the members changed meanwhile.
   */
  public static Predicate<String> expectedShare(Members members, String self, boolean logKey) {
    List<Members.Member> owners = new ArrayList<>();
    for (Members.Member m : members.all()) {
      if (m.live() && m.owns() && !m.id().equals(self)) {
        owners.add(m);
      }
    }
    owners.add(new Members.Member(self, "", logKey, true, Instant.EPOCH, Long.MAX_VALUE));
    List<Members.Member> view = List.copyOf(owners);
    return account -> Members.owner(view, account).map(m -> m.id().equals(self)).orElse(false);
  }

  /**
   * The starts an open tries, checked against the shared log as a data directory's are
   * ({@link ProjectionCheckpoints#candidates}: intact frame, the log's root at its size, the
   * log's last event leaf there is its position); the caller keeps the returned log open until
   * the open returns (the ledger compares its event with the log's leaf) and then closes it.
   * No log yet: no start (a checkpoint is never trusted without the log's root).
   */
  public record Starts(List<Ledger.Start> starts, java.util.Set<String> own,
      Optional<TiledLog> log) implements AutoCloseable {
    /** Whether {@code startedFrom} ({@link Ledger#startedFrom}) is one of this member's. */
    public boolean own(Optional<String> startedFrom) {
      return startedFrom.isPresent() && own.contains(startedFrom.get());
    }

    @Override
    public void close() {
      log.ifPresent(TiledLog::close);
    }
  }

  /** See {@link Starts}: this member's newest two ({@link #MINE}). */
  public static Starts starts(ClusterDb db, CheckpointStore store, List<String> warnings) {
    Optional<String> key = PgLogStorage.storedKey(db);
    if (key.isEmpty()) {
      return new Starts(List.of(), java.util.Set.of(), Optional.empty());
    }
    TiledLog log = ClusterNode.readOnly(db, key.get());
    List<CheckpointStore.Stored> chosen = new ArrayList<>();
    java.util.Set<String> own = new java.util.HashSet<>();
    int mine = 0;
    int others = 0;
    List<CheckpointStore.Stored> all;
    try {
      all = store.list();
    } catch (RuntimeException e) {
      warnings.add("cannot list member checkpoints: " + e.getMessage());
      all = List.of();
    }
    for (CheckpointStore.Stored s : all) {
      if (s.mine() ? mine++ < MINE : others++ < OTHERS) {
        chosen.add(s);
        if (s.mine()) {
          own.add(s.describe());
        }
      }
    }
    List<Ledger.Start> starts = new ArrayList<>();
    for (CheckpointStore.Stored s : chosen) {
      starts.add(checkedWhenTried(s, log, warnings));
    }
    return new Starts(starts, own, Optional.of(log));
  }

  /**
   * The checkpoints a move takes the accounts it gains from (docs/CLUSTER.md, "Moves in the
   * projection", rule 7): those of the members that left ({@code departed}), each member's
   * newest two, newest first, checked against the shared log as {@link #starts}' are, each only
   * when the move tries it. No log yet, or none of theirs: no source (the move reads the
   * accounts by account).
   */
  public static Starts departed(ClusterDb db, CheckpointStore store,
      java.util.Set<String> departed, List<String> warnings) {
    if (departed.isEmpty()) {
      return new Starts(List.of(), java.util.Set.of(), Optional.empty());
    }
    List<CheckpointStore.Stored> chosen = new ArrayList<>();
    java.util.Map<String, Integer> taken = new java.util.HashMap<>();
    try {
      for (CheckpointStore.Stored s : store.list()) {
        Optional<String> m = s.member();
        if (m.isPresent() && departed.contains(m.get())
            && taken.merge(m.get(), 1, Integer::sum) <= CheckpointStore.KEEP) {
          chosen.add(s);
        }
      }
    } catch (RuntimeException e) {
      warnings.add("cannot list member checkpoints: " + e.getMessage());
      return new Starts(List.of(), java.util.Set.of(), Optional.empty());
    }
    if (chosen.isEmpty()) {
      return new Starts(List.of(), java.util.Set.of(), Optional.empty());
    }
    Optional<String> key = PgLogStorage.storedKey(db);
    if (key.isEmpty()) {
      return new Starts(List.of(), java.util.Set.of(), Optional.empty());
    }
    chosen.sort(java.util.Comparator.comparingLong(CheckpointStore.Stored::position).reversed());
    TiledLog log = ClusterNode.readOnly(db, key.get());
    List<Ledger.Start> starts = new ArrayList<>();
    for (CheckpointStore.Stored s : chosen) {
      starts.add(checkedWhenTried(s, log, warnings));
    }
    return new Starts(starts, java.util.Set.of(), Optional.of(log));
  }

  /**
   * {@code s} as a start checked against the log only when the open tries it (the older one is
   * read only if the newer fails); one whose restore fails (its digest is checked as it is read)
   * is listed in {@code warnings} too.
   */
  private static Ledger.Start checkedWhenTried(CheckpointStore.Stored s, TiledLog log,
      List<String> warnings) {
    return new Ledger.Start() {
      private Ledger.Start checked;
      private String problem;

      private Optional<Ledger.Start> check() {
        if (checked == null && problem == null) {
          int before = warnings.size();
          List<Ledger.Start> ok = ProjectionCheckpoints.candidates(List.of(s), log, warnings);
          if (ok.isEmpty()) {
            problem = warnings.size() == before ? "it does not hold against the log"
                : warnings.get(before);
          } else {
            checked = ok.get(0);
          }
        }
        return Optional.ofNullable(checked);
      }

      @Override
      public long position() {
        return s.position();
      }

      @Override
      public Optional<String> mismatch(org.covenant.core.spi.StoredEvent atPosition) {
        return check().map(c -> c.mismatch(atPosition)).orElseGet(() -> Optional.of(problem));
      }

      @Override
      public org.covenant.core.state.GovernanceState restore(Predicate<String> knownTerms)
          throws IOException {
        Optional<Ledger.Start> c = check();
        if (c.isEmpty()) {
          throw new IOException(problem);
        }
        return c.get().restore(knownTerms);
      }

      @Override
      public String describe() {
        return s.describe();
      }
    };
  }

  /**
   * The points a member writes at: the shared log as this member sees it (the writer's own tree,
   * a follower's view refreshed every tick), at a position its projection has reached.
   */
  static ProjectionCheckpoints.Points points(java.util.function.Supplier<TiledLog> log,
      java.util.function.Supplier<LedgerFeed> feed, Namespace main,
      java.util.function.BooleanSupplier amongOwners) {
    return new ProjectionCheckpoints.Points() {
      @Override
      public boolean worthWriting() {
        return amongOwners.getAsBoolean();
      }

      @Override
      public Optional<LedgerFeed.LogPoint> now() {
        TiledLog l = log.get();
        if (l == null) {
          return Optional.empty();
        }
        Optional<LedgerFeed.LogPoint> p = LedgerFeed.pointOf(l);
        if (p.isPresent() && p.get().position() > main.ledger().head()) {
          main.refresh();
          if (p.get().position() > main.ledger().head()) {
            return Optional.empty();
          }
        }
        return p;
      }

      @Override
      public void catchUp() {
        LedgerFeed f = feed.get();
        TiledLog l = log.get();
        if (f != null) {
          f.catchUp();
        } else if (l != null) {
          l.refresh();
        }
        main.refresh();
      }

      @Override
      public long shape() {
        return main.ledger().accountsMoved();
      }
    };
  }
}
