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

  /**
   * The salts opened ahead (on their own thread, beside a start's restore) are the directory's
   * salts, and a damaged salts file fails the one who waits for them as opening it in place does.
   */
  @Test
  void theSaltsOpenedAheadAreTheDirectorysAndTheirFailureReachesWhoWaits(@TempDir Path dir)
      throws Exception {
    DataDirectory d = DataDirectory.at(dir).create();
    String alice = d.pseudonyms().of("acme", "alice");
    assertThat(d.pseudonymsAhead().get().of("acme", "alice")).isEqualTo(alice);
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()),
        TermsLibrary.builtInCatalog())) {
      ledger.append(Append.of(new Event.AccountCreated(T0, "acme", "alice")));
      try (TiledLog log = d.openLog()) {
        LedgerFeed feed = d.feed(log, ledger, d.pseudonymsAhead());
        feed.catchUp();
        JsonNode n = Json.parse(new String(log.leaf(0), StandardCharsets.UTF_8));
        assertThat(n.path("event").path("owner").asText()).isEqualTo(alice);
      }
    }
    java.nio.file.Files.writeString(dir.resolve("keys/salts.json"), "{\"accounts\": [1,");
    java.nio.file.Files.deleteIfExists(dir.resolve("keys/salts.jsonl"));
    RuntimeException inPlace = org.junit.jupiter.api.Assertions.assertThrows(
        RuntimeException.class, d::pseudonyms);
    java.util.function.Supplier<Pseudonyms> ahead = d.pseudonymsAhead();
    assertThatThrownBy(ahead::get).isInstanceOf(inPlace.getClass())
        .hasMessage(inPlace.getMessage());
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

  /**
   * Leaves computed ahead ({@code leavesAfter}) are appended only where the log stands: a page
   * whose events were logged meanwhile, or one that skips events, appends nothing; a page that
   * starts at the log's end is the leaves {@code catchUp} would have appended.
   */
  @Test
  void aPageComputedAhead_isAppendedOnlyWhereTheLogStands(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()),
        TermsLibrary.builtInCatalog())) {
      ledger.append(Append.of(new Event.AccountCreated(T0, "acme", "alice")));
      ledger.append(Append.of(new Event.GroupCreated(T0.plusSeconds(1), "acme", "eng")));
      ledger.append(Append.of(new Event.GroupCreated(T0.plusSeconds(2), "acme", "ops")));
      try (TiledLog log = d.openLog()) {
        LedgerFeed feed = d.feed(log, ledger);
        LedgerFeed.Page first = feed.leavesAfter(0).orElseThrow();
        LedgerFeed.Page skipping = feed.leavesAfter(2).orElseThrow();
        assertThat(first.last()).isEqualTo(3);
        assertThat(first.full()).isFalse();
        assertThat(feed.append(skipping)).isFalse();
        assertThat(log.size()).isZero();
        feed.catchUp();
        assertThat(log.size()).isEqualTo(3);
        assertThat(feed.append(first)).isFalse();
        assertThat(log.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
          assertThat(first.leaves().get(i)).isEqualTo(log.leaf(i));
        }
        ledger.append(Append.of(new Event.GroupCreated(T0.plusSeconds(3), "acme", "hr")));
        assertThat(feed.leavesAfter(4)).isEmpty();
        LedgerFeed.Page next = feed.leavesAfter(3).orElseThrow();
        assertThat(feed.append(next)).isTrue();
        assertThat(feed.loggedUpTo()).isEqualTo(4);
        assertThat(LedgerFeed.lastLoggedPosition(log)).isEqualTo(4);
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

  @Test
  void aLeafWrittenStraightFromTheEventIsTheLeafOfItsTree(@TempDir Path dir) {
    DataDirectory d = DataDirectory.at(dir).create();
    java.util.List<Event> events = java.util.List.of(
        new Event.AccountCreated(T0, "acme", "alice"),
        new Event.TermsAccepted(T0.plusNanos(1), "acme", "default", "alice"),
        new Event.UserAdded(T0.plusMillis(1), "acme", "bob", org.covenant.core.vocab.Role.MEMBER,
            Optional.of("eng")),
        new Event.SettingSet(T0.plusSeconds(1), "acme",
            org.covenant.core.event.Scope.parse("user:bob").orElseThrow(), "recording.cloud",
            true, false, "alice"),
        new Event.ValuedSettingSet(T0.plusSeconds(2), "acme",
            org.covenant.core.event.Scope.parse("group:eng").orElseThrow(), "retention.days",
            new org.covenant.core.event.SettingValue.Number(30), true, "alice"),
        new Event.MeetingStarted(T0.plusSeconds(3), "acme", "m1", "bob", java.util.List.of()),
        new Event.ParticipantJoined(T0.plusSeconds(4), "m1", "guest", Optional.of("other")),
        new Event.ContentCreated(T0.plusSeconds(5), "c1", "recording", "acme",
            Optional.of("m1"), Optional.of("guest"), java.util.List.of("acme", "other")),
        new Event.LegalHoldPlaced(T0.plusSeconds(6), "acme", "h1",
            org.covenant.core.event.HoldScope.parse("user:bob").orElseThrow(),
            "a \"quoted\"\nmatter \u00e9\uD83D\uDE00", "alice"),
        new Event.UserRemoved(T0.plusSeconds(7), "acme", "bob", "alice"),
        // Beyond ASCII with nothing to escape: written straight, then ASCII leaves after it.
        new Event.GroupCreated(T0.plusSeconds(8), "acme", "gr\u00fcn \u6771"),
        new Event.MeetingEnded(T0.plusSeconds(9), "m1"));
    // Twice over, each leaf after a longer or a shorter one: the text of one leaf never leaks
    // into the next (the feed reuses its builder from leaf to leaf).
    events = java.util.stream.Stream.concat(events.stream(), events.stream()).toList();
    try (Ledger ledger = Ledger.open(d.ledger(Optional.empty()),
        TermsLibrary.builtInCatalog()); TiledLog log = d.openLog()) {
      LedgerFeed feed = d.feed(log, ledger);
      long position = 1;
      for (Event e : events) {
        org.covenant.core.spi.StoredEvent stored =
            new org.covenant.core.spi.StoredEvent(position++, e, Optional.empty());
        assertThat(new String(feed.eventLeaf(stored), StandardCharsets.UTF_8)).as("%s", e)
            .isEqualTo(new String(feed.eventLeafFromTree(stored), StandardCharsets.UTF_8));
      }
    }
  }
}
