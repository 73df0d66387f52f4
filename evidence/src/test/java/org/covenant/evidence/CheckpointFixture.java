package org.covenant.evidence;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.covenant.core.event.Event;
import org.covenant.core.state.ProjectionCheckpoint;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Role;
import org.covenant.format.TermsLibrary;
import org.covenant.log.TiledLog;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.CheckpointStore;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;

/**
 * A data directory with a ledger, its log and its checkpoints, opened the way the server and the
 * CLI open them (log first, checkpoints checked against it, then the ledger), and a seeded
 * stream of plausible events (accounts, users, meetings with guests, acknowledgements, content).
 */
final class CheckpointFixture implements AutoCloseable {
  static final TermsCatalog CATALOG = TermsLibrary.builtInCatalog();
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final DataDirectory dir;
  final LedgerConfig config;
  final TiledLog log;
  final CheckpointStore store;
  final Ledger ledger;
  final LedgerFeed feed;
  final ProjectionCheckpoints checkpoints;
  final List<String> warnings = new ArrayList<>();

  /** Opens; with {@code useCheckpoints} false the ledger is replayed in full. */
  CheckpointFixture(Path path, boolean useCheckpoints) {
    dir = DataDirectory.at(path).create();
    config = dir.ledger(Optional.empty());
    log = dir.openLog();
    store = dir.checkpoints(config);
    List<Ledger.Start> starts = ProjectionCheckpoints.candidates(store, log, warnings);
    ledger = Ledger.open(config, CATALOG, page -> {}, useCheckpoints ? starts : List.of());
    feed = dir.feed(log, ledger);
    feed.catchUp();
    checkpoints = ProjectionCheckpoints.manual(store, feed, ledger,
        new ProjectionCheckpoints.Policy(1, java.time.Duration.ofHours(1), 1_000_000_000L,
            java.time.Duration.ofSeconds(1)));
  }

  /** Appends {@code n} more events of the seeded stream (continuing after the head). */
  void append(int n) {
    long from = ledger.head();
    List<Append> batch = new ArrayList<>();
    for (long i = from; i < from + n; i++) {
      batch.add(Append.of(event(i), "k" + i));
    }
    for (AppendResult r : ledger.append(batch)) {
      if (!(r instanceof AppendResult.Accepted)) {
        throw new IllegalStateException("not accepted: " + r);
      }
    }
    feed.catchUp();
  }

  /** The i-th event (0-based) of a stream every prefix of which is a valid ledger. */
  static Event event(long i) {
    Instant at = T0.plusSeconds(i);
    int block = (int) (i / 16);
    int k = (int) (i % 16);
    String a = "acct" + (block % 5);
    String m = "m" + block;
    if (block < 5) {
      return switch (k) {
        case 0 -> new Event.AccountCreated(at, a, a + "-owner");
        case 1 -> new Event.TermsAccepted(at, a, TermsLibrary.BUILT_IN.get(0), a + "-owner");
        case 2 -> new Event.ConsentGranted(at, a, "ai_training", a + "-owner");
        default -> new Event.UserAdded(at, a, a + "-u" + k, Role.MEMBER, Optional.empty());
      };
    }
    String host = a + "-u" + (3 + block % 13);
    return switch (k) {
      case 0 -> new Event.MeetingStarted(at, a, m, host, List.of());
      case 1, 2, 3, 4 -> new Event.ParticipantJoined(at, m, "guest-" + block + "-" + k,
          Optional.of(k % 2 == 0 ? "outside" : a));
      case 5, 6 -> new Event.NoticeAcknowledged(at, m, "guest-" + block + "-" + (k - 4),
          "recording");
      case 7, 8, 9 -> new Event.ContentCreated(at, "c" + block + "-" + k, 
          "customer_content.recording", a, Optional.of(m), Optional.empty(), List.of(a));
      case 10 -> new Event.ParticipantLeft(at, m, "guest-" + block + "-1");
      case 11 -> new Event.ConsentWithdrawn(at, a, "ai_training", a + "-owner");
      case 12 -> new Event.ConsentGranted(at, a, "ai_training", a + "-owner");
      case 13 -> new Event.MeetingEnded(at, m);
      default -> new Event.ContentCreated(at, "c" + block + "-" + k, "customer_content.chat",
          a, Optional.empty(), Optional.of(host), List.of(a));
    };
  }

  /** The canonical digest of the projection at the head. */
  String digest() {
    Predicate<String> unused = s -> true;
    long head = ledger.head();
    return ProjectionCheckpoint.digest(stateAtHead(), head,
        head == 0 ? Long.MIN_VALUE : TimeKey.of(ledger.events(head - 1, 1).get(0).event().at()));
  }

  /** The projection, restored from a checkpoint of itself (a way to reach its state). */
  private org.covenant.core.state.GovernanceState stateAtHead() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      ledger.writeCheckpoint(ledger.head(), 1, new byte[32], out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return ProjectionCheckpoint.restore(ProjectionCheckpoint.of(out.toByteArray()),
        CATALOG::knows);
  }

  @Override
  public void close() {
    checkpoints.close();
    log.close();
    ledger.close();
  }
}
