package org.covenant.cli;

import java.util.Optional;
import org.covenant.store.LedgerConfig;
import picocli.CommandLine.Option;

/**
 * {@code --db JDBC_URL [--db-schema NAME]}: the PostgreSQL ledger and, in its schema, the
 * cluster's tables (lineage registry, data subject requests, the log's job-leaf queue), for the
 * commands that keep a data directory and may use PostgreSQL instead. The schema defaults to
 * {@code covenant}, as for {@code serve --db}, so a CLI reaches what a cluster started with the
 * same {@code --db-schema} keeps.
 */
final class DbOptions {
  /** {@code serve}'s and every command's default schema. */
  static final String DEFAULT_SCHEMA = "covenant";

  @Option(names = "--db", paramLabel = "JDBC_URL",
      description = "Use this PostgreSQL database (the ledger and the cluster's tables, as "
          + "`serve --db` keeps them) instead of the data directory's.")
  Optional<String> db = Optional.empty();

  @Option(names = "--db-schema", defaultValue = DEFAULT_SCHEMA, paramLabel = "NAME",
      description = "With --db: the PostgreSQL schema (default covenant, as `serve --db-schema`).")
  String schema = DEFAULT_SCHEMA;

  /** The PostgreSQL ledger when {@code --db} is given. */
  Optional<LedgerConfig.Postgres> postgres() {
    return postgres(db, schema);
  }

  /** {@code url} in {@code schema}. */
  static Optional<LedgerConfig.Postgres> postgres(Optional<String> url, String schema) {
    return url.map(u -> LedgerConfig.postgres(u).withSchema(schema));
  }
}
