package org.covenant.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where projection checkpoints (issue 15) are kept: files in a directory (a data directory's
 * {@code checkpoints/}) or a table of the ledger's PostgreSQL schema, so that every server of a
 * shared database can read them. Stores opaque bytes by ledger position; what they mean and
 * whether they can be trusted is the reader's business. Keeps the newest {@link #KEEP}: a write
 * that is cut short (a crash, a SIGKILL) leaves the previous ones as they were.
 */
public abstract sealed class CheckpointStore implements AutoCloseable {
  /** How many checkpoints are kept. */
  public static final int KEEP = 2;

  /** One stored checkpoint. */
  public interface Stored {
    /** The ledger position it says it is at (from its name or row, not yet checked). */
    long position();

    /** A fresh stream over its bytes. */
    InputStream open() throws IOException;

    /** Where it is, for warnings. */
    String describe();

    /**
     * How many bytes it holds, as stored now, without reading them; -1 when that cannot be
     * known. A reader bounds what it decodes by it before the digest is checked.
     */
    default long size() {
      return -1;
    }

    /**
     * Whether this store's own writer wrote it: always for a directory or the ledger's table;
     * for {@link #members} whether the member named there did (docs/CLUSTER.md, "Checkpoints").
     */
    default boolean mine() {
      return true;
    }

    /**
     * The member that wrote it, for {@link #members}; empty for a directory or the ledger's
     * table (and for a row of the first version, which names no member).
     */
    default Optional<String> member() {
      return Optional.empty();
    }
  }

  /** Writes a checkpoint's bytes. */
  @FunctionalInterface
  public interface Body {
    /** Writes the bytes to {@code out} (not closing it). */
    void writeTo(OutputStream out) throws IOException;
  }

  private CheckpointStore() {}

  /**
   * A stored checkpoint as the core's codec reads it: read failures come out as
   * {@link java.io.UncheckedIOException}.
   */
  public static org.covenant.core.state.ProjectionCheckpoint.Source source(Stored s) {
    org.covenant.core.state.ProjectionCheckpoint.Source opens = () -> {
      InputStream in;
      try {
        in = s.open();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return new org.covenant.core.state.ProjectionCheckpoint.Input() {
        @Override
        public int read(byte[] b, int off, int len) {
          try {
            return in.read(b, off, len);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }

        @Override
        public void close() {
          try {
            in.close();
          } catch (IOException e) {
            // a reader's close: nothing was written, nothing is lost
          }
        }
      };
    };
    return new org.covenant.core.state.ProjectionCheckpoint.Source() {
      @Override
      public org.covenant.core.state.ProjectionCheckpoint.Input open() {
        return opens.open();
      }

      @Override
      public long size() {
        return s.size();
      }
    };
  }

  /** Checkpoints as files {@code projection-POSITION.ckpt} in {@code dir} (created on write). */
  public static CheckpointStore files(Path dir) {
    return new Files_(dir);
  }

  /**
   * Checkpoints in table {@code projection_checkpoint} of the ledger's schema.
   *
   * @throws StoreException {@code store_unavailable} when the database cannot be reached
   */
  public static CheckpointStore postgres(LedgerConfig.Postgres config) {
    return new Postgres(config, "projection_checkpoint");
  }

  /**
   * Cluster members' checkpoints (docs/CLUSTER.md, "Checkpoints") in table {@code
   * member_checkpoint} of the ledger's schema, apart from the whole ledger's, as written by
   * member {@code member}. Any member's checkpoint is a start for any member, whose open then
   * moves it to its own accounts; {@link #list} gives this member's first (its share is most
   * likely the one it will own again), then the others', each newest first. A write keeps this
   * member's newest {@link #KEEP}; another member's rows are deleted once a week old unless they
   * are among the table's newest {@link #KEEP} (members that were replaced leave no rows behind
   * for ever).
   *
   * @throws StoreException {@code store_unavailable} when the database cannot be reached
   */
  public static CheckpointStore members(LedgerConfig.Postgres config, String member) {
    return new Postgres(config, "member_checkpoint", Objects.requireNonNull(member, "member"));
  }

  /** The stored checkpoints, newest position first. */
  public abstract List<Stored> list();

  /**
   * Stores a checkpoint at {@code position} durably and atomically (a reader sees all of it or
   * none of it), then deletes all but the newest {@link #KEEP}.
   */
  public abstract void write(long position, Body body) throws IOException;

  @Override
  public void close() {}

  /** Files: temp file, fsync, rename, directory fsync. */
  private static final class Files_ extends CheckpointStore {
    private static final Pattern NAME = Pattern.compile("projection-(\\d{1,19})\\.ckpt");
    private final Path dir;

    Files_(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir");
    }

    @Override
    public List<Stored> list() {
      List<Stored> out = new ArrayList<>();
      if (!Files.isDirectory(dir)) {
        return out;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Matcher m = NAME.matcher(f.getFileName().toString());
          if (m.matches()) {
            long position = Long.parseLong(m.group(1));
            out.add(new Stored() {
              @Override
              public long position() {
                return position;
              }

              @Override
              public InputStream open() throws IOException {
                return Files.newInputStream(f);
              }

              @Override
              public long size() {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return -1;
                }
              }

              @Override
              public String describe() {
                return "`" + f + "`";
              }
            });
          }
        }
      } catch (IOException e) {
        // An unreadable directory holds no usable checkpoint: the ledger is replayed.
        return List.of();
      }
      out.sort((a, b) -> Long.compare(b.position(), a.position()));
      return out;
    }

    @Override
    public void write(long position, Body body) throws IOException {
      PrivateFiles.createDirectories(dir);
      Path target = dir.resolve("projection-" + position + ".ckpt");
      Path temp = dir.resolve(".tmp-projection-" + position + ".ckpt");
      // a write cut short (a crash) leaves its temporary file: never read, removed here
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          if (f.getFileName().toString().startsWith(".tmp-projection-")) {
            Files.deleteIfExists(f);
          }
        }
      }
      try (FileChannel ch = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE), PrivateFiles.fileAttributes())) {
        OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        body.writeTo(out);
        out.flush();
        ch.force(true);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(temp);
        throw e;
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory();
      List<Stored> all = list();
      for (int i = KEEP; i < all.size(); i++) {
        Files.deleteIfExists(dir.resolve("projection-" + all.get(i).position() + ".ckpt"));
      }
    }

    private void syncDirectory() {
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // Some file systems cannot open a directory; the rename is still atomic there.
      }
    }
  }

  /** A PostgreSQL table: one row per checkpoint, inserted in one statement (atomic). */
  private static final class Postgres extends CheckpointStore {
    /**
     * Whether this server compresses the bodies this store writes with lz4; null until the
     * first write asks. PostgreSQL compresses a large {@code bytea} on the way in with its
     * default, pglz, which costs about three times lz4's CPU: a 1M-event import's checkpoint
     * (24 MB) 1.2 CPU-s of the server against 0.4 s (docs/BENCHMARKS.md "pgimport3"). The
     * bytes read back are the same either way, and a row written with either method reads on
     * any server that has it.
     */
    private volatile Boolean lz4;
    private final HikariDataSource pool;
    private final String table;
    private final String where;
    /** The writing member for {@code member_checkpoint}; null for the ledger's table. */
    private final String member;

    Postgres(LedgerConfig.Postgres config, String name) {
      this(config, name, null);
    }

    Postgres(LedgerConfig.Postgres config, String name, String member) {
      this.member = member;
      HikariConfig hc = new HikariConfig();
      hc.setJdbcUrl(config.jdbcUrl());
      hc.setPoolName("covenant-checkpoints-" + config.schema());
      hc.setMaximumPoolSize(1);
      hc.setMinimumIdle(0);
      hc.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
      hc.setInitializationFailTimeout(-1);
      hc.setAutoCommit(true);
      hc.addDataSourceProperty("ApplicationName", "covenant-checkpoints");
      this.table = config.schema() + "." + name;
      this.where = "PostgreSQL table `" + table + "` at `"
          + PostgresEventStore.safeUrl(config.jdbcUrl()) + "`";
      try {
        pool = new HikariDataSource(hc);
      } catch (RuntimeException e) {
        throw new StoreException(StoreException.UNAVAILABLE, "cannot connect to " + where
            + ": " + e.getMessage(), e);
      }
      for (int attempt = 1; ; attempt++) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
          st.execute("CREATE SCHEMA IF NOT EXISTS " + config.schema());
          if (member == null) {
            st.execute("CREATE TABLE IF NOT EXISTS " + table + " (position BIGINT PRIMARY KEY, "
                + "written_at TIMESTAMPTZ NOT NULL DEFAULT now(), body BYTEA NOT NULL)");
          } else {
            // Keyed by (member, position): two members may checkpoint the same position. A
            // table of the first version (primary key position, no member) is moved to this
            // key; its rows keep member '' (any member's start, never a member's own).
            st.execute("CREATE TABLE IF NOT EXISTS " + table + " (member TEXT NOT NULL, "
                + "position BIGINT NOT NULL, written_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
                + "body BYTEA NOT NULL)");
            st.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS member TEXT NOT NULL "
                + "DEFAULT ''");
            st.execute("ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + name + "_pkey");
            st.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + name + "_member_position ON "
                + table + " (member, position)");
          }
          break;
        } catch (SQLException e) {
          // two servers starting at once may race on IF NOT EXISTS (see DocumentTable)
          if (attempt < 2 && "23505".equals(e.getSQLState())) {
            continue;
          }
          pool.close();
          throw new StoreException(StoreException.UNAVAILABLE, "cannot create " + where + ": "
              + e.getMessage(), e);
        }
      }
    }

    @Override
    public List<Stored> list() {
      List<Stored> out = new ArrayList<>();
      try (Connection c = pool.getConnection(); PreparedStatement st = c.prepareStatement(
          member == null ? "SELECT position, '', octet_length(body) FROM " + table
              + " ORDER BY position DESC"
              : "SELECT position, member, octet_length(body) FROM " + table
                  + " ORDER BY member = ? DESC, position DESC, member")) {
        if (member != null) {
          st.setString(1, member);
        }
        ResultSet rs = st.executeQuery();
        while (rs.next()) {
          long position = rs.getLong(1);
          String writer = rs.getString(2);
          long size = rs.getLong(3);
          boolean mine = member == null || member.equals(writer);
          out.add(new Stored() {
            @Override
            public long position() {
              return position;
            }

            @Override
            public InputStream open() throws IOException {
              return new ByteArrayInputStream(read(writer, position));
            }

            @Override
            public long size() {
              // As listed: a body rewritten at this position since is bounded by the old size,
              // at worst refused (the ledger is then replayed).
              return size;
            }

            @Override
            public String describe() {
              return "at position " + position + (member == null ? "" : " of member `"
                  + writer + "`") + " in " + where;
            }

            @Override
            public boolean mine() {
              return mine;
            }

            @Override
            public Optional<String> member() {
              return member == null || writer.isEmpty() ? Optional.empty()
                  : Optional.of(writer);
            }
          });
        }
      } catch (SQLException e) {
        throw new StoreException(StoreException.UNAVAILABLE, "cannot list checkpoints in "
            + where + ": " + e.getMessage(), e);
      }
      return out;
    }

    private byte[] read(String writer, long position) throws IOException {
      try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
          "SELECT body FROM " + table + " WHERE position = ?"
              + (member == null ? "" : " AND member = ?"))) {
        ps.setLong(1, position);
        if (member != null) {
          ps.setString(2, writer);
        }
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new IOException("checkpoint at position " + position + " is gone from "
                + where);
          }
          return rs.getBytes(1);
        }
      } catch (SQLException e) {
        throw new IOException("cannot read checkpoint " + position + " from " + where + ": "
            + e.getMessage(), e);
      }
    }

    /**
     * Asks for lz4 ({@link #lz4}) on this session, once per write (a session setting, so
     * whichever pooled connection writes has it). A server without it (before PostgreSQL 14, or
     * built without lz4) refuses the setting and keeps pglz; any other failure is left to the
     * write's own statements to report.
     */
    private void preferLz4(Connection c) {
      if (Boolean.FALSE.equals(lz4)) {
        return;
      }
      try (Statement st = c.createStatement()) {
        st.execute("SET default_toast_compression = 'lz4'");
        lz4 = true;
      } catch (SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("22023") || state.equals("42704")) {
          lz4 = false;
        }
      }
    }

    @Override
    public void write(long position, Body body) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      body.writeTo(bytes);
      try (Connection c = pool.getConnection()) {
        preferLz4(c);
        if (member == null) {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
              + " (position, body) VALUES (?, ?) ON CONFLICT (position) DO UPDATE SET body = "
              + "excluded.body, written_at = now()")) {
            ps.setLong(1, position);
            ps.setBytes(2, bytes.toByteArray());
            ps.executeUpdate();
          }
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
              + " WHERE position NOT IN (SELECT position FROM " + table
              + " ORDER BY position DESC LIMIT " + KEEP + ")")) {
            ps.executeUpdate();
          }
          return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
            + " (member, position, body) VALUES (?, ?, ?) ON CONFLICT (member, position) DO "
            + "UPDATE SET body = excluded.body, written_at = now()")) {
          ps.setString(1, member);
          ps.setLong(2, position);
          ps.setBytes(3, bytes.toByteArray());
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
            + " WHERE member = ? AND position NOT IN (SELECT position FROM " + table
            + " WHERE member = ? ORDER BY position DESC LIMIT " + KEEP + ")")) {
          ps.setString(1, member);
          ps.setString(2, member);
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " AS t WHERE "
            + "member <> ? AND written_at < now() - interval '7 days' AND (member, position) "
            + "NOT IN (SELECT member, position FROM " + table + " ORDER BY position DESC LIMIT "
            + KEEP + ")")) {
          ps.setString(1, member);
          ps.executeUpdate();
        }
      } catch (SQLException e) {
        throw new IOException("cannot write checkpoint " + position + " to " + where + ": "
            + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      pool.close();
    }
  }
}
