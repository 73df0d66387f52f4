package org.covenant.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.covenant.core.event.Event;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * The shared {@link EventStore} (ARCHITECTURE.md §9): a PostgreSQL schema that any number of
 * processes append to. Each write runs in one transaction under a transaction-scoped advisory
 * lock keyed by the schema, so appenders are serialized across processes: positions are assigned
 * after the lock is held, the primary key on the position is a second line of defence, and a
 * writer always sees the events others committed before it.
 *
 * <p>Connections come from a HikariCP pool. When the database goes away, operations fail with
 * {@code store_unavailable} after at most the connect timeout, nothing of a failed transaction
 * is kept, and the pool reconnects when the database returns.
 */
public final class PostgresEventStore
    implements ShardedStore, EventRows.RawReads, EventRows.RawShardReads {
  /** The advisory lock namespace ("Covn"); the second key is the schema's hash. */
  static final int LOCK_CLASS = 0x436f766e;
  /**
   * How long a session may sit idle inside a transaction before PostgreSQL ends it (and so
   * releases the append lock): a member paused inside an append (SIGSTOP, a long GC) holds the
   * ledger's lock at most this long (docs/CLUSTER.md). An append's only idle time is its plan,
   * validating the batch in memory: milliseconds per 10,000 events, so 5 s is far from a live
   * append's.
   */
  static final String IDLE_IN_TRANSACTION_TIMEOUT = "5s";
  /**
   * The longest wait for a lock (the append lock, or a table lock during migrations): longer than
   * the idle timeout plus a large import batch's commit, so a live writer's appends never fail it,
   * and a wait behind anything else is bounded, failing as {@code store_unavailable}.
   */
  static final String LOCK_TIMEOUT = "30s";

  private final LedgerConfig.Postgres config;
  private final String schema;
  private final String where;
  private final HikariDataSource pool;
  private final String ledgerId;

  private PostgresEventStore(LedgerConfig.Postgres config, HikariDataSource pool) {
    this.config = config;
    this.schema = config.schema();
    this.where = "PostgreSQL schema `" + config.schema() + "` at `" + safeUrl(config.jdbcUrl())
        + "`";
    this.pool = pool;
    this.ledgerId = migrate();
  }

  /**
   * Connects, creates the schema when absent and migrates it.
   *
   * @throws StoreException {@code store_unavailable} (cannot connect), {@code schema_too_new},
   *     {@code corrupt_store}
   */
  public static PostgresEventStore open(LedgerConfig.Postgres config) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(config.jdbcUrl());
    hc.setPoolName("covenant-ledger-" + config.schema());
    hc.setMaximumPoolSize(config.poolSize());
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
    hc.setValidationTimeout(Math.max(250, Math.min(5000, config.connectTimeout().toMillis())));
    hc.setInitializationFailTimeout(-1);
    hc.setAutoCommit(true);
    hc.addDataSourceProperty("ApplicationName", "covenant-ledger");
    hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    hc.addDataSourceProperty("tcpKeepAlive", "true");
    // jit = off: PostgreSQL compiles a query with LLVM when its estimated cost passes
    // jit_above_cost, and it estimates the idempotency keys' range join (storedKeys) at ~10^7
    // for any batch: 25-80 ms of the server's CPU compiling, per import batch, a query that runs
    // in 7 ms without (10,000 keys; docs/BENCHMARKS.md "PostgreSQL's own CPU per event"). Every
    // query here is an index look-up or a COPY, none long enough to repay a compilation; the
    // setting changes no result.
    hc.setConnectionInitSql("SET idle_in_transaction_session_timeout = '"
        + IDLE_IN_TRANSACTION_TIMEOUT + "'; SET lock_timeout = '" + LOCK_TIMEOUT
        + "'; SET jit = off");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StoreException(StoreException.UNAVAILABLE,
          "cannot connect to " + safeUrl(config.jdbcUrl()) + ": " + e.getMessage(), e);
    }
    try {
      return new PostgresEventStore(config, pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** The configuration this store was opened with. */
  public LedgerConfig.Postgres config() {
    return config;
  }

  /** The ledger's identity, fixed when its schema was created. */
  public String ledgerId() {
    return ledgerId;
  }

  @Override
  public long head() {
    return withRetry("read the head", this::head);
  }

  @Override
  public List<StoredEvent> read(long afterPosition, int limit) {
    return readRaw(afterPosition, limit).decode();
  }

  @Override
  public EventRows.Raw readRaw(long afterPosition, int limit) {
    StoreChecks.readArguments(afterPosition, limit);
    return withRetry("read events", c -> selectRaw(c, afterPosition, limit));
  }

  @Override
  public java.util.Map<String, Long> storedKeys(java.util.Collection<String> keys,
      String separator) {
    if (keys.isEmpty()) {
      return new java.util.HashMap<>();
    }
    String[] wanted = keys.toArray(String[]::new);
    // [K, K + separator's successor) in byte order holds K and every key that starts with
    // K + separator (and a few others, filtered below): one range scan of the
    // text_pattern_ops index (v2) per key. (`LIKE ANY(array)` cannot use that index: it scanned
    // the whole table once per batch, 12 s for 1,000 keys over 300k events.)
    String upper = KeyRange.upper(separator);
    return withRetry("look up idempotency keys", c -> {
      java.util.Map<String, Long> out = new java.util.HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT k.key, e.idempotency_key, "
          + "e.position FROM unnest(?::text[]) AS k(key) JOIN " + schema + ".ledger_event e "
          + "ON e.idempotency_key ~>=~ k.key AND e.idempotency_key ~<~ (k.key || ?)")) {
        ps.setArray(1, c.createArrayOf("text", wanted));
        ps.setString(2, upper);
        try (ResultSet rs = ps.executeQuery()) {
          KeyRange.collect(rs, separator, out);
        }
      }
      return out;
    });
  }

  @Override
  public List<StoredEvent> readAt(long[] positions) {
    if (positions.length == 0) {
      return List.of();
    }
    return withRetry("read events", c -> {
      EventRows.Raw raw = new EventRows.Raw(where, positions.length);
      Long[] boxed = new Long[positions.length];
      for (int i = 0; i < positions.length; i++) {
        boxed[i] = positions[i];
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT position, body::text, "
          + "idempotency_key FROM " + schema + ".ledger_event WHERE position = ANY(?) "
          + "ORDER BY position")) {
        ps.setArray(1, c.createArrayOf("bigint", boxed));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            raw.add(rs.getLong(1), rs.getString(2), rs.getString(3));
          }
        }
      }
      return raw.decode();
    });
  }

  /** A query of this store's tables on one connection. */
  private interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs a read, once more on a fresh connection if the first one turns out dead (the pool may
   * still hold connections the server dropped while it was away).
   */
  private <T> T withRetry(String what, Query<T> query) {
    for (int attempt = 0; ; attempt++) {
      try (Connection c = pool.getConnection()) {
        return query.run(c);
      } catch (SQLException e) {
        StoreException x = classify(e, what);
        if (attempt > 0 || !x.code().equals(StoreException.UNAVAILABLE)) {
          throw x;
        }
      }
    }
  }

  @Override
  public long append(long knownHead, Function<List<StoredEvent>, List<StoredEvent>> plan) {
    return append(knownHead, (unseen, alive) -> plan.apply(unseen));
  }

  /**
   * An append's plan that says it is still at work: {@code alive} is cheap to call often (it
   * sends a statement at most once per {@link #ALIVE_EVERY_NANOS}), and a plan that calls it
   * while it validates keeps its transaction from being ended as idle
   * ({@link #IDLE_IN_TRANSACTION_TIMEOUT}).
   */
  @FunctionalInterface
  interface LivePlan {
    List<StoredEvent> apply(List<StoredEvent> unseen, Runnable alive);
  }

  /**
   * How often a working plan tells PostgreSQL its session is alive: well inside the idle
   * timeout, so only a process that stopped running (SIGSTOP, a GC pause of seconds) is cut,
   * never one that validates a large batch slowly on a starved CPU.
   */
  static final long ALIVE_EVERY_NANOS = 1_000_000_000L;

  /**
   * As {@link #append(long, Function)} for a plan that reports progress ({@link LivePlan}): the
   * append lock is held by a session that is never idle in its transaction for long while the
   * plan runs, so {@code idle_in_transaction_session_timeout} cuts stuck appenders only.
   */
  long append(long knownHead, LivePlan plan) {
    for (int attempt = 0; ; attempt++) {
      boolean[] planned = {false};
      try {
        return append(knownHead, plan, planned);
      } catch (StoreException e) {
        // A connection found dead before the plan ran sent nothing: safe to try a fresh one.
        if (planned[0] || attempt > 0 || !e.code().equals(StoreException.UNAVAILABLE)) {
          throw e;
        }
      }
    }
  }

  private long append(long knownHead, LivePlan plan, boolean[] planned) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        lock(c);
        // INVARIANT: the head is read by a statement that starts after the lock is held, so in
        // READ COMMITTED its snapshot includes every commit of the previous lock holder.
        long head = head(c);
        StoreChecks.knownHead(knownHead, head);
        List<StoredEvent> unseen = head == knownHead ? List.of()
            : select(c, knownHead, Integer.MAX_VALUE);
        planned[0] = true;
        List<StoredEvent> batch = List.copyOf(plan.apply(unseen, alive(c)));
        StoreChecks.batch(batch, head);
        if (!batch.isEmpty()) {
          insert(c, batch);
        }
        c.commit();
        return head + batch.size();
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      } finally {
        restoreAutoCommit(c);
      }
    } catch (SQLException e) {
      throw classify(e, "append");
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  /**
   * Tells PostgreSQL that the session of {@code c}, inside its append's transaction, is still
   * at work: a trivial statement, sent at most once per {@link #ALIVE_EVERY_NANOS}. Only the
   * thread running the plan calls it (the connection is that thread's).
   */
  private Runnable alive(Connection c) {
    long[] last = {System.nanoTime()};
    return () -> {
      long now = System.nanoTime();
      if (now - last[0] < ALIVE_EVERY_NANOS) {
        return;
      }
      try (Statement st = c.createStatement()) {
        st.execute("SELECT 1");
      } catch (SQLException e) {
        throw classify(e, "append");
      }
      last[0] = System.nanoTime();
    };
  }

  private String migrate() {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        lock(c);
        try (Statement st = c.createStatement()) {
          st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
        Migrations.migrate(c, Migrations.POSTGRES, schema + ".", schema, where);
        String id;
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT value FROM " + schema
                + ".ledger_meta WHERE name = 'ledger_id'")) {
          id = rs.next() ? rs.getString(1) : null;
        }
        if (id == null) {
          id = UUID.randomUUID().toString();
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema
              + ".ledger_meta (name, value) VALUES ('ledger_id', ?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
          }
        }
        c.commit();
        return id;
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      } finally {
        restoreAutoCommit(c);
      }
    } catch (SQLException e) {
      throw classify(e, "open the ledger");
    }
  }

  /** INVARIANT: held until commit or rollback, so one writer per schema at a time. */
  private void lock(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
      ps.setInt(1, LOCK_CLASS);
      ps.setString(2, schema);
      ps.execute();
    }
  }

  private long head(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(position), 0) FROM " + schema
            + ".ledger_event")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<StoredEvent> select(Connection c, long after, int limit) throws SQLException {
    return selectRaw(c, after, limit).decode();
  }

  private EventRows.Raw selectRaw(Connection c, long after, int limit) throws SQLException {
    EventRows.Raw raw = new EventRows.Raw(where, limit);
    try (PreparedStatement ps = c.prepareStatement("SELECT position, body::text, "
        + "idempotency_key FROM " + schema + ".ledger_event WHERE position > ? "
        + "ORDER BY position LIMIT ?")) {
      ps.setLong(1, after);
      ps.setInt(2, limit);
      ps.setFetchSize(Math.min(limit, 10_000));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          raw.add(rs.getLong(1), rs.getString(2), rs.getString(3));
        }
      }
    }
    return raw;
  }

  /**
   * Writes the batch with one binary {@code COPY ... FROM STDIN} ({@link CopyBinary}): one round
   * trip and no per-row statement, several times faster than batched {@code INSERT}s; its rows
   * streamed in {@link #COPY_CHUNK} pieces as they are encoded (encoding overlaps the server's
   * indexing, which before waited for the whole batch: docs/BENCHMARKS.md). Inside the append's
   * transaction, so the batch is as atomic as before.
   */
  private void insert(Connection c, List<StoredEvent> batch) throws SQLException {
    String[] accounts = accountsOf(c, batch);
    CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
    int created = 0;
    CopyIn in = copy.copyIn("COPY " + schema + ".ledger_event (position, type, at, body, "
        + "idempotency_key, account) FROM STDIN (FORMAT binary)");
    try {
      CopyBinary rows = new CopyBinary(in);
      for (int i = 0; i < batch.size(); i++) {
        StoredEvent e = batch.get(i);
        if (registryKind(e.event()) != null) {
          created++;
        }
        rows.row(6).int8(e.position()).text(e.event().type()).timestamptz(e.event().at())
            .text(EventRows.body(e.event())).text(e.idempotencyKey().orElse(null))
            .text(accounts[i]);
      }
      rows.finish();
      in.endCopy();
    } finally {
      cancelIfActive(in);
    }
    if (created == 0) {
      return;
    }
    in = copy.copyIn("COPY " + schema + ".ledger_id (kind, id, account, position) FROM STDIN "
        + "(FORMAT binary)");
    try {
      CopyBinary ids = new CopyBinary(in);
      for (int i = 0; i < batch.size(); i++) {
        StoredEvent e = batch.get(i);
        String kind = registryKind(e.event());
        if (kind != null) {
          ids.row(4).text(kind).text(registryId(e.event())).text(accounts[i]).int8(e.position());
        }
      }
      ids.finish();
      in.endCopy();
    } finally {
      cancelIfActive(in);
    }
  }

  /**
   * After an encoding or I/O failure mid-batch: ends the COPY so the connection can roll back
   * (the caller rolls back; a connection that cannot even cancel is broken, and the server
   * discards its transaction).
   */
  private static void cancelIfActive(CopyIn in) {
    if (in.isActive()) {
      try {
        in.cancelCopy();
      } catch (SQLException ignored) {
        // The first failure is the one to report.
      }
    }
  }

  /** Encoded bytes sent per write of a streamed COPY (≈ 250 rows). */
  static final int COPY_CHUNK = 64 * 1024;

  /** The registry's kind of an event that creates a global id, or null. */
  private static String registryKind(Event e) {
    if (e instanceof Event.AccountCreated) {
      return "account";
    } else if (e instanceof Event.MeetingStarted) {
      return "meeting";
    } else if (e instanceof Event.ContentCreated) {
      return "content";
    }
    return null;
  }

  /** The id an event of {@link #registryKind} creates. */
  private static String registryId(Event e) {
    if (e instanceof Event.AccountCreated x) {
      return x.account();
    } else if (e instanceof Event.MeetingStarted x) {
      return x.meeting();
    }
    return ((Event.ContentCreated) e).content();
  }

  /**
   * The account each event of the batch belongs to ({@link ShardKey}): the one it names, or its
   * meeting's or content's, from the batch itself or the registry (one query for those the batch
   * does not create). Null only for an event whose meeting or content is nowhere, which the
   * ledger never accepts.
   */
  private String[] accountsOf(Connection c, List<StoredEvent> batch) throws SQLException {
    String[] out = new String[batch.size()];
    java.util.Map<String, String> meetings = new java.util.HashMap<>();
    java.util.Map<String, String> contents = new java.util.HashMap<>();
    java.util.Set<String> wantMeetings = new java.util.HashSet<>();
    java.util.Set<String> wantContents = new java.util.HashSet<>();
    for (int i = 0; i < out.length; i++) {
      Event e = batch.get(i).event();
      ShardKey k = ShardKey.of(e);
      switch (k.kind()) {
        case ACCOUNT -> out[i] = k.id();
        case MEETING -> {
          if (!meetings.containsKey(k.id())) {
            wantMeetings.add(k.id());
          }
        }
        case CONTENT -> {
          if (!contents.containsKey(k.id())) {
            wantContents.add(k.id());
          }
        }
        default -> throw new IllegalStateException("unhandled kind " + k.kind());
      }
      if (e instanceof Event.MeetingStarted m) {
        meetings.put(m.meeting(), m.account());
      } else if (e instanceof Event.ContentCreated x) {
        contents.put(x.content(), x.account());
      }
    }
    lookUp(c, "meeting", wantMeetings, meetings);
    lookUp(c, "content", wantContents, contents);
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) {
        ShardKey k = ShardKey.of(batch.get(i).event());
        out[i] = (k.kind() == ShardKey.Kind.MEETING ? meetings : contents).get(k.id());
      }
    }
    return out;
  }

  private void lookUp(Connection c, String kind, java.util.Set<String> ids,
      java.util.Map<String, String> into) throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    // One primary-key probe per wanted id, whatever the statistics: `id = ANY(?)` was planned
    // from the estimates a bulk load leaves (a few hundred rows of the kind) as a scan of every
    // id of the kind, filtered: a cost that grew with the registry, per batch (issue 15,
    // docs/BENCHMARKS.md "post100k"). An id stored nowhere has no account (the column is NOT
    // NULL), so a null is "absent".
    try (PreparedStatement ps = c.prepareStatement("SELECT w.id, (SELECT i.account FROM "
        + schema + ".ledger_id i WHERE i.kind = ? AND i.id = w.id) FROM unnest(?) AS w(id)")) {
      ps.setString(1, kind);
      ps.setArray(2, c.createArrayOf("text", ids.toArray(String[]::new)));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String account = rs.getString(2);
          if (account != null) {
            into.putIfAbsent(rs.getString(1), account);
          }
        }
      }
    }
  }

  @Override
  public List<StoredEvent> readShard(long afterPosition, long upTo,
      java.util.Collection<String> accounts) {
    return readShardRaw(afterPosition, upTo, accounts).decode();
  }

  @Override
  public EventRows.Raw readShardRaw(long afterPosition, long upTo,
      java.util.Collection<String> accounts) {
    if (afterPosition < 0 || upTo < afterPosition) {
      throw new IllegalArgumentException("positions (" + afterPosition + ", " + upTo
          + "] are not a range");
    }
    String[] wanted = accounts.toArray(String[]::new);
    return withRetry("read events", c -> {
      EventRows.Raw raw = new EventRows.Raw(where);
      // The range bounds the work whatever the plan: with the statistics a bulk import leaves,
      // PostgreSQL may read a range through a bitmap and sort it, and a LIMIT over an open range
      // then re-read the rest of the ledger for every page (quadratic: a member's open at 10M
      // events had not finished after 12 minutes).
      try (PreparedStatement ps = c.prepareStatement("SELECT position, body::text, "
          + "idempotency_key FROM " + schema + ".ledger_event WHERE position > ? "
          + "AND position <= ? AND (account = ANY(?) OR type = ANY(?)) ORDER BY position")) {
        // INVARIANT: planned with the accounts as a constant, which PostgreSQL matches through a
        // hash table; a server-prepared statement's generic plan (pgjdbc's after 5 uses) would
        // compare each row with every owned account in turn.
        ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
        ps.setLong(1, afterPosition);
        ps.setLong(2, upTo);
        ps.setArray(3, c.createArrayOf("text", wanted));
        ps.setArray(4, c.createArrayOf("text", INDEXED_TYPES.toArray(String[]::new)));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            raw.add(rs.getLong(1), rs.getString(2), rs.getString(3));
          }
        }
      }
      return raw;
    });
  }

  @Override
  public List<StoredEvent> readAccounts(long afterPosition, long upTo,
      java.util.Collection<String> accounts) {
    if (afterPosition < 0 || upTo < afterPosition) {
      throw new IllegalArgumentException("positions (" + afterPosition + ", " + upTo
          + "] are not a range");
    }
    String[] wanted = accounts.toArray(String[]::new);
    if (wanted.length == 0) {
      return List.of();
    }
    return withRetry("read events", c -> {
      EventRows.Raw raw = new EventRows.Raw(where);
      // A bounded range, as readShard's (a LIMIT over an open range can be quadratic).
      try (PreparedStatement ps = c.prepareStatement("SELECT position, body::text, "
          + "idempotency_key FROM " + schema + ".ledger_event WHERE position > ? "
          + "AND position <= ? AND account = ANY(?) ORDER BY position")) {
        // INVARIANT: planned with the accounts as a constant (hashed), as readShard's.
        ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
        ps.setLong(1, afterPosition);
        ps.setLong(2, upTo);
        ps.setArray(3, c.createArrayOf("text", wanted));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            raw.add(rs.getLong(1), rs.getString(2), rs.getString(3));
          }
        }
      }
      return raw.decode();
    });
  }

  @Override
  public java.util.Map<String, String> accountsOf(ShardKey.Kind kind,
      java.util.Collection<String> ids) {
    if (kind == ShardKey.Kind.ACCOUNT) {
      throw new IllegalArgumentException("accounts are their own account");
    }
    java.util.Map<String, String> out = new java.util.HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    java.util.Set<String> wanted = new java.util.HashSet<>(ids);
    return withRetry("look up ids", c -> {
      lookUp(c, kind == ShardKey.Kind.MEETING ? "meeting" : "content", wanted, out);
      return out;
    });
  }

  @Override
  public List<String> accounts(long upTo) {
    return withRetry("list accounts", c -> {
      List<String> out = new java.util.ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + schema
          + ".ledger_id WHERE kind = 'account' AND position <= ? ORDER BY position")) {
        ps.setLong(1, upTo);
        ps.setFetchSize(10_000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return out;
    });
  }

  @Override
  public boolean joined(String account, String meeting, String participant) {
    return withRetry("look up a participant", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + schema
          + ".ledger_event WHERE account = ? AND ((type = 'meeting.started' "
          + "AND body->>'meeting' = ? AND body->>'host' = ?) OR (type = 'participant.joined' "
          + "AND body->>'meeting' = ? AND body->>'participant' = ?)) LIMIT 1")) {
        ps.setString(1, account);
        ps.setString(2, meeting);
        ps.setString(3, participant);
        ps.setString(4, meeting);
        ps.setString(5, participant);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  private StoreException classify(SQLException e, String what) {
    String state = sqlState(e);
    String msg = "cannot " + what + " in " + where + ": " + e.getMessage();
    if (state.equals("23505")) {
      return new StoreException(StoreException.CONFLICT, msg, e);
    }
    if (state.startsWith("42") && !(e instanceof SQLTransientConnectionException)) {
      return new StoreException(StoreException.CORRUPT, where + " is damaged or was changed by "
          + "hand (" + e.getMessage() + ")", e);
    }
    if (state.startsWith("08") || state.startsWith("57")) {
      // The server dropped connections: the idle ones in the pool are likely dead too.
      var mx = pool.getHikariPoolMXBean();
      if (mx != null) {
        mx.softEvictConnections();
      }
    }
    return new StoreException(StoreException.UNAVAILABLE, msg, e);
  }

  private static String sqlState(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if (x.getSQLState() != null) {
        return x.getSQLState();
      }
    }
    return "";
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // A broken connection: the server discards the transaction.
    }
  }

  private static void restoreAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // A broken connection: the pool evicts it.
    }
  }

  /** The URL without its password, for messages. */
  static String safeUrl(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
