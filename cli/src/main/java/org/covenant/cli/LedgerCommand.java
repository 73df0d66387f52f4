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
      int accepted = 0;
      int rejected = 0;
      int duplicates = 0;
      long head;
      try (LoggedLedger logged = LoggedLedger.open(ledger.config(), ledger.data,
          ((Result.Ok<TermsCatalog>) catalog).value())) {
        if (logged.logHeldElsewhere()) {
          err.println("covenant: note: another process (a running server) holds the log in `"
              + ledger.data.orElseThrow() + "`; it logs these events from the ledger");
          err.flush();
        }
        Ledger l = logged.ledger();
        for (int from = 0; from < s.events().size(); from += BATCH) {
          int to = Math.min(s.events().size(), from + BATCH);
          List<Append> batch = new ArrayList<>();
          List<Integer> sent = new ArrayList<>();
          // Even the operator cannot move the ledger's clock past the server's by more than
          // the skew (docs/DECISIONS.md, "Time").
          java.time.Instant latest = java.time.Instant.now().plus(TimeKey.MAX_SKEW);
          for (int i = from; i < to; i++) {
            Event e = s.events().get(i).event();
            if (e.at().isAfter(latest)) {
              rejected++;
              ObjectNode line = Json.object();
              line.put("file", s.source());
              line.put("event", s.events().get(i).index());
              line.put("type", e.type());
              line.put("at", e.at().toString());
              line.put("outcome", "rejected");
              line.put("code", "clock_skew");
              line.put("message", "`" + e.at() + "` is more than "
                  + TimeKey.MAX_SKEW.toSeconds() + " s ahead of this machine's clock");
              out.println(Json.line(line));
              continue;
            }
            batch.add(Append.of(e, keys.get(i)));
            sent.add(i);
          }
          List<AppendResult> results = l.append(batch);
          for (int j = 0; j < results.size(); j++) {
            AppendResult r = results.get(j);
            int i = sent.get(j) - from;
            if (r instanceof AppendResult.Accepted) {
              accepted++;
            } else if (r instanceof AppendResult.Duplicate) {
              duplicates++;
            } else if (r instanceof AppendResult.Rejected rej) {
              rejected++;
              ObjectNode line = Json.object();
              line.put("file", s.source());
              line.put("event", s.events().get(from + i).index());
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
          // The log follows each committed batch, as the server's feed does, while the next
          // batch is validated and committed.
          logged.catchUpInBackground();
        }
        head = l.head();
      }
      ObjectNode summary = Json.object();
      summary.put("file", s.source());
      summary.put("accepted", accepted);
      summary.put("rejected", rejected);
      summary.put("duplicates", duplicates);
      summary.put("head", head);
      out.println(Json.line(summary));
      out.flush();
      return 0;
    }
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
