package org.covenant.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.covenant.store.LedgerConfig;

/**
 * The lineage registry in the ledger's PostgreSQL schema: {@code lineage_registry} (one row, the
 * registry's JSON document, changed under the row's lock) and {@code lineage_build_accounts} (a
 * copy of each build's {@code accounts.tsv}). A registry is changed by CLI jobs a few times per
 * build, so each operation opens one connection for itself.
 */
final class PgLineage implements LineageRegistry.Backing {
  /** Work on one connection. */
  private interface Work<T> {
    T run(Connection c) throws SQLException, IOException;
  }

  private final LedgerConfig.Postgres config;

  private PgLineage(LedgerConfig.Postgres config) {
    this.config = config;
  }

  static PgLineage open(LedgerConfig.Postgres config) {
    PgLineage p = new PgLineage(config);
    String s = config.schema();
    p.run("create the lineage tables", c -> {
      try (Statement st = c.createStatement()) {
        st.execute("CREATE SCHEMA IF NOT EXISTS " + s);
        st.execute("CREATE TABLE IF NOT EXISTS " + s + ".lineage_registry (id INT PRIMARY KEY "
            + "CHECK (id = 1), doc TEXT NOT NULL)");
        st.execute("CREATE TABLE IF NOT EXISTS " + s + ".lineage_build_accounts (build TEXT "
            + "PRIMARY KEY, tsv TEXT NOT NULL)");
      }
      return null;
    });
    return p;
  }

  private <T> T run(String what, Work<T> work) {
    try (Connection c = DriverManager.getConnection(config.jdbcUrl())) {
      return work.run(c);
    } catch (SQLException | IOException e) {
      throw new TrainingException("lineage_io", "cannot " + what + " in PostgreSQL schema `"
          + config.schema() + "`: " + e.getMessage(), e);
    }
  }

  private String table(String name) {
    return config.schema() + "." + name;
  }

  @Override
  public void update(UnaryOperator<String> change) {
    run("update the lineage registry", c -> {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table("lineage_registry")
            + " (id, doc) VALUES (1, '') ON CONFLICT (id) DO NOTHING")) {
          ps.executeUpdate();
        }
        String doc;
        try (PreparedStatement ps = c.prepareStatement("SELECT doc FROM "
            + table("lineage_registry") + " WHERE id = 1 FOR UPDATE");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          doc = rs.getString(1);
        }
        String next = change.apply(doc);
        if (next != null) {
          try (PreparedStatement ps = c.prepareStatement("UPDATE " + table("lineage_registry")
              + " SET doc = ? WHERE id = 1")) {
            ps.setString(1, next);
            ps.executeUpdate();
          }
        }
        c.commit();
        return null;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    });
  }

  @Override
  public String read() {
    return run("read the lineage registry", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT doc FROM "
          + table("lineage_registry") + " WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : "";
      }
    });
  }

  @Override
  public void putAccounts(String build, Path accountsTsv) {
    run("store the accounts of build `" + build + "`", c -> {
      String tsv = Files.readString(accountsTsv, StandardCharsets.UTF_8);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO "
          + table("lineage_build_accounts") + " (build, tsv) VALUES (?, ?) ON CONFLICT (build) "
          + "DO UPDATE SET tsv = excluded.tsv")) {
        ps.setString(1, build);
        ps.setString(2, tsv);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public Optional<BufferedReader> accounts(String build) {
    return run("read the accounts of build `" + build + "`", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT tsv FROM "
          + table("lineage_build_accounts") + " WHERE build = ?")) {
        ps.setString(1, build);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new BufferedReader(new StringReader(rs.getString(1))))
              : Optional.<BufferedReader>empty();
        }
      }
    });
  }
}
