package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.format.scenario.Scenario;
import org.covenant.format.scenario.ScenarioParser;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code covenant ledger import|export}: the persisted ledger (ARCHITECTURE.md §3, §9). */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = "Import events into a persisted ledger, or export it as JSON lines.",
    subcommands = {LedgerCommand.Import.class, LedgerCommand.Export.class})
public final class LedgerCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code ledger import}. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Append the `events` of a scenario file to the ledger, validated in order against its",
        "head. Prints one JSON line per rejected event, then a summary line with the counts.",
        "Each event carries a key derived from the file's events, so importing the same file",
        "again appends nothing (counted as duplicates).",
        "",
        "With --data, the transparency log in DIR/log/ follows the ledger as the server's does",
        "(same leaves, pseudonyms and key): `covenant log verify --data DIR` checks it.",
        "",
        "Exit codes: 0 imported (rejections are outcomes, not errors), 2 invalid input or the",
        "ledger or its log cannot be opened or written.",
        "",
        "Example: covenant ledger import --data ./data ../shared/conformance/01-*.json"
      })
  static final class Import implements Callable<Integer> {
    private static final int BATCH = 10_000;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin LedgerOptions ledger;

    @Parameters(paramLabel = "FILE", description = "A scenario JSON file; its queries are ignored.")
    Path file;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Result<Scenario> parsed = ScenarioParser.read(file);
      if (parsed instanceof Result.Failed<Scenario> f) {
        err.print(LedgerOptions.describe(f.problems()));
        err.flush();
        return 2;
      }
      Scenario s = ((Result.Ok<Scenario>) parsed).value();
      Result<TermsCatalog> catalog = s.termsDir().isPresent()
          ? TermsLibrary.catalogWith(s.termsDir().get()) : ledger.catalog();
      if (catalog instanceof Result.Failed<TermsCatalog> f) {
        err.print(LedgerOptions.describe(f.problems()));
        err.flush();
        return 2;
      }
      List<String> keys = ScenarioKeys.of(s);
      Counts counts = new Counts(0, 0, 0);
      long head;
      try (LoggedLedger logged = LoggedLedger.open(ledger.config(), ledger.data,
          ((Result.Ok<TermsCatalog>) catalog).value())) {
        if (logged.logHeldElsewhere()) {
          err.println("covenant: note: another process (a running server) holds the log in `"
              + ledger.data.orElseThrow() + "`; it logs these events from the ledger");
          err.flush();
        }
        Ledger l = logged.ledger();
        // Batch k+1 is read and validated while batch k is written and committed (issue 15);
        // each batch's lines are printed once it is committed, in the serial order.
        Sent inFlight = null;
        try (Ledger.Pipeline pipeline = l.pipeline()) {
          for (int from = 0; from < s.events().size(); from += BATCH) {
            int to = Math.min(s.events().size(), from + BATCH);
            Sent next = new Sent(from);
            // Even the operator cannot move the ledger's clock past the server's by more than
            // the skew (docs/DECISIONS.md, "Time").
            java.time.Instant latest = java.time.Instant.now().plus(TimeKey.MAX_SKEW);
            for (int i = from; i < to; i++) {
              Event e = s.events().get(i).event();
              if (e.at().isAfter(latest)) {
                next.skewed++;
                ObjectNode line = Json.object();
                line.put("file", s.source());
                line.put("event", s.events().get(i).index());
                line.put("type", e.type());
                line.put("at", e.at().toString());
                line.put("outcome", "rejected");
                line.put("code", "clock_skew");
                line.put("message", "`" + e.at() + "` is more than "
                    + TimeKey.MAX_SKEW.toSeconds() + " s ahead of this machine's clock");
                next.lines.add(Json.line(line));
                continue;
              }
              next.batch.add(Append.of(e, keys.get(i)));
              next.sent.add(i);
            }
            next.results = pipeline.submit(next.batch);
            if (inFlight != null) {
              counts = counts.plus(settle(inFlight, s, out));
              // The log follows each committed batch, as the server's feed does, while the
              // next batch is validated and committed.
              logged.catchUpInBackground();
            }
            inFlight = next;
          }
          if (inFlight != null) {
            pipeline.flush();
            counts = counts.plus(settle(inFlight, s, out));
            logged.catchUpInBackground();
          }
        }
        head = l.head();
      }
      ObjectNode summary = Json.object();
      summary.put("file", s.source());
      summary.put("accepted", counts.accepted());
      summary.put("rejected", counts.rejected());
      summary.put("duplicates", counts.duplicates());
      summary.put("head", head);
      out.println(Json.line(summary));
      out.flush();
      return 0;
    }
  }

  /** Accepted, rejected and duplicate events of an import. */
  record Counts(int accepted, int rejected, int duplicates) {
    Counts plus(Counts o) {
      return new Counts(accepted + o.accepted, rejected + o.rejected, duplicates + o.duplicates);
    }
  }

  /** One batch of an import: what was sent, the lines found before sending, its results. */
  static final class Sent {
    final int from;
    final List<Append> batch = new ArrayList<>();
    final List<Integer> sent = new ArrayList<>();
    final List<String> lines = new ArrayList<>();
    int skewed;
    java.util.concurrent.CompletableFuture<List<AppendResult>> results;

    Sent(int from) {
      this.from = from;
    }
  }

  /**
   * Waits for a batch's commit and prints its lines: those found before it was sent, then one
   * per rejected event, as the serial import printed them.
   */
  static Counts settle(Sent b, Scenario s, PrintWriter out) {
    b.lines.forEach(out::println);
    List<AppendResult> results = LoggedLedger.await(b.results);
    int accepted = 0;
    int rejected = b.skewed;
    int duplicates = 0;
    for (int j = 0; j < results.size(); j++) {
      AppendResult r = results.get(j);
      int i = b.sent.get(j);
      if (r instanceof AppendResult.Accepted) {
        accepted++;
      } else if (r instanceof AppendResult.Duplicate) {
        duplicates++;
      } else if (r instanceof AppendResult.Rejected rej) {
        rejected++;
        ObjectNode line = Json.object();
        line.put("file", s.source());
        line.put("event", s.events().get(i).index());
        line.put("type", r.event().type());
        line.put("at", r.event().at().toString());
        line.put("outcome", "rejected");
        line.put("code", rej.rejection().code().code());
        line.put("message", rej.rejection().message());
        out.println(Json.line(line));
      } else {
        throw new IllegalStateException("unexpected result " + r);
      }
    }
    return new Counts(accepted, rejected, duplicates);
  }

  /** {@code ledger export}. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Print the ledger as JSON lines in position order: {\"position\": N, \"type\": ...,",
        "\"at\": ..., the event's fields, \"idempotency_key\"?}.",
        "",
        "Example: covenant ledger export --data ./data --after 100"
      })
  static final class Export implements Callable<Integer> {
    private static final int PAGE = 10_000;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin LedgerOptions ledger;

    @Option(names = "--after", paramLabel = "N", defaultValue = "0",
        description = "Start after position N (default 0: from the first event).")
    long after;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (after < 0) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--after must not be negative");
      }
      Result<TermsCatalog> catalog = ledger.catalog();
      if (catalog instanceof Result.Failed<TermsCatalog> f) {
        spec.commandLine().getErr().print(LedgerOptions.describe(f.problems()));
        return 2;
      }
      try (Ledger l = ledger.open(((Result.Ok<TermsCatalog>) catalog).value())) {
        long from = after;
        while (true) {
          List<StoredEvent> page = l.events(from, PAGE);
          for (StoredEvent e : page) {
            ObjectNode line = Json.object();
            line.put("position", e.position());
            line.setAll(EventCodec.toJson(e.event()));
            e.idempotencyKey().ifPresent(k -> line.put("idempotency_key", k));
            out.println(Json.line(line));
            from = e.position();
          }
          if (page.size() < PAGE) {
            break;
          }
        }
      }
      out.flush();
      return 0;
    }
  }
}
