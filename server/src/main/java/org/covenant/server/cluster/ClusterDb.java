package org.covenant.server.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.covenant.store.LedgerConfig;
import org.covenant.store.StoreException;

/**
 * The cluster's tables in the ledger's PostgreSQL schema (docs/CLUSTER.md): leases and members,
 * the transparency log's files and head, API tokens (hashes only), the log's pseudonym salts,
 * consent receipts and decision counts. One small connection pool per server; every failure to
 * reach the database is {@code store_unavailable}, so callers fail closed.
 */
public final class ClusterDb implements AutoCloseable {
  /** Work on one connection. */
  public interface Work<T> {
    /** Runs the work. */
    T run(Connection c) throws SQLException;
  }

  private final HikariDataSource pool;
  private final String schema;

  private ClusterDb(HikariDataSource pool, String schema) {
    this.pool = pool;
    this.schema = schema;
  }

  /**
   * Connects to the ledger's database and creates the cluster's tables when absent.
   *
   * @throws StoreException {@code store_unavailable} when the database cannot be reached
   */
  public static ClusterDb open(LedgerConfig.Postgres config) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(config.jdbcUrl());
    hc.setPoolName("covenant-cluster-" + config.schema());
    hc.setMaximumPoolSize(4);
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(Math.max(250, Math.min(2000, config.connectTimeout().toMillis())));
    hc.setInitializationFailTimeout(-1);
    hc.addDataSourceProperty("ApplicationName", "covenant-cluster");
    // A member paused inside a transaction (SIGSTOP, a long GC) must not hold the lease row's
    // lock past its lease: the database ends such sessions, and waits on locks are bounded.
    hc.setConnectionInitSql("SET idle_in_transaction_session_timeout = '1000ms'; "
        + "SET lock_timeout = '2000ms'");
    HikariDataSource pool = new HikariDataSource(hc);
    ClusterDb db = new ClusterDb(pool, config.schema());
    try {
      db.migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return db;
  }

  /** The schema's qualified name of {@code table}. */
  public String table(String table) {
    return schema + "." + table;
  }

  private void migrate() {
    String s = schema;
    String[] ddl = {
      "CREATE SCHEMA IF NOT EXISTS " + s,
      "CREATE TABLE IF NOT EXISTS " + s + ".cluster_lease (name TEXT PRIMARY KEY, holder TEXT NOT "
          + "NULL, holder_url TEXT NOT NULL, epoch BIGINT NOT NULL, expires TIMESTAMPTZ NOT NULL, "
          + "acquired TIMESTAMPTZ NOT NULL)",
      "CREATE TABLE IF NOT EXISTS " + s + ".cluster_member (id TEXT PRIMARY KEY, url TEXT NOT "
          + "NULL, log_key BOOLEAN NOT NULL, started TIMESTAMPTZ NOT NULL, expires TIMESTAMPTZ "
          + "NOT NULL)",
      "ALTER TABLE " + s + ".cluster_member ADD COLUMN IF NOT EXISTS owns BOOLEAN NOT NULL "
          + "DEFAULT TRUE",
      "CREATE TABLE IF NOT EXISTS " + s + ".log_head (id INT PRIMARY KEY CHECK (id = 1), size "
          + "BIGINT NOT NULL, checkpoint BYTEA NOT NULL, epoch BIGINT NOT NULL, key TEXT NOT "
          + "NULL, updated TIMESTAMPTZ NOT NULL)",
      "CREATE TABLE IF NOT EXISTS " + s + ".log_file (path TEXT PRIMARY KEY, data BYTEA NOT "
          + "NULL, epoch BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS " + s + ".api_token (id TEXT PRIMARY KEY, sha256 TEXT NOT NULL "
          + "UNIQUE, doc TEXT NOT NULL)",
      // log_salt: the legacy salts, by person alone (docs/DECISIONS.md, "Salts per account").
      "CREATE TABLE IF NOT EXISTS " + s + ".log_salt (person TEXT PRIMARY KEY, salt TEXT NOT "
          + "NULL)",
      "CREATE TABLE IF NOT EXISTS " + s + ".log_account_salt (account TEXT NOT NULL, person "
          + "TEXT NOT NULL, salt TEXT NOT NULL, PRIMARY KEY (account, person))",
      "CREATE TABLE IF NOT EXISTS " + s + ".dsr_register (id INT PRIMARY KEY CHECK (id = 1), "
          + "doc TEXT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS " + s + ".salt_erasure (id BIGSERIAL PRIMARY KEY, account TEXT "
          + "NOT NULL, person TEXT NOT NULL, requested TIMESTAMPTZ NOT NULL, erased BOOLEAN)",
      // job_leaf: a bulk job's one leaf queued by a CLI for the writer (JobLeafQueue).
      "CREATE TABLE IF NOT EXISTS " + s + ".job_leaf (id BIGSERIAL PRIMARY KEY, leaf BYTEA NOT "
          + "NULL, requested TIMESTAMPTZ NOT NULL, leaf_index BIGINT, checkpoint_before TEXT, "
          + "checkpoint TEXT)",
      "CREATE TABLE IF NOT EXISTS " + s + ".consent_receipt (ns TEXT NOT NULL, position BIGINT "
          + "NOT NULL, receipt TEXT, requested TIMESTAMPTZ NOT NULL, PRIMARY KEY (ns, position))",
      "CREATE TABLE IF NOT EXISTS " + s + ".decision_count (id BIGSERIAL PRIMARY KEY, line TEXT "
          + "NOT NULL)",
      "CREATE TABLE IF NOT EXISTS " + s + ".decision_summary (id BIGSERIAL PRIMARY KEY, member "
          + "TEXT NOT NULL, at TIMESTAMPTZ NOT NULL, decisions BIGINT NOT NULL, counters INT NOT "
          + "NULL, logged BOOLEAN NOT NULL DEFAULT FALSE)",
    };
    // Servers starting at once may race on IF NOT EXISTS (a unique violation in the catalog):
    // a second attempt finds what the other one created.
    for (int attempt = 1; ; attempt++) {
      try {
        run("create the cluster tables", c -> {
          try (Statement st = c.createStatement()) {
            for (String d : ddl) {
              st.execute(d);
            }
          }
          return null;
        });
        return;
      } catch (StoreException e) {
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  /** Runs {@code work} on a pooled connection in auto-commit mode. */
  public <T> T run(String what, Work<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(StoreException.UNAVAILABLE, "cannot " + what + " in PostgreSQL "
          + "schema `" + schema + "`: " + e.getMessage(), e);
    }
  }

  /** Runs {@code work} in one transaction, rolled back when it throws. */
  public <T> T tx(String what, Work<T> work) {
    return run(what, c -> {
      c.setAutoCommit(false);
      try {
        T out = work.run(c);
        c.commit();
        return out;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the connection is broken; the pool discards it
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    });
  }

  @Override
  public void close() {
    pool.close();
  }
}
