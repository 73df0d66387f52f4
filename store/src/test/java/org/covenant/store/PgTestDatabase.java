package org.covenant.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL the tests use: {@code COVENANT_TEST_PG_URL}, else the CI default
 * {@value #DEFAULT_URL}. When the variable is unset and no server answers, the tests are skipped
 * with a message saying how to enable them; when it is set, an unreachable server fails them.
 * Each test run works in fresh schemas or databases with a random suffix, so parallel runs never
 * collide. Shared with the other modules' PostgreSQL tests through the store's test jar.
 */
public final class PgTestDatabase {
  public static final String ENV = "COVENANT_TEST_PG_URL";
  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private PgTestDatabase() {}

  /** The JDBC URL, or aborts the test (skipped) when PostgreSQL is not configured nor running. */
  public static String url() {
    String env = System.getenv(ENV);
    String url = env == null || env.isBlank() ? DEFAULT_URL : env;
    try (Connection c = DriverManager.getConnection(url)) {
      if (!c.isValid(5)) {
        throw new SQLException("connection not valid");
      }
      return url;
    } catch (SQLException e) {
      if (env == null || env.isBlank()) {
        Assumptions.abort("PostgreSQL tests skipped: no server at " + DEFAULT_URL + " ("
            + e.getMessage() + "); set " + ENV + "=jdbc:postgresql://HOST:PORT/DB?user=USER "
            + "to run them");
      }
      throw new IllegalStateException(ENV + "=" + url + " does not answer: " + e.getMessage(), e);
    }
  }

  /** A fresh name with a random suffix, e.g. {@code covenant_t_1a2b3c4d}. */
  public static String fresh(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
        .toLowerCase(Locale.ROOT);
  }

  /** Runs statements on an admin connection to the test database. */
  public static void admin(String url, String... sql) {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("admin SQL failed: " + e.getMessage(), e);
    }
  }

  /** The URL of another database on the same server (replaces the path's database name). */
  public static String withDatabase(String url, String database) {
    return url.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
  }
}
