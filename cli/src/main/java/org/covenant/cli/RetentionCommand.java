package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.covenant.core.event.Event;
import org.covenant.core.state.DataRightsView;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.Json;
import org.covenant.format.Result;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code covenant retention sweep}: content past its retention (docs/DATA-RIGHTS.md). */
@Command(
    name = "retention",
    mixinStandardHelpOptions = true,
    description = "Retention of customer content (docs/DATA-RIGHTS.md).",
    subcommands = {RetentionCommand.Sweep.class})
public final class RetentionCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code retention sweep}. */
  @Command(
      name = "sweep",
      mixinStandardHelpOptions = true,
      description = {
        "List the customer content that must be deleted at time T: older than the retention",
        "in force at T (capture + retention.days <= T), not yet deleted, and covered by no",
        "legal hold in force at T. Prints one JSON line per expired item (\"action\":",
        "\"delete\", \"deleted\" or \"held\", with the holds that keep it), then a summary.",
        "",
        "With --apply, appends one content.deleted per item due, at T, by the owner of the",
        "item's account, as one batch validated against the head the sweep read (nothing is",
        "appended if the ledger moved meanwhile: run it again). With --data the transparency",
        "log follows the ledger. Each deletion carries the idempotency key",
        "retention-sweep:CONTENT, so a repeated sweep appends nothing twice.",
        "",
        "Exit codes: 0 swept (or listed), 1 the ledger moved or an append was rejected,",
        "2 invalid input or the ledger cannot be read.",
        "",
        "Example: covenant retention sweep --data ./data --at 2025-06-01T00:00:00Z --apply"
      })
  static final class Sweep implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin LedgerOptions ledger;

    @Option(names = "--at", paramLabel = "T",
        description = "The time of the sweep, RFC 3339 (default: now).")
    Optional<String> at;

    @Option(names = "--apply",
        description = "Append the content.deleted events (default: only list them).")
    boolean apply;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Instant when;
      try {
        when = at.isPresent() ? Json.instant(at.get(), "at") : Instant.now();
      } catch (RuntimeException e) {
        err.println("covenant: invalid input: --at: " + e.getMessage());
        err.flush();
        return 2;
      }
      Result<TermsCatalog> catalog = ledger.catalog();
      if (catalog instanceof Result.Failed<TermsCatalog> f) {
        err.print(LedgerOptions.describe(f.problems()));
        err.flush();
        return 2;
      }
      TermsCatalog terms = ((Result.Ok<TermsCatalog>) catalog).value();
      if (!apply) {
        try (Ledger l = ledger.open(terms)) {
          report(out, l.snapshot(), when, List.of());
        }
        out.flush();
        return 0;
      }
      try (LoggedLedger logged = LoggedLedger.open(ledger.config(), ledger.data, terms)) {
        Ledger l = logged.ledger();
        Snapshot s = l.snapshot();
        Optional<Instant> clock = l.snapshot().position() == 0 ? Optional.empty()
            : lastAt(l);
        if (clock.isPresent() && when.isBefore(clock.get())) {
          err.println("covenant: invalid input: --at: `" + when + "` is earlier than the "
              + "ledger's last event (`" + clock.get() + "`): deletions cannot be appended "
              + "in the past");
          err.flush();
          return 2;
        }
        DataRightsView rights = s.dataRights();
        long t = TimeKey.of(when);
        List<Append> batch = new ArrayList<>();
        for (DataRightsView.Expired x : rights.expired(t)) {
          if (x.due()) {
            String owner = rights.owner(x.content().account(), t).orElseThrow();
            batch.add(Append.of(new Event.ContentDeleted(when, x.content().id(), owner),
                "retention-sweep:" + x.content().id()));
          }
        }
        List<AppendResult> results = batch.isEmpty() ? List.of()
            : l.append(s.position(), batch);
        logged.catchUp();
        int failed = 0;
        for (AppendResult r : results) {
          if (r instanceof AppendResult.Stale st) {
            err.println("covenant: the ledger moved from position " + st.expectedHead()
                + " to " + st.head() + " during the sweep: nothing was deleted; run it again");
            err.flush();
            return 1;
          }
          if (r instanceof AppendResult.Rejected rej) {
            failed++;
            err.println("covenant: content.deleted of `"
                + ((Event.ContentDeleted) rej.event()).content() + "` rejected: "
                + rej.rejection().code().code() + ": " + rej.rejection().message());
          }
        }
        report(out, s, when, results);
        out.flush();
        err.flush();
        return failed == 0 ? 0 : 1;
      }
    }

    private static Optional<Instant> lastAt(Ledger l) {
      List<org.covenant.core.spi.StoredEvent> last = l.events(l.head() - 1, 1);
      return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0).event().at());
    }

    /** One line per expired item of the snapshot at `when`, then the summary. */
    private void report(PrintWriter out, Snapshot s, Instant when, List<AppendResult> results) {
      java.util.Map<String, Long> positions = new java.util.HashMap<>();
      for (AppendResult r : results) {
        if (r instanceof AppendResult.Accepted a) {
          positions.put(((Event.ContentDeleted) a.event()).content(), a.position());
        } else if (r instanceof AppendResult.Duplicate d) {
          positions.put(((Event.ContentDeleted) d.event()).content(), d.position());
        }
      }
      int due = 0;
      int held = 0;
      for (DataRightsView.Expired x : s.dataRights().expired(TimeKey.of(when))) {
        ObjectNode line = Json.object();
        line.put("content", x.content().id());
        line.put("account", x.content().account());
        line.put("category", x.content().category().id());
        line.put("captured", x.content().at().toString());
        line.put("retention_days", x.days());
        line.put("level", x.level().id());
        line.put("expired_at", x.expiredAt().toString());
        if (x.due()) {
          due++;
          Long p = positions.get(x.content().id());
          line.put("action", p != null ? "deleted" : "delete");
          if (p != null) {
            line.put("position", p);
          }
        } else {
          held++;
          line.put("action", "held");
          ArrayNode hs = line.putArray("holds");
          for (DataRightsView.Hold h : x.holds()) {
            hs.addObject().put("hold", h.hold()).put("scope", h.scope().toString())
                .put("matter", h.matter());
          }
        }
        out.println(Json.line(line));
      }
      ObjectNode summary = Json.object();
      summary.put("at", when.toString());
      summary.put("due", due);
      summary.put("held", held);
      summary.put("deleted", positions.size());
      summary.put("applied", apply);
      out.println(Json.line(summary));
    }
  }
}
