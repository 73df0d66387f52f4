package org.covenant.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.Problem;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import picocli.CommandLine.Option;

/** {@code --data DIR | --db JDBC_URL}: where the ledger lives, for every command that reads it. */
final class LedgerOptions {
  @Option(names = "--data", paramLabel = "DIR",
      description = "Data directory of the embedded ledger (DIR/ledger.db, SQLite).")
  Optional<Path> data;

  @Option(names = "--db", paramLabel = "JDBC_URL",
      description = "A PostgreSQL ledger instead: jdbc:postgresql://HOST:PORT/DB?user=USER.")
  Optional<String> db;

  @Option(names = "--db-schema", defaultValue = DbOptions.DEFAULT_SCHEMA, paramLabel = "NAME",
      description = "With --db: the PostgreSQL schema (default covenant, as `serve --db-schema`).")
  String dbSchema = DbOptions.DEFAULT_SCHEMA;

  @Option(names = "--terms-dir", paramLabel = "DIR",
      description = "Add the terms (policy YAML files) in DIR to the built-in ones.")
  Optional<Path> termsDir;

  /** Opens the ledger; a {@code StoreException} carries the error to the caller. */
  Ledger open(TermsCatalog catalog) {
    return Ledger.open(config(), catalog);
  }

  /** The ledger's configuration: {@code --data} or {@code --db} in {@code --db-schema}. */
  LedgerConfig config() {
    LedgerConfig c = LedgerConfig.of(data, db);
    return c instanceof LedgerConfig.Postgres pg ? pg.withSchema(dbSchema) : c;
  }

  /** The built-in terms plus {@code --terms-dir}, or the problems with the latter. */
  Result<TermsCatalog> catalog() {
    if (termsDir.isEmpty()) {
      return new Result.Ok<>(TermsLibrary.builtInCatalog());
    }
    return TermsLibrary.catalogWith(termsDir.get());
  }

  /** Formats problems for stderr. */
  static String describe(java.util.List<Problem> problems) {
    StringBuilder b = new StringBuilder();
    for (Problem p : problems) {
      b.append("covenant: invalid input: ").append(p).append('\n');
    }
    return b.toString();
  }
}
