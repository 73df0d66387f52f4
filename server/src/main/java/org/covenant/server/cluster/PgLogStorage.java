package org.covenant.server.cluster;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.covenant.log.LogException;
import org.covenant.log.LogStorage;
import org.covenant.log.TiledLog;
import org.covenant.log.TilePaths;
import org.covenant.store.StoreException;

/**
 * The transparency log's files in PostgreSQL (docs/CLUSTER.md), so every member serves
 * {@code /log/*} and any member holding the signing key can continue the log when elected. The
 * checkpoint is the row of {@code log_head}; tiles, bundles and kept checkpoints are rows of
 * {@code log_file}. Every row carries the epoch of the lease it was written under.
 *
 * <p>A commit is one transaction that first locks the {@code log} lease row (shared) and checks it
 * still names this writer's epoch unexpired, then stores the files, then moves the head from the
 * size the writer extends to the new one with a conditional update: a writer that lost its lease
 * (paused, partitioned) or whose view is stale is refused by the database ({@code log_fenced}),
 * so the stored tree never forks. A takeover updates the lease row, so it waits for a commit in
 * flight and then sees it.
 */
public final class PgLogStorage implements LogStorage {
  private final ClusterDb db;
  private final String leaseName;
  private final LongSupplier epoch;
  private final String keyText;
  private final Runnable onFenced;

  /**
   * The log of {@code db}, written under lease {@code leaseName} at the epoch {@code epoch}
   * answers (0: none held), with verifier key {@code keyText} recorded at creation.
   */
  public PgLogStorage(ClusterDb db, String leaseName, LongSupplier epoch, String keyText,
      Runnable onFenced) {
    this.db = db;
    this.leaseName = leaseName;
    this.epoch = epoch;
    this.keyText = keyText;
    this.onFenced = onFenced;
  }

  /** The verifier key text recorded with the stored log, if it was created. */
  public static Optional<String> storedKey(ClusterDb db) {
    return db.run("read the log's key", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT key FROM " + db.table("log_head")
          + " WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    });
  }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    try {
      return db.run("read the log", c -> {
        String sql = TilePaths.CHECKPOINT.equals(path)
            ? "SELECT checkpoint FROM " + db.table("log_head") + " WHERE id = 1 AND ? = ?"
            : "SELECT data FROM " + db.table("log_file") + " WHERE path = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setString(1, path);
          if (TilePaths.CHECKPOINT.equals(path)) {
            ps.setString(2, path);
          }
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
          }
        }
      });
    } catch (StoreException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void initialize(byte[] checkpoint) throws IOException {
    try {
      db.tx("create the log", c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db.table("log_head")
            + " (id, size, checkpoint, epoch, key, updated) VALUES (1, 0, ?, 0, ?, "
            + "clock_timestamp()) ON CONFLICT (id) DO NOTHING")) {
          ps.setBytes(1, checkpoint);
          ps.setString(2, keyText);
          if (ps.executeUpdate() == 1) {
            put(c, List.of(new Write(TilePaths.checkpointAt(0), checkpoint)), 0);
          }
        }
        return null;
      });
    } catch (StoreException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void commit(long from, long to, List<Write> files, byte[] checkpoint)
      throws IOException {
    long mine = epoch.getAsLong();
    try {
      db.run("commit the log", conn -> {
        conn.setAutoCommit(false);
        try {
          fence(conn, mine);
          put(conn, files, mine);
          try (PreparedStatement ps = conn.prepareStatement("UPDATE " + db.table("log_head")
              + " SET size = ?, checkpoint = ?, epoch = ?, updated = clock_timestamp() "
              + "WHERE id = 1 AND size = ?")) {
            ps.setLong(1, to);
            ps.setBytes(2, checkpoint);
            ps.setLong(3, mine);
            ps.setLong(4, from);
            if (ps.executeUpdate() != 1) {
              throw new Fenced("the stored log is no longer of " + from + " leaves (another "
                  + "writer extended it): refused to commit size " + to);
            }
          }
        } catch (SQLException | RuntimeException e) {
          conn.rollback();
          conn.setAutoCommit(true);
          throw e;
        }
        try {
          conn.commit();
        } catch (SQLException e) {
          throw new Uncertain(e);
        } finally {
          try {
            conn.setAutoCommit(true);
          } catch (SQLException ignored) {
            // a broken connection: the pool discards it
          }
        }
        return null;
      });
    } catch (Fenced e) {
      onFenced.run();
      throw new LogException("log_fenced", e.getMessage());
    } catch (Uncertain e) {
      throw new TiledLog.UncertainCommit("commit of tree size " + to + " to `" + describe()
          + "` failed", e.getCause());
    } catch (StoreException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private void fence(Connection c, long mine) throws SQLException {
    fence(db, c, leaseName, mine);
  }

  /**
   * Checks, inside the caller's transaction, that lease {@code leaseName} is at epoch {@code mine}
   * and unexpired, locking its row against a takeover until the transaction ends.
   *
   * @throws LogException {@code log_fenced} when it is not
   */
  static void checkFence(ClusterDb db, Connection c, String leaseName, long mine)
      throws SQLException {
    try {
      fence(db, c, leaseName, mine);
    } catch (Fenced e) {
      throw new LogException("log_fenced", e.getMessage());
    }
  }

  private static void fence(ClusterDb db, Connection c, String leaseName, long mine)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT epoch, expires > clock_timestamp() "
        + "FROM " + db.table("cluster_lease") + " WHERE name = ? FOR SHARE")) {
      ps.setString(1, leaseName);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new Fenced("no `" + leaseName + "` lease is held: refused");
        }
        long current = rs.getLong(1);
        if (current != mine) {
          throw new Fenced("write at epoch " + mine + " refused: the `" + leaseName
              + "` lease is at epoch " + current);
        }
        if (!rs.getBoolean(2)) {
          throw new Fenced("write at epoch " + mine + " refused: the `" + leaseName
              + "` lease expired");
        }
      }
    }
  }

  private void put(Connection c, List<Write> files, long mine) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db.table("log_file")
        + " (path, data, epoch) VALUES (?, ?, ?) ON CONFLICT (path) DO UPDATE SET data = "
        + "excluded.data, epoch = excluded.epoch")) {
      for (Write w : files) {
        ps.setString(1, w.path());
        ps.setBytes(2, w.data());
        ps.setLong(3, mine);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public String describe() {
    return "PostgreSQL table " + db.table("log_file");
  }

  @Override
  public void close() {
    // the pool belongs to the cluster
  }

  /** A refusal by the fence. */
  private static final class Fenced extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Fenced(String message) {
      super(message, null, false, false);
    }
  }

  /** A failure at the commit itself: it may or may not have committed. */
  private static final class Uncertain extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Uncertain(SQLException cause) {
      super(cause);
    }
  }
}
