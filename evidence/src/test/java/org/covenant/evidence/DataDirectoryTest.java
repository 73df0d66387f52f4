package org.covenant.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.LogException;
import org.covenant.log.TiledLog;
import org.covenant.store.Append;
import org.covenant.store.Ledger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's log lock policy, one writer kind at a time, and the feed it wires. */
class DataDirectoryTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static byte[] leaf(String s) {
    return ("{\"type\":\"test\",\"n\":\"" + s + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBulkJobsLeafTakesTheLogForOneAppend(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir);
    DataDirectory.Appended a = d.appendOne(leaf("a"));
    DataDirectory.Appended b = d.appendOne(leaf("b"));
    assertThat(a.index()).isZero();
    assertThat(b.index()).isEqualTo(1);
    assertThat(b.checkpointBefore()).isEqualTo(a.checkpoint());
    assertThat(b.checkpoint()).contains("\n2\n");
  }

  @Test
  void whileAWriterHoldsTheLog_eachKindOfWriterFollowsItsPolicy(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir);
    try (TiledLog held = d.openLog()) {
      // A second long-lived writer cannot start.
      assertThatThrownBy(d::openLog).isInstanceOfSatisfying(LogException.class,
          e -> assertThat(e.code()).isEqualTo("log_locked"));
      // A ledger writer leaves logging to the holder.
      assertThat(d.openLogUnlessHeld()).isEmpty();
      // A bulk job's leaf would be lost otherwise: it fails.
      assertThatThrownBy(() -> d.appendOne(leaf("x"))).isInstanceOfSatisfying(
          LogException.class, e -> assertThat(e.code()).isEqualTo("log_locked"));
      assertThat(held.size()).isZero();
    }
    Optional<TiledLog> free = d.openLogUnlessHeld();
    assertThat(free).isPresent();
    free.get().close();
  }

  @Test
  void aReaderOpensTheLogWhileAWriterHoldsIt(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir);
    assertThatThrownBy(d::openLogReadOnly).isInstanceOfSatisfying(LogException.class,
        e -> assertThat(e.code()).isEqualTo("log_missing"));
    d.appendOne(leaf("a"));
    try (TiledLog held = d.openLog(); TiledLog read = d.openLogReadOnly()) {
      assertThat(read.size()).isEqualTo(held.size()).isEqualTo(1);
      assertThat(read.leaf(0)).isEqualTo(leaf("a"));
      assertThat(d.logDir()).isDirectory();
    }
  }

  @Test
  void theFeedLogsEachLedgerEventOnce_pseudonymized_andResumesAfterReopening(
      @TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()),
        TermsLibrary.builtInCatalog())) {
      ledger.append(Append.of(new Event.AccountCreated(T0, "acme", "alice")));
      try (TiledLog log = d.openLog()) {
        LedgerFeed feed = d.feed(log, ledger);
        feed.catchUp();
        assertThat(feed.loggedUpTo()).isEqualTo(1);
        JsonNode n = Json.parse(new String(log.leaf(0), StandardCharsets.UTF_8));
        assertThat(n.path("type").asText()).isEqualTo(LedgerFeed.EVENT_LEAF);
        assertThat(n.path("event").path("owner").asText()).startsWith("sha256:");
        assertThat(n.toString()).doesNotContain("alice");
      }
      ledger.append(Append.of(new Event.GroupCreated(T0.plusSeconds(1), "acme", "eng")));
      try (TiledLog log = d.openLog()) {
        LedgerFeed feed = d.feed(log, ledger);
        assertThat(feed.loggedUpTo()).isEqualTo(1);
        feed.catchUp();
        assertThat(log.size()).isEqualTo(2);
        assertThat(LedgerFeed.lastLoggedPosition(log)).isEqualTo(2);
      }
    }
  }

  @Test
  void theFeedFindsTheLogEntryOfALedgerPosition_amongOtherLeaves(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()),
        TermsLibrary.builtInCatalog())) {
      ledger.append(Append.of(new Event.AccountCreated(T0, "acme", "alice")));
      try (TiledLog log = d.openLog()) {
        LedgerFeed feed = d.feed(log, ledger);
        // Events interleaved with decision summaries, across more than two full bundles.
        for (int i = 0; i < 450; i++) {
          ledger.append(Append.of(new Event.GroupCreated(T0.plusSeconds(i + 1), "acme",
              "g" + i)));
          feed.catchUp();
          if (i % 3 == 0) {
            feed.decisions(T0.plusSeconds(i + 1), 1, 1);
          }
        }
        assertThat(log.size()).isGreaterThan(512);
        for (long p : new long[] {1, 2, 100, 200, 256, 300, 451}) {
          long index = feed.leafIndexOf(p).orElseThrow();
          JsonNode leaf = Json.parse(new String(log.leaf(index), StandardCharsets.UTF_8));
          assertThat(leaf.path("type").asText()).isEqualTo(LedgerFeed.EVENT_LEAF);
          assertThat(leaf.path("position").asLong()).as("position %d", p).isEqualTo(p);
        }
        assertThat(feed.leafIndexOf(452)).isEmpty();
        assertThat(feed.leafIndexOf(0)).isEmpty();
      }
    }
  }
}
