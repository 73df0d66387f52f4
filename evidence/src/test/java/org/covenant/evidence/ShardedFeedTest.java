package org.covenant.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.covenant.core.event.Event;
import org.covenant.format.TermsLibrary;
import org.covenant.log.TiledLog;
import org.covenant.store.Append;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log feed on a sharded cluster member (docs/CLUSTER.md, "Sharded projection"): a
 * {@code participant.joined} of another member's meeting is salted under that meeting's account,
 * found through the ledger's registry of ids, not under no account. Real PostgreSQL
 * ({@code COVENANT_TEST_PG_URL}; skipped when unset and nothing answers at the CI default).
 */
class ShardedFeedTest {
  private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

  @Test
  void anotherMembersMeetingIsSaltedUnderItsAccount(@TempDir Path dir) throws Exception {
    String url = pgUrl();
    String schema = "covenant_feed_" + UUID.randomUUID().toString().replace("-", "")
        .substring(0, 12);
    LedgerConfig.Postgres config = LedgerConfig.postgres(url).withSchema(schema);
    try {
      try (Ledger writer = Ledger.open(config, TermsLibrary.builtInCatalog())) {
        writer.append(List.of(
            Append.of(new Event.AccountCreated(T, "a", "a-owner")),
            Append.of(new Event.AccountCreated(T, "b", "b-owner")),
            Append.of(new Event.MeetingStarted(T, "b", "mb", "b-owner", List.of())),
            Append.of(new Event.ParticipantJoined(T, "mb", "guest", Optional.empty()))));
      }
      DataDirectory d = DataDirectory.at(dir).create();
      try (Ledger member = Ledger.openShard(config, TermsLibrary.builtInCatalog(),
          "a"::equals); TiledLog log = d.openLog()) {
        LedgerFeed feed = d.feed(log, member);
        feed.catchUp();
        assertThat(feed.loggedUpTo()).isEqualTo(4);
        assertThat(member.snapshot().meetingOf("mb")).isEmpty();
        // The guest's salt is `b`'s: erasing them there finds it.
        assertThat(feed.erase("b", "guest")).isTrue();
      }
    } finally {
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private static String pgUrl() {
    String env = System.getenv("COVENANT_TEST_PG_URL");
    String url = env == null || env.isBlank()
        ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : env;
    try (Connection c = DriverManager.getConnection(url)) {
      if (!c.isValid(5)) {
        throw new SQLException("connection not valid");
      }
      return url;
    } catch (SQLException e) {
      Assumptions.assumeTrue(env != null && !env.isBlank(),
          "PostgreSQL tests skipped: nothing at " + url + "; set COVENANT_TEST_PG_URL");
      throw new IllegalStateException(url + " does not answer: " + e.getMessage(), e);
    }
  }
}
