package org.covenant.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * Versioned schema migrations, a small Flyway: each database records the versions applied in
 * {@code schema_version}; missing ones run in order, each in the caller's transaction (both
 * SQLite and PostgreSQL have transactional DDL), and a database that records a version newer than
 * this code knows is refused with {@code schema_too_new} before anything is written.
 *
 * <p>The caller holds the store's write lock and an open transaction, so two processes never
 * migrate at once; it commits on return.
 */
final class Migrations {
  /** One schema change: its version, what it does, and its statements. */
  record Migration(int version, String description, List<String> statements) {
    Migration {
      Objects.requireNonNull(description, "description");
      statements = List.copyOf(statements);
    }
  }

  /** SQLite: positions are the rowid; timestamps are RFC 3339 text. */
  static final List<Migration> SQLITE = List.of(
      new Migration(1, "ledger events, idempotency keys, ledger identity", List.of(
          "CREATE TABLE ledger_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
          "CREATE TABLE ledger_event ("
              + "position INTEGER PRIMARY KEY, "
              + "type TEXT NOT NULL, "
              + "at TEXT NOT NULL, "
              + "body TEXT NOT NULL, "
              + "idempotency_key TEXT UNIQUE, "
              + "appended_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))")));

  /** PostgreSQL, in the configured schema ({@code %s} is replaced by it). */
  static final List<Migration> POSTGRES = List.of(
      new Migration(1, "ledger events, idempotency keys, ledger identity", List.of(
          "CREATE TABLE %s.ledger_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
          "CREATE TABLE %s.ledger_event ("
              + "position BIGINT PRIMARY KEY, "
              + "type TEXT NOT NULL, "
              + "at TIMESTAMPTZ NOT NULL, "
              + "body JSONB NOT NULL, "
              + "idempotency_key TEXT UNIQUE, "
              + "appended_at TIMESTAMPTZ NOT NULL DEFAULT now())")),
      new Migration(2, "idempotency keys by prefix (a key stored with its request fingerprint)",
          List.of("CREATE INDEX ledger_event_key_prefix ON %s.ledger_event "
              + "(idempotency_key text_pattern_ops)")),
      new Migration(3, "sharded projection: each event's account, the registry of global ids",
          List.of(
              "ALTER TABLE %s.ledger_event ADD COLUMN account TEXT",
              "CREATE TABLE %s.ledger_id (kind TEXT NOT NULL, id TEXT NOT NULL, "
                  + "account TEXT NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (kind, id))",
              "INSERT INTO %s.ledger_id (kind, id, account, position) "
                  + "SELECT 'account', body->>'account', body->>'account', position "
                  + "FROM %s.ledger_event WHERE type = 'account.created'",
              "INSERT INTO %s.ledger_id (kind, id, account, position) "
                  + "SELECT 'meeting', body->>'meeting', body->>'account', position "
                  + "FROM %s.ledger_event WHERE type = 'meeting.started'",
              "INSERT INTO %s.ledger_id (kind, id, account, position) "
                  + "SELECT 'content', body->>'content', body->>'account', position "
                  + "FROM %s.ledger_event WHERE type = 'content.created'",
              // Every event naming an account belongs to it, except participant.joined (its
              // account is the guest's organisation): it belongs to its meeting's account.
              "UPDATE %s.ledger_event SET account = body->>'account' WHERE type NOT IN "
                  + "('participant.joined', 'meeting.feature', 'meeting.ended', "
                  + "'notice.acknowledged', 'participant.left', 'content.deleted')",
              "UPDATE %s.ledger_event e SET account = i.account FROM %s.ledger_id i "
                  + "WHERE e.type IN ('participant.joined', 'meeting.feature', "
                  + "'meeting.ended', 'notice.acknowledged', 'participant.left') "
                  + "AND i.kind = 'meeting' AND i.id = e.body->>'meeting'",
              "UPDATE %s.ledger_event e SET account = i.account FROM %s.ledger_id i "
                  + "WHERE e.type = 'content.deleted' "
                  + "AND i.kind = 'content' AND i.id = e.body->>'content'",
              "CREATE INDEX ledger_event_account ON %s.ledger_event (account, position)")),
      // Two B-trees on the key cost an import about a fifth of PostgreSQL's CPU for a COPY
      // (issue 15, docs/BENCHMARKS.md "Rates"); the prefix index, made unique, enforces the
      // same uniqueness (byte equality under the deterministic collations PostgreSQL keys use).
      new Migration(4, "one index on idempotency keys: the prefix index, unique",
          List.of(
              "CREATE UNIQUE INDEX ledger_event_key ON %s.ledger_event "
                  + "(idempotency_key text_pattern_ops)",
              "DROP INDEX %s.ledger_event_key_prefix",
              "ALTER TABLE %s.ledger_event DROP CONSTRAINT ledger_event_idempotency_key_key")),
      // jsonb's input (parsing each body into its binary form) was a sixth of PostgreSQL's CPU
      // for an import's COPY and its output (back to text) a cost of every read, but nothing
      // reads a body through jsonb: the readers take body::text and decode it themselves, and
      // the few ->> (ShardedStore.joined, migration 3) work on json too. json still checks every
      // body is JSON; it keeps the text as written (the ledger's one row form, EventJson.line),
      // and rows stored before keep jsonb's rendering of it, which the readers already read
      // (docs/BENCHMARKS.md "PostgreSQL's own CPU per event"). Rewrites the table once.
      new Migration(5, "event bodies as json text: checked, stored as written",
          List.of("ALTER TABLE %s.ledger_event ALTER COLUMN body TYPE json USING body::json")),
      // The account index (account, position) takes one insert per appended event at one of the
      // ledger's accounts' places: each a descent of its B-tree, a dozen or more comparisons of
      // the account's text, under the database's collation (strcoll per comparison unless that
      // is "C"), the largest of the table's three index costs for a COPY. Nothing orders or
      // ranges by account: every reader compares it for equality (readShard, readAccounts,
      // joined: `account = ANY(?)`, `account = ?`), and equality under the deterministic
      // collations PostgreSQL indexes use is byte equality, which is what "C" compares, with
      // memcmp. The column takes "C", so the readers' comparisons (the column's collation wins
      // over a parameter's default one) still match the index, which is rebuilt once; the rows
      // are not rewritten (docs/BENCHMARKS.md "pgimport3").
      new Migration(6, "each event's account compared as bytes (collation C)",
          List.of("ALTER TABLE %s.ledger_event ALTER COLUMN account TYPE text COLLATE \"C\"")));

  private Migrations() {}

  /** The newest version this code knows. */
  static int latest(List<Migration> migrations) {
    return migrations.get(migrations.size() - 1).version();
  }

  /**
   * Brings the schema to the latest version inside the caller's transaction; returns the version
   * found before (0 for a new database).
   *
   * @param qualifier {@code ""} or {@code "schema."}, prefixed to {@code schema_version}
   * @param schema what replaces {@code %s} in the statements
   */
  static int migrate(Connection c, List<Migration> migrations, String qualifier, String schema,
      String where) throws SQLException {
    String table = qualifier + "schema_version";
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS " + table + " (version INTEGER PRIMARY KEY, "
          + "description TEXT NOT NULL, applied_at TEXT NOT NULL)");
    }
    int found;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM " + table)) {
      rs.next();
      found = rs.getInt(1);
    }
    int latest = latest(migrations);
    if (found > latest) {
      throw new StoreException(StoreException.SCHEMA_TOO_NEW, where + ": the ledger's schema is "
          + "version " + found + " but this Covenant knows versions up to " + latest
          + ": upgrade Covenant; the ledger was not changed");
    }
    for (Migration m : migrations) {
      if (m.version() <= found) {
        continue;
      }
      try (Statement st = c.createStatement()) {
        for (String sql : m.statements()) {
          st.execute(sql.replace("%s", schema));
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
          + " (version, description, applied_at) VALUES (?, ?, ?)")) {
        ps.setInt(1, m.version());
        ps.setString(2, m.description());
        ps.setString(3, java.time.Instant.now().toString());
        ps.executeUpdate();
      }
    }
    return found;
  }
}
