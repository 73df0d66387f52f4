package org.covenant.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;
import org.covenant.format.Json;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/**
 * The embedded {@link EventStore} (ARCHITECTURE.md §9): one SQLite file per data directory,
 * {@code DIR/ledger.db}, in WAL mode with {@code synchronous=FULL}, so an acknowledged append
 * survives a crash of the process or the machine. Several processes may share the file; each
 * write takes SQLite's write lock ({@code BEGIN IMMEDIATE}), waiting up to the busy timeout.
 *
 * <p>The file is marked with an application id. A file that is not SQLite, or a SQLite database
 * of another application, is refused with {@code corrupt_store} and never written to. If the file
 * becomes unreachable (moved, deleted, read-only, disk full), writes fail with
 * {@code store_unavailable} and the store reconnects on the next call; it never creates a fresh
 * file after the first open, and it refuses a different ledger that appeared at the same path.
 */
public final class SqliteEventStore implements EventStore, EventRows.RawReads {
  /** "Covn": marks the file as a Covenant ledger ({@code PRAGMA application_id}). */
  static final int APPLICATION_ID = 0x436f766e;

  private final LedgerConfig.Sqlite config;
  private final String where;
  /** Parameters per {@code IN} list (SQLite allows 999 in old builds). */
  private static final int IN_CHUNK = 500;
  /** How much of the file the read connection maps (PRAGMA mmap_size). */
  private static final long READ_MMAP_BYTES = 1L << 30;
  /**
   * Guards the write connection. A lock, not a monitor, so a key look-up can take the write
   * connection when no one is writing ({@link #storedKeys}).
   */
  private final ReentrantLock writeLock =
      new ReentrantLock();
  private final Object readLock = new Object();
  /** The tree below still being made private ({@link #openBeside}); null once it is. */
  private volatile PrivateFiles.Pending privacy;
  private String ledgerId;
  private volatile Object fileKey;
  private Connection writer;
  private Connection reader;
  private volatile boolean closed;

  private SqliteEventStore(LedgerConfig.Sqlite config) {
    this.config = config;
    this.where = config.file().toString();
  }

  /**
   * Opens {@code dir/ledger.db}, creating the directory and the ledger when absent, and migrates
   * its schema.
   *
   * @throws StoreException {@code corrupt_store} (not a Covenant ledger), {@code schema_too_new},
   *     {@code store_unavailable} (cannot create or open)
   */
  public static SqliteEventStore open(LedgerConfig.Sqlite config) {
    SqliteEventStore store = openBeside(config);
    try {
      store.awaitPrivate();
    } catch (StoreException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /**
   * As {@link #open}, the directory's subdirectories (the log's tiles) made private on a thread
   * beside what the caller does next ({@link PrivateFiles#secureTreeBeside}); the caller calls
   * {@link #awaitPrivate} before it serves anything (a ledger's open, once its projection is
   * restored).
   */
  static SqliteEventStore openBeside(LedgerConfig.Sqlite config) {
    try {
      PrivateFiles.createDirectories(config.dir());
    } catch (IOException e) {
      throw new StoreException(StoreException.UNAVAILABLE,
          "cannot create the data directory `" + config.dir() + "`: " + e.getMessage(), e);
    }
    if (Files.isDirectory(config.file())) {
      throw new StoreException(StoreException.CORRUPT,
          "`" + config.file() + "` is a directory, not a ledger file");
    }
    PrivateFiles.Pending privacy;
    try {
      // SQLite creates the WAL and shared-memory files with the database file's mode: 0600.
      PrivateFiles.createFile(config.file());
      privacy = PrivateFiles.secureTreeBeside(config.dir());
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new StoreException(StoreException.UNAVAILABLE,
          "cannot make the data directory `" + config.dir() + "` private: " + e.getMessage(), e);
    }
    SqliteEventStore store = new SqliteEventStore(config);
    store.privacy = privacy;
    store.writeLock.lock();
    try {
      store.connectWriter(true);
    } finally {
      store.writeLock.unlock();
    }
    return store;
  }

  /**
   * Waits until the data directory's subdirectories are private ({@link #openBeside}); at once
   * after the first call.
   *
   * @throws StoreException {@code store_unavailable} when a mode could not be set, as
   *     {@link #open} throws it
   */
  void awaitPrivate() {
    PrivateFiles.Pending p = privacy;
    if (p == null) {
      return;
    }
    try {
      p.await();
    } catch (java.io.UncheckedIOException e) {
      throw new StoreException(StoreException.UNAVAILABLE,
          "cannot make the data directory `" + config.dir() + "` private: " + e.getMessage(), e);
    }
    privacy = null;
  }

  /** The ledger file. */
  public Path file() {
    return config.file();
  }

  @Override
  public long head() {
    synchronized (readLock) {
      try (Statement st = reader().createStatement();
          ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(position), 0) FROM ledger_event")) {
        rs.next();
        return rs.getLong(1);
      } catch (SQLException e) {
        throw failReader(e, "read the head");
      }
    }
  }

  @Override
  public List<StoredEvent> read(long afterPosition, int limit) {
    return readRaw(afterPosition, limit).decode();
  }

  @Override
  public EventRows.Raw readRaw(long afterPosition, int limit) {
    StoreChecks.readArguments(afterPosition, limit);
    synchronized (readLock) {
      try {
        Connection c = reader();
        if (limit >= PACKED_MIN_ROWS && afterPosition <= Long.MAX_VALUE - limit) {
          EventRows.Raw page = selectPacked(c, afterPosition, limit);
          if (page != null) {
            return page;
          }
        }
        return selectRaw(c, afterPosition, limit);
      } catch (SQLException e) {
        throw failReader(e, "read events");
      }
    }
  }

  /** The fewest rows asked for that are read as one packed row ({@link #selectPacked}). */
  private static final int PACKED_MIN_ROWS = 256;

  /**
   * The {@code limit} rows after {@code after} as one row ({@link EventRows#packed}), or null
   * when the positions {@code after + 1} to {@code after + limit} are not all there (the
   * ledger's last page, or a gap: the rows are then read one by one, as before). One step and
   * three column reads a page instead of a step and three reads a row (issue 15: the driver's
   * JNI calls, locks and arrays per row and column were most of the replay's reader thread).
   * The window is a range of the table's rowid, which SQLite scans in rowid order, so the
   * aggregates join the rows in position order (pinned by {@code SqliteEventStoreTest}; the
   * split checks the count). SQLite's aggregates skip NULL: the keys join the non-null ones and
   * the positions without one are listed apart.
   */
  private EventRows.Raw selectPacked(Connection c, long after, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PACKED_PAGE)) {
      ps.setLong(1, after);
      ps.setLong(2, after + limit);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getLong(1) != limit) {
          return null;
        }
        long keyed = rs.getLong(2);
        byte[] bodies = rs.getBytes(3);
        byte[] keys = keyed == 0 ? null : rs.getBytes(4);
        byte[] nullKeys = keyed == limit ? null : rs.getBytes(5);
        if (bodies == null || (keyed > 0 && keys == null) || (keyed < limit && nullKeys == null)) {
          return null;
        }
        return EventRows.packed("`" + where + "`", after, limit, bodies, keys, nullKeys,
            () -> {
              synchronized (readLock) {
                try {
                  return selectRaw(reader(), after, limit);
                } catch (SQLException e) {
                  throw failReader(e, "read events");
                }
              }
            });
      }
    }
  }

  private static final String PACKED_PAGE = "SELECT count(*), count(idempotency_key), "
      + "group_concat(body, char(10)), group_concat(idempotency_key, char(10)), "
      + "group_concat(CASE WHEN idempotency_key IS NULL THEN position END) "
      + "FROM ledger_event WHERE position > ? AND position <= ?";

  @Override
  public Map<String, Long> storedKeys(Collection<String> keys,
      String separator) {
    Map<String, Long> out = new HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    // Keys compare as bytes (BINARY): [K, K + separator's successor) holds K itself and every
    // key that starts with K + separator (and a few others, filtered below); the unique index
    // serves one range per key. The keys go in as one JSON array, so a batch of any size is one
    // statement (one prepare, one index seek per key) instead of a query per few hundred keys.
    String upper = KeyRange.upper(separator);
    ArrayNode array = Json.array();
    keys.forEach(array::add);
    String json = Json.line(array);
    // On the write connection when no one writes: its page cache survives its own commits, so
    // the keys' index pages the last appends touched (and the next one will) are there; the read
    // connection's cache is dropped at every commit and reads them again, from the WAL, for
    // each key (issue 15, docs/BENCHMARKS.md "post100k"). Both read the committed ledger. Not
    // inside this thread's own append (its transaction would show its uncommitted rows).
    if (!writeLock.isHeldByCurrentThread() && writeLock.tryLock()) {
      try {
        return storedKeys(writer(), json, upper, separator, out);
      } catch (SQLException e) {
        throw failWriter(e, "look up idempotency keys");
      } finally {
        writeLock.unlock();
      }
    }
    synchronized (readLock) {
      try {
        return storedKeys(reader(), json, upper, separator, out);
      } catch (SQLException e) {
        throw failReader(e, "look up idempotency keys");
      }
    }
  }

  private static Map<String, Long> storedKeys(Connection c, String json, String upper,
      String separator, Map<String, Long> out) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT j.value, e.idempotency_key, "
        + "e.position FROM json_each(?) AS j CROSS JOIN ledger_event AS e "
        + "ON e.idempotency_key >= j.value AND e.idempotency_key < j.value || ?")) {
      ps.setString(1, json);
      ps.setString(2, upper);
      try (ResultSet rs = ps.executeQuery()) {
        KeyRange.collect(rs, separator, out);
      }
    }
    return out;
  }

  @Override
  public List<StoredEvent> readAt(long[] positions) {
    synchronized (readLock) {
      try {
        EventRows.Raw raw = new EventRows.Raw("`" + where + "`", positions.length);
        for (int from = 0; from < positions.length; from += IN_CHUNK) {
          int n = Math.min(positions.length - from, IN_CHUNK);
          try (PreparedStatement ps = reader().prepareStatement("SELECT position, body, "
              + "idempotency_key FROM ledger_event WHERE position IN ("
              + EventRows.placeholders(n) + ") ORDER BY position")) {
            for (int i = 0; i < n; i++) {
              ps.setLong(i + 1, positions[from + i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                raw.add(rs.getLong(1), rs.getBytes(2), keyBytes(rs, 3));
              }
            }
          }
        }
        return raw.decode();
      } catch (SQLException e) {
        throw failReader(e, "read events");
      }
    }
  }

  @Override
  public long append(long knownHead, Function<List<StoredEvent>, List<StoredEvent>> plan) {
    writeLock.lock();
    try {
      Connection c = writer();
      boolean open = false;
      try {
        execute(c, "BEGIN IMMEDIATE");
        open = true;
        long head;
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery(
                "SELECT COALESCE(MAX(position), 0) FROM ledger_event")) {
          rs.next();
          head = rs.getLong(1);
        }
        StoreChecks.knownHead(knownHead, head);
        List<StoredEvent> unseen = head == knownHead ? List.of()
            : select(c, knownHead, Integer.MAX_VALUE);
        List<StoredEvent> batch = List.copyOf(plan.apply(unseen));
        StoreChecks.batch(batch, head);
        if (!batch.isEmpty()) {
          insert(c, batch);
        }
        execute(c, "COMMIT");
        open = false;
        return head + batch.size();
      } catch (SQLException e) {
        throw failWriter(e, "append");
      } finally {
        if (open) {
          rollback(c);
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    writeLock.lock();
    try {
      closeQuietly(writer);
      writer = null;
    } finally {
      writeLock.unlock();
    }
    synchronized (readLock) {
      closeQuietly(reader);
      reader = null;
    }
  }

  private List<StoredEvent> select(Connection c, long after, int limit)
      throws SQLException {
    return selectRaw(c, after, limit).decode();
  }

  private EventRows.Raw selectRaw(Connection c, long after, int limit) throws SQLException {
    EventRows.Raw raw = new EventRows.Raw("`" + where + "`", limit);
    try (PreparedStatement ps = c.prepareStatement("SELECT position, body, idempotency_key "
        + "FROM ledger_event WHERE position > ? ORDER BY position LIMIT ?")) {
      ps.setLong(1, after);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          raw.add(rs.getLong(1), rs.getBytes(2), keyBytes(rs, 3));
        }
      }
    }
    return raw;
  }

  /**
   * The key column as the UTF-8 bytes the driver's {@code getString} would decode (it copies
   * them out and calls {@code new String(bytes, UTF_8)}; {@link EventRows.Raw} does that on the
   * decoding thread, so the replay's reader thread only copies). {@code getBytes} gives null for
   * SQL NULL and may for an empty text too: the string is then read as before.
   */
  private static Object keyBytes(ResultSet rs, int column) throws SQLException {
    byte[] b = rs.getBytes(column);
    return b != null || rs.wasNull() ? b : rs.getString(column);
  }

  /** Rows per multi-row {@code INSERT}: 5 parameters each, far below SQLite's 32,766. */
  private static final int INSERT_ROWS = 128;

  /**
   * Inserts the batch with multi-row {@code INSERT}s of {@link #INSERT_ROWS} rows (one statement
   * step per 128 rows rather than per row), inside the append's transaction.
   *
   * <p>{@code appended_at} is bound, one value for the whole append, rather than left to the
   * column's default: the default's {@code strftime} ran once per row (0.7 us of the importing
   * thread per event, docs/BENCHMARKS.md "Import: one appended_at per append"). The value has
   * the default's shape ({@link #appendedAt}); the default stays for rows written otherwise.
   */
  private static void insert(Connection c, List<StoredEvent> batch) throws SQLException {
    String appendedAt = appendedAt(java.time.Instant.now());
    int full = batch.size() / INSERT_ROWS;
    if (full > 0) {
      try (PreparedStatement ps = c.prepareStatement(insertSql(INSERT_ROWS))) {
        ps.setString(1, appendedAt);
        for (int k = 0; k < full; k++) {
          bind(ps, batch, k * INSERT_ROWS, INSERT_ROWS);
          ps.executeUpdate();
        }
      }
    }
    int rest = batch.size() - full * INSERT_ROWS;
    if (rest > 0) {
      try (PreparedStatement ps = c.prepareStatement(insertSql(rest))) {
        ps.setString(1, appendedAt);
        bind(ps, batch, full * INSERT_ROWS, rest);
        ps.executeUpdate();
      }
    }
  }

  /**
   * {@code strftime('%Y-%m-%dT%H:%M:%fZ', 'now')}, the column default's text: UTC, milliseconds
   * always written (three digits), for the years 0 to 9999 the default can show.
   */
  static String appendedAt(java.time.Instant now) {
    java.time.LocalDateTime t = java.time.LocalDateTime.ofInstant(now, java.time.ZoneOffset.UTC);
    return String.format(java.util.Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
        t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(),
        t.getSecond(), t.getNano() / 1_000_000);
  }

  /**
   * Parameter 1 ({@code ?1}, repeated in every row) is the append's {@code appended_at}; each row
   * then has 5 parameters of its own, numbered on from 2 by SQLite's rule for a bare {@code ?}.
   */
  private static String insertSql(int rows) {
    StringBuilder sql = new StringBuilder("INSERT INTO ledger_event "
        + "(appended_at, position, type, at, body, idempotency_key) VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "(?1, ?, ?, ?, ?, ?)" : ", (?1, ?, ?, ?, ?, ?)");
    }
    return sql.toString();
  }

  private static void bind(PreparedStatement ps, List<StoredEvent> batch, int from, int rows)
      throws SQLException {
    int p = 2;
    for (int i = from; i < from + rows; i++) {
      StoredEvent e = batch.get(i);
      ps.setLong(p++, e.position());
      ps.setString(p++, e.event().type());
      ps.setString(p++, org.covenant.format.EventJson.text(e.event().at()));
      ps.setString(p++, EventRows.body(e.event()));
      ps.setString(p++, e.idempotencyKey().orElse(null));
    }
  }

  private Connection writer() {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
    if (writer == null) {
      connectWriter(false);
    } else if (!Objects.equals(fileKey(), fileKey)) {
      // SQLite keeps writing to an open file that was moved or deleted (in WAL mode it does not
      // notice): acknowledged appends would land where no one will look, or nowhere.
      closeQuietly(writer);
      writer = null;
      throw new StoreException(StoreException.UNAVAILABLE, "`" + where + "` was moved or "
          + "deleted while open; nothing was written");
    }
    return writer;
  }

  /** The file's identity (device and inode), or null when it is not there. */
  private Object fileKey() {
    try {
      return Files.readAttributes(config.file(), BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private Connection reader() {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
    if (fileKey != null && !Objects.equals(fileKey(), fileKey)) {
      // As for the writer: an open connection keeps reading a deleted or replaced file, and a
      // reader that still answers would keep the server ready and its decisions fresh.
      closeQuietly(reader);
      reader = null;
      throw new StoreException(StoreException.UNAVAILABLE, "`" + where + "` was moved or "
          + "deleted while open");
    }
    if (reader == null) {
      try {
        reader = connection(false);
        // Reads map the file instead of copying each page through read(2): a replay reads
        // every page of the ledger once, and the copies showed in its profile.
        execute(reader, "PRAGMA mmap_size = " + READ_MMAP_BYTES);
      } catch (SQLException e) {
        throw classify(e, "open the ledger");
      }
    }
    return reader;
  }

  private Connection connection(boolean create) throws SQLException {
    SQLiteConfig c = new SQLiteConfig();
    // 32 MiB of page cache (the default is 2 MiB): an import's batch inserts 10,000 keys into
    // the idempotency index and looks 10,000 up, touching index pages all over the tree.
    c.setCacheSize(-32 * 1024);
    c.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, config.busyTimeout().toMillis()));
    if (!create) {
      // After the first open the file must be there: a missing file is unavailable, not a
      // reason to start an empty ledger.
      c.resetOpenMode(SQLiteOpenMode.CREATE);
    }
    return c.createConnection("jdbc:sqlite:" + config.file());
  }

  /**
   * Opens the write connection and checks, before writing anything, that the file is a Covenant
   * ledger (or empty); then switches it to WAL and migrates. Caller holds writeLock.
   */
  private void connectWriter(boolean create) {
    Connection c = null;
    boolean open = false;
    try {
      c = connection(create);
      execute(c, "BEGIN IMMEDIATE");
      open = true;
      int appId;
      int objects;
      try (Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("PRAGMA application_id")) {
          rs.next();
          appId = rs.getInt(1);
        }
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master")) {
          rs.next();
          objects = rs.getInt(1);
        }
      }
      boolean fresh = appId == 0 && objects == 0;
      if (!fresh && appId != APPLICATION_ID) {
        throw new StoreException(StoreException.CORRUPT, "`" + where + "` is not a Covenant "
            + "ledger (a SQLite database of another application); it was left unchanged");
      }
      if (fresh) {
        execute(c, "PRAGMA application_id = " + APPLICATION_ID);
      }
      Migrations.migrate(c, Migrations.SQLITE, "", "", where);
      String id = ledgerId(c);
      if (id == null) {
        id = UUID.randomUUID().toString();
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO ledger_meta (name, value) VALUES ('ledger_id', ?)")) {
          ps.setString(1, id);
          ps.executeUpdate();
        }
      }
      if (ledgerId != null && !ledgerId.equals(id)) {
        throw new StoreException(StoreException.CORRUPT, "`" + where + "` now holds another "
            + "ledger than the one opened (" + id + " instead of " + ledgerId + ")");
      }
      execute(c, "COMMIT");
      open = false;
      // WAL cannot be entered inside a transaction; synchronous=FULL syncs the WAL on commit.
      execute(c, "PRAGMA journal_mode = WAL");
      execute(c, "PRAGMA synchronous = FULL");
      // Checkpoint the WAL into the file every 64 MiB rather than every 4 MiB: an index page
      // changed by consecutive batches is then copied into the file once, not once per batch.
      // Durability is unchanged (a commit is durable once its WAL frames are synced).
      execute(c, "PRAGMA wal_autocheckpoint = 16384");
      // An append's index look-ups and inserts (idempotency keys all over the tree once the
      // ledger outgrows the page cache) then read the file's pages from the map rather than
      // copying each through read(2), as the read connection does. Writes still go to the WAL.
      execute(c, "PRAGMA mmap_size = " + READ_MMAP_BYTES);
      ledgerId = id;
      fileKey = fileKey();
      writer = c;
      c = null;
    } catch (SQLException e) {
      throw classify(e, "open the ledger");
    } finally {
      if (c != null) {
        if (open) {
          rollback(c);
        }
        closeQuietly(c);
      }
    }
  }

  private static String ledgerId(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT value FROM ledger_meta WHERE name = 'ledger_id'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private StoreException failWriter(SQLException e, String what) {
    StoreException x = classify(e, what);
    if (x.code().equals(StoreException.UNAVAILABLE) || x.code().equals(StoreException.CORRUPT)) {
      closeQuietly(writer);
      writer = null;
    }
    return x;
  }

  private StoreException failReader(SQLException e, String what) {
    StoreException x = classify(e, what);
    if (x.code().equals(StoreException.UNAVAILABLE) || x.code().equals(StoreException.CORRUPT)) {
      closeQuietly(reader);
      reader = null;
    }
    return x;
  }

  private StoreException classify(SQLException e, String what) {
    int primary = e instanceof SQLiteException s ? s.getResultCode().code & 0xff : -1;
    String msg = "cannot " + what + " in `" + where + "`: " + e.getMessage();
    if (primary == SQLiteErrorCode.SQLITE_NOTADB.code
        || primary == SQLiteErrorCode.SQLITE_CORRUPT.code) {
      return new StoreException(StoreException.CORRUPT, "`" + where + "` is not a Covenant "
          + "ledger or is damaged (" + e.getMessage() + "); it was left unchanged", e);
    }
    if (primary == SQLiteErrorCode.SQLITE_CONSTRAINT.code) {
      return new StoreException(StoreException.CONFLICT, msg, e);
    }
    return new StoreException(StoreException.UNAVAILABLE, msg, e);
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static void rollback(Connection c) {
    try {
      execute(c, "ROLLBACK");
    } catch (SQLException ignored) {
      // The transaction is gone with the connection; nothing was committed.
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // Closing a broken connection: nothing more to release.
    }
  }
}
