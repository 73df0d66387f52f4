package org.covenant.conformance;

/**
 * The PostgreSQL the cluster tests use: {@code COVENANT_TEST_PG_URL}, else the CI default;
 * skipped only when the variable is unset and nothing answers there, failed when it is set and
 * the server does not answer (as the store's PostgreSQL tests, whose helper is in the store's
 * test jar: on this module's class path its classes would count as main code for
 * {@link LayeringTest}).
 */
final class PgUrl {
  private PgUrl() {}

  static String get() {
    String env = System.getenv("COVENANT_TEST_PG_URL");
    String url = env == null || env.isBlank()
        ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : env;
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url)) {
      if (!c.isValid(5)) {
        throw new java.sql.SQLException("connection not valid");
      }
      return url;
    } catch (java.sql.SQLException e) {
      org.junit.jupiter.api.Assumptions.assumeTrue(env != null && !env.isBlank(),
          "PostgreSQL tests skipped: nothing at " + url + "; set COVENANT_TEST_PG_URL");
      throw new IllegalStateException(url + " does not answer: " + e.getMessage(), e);
    }
  }
}
