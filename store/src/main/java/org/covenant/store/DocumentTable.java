package org.covenant.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A durable table of JSON documents keyed by {@code (scope, key)}, listed per scope in the order
 * each key was first put: the persistence of adapters that are not ledger events (the invite
 * review queue). Beside the ledger, never in it: in the data directory as its own SQLite file
 * ({@code DIR/NAME.db}), or as table {@code NAME} of the ledger's PostgreSQL schema, or in
 * memory for an in-memory ledger.
 *
 * <p>A put is durable when it returns (SQLite {@code synchronous=FULL}, PostgreSQL commit).
 * Failures to reach the database are {@link StoreException} {@code store_unavailable}: callers
 * fail closed. Thread-safe.
 */
public abstract sealed class DocumentTable implements AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private DocumentTable() {}

  /**
   * The table {@code name} (a lowercase SQL identifier) where {@code ledger} lives.
   *
   * @throws StoreException {@code store_unavailable} when the database cannot be opened
   */
  public static DocumentTable open(LedgerConfig ledger, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("table name `" + name + "` is not an SQL identifier");
    }
    if (ledger instanceof LedgerConfig.Sqlite s) {
      return Jdbc.sqlite(s.dir().resolve(name + ".db"), name);
    }
    if (ledger instanceof LedgerConfig.Postgres p) {
      return Jdbc.postgres(p, name);
    }
    return new InMemory();
  }

  /** The document of {@code key} in {@code scope}, if any. */
  public abstract Optional<String> find(String scope, String key);

  /** Inserts or replaces the document of {@code key} in {@code scope}, keeping its position. */
  public abstract void put(String scope, String key, String json);

  /** Every document of {@code scope}, in the order their keys were first put. */
  public abstract List<String> all(String scope);

  /** The scopes that hold at least one document, sorted. */
  public abstract List<String> scopes();

  @Override
  public abstract void close();

  private static final class InMemory extends DocumentTable {
    private final Map<String, Map<String, String>> scopes = new HashMap<>();

    @Override
    public synchronized Optional<String> find(String scope, String key) {
      Map<String, String> s = scopes.get(scope);
      return s == null ? Optional.empty() : Optional.ofNullable(s.get(key));
    }

    @Override
    public synchronized void put(String scope, String key, String json) {
      scopes.computeIfAbsent(scope, k -> new LinkedHashMap<>()).put(key, json);
    }

    @Override
    public synchronized List<String> all(String scope) {
      Map<String, String> s = scopes.get(scope);
      return s == null ? List.of() : new ArrayList<>(s.values());
    }

    @Override
    public synchronized List<String> scopes() {
      return new ArrayList<>(new TreeSet<>(scopes.keySet()));
    }

    @Override
    public void close() {
      // nothing to release
    }
  }

  private static final class Jdbc extends DocumentTable {
    /** SQLite: one connection, serialized; PostgreSQL: a pool. */
    private final Optional<Connection> single;
    private final Optional<HikariDataSource> pool;
    private final String table;
    private final String upsert;
    private final String where;

    private Jdbc(Optional<Connection> single, Optional<HikariDataSource> pool, String table,
        String upsert, String where) {
      this.single = single;
      this.pool = pool;
      this.table = table;
      this.upsert = upsert;
      this.where = where;
    }

    static Jdbc sqlite(Path file, String name) {
      try {
        // private like the ledger: SQLite gives the WAL and shared-memory files this mode
        PrivateFiles.createDirectories(file.getParent());
        PrivateFiles.createFile(file);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement st = c.createStatement()) {
          st.execute("PRAGMA busy_timeout = 10000");
          st.execute("PRAGMA journal_mode = WAL");
          st.execute("PRAGMA synchronous = FULL");
          st.execute(createTable(name));
        }
        return new Jdbc(Optional.of(c), Optional.empty(), name, upsert(name),
            "SQLite file `" + file + "`");
      } catch (IOException | SQLException e) {
        throw new StoreException(StoreException.UNAVAILABLE,
            "cannot open SQLite file `" + file + "`: " + e.getMessage(), e);
      }
    }

    static Jdbc postgres(LedgerConfig.Postgres config, String name) {
      HikariConfig hc = new HikariConfig();
      hc.setJdbcUrl(config.jdbcUrl());
      hc.setPoolName("covenant-" + name + "-" + config.schema());
      hc.setMaximumPoolSize(2);
      hc.setMinimumIdle(1);
      hc.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
      hc.setInitializationFailTimeout(-1);
      hc.setAutoCommit(true);
      hc.addDataSourceProperty("ApplicationName", "covenant-" + name);
      String table = config.schema() + "." + name;
      String where = "PostgreSQL table `" + table + "` at `"
          + PostgresEventStore.safeUrl(config.jdbcUrl()) + "`";
      HikariDataSource pool;
      try {
        pool = new HikariDataSource(hc);
      } catch (RuntimeException e) {
        throw new StoreException(StoreException.UNAVAILABLE, "cannot connect to " + where
            + ": " + e.getMessage(), e);
      }
      // two servers starting at once may race on IF NOT EXISTS (a unique violation in the
      // catalog): the second attempt then finds what the other one created
      for (int attempt = 1; ; attempt++) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
          st.execute("CREATE SCHEMA IF NOT EXISTS " + config.schema());
          st.execute(createTable(table));
          break;
        } catch (SQLException e) {
          if (attempt < 2 && "23505".equals(e.getSQLState())) {
            continue;
          }
          pool.close();
          throw new StoreException(StoreException.UNAVAILABLE, "cannot create " + where + ": "
              + e.getMessage(), e);
        }
      }
      return new Jdbc(Optional.empty(), Optional.of(pool), table, upsert(table), where);
    }

    private static String createTable(String table) {
      // seq orders keys by first put: an upsert keeps the row and so its seq
      return "CREATE TABLE IF NOT EXISTS " + table + " (scope TEXT NOT NULL, key TEXT NOT NULL, "
          + "seq BIGINT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (scope, key))";
    }

    private static String upsert(String table) {
      return "INSERT INTO " + table + " (scope, key, seq, doc) VALUES (?, ?, "
          + "(SELECT COALESCE(MAX(seq), 0) + 1 FROM " + table + "), ?) "
          + "ON CONFLICT (scope, key) DO UPDATE SET doc = excluded.doc";
    }

    private interface Work<T> {
      T run(Connection c) throws SQLException;
    }

    private <T> T with(String what, Work<T> work) {
      try {
        if (single.isPresent()) {
          synchronized (this) {
            return work.run(single.get());
          }
        }
        try (Connection c = pool.orElseThrow().getConnection()) {
          return work.run(c);
        }
      } catch (SQLException e) {
        throw new StoreException(StoreException.UNAVAILABLE, "cannot " + what + " in " + where
            + ": " + e.getMessage(), e);
      }
    }

    @Override
    public Optional<String> find(String scope, String key) {
      return with("read", c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT doc FROM " + table + " WHERE scope = ? AND key = ?")) {
          ps.setString(1, scope);
          ps.setString(2, key);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
          }
        }
      });
    }

    @Override
    public void put(String scope, String key, String json) {
      with("write", c -> {
        if (single.isEmpty()) {
          // serialize writers across processes so seq stays unique per table
          c.setAutoCommit(false);
          try (Statement st = c.createStatement()) {
            st.execute("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE");
            try (PreparedStatement ps = c.prepareStatement(upsert)) {
              ps.setString(1, scope);
              ps.setString(2, key);
              ps.setString(3, json);
              ps.executeUpdate();
            }
            c.commit();
          } catch (SQLException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
          return null;
        }
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
          ps.setString(1, scope);
          ps.setString(2, key);
          ps.setString(3, json);
          ps.executeUpdate();
        }
        return null;
      });
    }

    @Override
    public List<String> all(String scope) {
      return with("read", c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT doc FROM " + table + " WHERE scope = ? ORDER BY seq")) {
          ps.setString(1, scope);
          List<String> out = new ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          return out;
        }
      });
    }

    @Override
    public List<String> scopes() {
      return with("read", c -> {
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery(
                "SELECT DISTINCT scope FROM " + table + " ORDER BY scope")) {
          List<String> out = new ArrayList<>();
          while (rs.next()) {
            out.add(rs.getString(1));
          }
          return out;
        }
      });
    }

    @Override
    public void close() {
      synchronized (this) {
        single.ifPresent(c -> {
          try {
            c.close();
          } catch (SQLException e) {
            // closing: nothing left to protect
          }
        });
      }
      pool.ifPresent(HikariDataSource::close);
    }
  }
}
