package org.covenant.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.covenant.core.event.Event;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Role;
import org.covenant.format.TermsLibrary;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;

/**
 * The child JVM of {@link LogCrashSafetyIT}: opens a data directory through {@link LoggedLedger}
 * (the CLI's ledger + log wiring), then appends seeded batches of always-valid events forever,
 * printing {@code ack POSITION KEY} for each event once its batch is durable in the ledger, then
 * bringing the log level. Arguments: DIR SEED. Exits 3 if an event is refused (a test bug).
 */
public final class LogCrashChild {
  static final TermsCatalog CATALOG = TermsLibrary.builtInCatalog();
  private static final Instant AT = Instant.parse("2024-03-01T12:00:00Z");
  // Few people, many events: one salt per person, like a real directory's steady state.
  private static final int PEOPLE = 40;

  private LogCrashChild() {}

  /** The idempotency key of the event at ledger position {@code k + 1}. */
  static String key(long k) {
    return "crash-" + k;
  }

  /** Event {@code k} of the workload; every one is accepted after events {@code 0..k-1}. */
  static Event event(long k) {
    long b = k / 6;
    String account = "acct-" + b;
    String owner = "person-" + b % PEOPLE;
    switch ((int) (k % 6)) {
      case 0:
        return new Event.AccountCreated(AT, account, owner);
      case 1:
        return new Event.TermsAccepted(AT, account, "default", owner);
      case 2:
        return new Event.UserAdded(AT, account, "person-" + (b + 1) % PEOPLE, Role.MEMBER,
            Optional.empty());
      case 3:
        return new Event.ConsentGranted(AT, account, "ai_training", owner);
      case 4:
        return new Event.ConsentWithdrawn(AT, account, "ai_training", owner);
      default:
        return new Event.MeetingStarted(AT, account, account + "-m", owner,
            List.of("recording.cloud"));
    }
  }

  /** Runs the child. */
  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    Random random = new Random(Long.parseLong(args[1]));
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    try (LoggedLedger logged = LoggedLedger.open(Optional.of(dir), Optional.empty(), CATALOG)) {
      Ledger ledger = logged.ledger();
      out.println("open " + ledger.head() + " " + logged.log().orElseThrow().size());
      out.flush();
      while (true) {
        long next = ledger.head();
        int n = 1 + random.nextInt(random.nextBoolean() ? 8 : 300);
        List<Append> batch = new ArrayList<>(n);
        for (long k = next; k < next + n; k++) {
          batch.add(Append.of(event(k), key(k)));
        }
        List<AppendResult> results = ledger.append(batch);
        for (int i = 0; i < results.size(); i++) {
          if (!(results.get(i) instanceof AppendResult.Accepted a)) {
            out.println("refused " + (next + i) + " " + results.get(i));
            out.flush();
            System.exit(3);
            return;
          }
          out.println("ack " + a.position() + " " + key(next + i));
        }
        out.flush();
        logged.catchUp();
      }
    }
  }
}
