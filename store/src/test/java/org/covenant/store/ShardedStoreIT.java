package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.event.RejectionCode;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.vocab.ConsentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store's half of the sharded projection (docs/CLUSTER.md, "Sharded projection") on real
 * PostgreSQL: migration 3 backfills each event's account (meeting events take their meeting's,
 * {@code participant.joined} never its guest organisation's, {@code content.deleted} its
 * content's) and the registry of global ids; new appends fill both in their own transaction; a
 * member's read by account returns its events and every account's index events only.
 */
class ShardedStoreIT {
  private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");
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
    String schema = PgTestDatabase.fresh("covenant_shard");
    SCHEMAS.add(schema);
    return LedgerConfig.postgres(url).withSchema(schema);
  }

  /** Two accounts, a meeting each, a guest of `a` joining `b`'s meeting, content, a deletion. */
  private static List<Event> ledger() {
    return List.of(
        new Event.AccountCreated(T, "a", "a-owner"),
        new Event.TermsAccepted(T, "a", "default", "a-owner"),
        new Event.AccountCreated(T, "b", "b-owner"),
        new Event.TermsAccepted(T, "b", "default", "b-owner"),
        new Event.ConsentGranted(T, "b", "ai_training", "b-owner"),
        new Event.MeetingStarted(T, "a", "ma", "a-owner", List.of()),
        new Event.MeetingStarted(T, "b", "mb", "b-owner", List.of()),
        new Event.ParticipantJoined(T, "mb", "guest", Optional.of("a")),
        new Event.NoticeAcknowledged(T, "mb", "guest", "recording"),
        new Event.ContentCreated(T, "cb", "customer_content.chat", "b", Optional.of("mb"),
            Optional.of("guest"), List.of("a")),
        new Event.ContentCreated(T, "ca", "customer_content.chat", "a", Optional.empty(),
            Optional.empty(), List.of()),
        new Event.ContentDeleted(T, "cb", "b-owner"),
        new Event.ParticipantLeft(T, "mb", "guest"),
        new Event.MeetingEnded(T, "ma"));
  }

  private static final List<String> ACCOUNTS = List.of("a", "a", "b", "b", "b", "a", "b", "b",
      "b", "b", "a", "b", "b", "a");

  @Test
  void migrationThreeBackfillsAccountsAndTheIdRegistry() throws Exception {
    LedgerConfig.Postgres config = config();
    // A ledger written before migration 3: versions 1 and 2, rows without accounts.
    writtenAtVersion(config, 2, ledger(), false);
    try (PostgresEventStore store = PostgresEventStore.open(config)) {
      assertThat(accounts(config)).isEqualTo(ACCOUNTS);
      assertThat(registry(config)).containsExactly(
          Map.entry("account:a", "a@1"), Map.entry("account:b", "b@3"),
          Map.entry("meeting:ma", "a@6"), Map.entry("meeting:mb", "b@7"),
          Map.entry("content:cb", "b@10"), Map.entry("content:ca", "a@11"));
      assertThat(store.head()).isEqualTo(14);
    }
  }

  /**
   * Migration 5 (bodies as json) on a ledger written at version 4, whose bodies went through
   * jsonb: the old rows read back as the same events (in jsonb's rendering, which the readers
   * read), the reads that use JSON operators answer as before, and new rows, written with the
   * binary COPY, are stored as the row form exactly.
   */
  @Test
  void migrationFiveKeepsAVersionFourLedgerReadableAndWritable() throws Exception {
    LedgerConfig.Postgres config = config();
    List<Event> old = new ArrayList<>(ledger());
    old.add(new Event.AccountCreated(T, "zo\u00eb \"q\" \\ \u6771", "owner-\u00e9"));
    writtenAtVersion(config, 4, old, true);
    assertThat(bodyType(config)).isEqualTo("jsonb");
    try (PostgresEventStore store = PostgresEventStore.open(config)) {
      assertThat(bodyType(config)).isEqualTo("json");
      List<StoredEvent> read = store.read(0, 100);
      assertThat(read).extracting(StoredEvent::event).isEqualTo(old);
      assertThat(read.get(14).idempotencyKey()).contains("k15");
      assertThat(bodyText(config, 15)).as("jsonb's rendering, kept")
          .isNotEqualTo(EventRows.body(old.get(14))).contains("\": \"");
      assertThat(store.joined("b", "mb", "guest")).isTrue();
      assertThat(store.joined("b", "mb", "b-owner")).isTrue();
      assertThat(store.joined("b", "mb", "a-owner")).isFalse();
      assertThat(store.storedKeys(List.of("k15", "k99"), Append.FINGERPRINT_SEPARATOR))
          .containsExactly(Map.entry("k15", 15L));
      List<Event> more = List.of(
          new Event.MeetingStarted(T, "zo\u00eb \"q\" \\ \u6771", "m\u00e9", "owner-\u00e9",
              List.of()),
          new Event.ParticipantJoined(T, "m\u00e9", "p\\\"\u00e9", Optional.empty()));
      assertThat(store.append(15, unseen -> List.of(
          new StoredEvent(16, more.get(0), Optional.of("k16")),
          new StoredEvent(17, more.get(1), Optional.empty())))).isEqualTo(17);
      List<Event> all = new ArrayList<>(old);
      all.addAll(more);
      assertThat(store.read(0, 100)).extracting(StoredEvent::event).isEqualTo(all);
      assertThat(bodyText(config, 17)).isEqualTo(EventRows.body(more.get(1)));
      assertThat(store.joined("zo\u00eb \"q\" \\ \u6771", "m\u00e9", "p\\\"\u00e9")).isTrue();
      assertThat(store.readAccounts(14, 17, List.of("zo\u00eb \"q\" \\ \u6771")))
          .extracting(StoredEvent::position).containsExactly(15L, 16L, 17L);
      assertThat(registry(config)).containsEntry("meeting:m\u00e9",
          "zo\u00eb \"q\" \\ \u6771@16");
    }
    try (Ledger ledger = Ledger.open(config, Workload.CATALOG)) {
      assertThat(ledger.head()).isEqualTo(17);
      assertThat(ledger.snapshot().meetingOf("m\u00e9")).isPresent();
    }
  }

  /**
   * Migration 6 (the account compared as bytes) on a ledger written at version 5: the column
   * takes collation "C", every read by account answers as before (a non-ASCII account among
   * them), new appends fill it, and the account index still serves the readers' queries (a
   * plan with the column's collation different from the index's could not use it).
   */
  @Test
  void migrationSixComparesAccountsAsBytesAndTheIndexStillServesTheReads() throws Exception {
    LedgerConfig.Postgres config = config();
    String zoe = "zo\u00eb \"q\" \\ \u6771";
    List<Event> old = new ArrayList<>(ledger());
    old.add(new Event.AccountCreated(T, zoe, "owner-\u00e9"));
    old.add(new Event.MeetingStarted(T, zoe, "m\u00e9", "owner-\u00e9", List.of()));
    writtenAtVersion(config, 5, old, true);
    // Version 3 backfilled the accounts; until 6 they compare under the database's collation.
    assertThat(accountCollation(config)).isNull();
    try (PostgresEventStore store = PostgresEventStore.open(config)) {
      assertThat(accountCollation(config)).isEqualTo("C");
      List<String> expected = new ArrayList<>(ACCOUNTS);
      expected.addAll(List.of(zoe, zoe));
      assertThat(accounts(config)).isEqualTo(expected);
      assertThat(store.readShard(5, 12, List.of("b"))).extracting(StoredEvent::position)
          .containsExactly(7L, 8L, 9L, 10L, 12L);
      assertThat(store.readAccounts(0, 16, List.of("b"))).extracting(StoredEvent::position)
          .containsExactly(3L, 4L, 5L, 7L, 8L, 9L, 10L, 12L, 13L);
      assertThat(store.readAccounts(0, 16, List.of(zoe))).extracting(StoredEvent::position)
          .containsExactly(15L, 16L);
      assertThat(store.joined("b", "mb", "guest")).isTrue();
      assertThat(store.joined(zoe, "m\u00e9", "owner-\u00e9")).isTrue();
      assertThat(store.append(16, unseen -> List.of(new StoredEvent(17,
          new Event.ParticipantJoined(T, "m\u00e9", "p", Optional.empty()), Optional.of("k17")))))
          .isEqualTo(17);
      assertThat(store.readAccounts(14, 17, List.of(zoe))).extracting(StoredEvent::position)
          .containsExactly(15L, 16L, 17L);
      assertThat(store.readShard(14, 17, List.of(zoe))).extracting(StoredEvent::position)
          .containsExactly(15L, 16L, 17L);
    }
    assertThat(plan(config, "SELECT position FROM " + config.schema() + ".ledger_event "
        + "WHERE account = ANY(?)")).contains("ledger_event_account")
        .contains("Index Cond: (account = ANY (");
    assertThat(plan(config, "SELECT position FROM " + config.schema() + ".ledger_event "
        + "WHERE account = ?")).contains("ledger_event_account")
        .contains("Index Cond: (account = ");
  }

  private static String accountCollation(LedgerConfig.Postgres config) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT collation_name FROM information_schema.columns "
            + "WHERE table_schema = '" + config.schema() + "' AND table_name = 'ledger_event' "
            + "AND column_name = 'account'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * The plan of a reader's query with its account parameter bound as the store binds it (a text
   * array, or a string), sequential scans off so only an index the query can use is chosen.
   */
  private static String plan(LedgerConfig.Postgres config, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute("SET enable_seqscan = off");
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
        if (sql.contains("ANY(?)")) {
          ps.setArray(1, c.createArrayOf("text", new String[] {"b", "a"}));
        } else {
          ps.setString(1, "b");
        }
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.append(rs.getString(1)).append('\n');
          }
        }
        return out.toString();
      }
    }
  }

  private static String bodyType(LedgerConfig.Postgres config) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT data_type FROM information_schema.columns "
            + "WHERE table_schema = '" + config.schema() + "' AND table_name = 'ledger_event' "
            + "AND column_name = 'body'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String bodyText(LedgerConfig.Postgres config, long position) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT body::text FROM " + config.schema()
            + ".ledger_event WHERE position = " + position)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void appendsFillTheAccountAndTheRegistryAndAMemberReadsByAccount() throws Exception {
    LedgerConfig.Postgres config = config();
    try (Ledger ledger = Ledger.open(config, Workload.CATALOG)) {
      for (Event e : ledger()) {
        // One event per transaction: meeting events find their meeting in the registry.
        assertThat(ledger.append(Append.of(e))).isInstanceOf(AppendResult.Accepted.class);
      }
    }
    assertThat(accounts(config)).isEqualTo(ACCOUNTS);
    assertThat(registry(config)).hasSize(6).containsEntry("meeting:mb", "b@7");
    try (PostgresEventStore store = PostgresEventStore.open(config)) {
      assertThat(store.accounts(14)).containsExactly("a", "b");
      assertThat(store.accounts(2)).containsExactly("a");
      assertThat(store.readShard(0, 14, List.of("a"))).extracting(StoredEvent::position)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 11L, 14L);
      // (5, 12]: not `b`'s participant.left at 13.
      assertThat(store.readShard(5, 12, List.of("b"))).extracting(StoredEvent::position)
          .containsExactly(7L, 8L, 9L, 10L, 12L);
      assertThat(store.readAccounts(0, 14, List.of("b"))).extracting(StoredEvent::position)
          .containsExactly(3L, 4L, 5L, 7L, 8L, 9L, 10L, 12L, 13L);
      assertThat(store.readAccounts(4, 9, List.of("a", "b")))
          .extracting(StoredEvent::position).containsExactly(5L, 6L, 7L, 8L, 9L);
      assertThat(store.accountsOf(ShardKey.Kind.MEETING, List.of("ma", "mb", "nope")))
          .containsExactlyInAnyOrderEntriesOf(Map.of("ma", "a", "mb", "b"));
      assertThat(store.accountsOf(ShardKey.Kind.CONTENT, List.of("cb"))).containsEntry("cb", "b");
      assertThat(store.joined("b", "mb", "guest")).isTrue();
      assertThat(store.joined("b", "mb", "b-owner")).isTrue();
      assertThat(store.joined("b", "mb", "a-owner")).isFalse();
    }
    // A member owning `a` only: the index of `b`, not its meetings or content.
    List<Long> shown = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<java.util.function.Supplier<
        org.covenant.core.state.Snapshot>> view = new java.util.concurrent.atomic.AtomicReference<>();
    try (Ledger member = Ledger.openShard(config, Workload.CATALOG, "a"::equals,
        page -> page.forEach(e -> shown.add(e.position())), view::set)) {
      assertThat(shown).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 11L, 14L);
      assertThat(view.get().get().position()).isEqualTo(14);
      assertThat(member.head()).isEqualTo(14);
      assertThat(member.ready("a")).isTrue();
      assertThat(member.ready("b")).isFalse();
      var s = member.snapshot();
      assertThat(s.accountIds()).containsExactly("a", "b");
      assertThat(s.meetingOf("mb")).isEmpty();
      assertThat(s.meetingOf("ma")).isPresent();
      assertThat(s.consent("b", ConsentType.AI_TRAINING, org.covenant.core.state.TimeKey.END,
          org.covenant.core.state.TimeKey.END,
          org.covenant.core.state.Snapshot.noEvidence()))
          .isEqualTo(org.covenant.core.state.ConsentStatus.IN_FORCE);
      assertThat(member.accountOfMeeting("mb")).contains("b");
      assertThat(member.accountOfContent("cb")).contains("b");
      assertThat(member.accountOfContent("nope")).isEmpty();
      // A meeting event of `b`'s meeting: refused, not validated against missing state.
      assertThatThrownBy(() -> member.append(Append.of(
          new Event.ParticipantJoined(T, "mb", "late", Optional.empty()))))
          .isInstanceOfSatisfying(StoreException.class,
              e -> assertThat(e.code()).isEqualTo(StoreException.NOT_OWNER));
      // A batch with one event of `b`: refused whole, and the member goes on.
      assertThatThrownBy(() -> member.append(List.of(
          Append.of(new Event.GroupCreated(T, "a", "g1")),
          Append.of(new Event.GroupCreated(T, "b", "g1")))))
          .isInstanceOfSatisfying(StoreException.class,
              e -> assertThat(e.code()).isEqualTo(StoreException.NOT_OWNER));
      assertThat(member.refresh()).isEqualTo(14);
      assertThat(member.snapshot().groupsOf("a")).isEmpty();
      // A meeting stored nowhere: rejected by any member, as in one projection.
      assertThat(member.append(Append.of(
          new Event.ParticipantJoined(T, "nowhere", "late", Optional.empty()))))
          .isInstanceOfSatisfying(AppendResult.Rejected.class, r -> assertThat(
              r.rejection().code()).isEqualTo(RejectionCode.UNKNOWN_MEETING));
      // `b`'s ids in `a`: duplicate_id, and `b`'s meeting for `a`'s content: not_authorized.
      assertThat(member.append(Append.of(new Event.MeetingStarted(T, "a", "mb", "a-owner",
          List.of())))).isInstanceOfSatisfying(AppendResult.Rejected.class, r -> assertThat(
              r.rejection().code()).isEqualTo(RejectionCode.DUPLICATE_ID));
      assertThat(member.append(Append.of(new Event.ContentCreated(T, "cb",
          "customer_content.chat", "a", Optional.empty(), Optional.empty(), List.of()))))
          .isInstanceOfSatisfying(AppendResult.Rejected.class, r -> assertThat(
              r.rejection().code()).isEqualTo(RejectionCode.DUPLICATE_ID));
      assertThat(member.append(Append.of(new Event.ContentCreated(T, "new",
          "customer_content.chat", "a", Optional.of("mb"), Optional.of("guest"), List.of()))))
          .isInstanceOfSatisfying(AppendResult.Rejected.class, r -> assertThat(
              r.rejection().code()).isEqualTo(RejectionCode.NOT_AUTHORIZED));
      assertThat(member.append(Append.of(new Event.ContentCreated(T, "new",
          "customer_content.chat", "a", Optional.of("mb"), Optional.of("stranger"),
          List.of())))).isInstanceOfSatisfying(AppendResult.Rejected.class, r -> assertThat(
              r.rejection().code()).isEqualTo(RejectionCode.UNKNOWN_PARTICIPANT));
      // A member's checkpoint (docs/CLUSTER.md, "Checkpoints") is written; the whole ledger's
      // open refuses it (MemberCheckpointIT).
      java.io.ByteArrayOutputStream checkpoint = new java.io.ByteArrayOutputStream();
      member.writeCheckpoint(14, 0, new byte[32], checkpoint);
      assertThat(checkpoint.size()).isPositive();
      // `b` moves here: its meetings and content are loaded, and appends for it accepted.
      shown.clear();
      member.reshard(a -> true, page -> page.forEach(e -> shown.add(e.position())));
      // Only `b`'s events are read: `a`, kept, is not read again.
      assertThat(shown).containsExactly(3L, 4L, 5L, 7L, 8L, 9L, 10L, 12L, 13L);
      assertThat(view.get().get().meetingOf("mb")).as("the supplier follows the swap")
          .isPresent();
      assertThat(member.ready("b")).isTrue();
      assertThat(member.snapshot().meetingOf("mb")).isPresent();
      assertThat(member.append(Append.of(new Event.ParticipantJoined(T, "mb", "late",
          Optional.empty())))).isInstanceOf(AppendResult.Accepted.class);
      // `a` moves away: refused from then on.
      member.reshard("b"::equals);
      assertThat(member.snapshot().meetingOf("ma")).isEmpty();
      assertThatThrownBy(() -> member.append(Append.of(new Event.MeetingEnded(T, "ma"))))
          .isInstanceOfSatisfying(StoreException.class,
              e -> assertThat(e.code()).isEqualTo(StoreException.NOT_OWNER));
    }
    assertThat(accounts(config)).endsWith("b");
  }

  @Test
  void oneBatchResolvesMeetingsAndContentStartedInIt() throws Exception {
    LedgerConfig.Postgres config = config();
    try (Ledger ledger = Ledger.open(config, Workload.CATALOG)) {
      List<Append> batch = ledger().stream().map(Append::of).toList();
      assertThat(ledger.append(batch)).allMatch(r -> r instanceof AppendResult.Accepted);
    }
    assertThat(accounts(config)).isEqualTo(ACCOUNTS);
    assertThat(registry(config)).hasSize(6);
  }

  @Test
  void duringAMoveKeptAccountsAnswerAndMovingOnesAreRefused() throws Exception {
    LedgerConfig.Postgres config = config();
    try (Ledger ledger = Ledger.open(config, Workload.CATALOG)) {
      ledger.append(ledger().stream().map(Append::of).toList());
      ledger.append(Append.of(new Event.AccountCreated(T, "c", "c-owner")));
    }
    try (Ledger member = Ledger.openShard(config, Workload.CATALOG, a -> !a.equals("b"))) {
      // The move: `b` comes here, `c` goes. Held inside the load until the checks are done.
      java.util.concurrent.CountDownLatch loading = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      Thread[] mover = new Thread[1];
      java.util.function.Predicate<String> next = a -> {
        if (Thread.currentThread() == mover[0] && loading.getCount() > 0) {
          loading.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return !a.equals("c");
      };
      Throwable[] failed = new Throwable[1];
      mover[0] = new Thread(() -> {
        try {
          member.reshard(next);
        } catch (Throwable t) {
          failed[0] = t;
        }
      });
      mover[0].start();
      assertThat(loading.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(member.ready("a")).isTrue();
      assertThat(member.ready("b")).isFalse();
      assertThat(member.ready("c")).isFalse();
      assertThat(member.append(Append.of(new Event.GroupCreated(T, "a", "ga"))))
          .isInstanceOf(AppendResult.Accepted.class);
      for (String moving : List.of("b", "c")) {
        assertThatThrownBy(() -> member.append(Append.of(
            new Event.GroupCreated(T, moving, "g"))))
            .isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo(StoreException.NOT_OWNER));
      }
      // Another process appends for `b` meanwhile: the move catches it up.
      try (Ledger other = Ledger.open(config, Workload.CATALOG)) {
        assertThat(other.append(Append.of(new Event.GroupCreated(T, "b", "gb"))))
            .isInstanceOf(AppendResult.Accepted.class);
      }
      release.countDown();
      mover[0].join(30_000);
      assertThat(failed[0]).isNull();
      assertThat(member.ready("b")).isTrue();
      assertThat(member.ready("c")).isFalse();
      assertThat(member.snapshot().groupsOf("b")).containsExactly("gb");
      assertThat(member.snapshot().groupsOf("a")).containsExactly("ga");
      assertThat(member.append(Append.of(new Event.GroupCreated(T, "b", "gb2"))))
          .isInstanceOf(AppendResult.Accepted.class);
    }
  }

  @Test
  void aShareReadInManyWindowsEqualsTheWholeProjectionForItsAccounts() throws Exception {
    // 21,012 events: more than two of the ledger's read windows (10,000 positions), the first
    // full of `a1`'s groups (a member without `a1` reads nothing of it).
    LedgerConfig.Postgres config = config();
    List<String> all = List.of("a0", "a1", "a2");
    try (Ledger ledger = Ledger.open(config, Workload.CATALOG)) {
      List<Append> batch = new ArrayList<>();
      for (String a : all) {
        Workload.setup(a).forEach(e -> batch.add(Append.of(e)));
      }
      for (int i = 0; i < 12_000; i++) {
        batch.add(Append.of(new Event.GroupCreated(Workload.AT, "a1", "g" + i)));
      }
      java.util.Random r = new java.util.Random(16);
      for (int i = 0; i < 9_000; i++) {
        batch.add(Append.of(Workload.next(all.get(r.nextInt(all.size())), i, r)));
      }
      for (int from = 0; from < batch.size(); from += 5_000) {
        assertThat(ledger.append(batch.subList(from, Math.min(batch.size(), from + 5_000))))
            .allMatch(x -> x instanceof AppendResult.Accepted);
      }
    }
    List<Long> expected = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT position, account, type FROM "
            + config.schema() + ".ledger_event ORDER BY position")) {
      while (rs.next()) {
        if (!rs.getString(2).equals("a1")
            || ShardedStore.INDEXED_TYPES.contains(rs.getString(3))) {
          expected.add(rs.getLong(1));
        }
      }
    }
    List<Long> shown = new ArrayList<>();
    try (Ledger whole = Ledger.open(config, Workload.CATALOG);
        Ledger member = Ledger.openShard(config, Workload.CATALOG, a -> !a.equals("a1"),
            page -> page.forEach(e -> shown.add(e.position())), view -> {})) {
      assertThat(shown).isEqualTo(expected);
      assertThat(member.head()).isEqualTo(whole.head()).isEqualTo(21_012);
      List<String> owned = List.of("a0", "a2");
      assertThat(Workload.fingerprint(member.snapshot(), owned, contents(whole, owned)))
          .isEqualTo(Workload.fingerprint(whole.snapshot(), owned, contents(whole, owned)));
      assertThat(member.snapshot().groupsOf("a1")).isEmpty();
      for (ConsentType t : ConsentType.values()) {
        assertThat(consent(member, "a1", t)).isEqualTo(consent(whole, "a1", t));
      }
      member.reshard(a -> true);
      assertThat(Workload.fingerprint(member.snapshot(), all, contents(whole, all)))
          .isEqualTo(Workload.fingerprint(whole.snapshot(), all, contents(whole, all)));
      assertThat(member.snapshot().groupsOf("a1")).hasSize(12_000);
    }
  }

  private static List<String> contents(Ledger ledger, List<String> accounts) {
    List<String> out = new ArrayList<>();
    for (String a : accounts) {
      ledger.snapshot().contentOf(a, org.covenant.core.state.TimeKey.END)
          .forEach(x -> out.add(x.id()));
    }
    return out;
  }

  private static org.covenant.core.state.ConsentStatus consent(Ledger ledger, String account,
      ConsentType type) {
    return ledger.snapshot().consent(account, type, org.covenant.core.state.TimeKey.END,
        org.covenant.core.state.TimeKey.END, org.covenant.core.state.Snapshot.noEvidence());
  }

  @Test
  void aShardNeedsTwoConnections() {
    LedgerConfig.Postgres one = new LedgerConfig.Postgres(url, config().schema(), 1,
        java.time.Duration.ofSeconds(5));
    assertThatThrownBy(() -> Ledger.openShard(one, Workload.CATALOG, a -> true))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.INVALID_CONFIG));
  }

  @Test
  void aLocalLedgerCannotBeSharded() {
    try (Ledger l = Ledger.open(LedgerConfig.memory(), Workload.CATALOG)) {
      assertThatThrownBy(() -> l.reshard(a -> true)).isInstanceOf(IllegalStateException.class);
      assertThat(l.ready("any")).isTrue();
    }
  }

  private static List<String> accounts(LedgerConfig.Postgres config) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT account FROM " + config.schema()
            + ".ledger_event ORDER BY position")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static Map<String, String> registry(LedgerConfig.Postgres config) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT kind, id, account, position FROM "
            + config.schema() + ".ledger_id ORDER BY position")) {
      while (rs.next()) {
        out.put(rs.getString(1) + ":" + rs.getString(2), rs.getString(3) + "@" + rs.getLong(4));
      }
    }
    return out;
  }

  /**
   * A ledger as the code of schema {@code version} (2 or later) left it: the rows written at
   * version 2 (bodies through jsonb, no accounts), each with key {@code k<position>} when
   * {@code keys}, then migrated to {@code version}.
   */
  private void writtenAtVersion(LedgerConfig.Postgres config, int version, List<Event> events,
      boolean keys) throws Exception {
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("CREATE SCHEMA " + config.schema());
      }
      Migrations.migrate(c, Migrations.POSTGRES.subList(0, 2), config.schema() + ".",
          config.schema(), "test");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + config.schema()
          + ".ledger_event (position, type, at, body, idempotency_key) "
          + "VALUES (?, ?, ?, ?::jsonb, ?)")) {
        long p = 0;
        for (Event e : events) {
          ps.setLong(1, ++p);
          ps.setString(2, e.type());
          ps.setObject(3, java.time.OffsetDateTime.ofInstant(e.at(), java.time.ZoneOffset.UTC));
          ps.setString(4, EventRows.body(e));
          ps.setString(5, keys ? "k" + p : null);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      Migrations.migrate(c, Migrations.POSTGRES.subList(0, version), config.schema() + ".",
          config.schema(), "test");
      c.commit();
    }
  }
}
