package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.covenant.core.event.Event;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract on PostgreSQL (each store in its own fresh schema), plus schema refusal and the
 * database going away mid-run. Needs {@code COVENANT_TEST_PG_URL} (see {@link PgTestDatabase}).
 */
class PostgresEventStoreIT extends EventStoreContract {
  private static String url;
  private static final List<String> SCHEMAS = new ArrayList<>();

  @BeforeAll
  static void connect() {
    url = PgTestDatabase.url();
  }

  @AfterAll
  static void dropSchemas() {
    for (String s : SCHEMAS) {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + s + " CASCADE");
    }
  }

  private static LedgerConfig.Postgres config() {
    String schema = PgTestDatabase.fresh("covenant_t");
    SCHEMAS.add(schema);
    return LedgerConfig.postgres(url).withSchema(schema);
  }

  @Override
  protected EventStore createStore() {
    return PostgresEventStore.open(config());
  }

  @Override
  protected EventStore sameStore(EventStore store) {
    return PostgresEventStore.open(((PostgresEventStore) store).config());
  }

  @Override
  protected EventStore reopen(EventStore store) {
    store.close();
    return sameStore(store);
  }

  private static String code(Throwable e) {
    return ((StoreException) e).code();
  }

  @Test
  void schemaNewerThanTheCode_isRefused() {
    LedgerConfig.Postgres cfg = config();
    try (EventStore s = PostgresEventStore.open(cfg)) {
      s.append(0, unseen -> Workload.stored(1, Workload.accounts("n", 1)));
    }
    PgTestDatabase.admin(url, "INSERT INTO " + cfg.schema()
        + ".schema_version VALUES (42, 'from the future', '2030-01-01')");
    assertThatThrownBy(() -> PostgresEventStore.open(cfg))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("schema_too_new"))
        .hasMessageContaining("version 42");
  }

  /**
   * A batch's COPY is streamed in chunks: a row refused after many chunks were sent (a stored
   * key again) still leaves nothing of the batch, and the store keeps working.
   */
  @Test
  void rowRefusedLateInAStreamedCopy_writesNothingOfTheBatch() {
    try (EventStore s = PostgresEventStore.open(config())) {
      s.append(0, unseen -> List.of(new StoredEvent(1, Workload.accounts("k", 1).get(0),
          java.util.Optional.of("taken"))));
      List<Event> many = Workload.accounts("m", 3_000);
      List<StoredEvent> batch = new ArrayList<>(Workload.stored(2, many));
      int last = batch.size() - 1;
      batch.set(last, new StoredEvent(batch.get(last).position(), batch.get(last).event(),
          java.util.Optional.of("taken")));
      assertThat(batch.size() * 100).isGreaterThan(4 * PostgresEventStore.COPY_CHUNK);
      assertThatThrownBy(() -> s.append(1, unseen -> batch))
          .isInstanceOf(StoreException.class)
          .satisfies(e -> assertThat(code(e)).isEqualTo("conflict"));
      assertThat(s.head()).isEqualTo(1);
      assertThat(s.read(0, 10)).hasSize(1);
      assertThat(s.append(1, unseen -> Workload.stored(2, many))).isEqualTo(3_001);
      assertThat(s.read(1, 5_000)).extracting(StoredEvent::event).isEqualTo(many);
    }
  }

  /**
   * The binary COPY stores each event's {@code at} as the text COPY did from
   * {@code EventJson.text(at)}: PostgreSQL rounds a fraction finer than a microsecond through a
   * double, half to even (so 1.5 us and 2.5 us both give 2 us, and .9999995 s the next second).
   */
  @Test
  void binaryCopyStoresEachTimestampAsItsTextDid() throws Exception {
    LedgerConfig.Postgres cfg = config();
    java.time.Instant t = java.time.Instant.parse("2024-05-01T10:00:00Z");
    long[] nanos = {0, 1, 499, 500, 501, 1_500, 2_500, 3_500, 123_456_789, 999_999_500,
        999_999_499, 1_000, 7_000_000};
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < nanos.length; i++) {
      events.add(new Event.AccountCreated(t.plusSeconds(i).plusNanos(nanos[i]), "t" + i, "o"));
    }
    events.add(new Event.AccountCreated(java.time.Instant.parse("1969-07-20T20:17:40.0000005Z"),
        "moon", "o"));
    events.add(new Event.AccountCreated(java.time.Instant.parse("1999-12-31T23:59:59.9999995Z"),
        "y2k", "o"));
    try (EventStore s = PostgresEventStore.open(cfg)) {
      s.append(0, unseen -> Workload.stored(1, events));
      assertThat(s.read(0, 100)).extracting(StoredEvent::event).isEqualTo(events);
    }
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
        java.sql.PreparedStatement ps = c.prepareStatement("SELECT at = ?::timestamptz, at, "
            + "?::timestamptz FROM " + cfg.schema() + ".ledger_event WHERE position = ?")) {
      for (int i = 0; i < events.size(); i++) {
        String text = org.covenant.format.EventJson.text(events.get(i).at());
        ps.setString(1, text);
        ps.setString(2, text);
        ps.setLong(3, i + 1);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getBoolean(1)).as("%s stored as %s, its text gives %s", text,
              rs.getString(2), rs.getString(3)).isTrue();
        }
      }
    }
  }

  @Test
  void unreachableServer_isStoreUnavailable() {
    LedgerConfig.Postgres cfg = new LedgerConfig.Postgres(
        "jdbc:postgresql://127.0.0.1:1/none?user=postgres&connectTimeout=1", "covenant", 1,
        Duration.ofMillis(500));
    assertThatThrownBy(() -> PostgresEventStore.open(cfg))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("store_unavailable"));
  }

  @Test
  void connectionKilledInsideTheTransaction_writesNothing() {
    LedgerConfig.Postgres cfg = config();
    try (PostgresEventStore s = PostgresEventStore.open(cfg)) {
      s.append(0, unseen -> Workload.stored(1, Workload.accounts("x", 2)));
      assertThatThrownBy(() -> s.append(2, unseen -> {
        // the plan runs under the lock, mid-transaction: cut every ledger connection now
        PgTestDatabase.admin(url, "SELECT pg_terminate_backend(pid) FROM pg_locks "
            + "WHERE locktype = 'advisory' AND classid::bigint = " + PostgresEventStore.LOCK_CLASS
            + " AND objid::bigint = (hashtext('" + cfg.schema() + "')::bigint & 4294967295)");
        return Workload.stored(3, Workload.accounts("y", 50));
      }))
          .isInstanceOf(StoreException.class)
          .satisfies(e -> assertThat(code(e)).isEqualTo("store_unavailable"));
      // the pool replaces the dead connection: nothing of the batch is there
      assertThat(s.head()).isEqualTo(2);
      assertThat(s.append(2, unseen -> Workload.stored(3, Workload.accounts("z", 1))))
          .isEqualTo(3);
    }
  }

  @Test
  void databaseGoingAway_failsAppendsWithStoreUnavailable_andTheLedgerRecovers() {
    String db = PgTestDatabase.fresh("covenant_fault");
    PgTestDatabase.admin(url, "CREATE DATABASE " + db);
    String dbUrl = PgTestDatabase.withDatabase(url, db);
    try {
      LedgerConfig.Postgres cfg = LedgerConfig.postgres(dbUrl)
          .withConnectTimeout(Duration.ofSeconds(1));
      List<Event> events = Workload.stream("pg", 10, 8);
      try (Ledger l = Ledger.open(cfg, Workload.CATALOG)) {
        l.append(events.subList(0, 6).stream().map(Append::of).toList());
        PgTestDatabase.admin(url, "ALTER DATABASE " + db + " ALLOW_CONNECTIONS false",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db
                + "'");
        List<Append> batch = events.subList(6, 10).stream()
            .map(e -> Append.of(e, "k" + events.indexOf(e))).toList();
        assertThatThrownBy(() -> l.append(batch))
            .isInstanceOf(StoreException.class)
            .satisfies(e -> assertThat(code(e)).isEqualTo("store_unavailable"));
        assertThat(l.head()).isEqualTo(6);
        assertThat(l.snapshot().position()).isEqualTo(6);
        PgTestDatabase.admin(url, "ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
        List<AppendResult> retried = l.append(batch);
        assertThat(retried).extracting(r -> ((AppendResult.Accepted) r).position())
            .containsExactly(7L, 8L, 9L, 10L);
        assertThat(l.events(0, 100)).hasSize(10);
      }
      try (Ledger again = Ledger.open(LedgerConfig.postgres(dbUrl), Workload.CATALOG)) {
        assertThat(again.head()).isEqualTo(10);
      }
    } finally {
      PgTestDatabase.admin(url, "ALTER DATABASE " + db + " ALLOW_CONNECTIONS true",
          "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }
}
