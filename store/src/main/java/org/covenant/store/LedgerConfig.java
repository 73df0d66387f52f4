package org.covenant.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a {@link Ledger} keeps its events (ARCHITECTURE.md §9): in memory (tests, the scenario
 * engine), in one SQLite file per data directory ({@code DIR/ledger.db}, the embedded default),
 * or in a PostgreSQL schema shared by any number of processes.
 */
public sealed interface LedgerConfig {
  /** Nothing persisted: gone on close. */
  record Memory() implements LedgerConfig {}

  /**
   * {@code dir/ledger.db}, created with the directory when absent.
   *
   * @param dir the data directory
   * @param busyTimeout how long a writer waits for another process's write lock
   */
  record Sqlite(Path dir, Duration busyTimeout) implements LedgerConfig {
    /** The file name inside the data directory. */
    public static final String FILE_NAME = "ledger.db";

    /** Validates the fields. */
    public Sqlite {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(busyTimeout, "busyTimeout");
    }

    /** The ledger file. */
    public Path file() {
      return dir.resolve(FILE_NAME);
    }
  }

  /**
   * A PostgreSQL database, tables in {@code schema} (created when absent).
   *
   * @param jdbcUrl {@code jdbc:postgresql://host:port/db?user=...}
   * @param schema a lowercase SQL identifier; {@code covenant} by default
   * @param poolSize connections kept open, at least 1
   * @param connectTimeout how long an operation waits for a connection before
   *     {@code store_unavailable}
   */
  record Postgres(String jdbcUrl, String schema, int poolSize, Duration connectTimeout)
      implements LedgerConfig {
    private static final Pattern IDENT = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Validates the fields. */
    public Postgres {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new StoreException(StoreException.INVALID_CONFIG,
            "`" + jdbcUrl + "` is not a PostgreSQL JDBC URL (jdbc:postgresql://host/db)");
      }
      if (!IDENT.matcher(schema).matches()) {
        throw new StoreException(StoreException.INVALID_CONFIG,
            "schema `" + schema + "` is not a lowercase SQL identifier");
      }
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize " + poolSize + " is below 1");
      }
    }

    /** The same database with tables in another schema. */
    public Postgres withSchema(String otherSchema) {
      return new Postgres(jdbcUrl, otherSchema, poolSize, connectTimeout);
    }

    /** The same database with another connection timeout. */
    public Postgres withConnectTimeout(Duration timeout) {
      return new Postgres(jdbcUrl, schema, poolSize, timeout);
    }
  }

  /** An in-memory ledger. */
  static LedgerConfig memory() {
    return new Memory();
  }

  /** A SQLite ledger in {@code dir/ledger.db}, waiting up to 10 s for another writer. */
  static Sqlite sqlite(Path dir) {
    return new Sqlite(dir, Duration.ofSeconds(10));
  }

  /** A PostgreSQL ledger in schema {@code covenant}, 4 connections, 10 s connect timeout. */
  static Postgres postgres(String jdbcUrl) {
    return new Postgres(jdbcUrl, "covenant", 4, Duration.ofSeconds(10));
  }

  /**
   * The CLI's choice: {@code --data} (SQLite) or {@code --db} (PostgreSQL); neither or both is
   * {@code invalid_config}.
   */
  static LedgerConfig of(Optional<Path> data, Optional<String> db) {
    if (db.isPresent() && data.isPresent()) {
      throw new StoreException(StoreException.INVALID_CONFIG,
          "pass either --data DIR or --db JDBC_URL, not both");
    }
    if (db.isPresent()) {
      return postgres(db.get());
    }
    if (data.isPresent()) {
      return sqlite(data.get());
    }
    throw new StoreException(StoreException.INVALID_CONFIG,
        "no ledger given: pass --data DIR or --db jdbc:postgresql://...");
  }
}
