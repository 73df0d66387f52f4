package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on SQLite, plus what only a file can do wrong. */
class SqliteEventStoreTest extends EventStoreContract {
  @TempDir Path tmp;
  private int dirs;

  @Override
  protected EventStore createStore() {
    return SqliteEventStore.open(LedgerConfig.sqlite(tmp.resolve("ledger" + dirs++)));
  }

  @Override
  protected EventStore sameStore(EventStore store) {
    return SqliteEventStore.open(LedgerConfig.sqlite(((SqliteEventStore) store).file()
        .getParent()));
  }

  @Override
  protected EventStore reopen(EventStore store) {
    store.close();
    return sameStore(store);
  }

  private static String code(Throwable e) {
    return ((StoreException) e).code();
  }

  /**
   * The key look-up reads on the write connection when no one writes (its page cache survives
   * its commits): it sees another handle's commits there too; while another thread writes it
   * reads on the read connection instead of waiting, and sees only what is committed.
   */
  @Test
  void storedKeys_seeEveryCommit_andDoNotWaitForAWriteUnderWay() throws Exception {
    Path dir = tmp.resolve("keys");
    try (SqliteEventStore a = SqliteEventStore.open(LedgerConfig.sqlite(dir));
        SqliteEventStore b = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      List<org.covenant.core.event.Event> events = Workload.accounts("k", 40);
      a.append(0, unseen -> keyed(events, 0, 10));
      assertThat(a.storedKeys(List.of("key-1", "key-10", "key-11"), "#sha256:"))
          .containsOnly(java.util.Map.entry("key-1", 1L), java.util.Map.entry("key-10", 10L));
      // Another process's commit, after `a`'s write connection cached the index pages.
      b.append(10, unseen -> keyed(events, 10, 20));
      assertThat(a.storedKeys(List.of("key-1", "key-15", "key-20", "key-21"), "#sha256:"))
          .containsOnly(java.util.Map.entry("key-1", 1L), java.util.Map.entry("key-15", 15L),
              java.util.Map.entry("key-20", 20L));
      // A write under way on another thread: the look-up answers meanwhile, from what is
      // committed (not the rows being written), and the write then commits.
      java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch looked = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.atomic.AtomicBoolean answeredWhileWriting =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread writer = new Thread(() -> a.append(20, unseen -> {
        inside.countDown();
        try {
          answeredWhileWriting.set(looked.await(60, java.util.concurrent.TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        // Inside the write, on the writing thread: the committed keys only.
        assertThat(a.storedKeys(List.of("key-20", "key-25"), "#sha256:"))
            .containsOnly(java.util.Map.entry("key-20", 20L));
        return keyed(events, 20, 30);
      }));
      writer.start();
      inside.await();
      java.util.Map<String, Long> during = a.storedKeys(List.of("key-20", "key-25"), "#sha256:");
      looked.countDown();
      writer.join();
      assertThat(answeredWhileWriting).isTrue();
      assertThat(during).containsOnly(java.util.Map.entry("key-20", 20L));
      assertThat(a.head()).isEqualTo(30);
      assertThat(a.storedKeys(List.of("key-25", "key-30"), "#sha256:")).containsOnly(
          java.util.Map.entry("key-25", 25L), java.util.Map.entry("key-30", 30L));
      assertThat(b.storedKeys(List.of("key-25"), "#sha256:"))
          .containsOnly(java.util.Map.entry("key-25", 25L));
    }
  }

  /** Events {@code from} to {@code to} (exclusive) at positions from + 1, keyed key-position. */
  private static List<StoredEvent> keyed(List<org.covenant.core.event.Event> events, int from,
      int to) {
    List<StoredEvent> out = new java.util.ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(new StoredEvent(i + 1, events.get(i), java.util.Optional.of("key-" + (i + 1))));
    }
    return out;
  }

  @Test
  void newLedger_isWalWithTheApplicationIdAndSchemaVersion() throws Exception {
    Path dir = tmp.resolve("fresh");
    try (EventStore s = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      assertThat(s.head()).isZero();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.db"));
        Statement st = c.createStatement()) {
      var rs = st.executeQuery("PRAGMA journal_mode");
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("wal");
      rs = st.executeQuery("PRAGMA application_id");
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(SqliteEventStore.APPLICATION_ID);
      rs = st.executeQuery("SELECT max(version) FROM schema_version");
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(Migrations.latest(Migrations.SQLITE));
    }
  }

  @Test
  void garbageFile_isCorruptStore_andLeftByteForByte() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("garbage"));
    byte[] junk = "this is not a database, it is a shopping list\n".repeat(200)
        .getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("ledger.db"), junk);
    assertThatThrownBy(() -> SqliteEventStore.open(LedgerConfig.sqlite(dir)))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("corrupt_store"))
        .hasMessageContaining("ledger.db").hasMessageContaining("left unchanged");
    assertThat(Files.readAllBytes(dir.resolve("ledger.db"))).isEqualTo(junk);
    assertThat(Files.exists(dir.resolve("ledger.db-wal"))).isFalse();
  }

  @Test
  void foreignSqliteDatabase_isCorruptStore_andNotModified() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("foreign"));
    Path file = dir.resolve("ledger.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE recipes (name TEXT)");
      st.execute("INSERT INTO recipes VALUES ('soup')");
    }
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(() -> SqliteEventStore.open(LedgerConfig.sqlite(dir)))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("corrupt_store"))
        .hasMessageContaining("not a Covenant ledger");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void schemaNewerThanTheCode_isRefusedWithoutChange() throws Exception {
    Path dir = tmp.resolve("newer");
    try (EventStore s = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      s.append(0, unseen -> Workload.stored(1, Workload.accounts("n", 2)));
    }
    Path file = dir.resolve("ledger.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO schema_version VALUES (99, 'from the future', '2030-01-01')");
    }
    assertThatThrownBy(() -> SqliteEventStore.open(LedgerConfig.sqlite(dir)))
        .isInstanceOf(StoreException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo("schema_too_new"))
        .hasMessageContaining("version 99").hasMessageContaining("upgrade Covenant");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      var rs = st.executeQuery("SELECT count(*) FROM ledger_event");
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(2);
    }
  }

  @Test
  void dataDirMovedAway_appendIsUnavailable_thenRecoversWhenItReturns() throws Exception {
    Path dir = tmp.resolve("moving");
    Path away = tmp.resolve("moved");
    try (Ledger l = Ledger.open(LedgerConfig.sqlite(dir), Workload.CATALOG)) {
      List<org.covenant.core.event.Event> events = Workload.stream("mv", 6, 3);
      l.append(events.subList(0, 5).stream().map(Append::of).toList());
      Files.move(dir, away);
      assertThatThrownBy(() -> l.append(Append.of(events.get(5), "retry-me")))
          .isInstanceOf(StoreException.class)
          .satisfies(e -> assertThat(code(e)).isEqualTo("store_unavailable"));
      assertThat(l.head()).isEqualTo(5);
      assertThat(l.snapshot().position()).isEqualTo(5);
      // no fresh ledger was started where the old one was
      assertThat(Files.exists(dir)).isFalse();
      Files.move(away, dir);
      assertThat(l.append(Append.of(events.get(5), "retry-me")))
          .isEqualTo(new AppendResult.Accepted(events.get(5), 6));
      assertThat(l.append(Append.of(events.get(5), "retry-me")))
          .isEqualTo(new AppendResult.Duplicate(events.get(5), "retry-me", 6));
      assertThat(l.events(0, 100)).hasSize(6);
    }
  }

  @Test
  void anotherLedgerAtTheSamePath_isRefused() throws Exception {
    Path dir = tmp.resolve("swap");
    Path other = tmp.resolve("other");
    try (EventStore o = SqliteEventStore.open(LedgerConfig.sqlite(other))) {
      o.append(0, unseen -> Workload.stored(1, Workload.accounts("o", 1)));
    }
    try (EventStore s = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      s.append(0, unseen -> Workload.stored(1, Workload.accounts("s", 1)));
      Files.move(dir, tmp.resolve("swap-old"));
      Files.move(other, dir);
      assertThatThrownBy(() -> s.append(1, unseen -> Workload.stored(2,
          Workload.accounts("t", 1))))
          .isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> s.append(1, unseen -> Workload.stored(2,
          Workload.accounts("t", 1))))
          .isInstanceOf(StoreException.class)
          .satisfies(e -> assertThat(code(e)).isEqualTo("corrupt_store"))
          .hasMessageContaining("another ledger");
    }
  }

  /**
   * The append binds {@code appended_at} itself (one value per append) instead of the column's
   * default: it must be the default's text exactly, which SQLite reads back unchanged, and the
   * time of the append. 300 rows: two full multi-row statements and a shorter one.
   */
  @Test
  void appendedAt_hasTheDefaultsShape_andTheAppendsTime() throws Exception {
    Path dir = tmp.resolve("appended");
    java.time.Instant before = java.time.Instant.now()
        .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    try (EventStore s = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      s.append(0, unseen -> Workload.stored(1, Workload.accounts("t", 300)));
    }
    java.time.Instant after = java.time.Instant.now();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.db"));
        Statement st = c.createStatement()) {
      var rs = st.executeQuery("SELECT count(*), count(DISTINCT appended_at), min(appended_at), "
          + "sum(appended_at = strftime('%Y-%m-%dT%H:%M:%fZ', appended_at)), "
          + "sum(position IS NOT NULL AND body LIKE '{%') FROM ledger_event");
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(300);
      assertThat(rs.getInt(2)).isEqualTo(1);
      String text = rs.getString(3);
      assertThat(text).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
      assertThat(rs.getInt(4)).isEqualTo(300);
      assertThat(rs.getInt(5)).isEqualTo(300);
      assertThat(java.time.Instant.parse(text)).isBetween(before, after);
    }
    assertThat(SqliteEventStore.appendedAt(
        java.time.Instant.parse("0999-01-02T03:04:05.006789Z")))
        .isEqualTo("0999-01-02T03:04:05.006Z");
    assertThat(SqliteEventStore.appendedAt(java.time.Instant.parse("2026-12-31T23:59:59Z")))
        .isEqualTo("2026-12-31T23:59:59.000Z");
  }

  /**
   * The replay's reader copies each idempotency key out as bytes and the decoder makes the string
   * (issue 15): every key reads back as stored, ASCII or not (two-, three- and four-byte UTF-8),
   * with or without a key, through the paged read, the raw read decoded on another thread's path
   * and the read by position; more rows than a {@link EventRows.Raw} first makes room for.
   */
  @Test
  void keysReadBackAsStored_throughEveryRead() {
    String[] shapes = {null, "k", "clé-%d", "键-%d", "emoji-\uD83D\uDE00-%d", "req_%d#sha256:ab"};
    List<org.covenant.core.event.Event> events = Workload.accounts("k", 300);
    List<StoredEvent> batch = new java.util.ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      String shape = shapes[i % shapes.length];
      String key = shape == null ? null : shape.equals("k") ? "k" + i : String.format(shape, i);
      batch.add(new StoredEvent(i + 1, events.get(i), java.util.Optional.ofNullable(key)));
    }
    try (SqliteEventStore s = (SqliteEventStore) createStore()) {
      s.append(0, unseen -> batch);
      assertThat(s.read(0, 1000)).isEqualTo(batch);
      assertThat(s.readRaw(0, 1000).decodeHere()).isEqualTo(batch);
      assertThat(s.readRaw(100, 7).decodeHere()).isEqualTo(batch.subList(100, 107));
      long[] at = java.util.stream.LongStream.rangeClosed(1, 300).toArray();
      assertThat(s.readAt(at)).isEqualTo(batch);
    }
    EventRows.Raw raw = new EventRows.Raw("`x`", 1);
    for (StoredEvent e : batch) {
      raw.add(e.position(), EventRows.body(e.event()), e.idempotencyKey()
          .map(k -> (Object) k.getBytes(StandardCharsets.UTF_8)).orElse(null));
    }
    assertThat(raw.size()).isEqualTo(300);
    assertThat(raw.decodeHere()).isEqualTo(batch).isEqualTo(raw.decode());
  }

  /**
   * A full page is read as one packed row (issue 15) and gives the rows the row-by-row read gives,
   * in position order, with every mix of keys (none, all, some); a window with a gap or past the
   * head is read row by row.
   */
  @Test
  void fullPages_readPacked_asTheRowsRead() throws Exception {
    Path dir = tmp.resolve("packed");
    List<org.covenant.core.event.Event> events = Workload.accounts("p", 900);
    List<StoredEvent> batch = new java.util.ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      // 1-300 without keys, 301-600 all keyed, 601-900 every third without
      boolean keyed = i >= 300 && (i < 600 || i % 3 != 0);
      batch.add(new StoredEvent(i + 1, events.get(i),
          java.util.Optional.ofNullable(keyed ? "key-" + i + "-\u00e9" : null)));
    }
    try (SqliteEventStore s = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      s.append(0, unseen -> batch);
      for (int[] w : new int[][] {{0, 300}, {300, 300}, {600, 300}, {250, 400}, {0, 900}}) {
        EventRows.Raw raw = s.readRaw(w[0], w[1]);
        assertThat(raw.isPacked()).as("%d after %d", w[1], w[0]).isTrue();
        List<StoredEvent> want = batch.subList(w[0], w[0] + w[1]);
        assertThat(raw.decodeHere()).isEqualTo(want);
        assertThat(s.readRaw(w[0], w[1]).decode()).isEqualTo(want);
        assertThat(s.read(w[0], w[1])).isEqualTo(want);
      }
      assertThat(s.readRaw(800, 300).isPacked()).isFalse();
      assertThat(s.read(800, 300)).isEqualTo(batch.subList(800, 900));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.db"));
        Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM ledger_event WHERE position = 450");
    }
    try (SqliteEventStore s = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      assertThat(s.readRaw(300, 300).isPacked()).isFalse();
      List<StoredEvent> gap = new java.util.ArrayList<>(batch.subList(300, 601));
      gap.remove(149);
      assertThat(s.read(300, 300)).isEqualTo(gap);
      assertThat(s.readRaw(300, 300).decodeHere()).isEqualTo(gap);
    }
  }

  /**
   * Rows a packed page cannot stand for (hand-edited: a body or key holding a newline, an empty
   * key, a body that is not JSON) make the page read again row by row: the same events, or the
   * error of the row-by-row read, naming the row.
   */
  @Test
  void packedPage_withRowsItCannotSplitOrDecode_readsAsTheRows() throws Exception {
    Path dir = tmp.resolve("packedodd");
    List<StoredEvent> batch = Workload.stored(1, Workload.accounts("q", 600)).stream()
        .map(e -> new StoredEvent(e.position(), e.event(),
            java.util.Optional.of("k" + e.position())))
        .toList();
    try (SqliteEventStore s = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      s.append(0, unseen -> batch);
    }
    Path db = dir.resolve("ledger.db");
    // A body with a newline between its fields (JSON whitespace) and a key with one.
    String body5 = EventRows.body(batch.get(4).event()).replaceFirst(",", ",\n");
    sql(db, "UPDATE ledger_event SET body = '" + body5 + "' WHERE position = 5");
    sql(db, "UPDATE ledger_event SET idempotency_key = 'a' || char(10) || 'b' "
        + "WHERE position = 400");
    List<StoredEvent> want = new java.util.ArrayList<>(batch);
    want.set(399, new StoredEvent(400, batch.get(399).event(), java.util.Optional.of("a\nb")));
    try (SqliteEventStore s = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      assertThat(s.readRaw(0, 300).isPacked()).isTrue();
      assertThat(s.readRaw(0, 300).decodeHere()).isEqualTo(want.subList(0, 300));
      assertThat(s.readRaw(300, 300).decode()).isEqualTo(want.subList(300, 600));
    }
    sql(db, "UPDATE ledger_event SET idempotency_key = '' WHERE position = 20");
    sql(db, "UPDATE ledger_event SET body = '{\"type\":' WHERE position = 350");
    try (SqliteEventStore s = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      assertThatThrownBy(() -> s.readRaw(0, 300).decodeHere())
          .satisfies(e -> assertThat(code(e)).isEqualTo(StoreException.CORRUPT))
          .hasMessageContaining("the row at position 20 is invalid");
      assertThatThrownBy(() -> s.read(300, 300))
          .satisfies(e -> assertThat(code(e)).isEqualTo(StoreException.CORRUPT))
          .hasMessageContaining("the event at position 350 cannot be read");
    }
  }

  private static void sql(Path db, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.executeUpdate(statement);
    }
  }

  /**
   * An empty key, which no append writes (a hand-edited store), is read as the empty string and
   * refused as before the reader copied keys as bytes, not taken for a missing key.
   */
  @Test
  void emptyKeyInTheFile_isAnInvalidRow_notAMissingKey() throws Exception {
    Path dir = tmp.resolve("emptykey");
    try (EventStore s = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      s.append(0, unseen -> Workload.stored(1, Workload.accounts("e", 3)));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.db"));
        Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE ledger_event SET idempotency_key = '' WHERE position = 2");
    }
    try (SqliteEventStore s = SqliteEventStore.open(LedgerConfig.sqlite(dir))) {
      assertThatThrownBy(() -> s.read(0, 10))
          .satisfies(e -> assertThat(code(e)).isEqualTo(StoreException.CORRUPT))
          .hasMessageContaining("the row at position 2 is invalid");
      assertThatThrownBy(() -> s.readRaw(0, 10).decodeHere())
          .hasMessageContaining("the row at position 2 is invalid");
    }
  }
}
