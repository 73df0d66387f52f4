package org.covenant.store;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.covenant.core.event.Event;

/**
 * The child process of the crash and two-process tests: opens a ledger, appends one account's
 * workload in random batches, and prints {@code ack POSITION KEY} for every append only after it
 * returned (durable), then {@code fp POSITION DIGEST} for the projection it holds at that
 * position. Arguments: {@code sqlite DIR | pg URL SCHEMA}, then ACCOUNT, MAX_EVENTS (-1: until
 * killed), SEED. Exits 0 when done, 3 on a rejection (the workload is always valid).
 */
public final class AppendingChild {
  private AppendingChild() {}

  /** Runs the child. */
  public static void main(String[] args) {
    int i = 0;
    LedgerConfig config = args[i++].equals("sqlite")
        ? LedgerConfig.sqlite(Path.of(args[i++]))
        : LedgerConfig.postgres(args[i++]).withSchema(args[i++]);
    String account = args[i++];
    long max = Long.parseLong(args[i++]);
    Random r = new Random(Long.parseLong(args[i]));
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    try (Ledger ledger = Ledger.open(config, Workload.CATALOG)) {
      long done = countMine(ledger, account);
      if (done == 0) {
        List<Append> setup = new ArrayList<>();
        List<Event> events = Workload.setup(account);
        for (int k = 0; k < events.size(); k++) {
          setup.add(Append.of(events.get(k), account + "/setup/" + k));
        }
        report(out, ledger, account, 0, setup, ledger.append(setup));
      }
      long n = Math.max(0, done - Workload.setup(account).size());
      while (max < 0 || n < max) {
        int size = 1 + r.nextInt(8);
        List<Append> batch = new ArrayList<>();
        for (int k = 0; k < size && (max < 0 || n < max); k++, n++) {
          batch.add(Append.of(Workload.next(account, n, r), account + "/" + n));
        }
        report(out, ledger, account, n, batch, ledger.append(batch));
      }
    }
    out.flush();
  }

  /** Events of this account already in the ledger (after a crash, the child resumes). */
  private static long countMine(Ledger ledger, String account) {
    long count = 0;
    long after = 0;
    while (true) {
      var page = ledger.events(after, 10_000);
      for (var e : page) {
        if (e.idempotencyKey().orElse("").startsWith(account + "/")) {
          count++;
        }
        after = e.position();
      }
      if (page.size() < 10_000) {
        return count;
      }
    }
  }

  private static void report(PrintStream out, Ledger ledger, String account, long next,
      List<Append> batch, List<AppendResult> results) {
    long last = 0;
    for (int k = 0; k < results.size(); k++) {
      if (results.get(k) instanceof AppendResult.Accepted a) {
        out.println("ack " + a.position() + " " + batch.get(k).idempotencyKey().orElseThrow());
        last = a.position();
      } else {
        out.println("error " + results.get(k));
        out.flush();
        System.exit(3);
      }
    }
    long from = Math.max(0, next - 16);
    out.println("fp " + last + " " + account + " " + from + " " + next + " "
        + fingerprint(ledger, account, last, from, next));
    out.flush();
  }

  /**
   * The digest the parent recomputes on the reopened ledger: the account and its contents with
   * stream indexes {@code from..to}, as the projection at {@code position} answers.
   */
  static String fingerprint(Ledger ledger, String account, long position, long from, long to) {
    List<String> contents = new ArrayList<>();
    for (long c = from; c <= to; c++) {
      contents.add(Workload.content(account, c));
    }
    return Workload.fingerprint(ledger.snapshot(position), List.of(account), contents);
  }
}
