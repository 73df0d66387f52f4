package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.covenant.core.event.Event;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.TimeKey;
import org.covenant.format.Json;
import org.covenant.format.Problem;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.spark.SparkEngine;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.covenant.training.ContentCorpus;
import org.covenant.training.CorpusFile;
import org.covenant.training.CorpusGenerator;
import org.covenant.training.CorpusJsonl;
import org.covenant.training.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code covenant corpus generate|import|inspect|export}: corpus manifests. */
@Command(
    name = "corpus",
    mixinStandardHelpOptions = true,
    description = "Make, import and inspect corpus manifests (content records for training).",
    subcommands = {CorpusCommand.Generate.class, CorpusCommand.Import.class,
        CorpusCommand.Inspect.class, CorpusCommand.Export.class})
public final class CorpusCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code corpus generate}. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = {
        "Generate a realistic corpus from a seed (Zipf-sized accounts, multi-party meetings,",
        "external contributors) into FILE, and the ledger that governs it (accounts, admins,",
        "terms accepted and changed over time, consents granted and withdrawn) into DIR, which",
        "must hold an empty ledger. Records are registered in bulk (see docs/training.md): the",
        "ledger does not get one content.created per record.",
        "",
        "Example: covenant corpus generate --records 10000000 --accounts 100000 --seed 1 \\",
        "           --out corpus.cvc --data ./data"})
  static final class Generate implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--records", required = true, paramLabel = "N") int records;

    @Option(names = "--accounts", required = true, paramLabel = "A") int accounts;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S") long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE") Path out;

    @Option(names = "--data", required = true, paramLabel = "DIR") Path data;

    @Option(names = "--order", defaultValue = "account", paramLabel = "ORDER",
        description = "account (grouped), time or random.")
    String order;

    @Option(names = "--text", paramLabel = "FILE",
        description = "Also write synthetic texts (ID<TAB>TEXT) for model training.")
    Optional<Path> text;

    @Option(names = "--text-every", defaultValue = "1", paramLabel = "K",
        description = "Write a text for every K-th record only.")
    int textEvery;

    @Override
    public Integer call() throws IOException {
      PrintWriter stdout = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      CorpusGenerator.Order o;
      try {
        o = CorpusGenerator.Order.valueOf(order.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return DatasetCommand.invalid(err, List.of(new Problem("--order", "", "",
            "`" + order + "` is not account, time or random")));
      }
      if (records < 0 || records >= 1 << 27 || accounts < 1) {
        return DatasetCommand.invalid(err, List.of(new Problem("--records/--accounts", "", "",
            "need 0 <= records < 134217728 and accounts >= 1")));
      }
      long t0 = System.nanoTime();
      CorpusGenerator.Generated g = CorpusGenerator.generate(
          CorpusGenerator.Spec.of(records, accounts, seed).withOrder(o));
      long t1 = System.nanoTime();
      Progress progress = DatasetCommand.progress();
      // The ledger and its transparency log move together (ARCHITECTURE.md §7).
      try (LoggedLedger logged = LoggedLedger.open(Optional.of(data), Optional.empty(),
          TermsLibrary.builtInCatalog())) {
        Ledger ledger = logged.ledger();
        if (ledger.head() != 0) {
          return DatasetCommand.invalid(err, List.of(new Problem(data.toString(), "", "",
              "the ledger is not empty (head " + ledger.head() + "): generate into a new data "
                  + "directory")));
        }
        progress.start("ledger", g.events().size());
        int batch = 10_000;
        for (int i = 0; i < g.events().size(); i += batch) {
          List<Append> appends = new ArrayList<>();
          for (Event e : g.events().subList(i, Math.min(g.events().size(), i + batch))) {
            appends.add(Append.of(e));
          }
          for (AppendResult r : ledger.append(appends)) {
            if (!(r instanceof AppendResult.Accepted)) {
              throw new IllegalStateException("the generated ledger was refused: " + r);
            }
          }
          logged.catchUp();
          progress.update(Math.min(g.events().size(), i + batch));
        }
        progress.finish();
      }
      long t2 = System.nanoTime();
      CorpusFile.write(g.corpus(), out);
      if (text.isPresent()) {
        try (Writer w = Files.newBufferedWriter(text.get(), StandardCharsets.UTF_8)) {
          CorpusGenerator.writeTexts(g.corpus(), seed, textEvery, w);
        }
      }
      long t3 = System.nanoTime();
      ObjectNode s = Json.object();
      s.put("records", g.corpus().size());
      s.put("accounts", accounts);
      s.put("account_ids", g.corpus().accounts().size());
      s.put("ledger_events", g.events().size());
      s.put("out", out.toString());
      s.put("bytes", Files.size(out));
      s.put("generate_seconds", Math.round((t1 - t0) / 1e6) / 1e3);
      s.put("ledger_seconds", Math.round((t2 - t1) / 1e6) / 1e3);
      s.put("write_seconds", Math.round((t3 - t2) / 1e6) / 1e3);
      stdout.println(Json.line(s));
      stdout.flush();
      return 0;
    }
  }

  /** {@code corpus import}. */
  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {
        "Convert JSON lines ({\"content\",\"category\",\"account\",\"at\",\"meeting\"?,\"author\"?,",
        "\"contributors\"?}) into a corpus file. With --data, every owning account must be in",
        "the ledger. Exit codes: 0 written, 2 invalid input (the message names the line)."})
  static final class Import implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "JSONL") Path jsonl;

    @Option(names = "--out", required = true, paramLabel = "FILE") Path out;

    @Option(names = "--data", paramLabel = "DIR") Optional<Path> data;

    @Override
    public Integer call() {
      Predicate<String> known = a -> true;
      if (data.isPresent()) {
        java.util.Set<String> accounts = new java.util.HashSet<>();
        try (EventStore store = DatasetCommand.store(data.get(), Optional.empty())) {
          for (StoredEvent e : DatasetCommand.events(store, 0)) {
            if (e.event() instanceof Event.AccountCreated c) {
              accounts.add(c.account());
            }
          }
        }
        known = accounts::contains;
      }
      Result<ContentCorpus> r = CorpusJsonl.read(jsonl, known);
      if (r instanceof Result.Failed<ContentCorpus> f) {
        return DatasetCommand.invalid(spec.commandLine().getErr(), f.problems());
      }
      ContentCorpus c = ((Result.Ok<ContentCorpus>) r).value();
      CorpusFile.write(c, out);
      spec.commandLine().getOut().println(Json.line(Json.object().put("records", c.size())
          .put("out", out.toString())));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code corpus export}. */
  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {
        "Write a corpus file in another format. parquet: one Parquet file with the columns a",
        "Spark job reads (record, id, category, owner, contributors, created in nanoseconds,",
        "meeting, author; docs/spark.md), for dataset build --engine spark. Needs Spark on the",
        "class path (./covenant adds it). Exit codes: 0 written, 2 invalid input."})
  static final class Export implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A corpus file.") Path file;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
        description = "parquet") String format;

    @Option(names = "--out", required = true, paramLabel = "PATH") Path out;

    @Override
    public Integer call() {
      var err = spec.commandLine().getErr();
      if (!format.equals("parquet")) {
        return DatasetCommand.invalid(err, List.of(new Problem("--format", "", "", "`" + format
            + "` is not an export format (parquet)")));
      }
      if (!SparkEngine.available()) {
        return DatasetCommand.invalid(err, List.of(SparkEngine.missing("--format")));
      }
      if (Files.exists(out)) {
        return DatasetCommand.invalid(err, List.of(new Problem(out.toString(), "", "",
            "already exists: an export never overwrites")));
      }
      Result<ContentCorpus> r = CorpusFile.read(file);
      if (r instanceof Result.Failed<ContentCorpus> f) {
        return DatasetCommand.invalid(err, f.problems());
      }
      ContentCorpus c = ((Result.Ok<ContentCorpus>) r).value();
      long t0 = System.nanoTime();
      SparkEngine.exportParquet(c, out);
      spec.commandLine().getOut().println(Json.line(Json.object().put("records", c.size())
          .put("format", format).put("out", out.toString())
          .put("seconds", Math.round((System.nanoTime() - t0) / 1e6) / 1e3)));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code corpus inspect}. */
  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "Check a corpus file and print its counts. Exit 2 when it is damaged.")
  static final class Inspect implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE") Path file;

    @Override
    public Integer call() {
      Result<ContentCorpus> r = CorpusFile.read(file);
      if (r instanceof Result.Failed<ContentCorpus> f) {
        return DatasetCommand.invalid(spec.commandLine().getErr(), f.problems());
      }
      ContentCorpus c = ((Result.Ok<ContentCorpus>) r).value();
      TreeMap<String, Long> categories = new TreeMap<>();
      long withContributors = 0;
      long inMeetings = 0;
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (int i = 0; i < c.size(); i++) {
        categories.merge(c.category(i).id(), 1L, Long::sum);
        withContributors += c.otherContributors(i).length > 0 ? 1 : 0;
        inMeetings += c.meeting(i) != ContentCorpus.NONE ? 1 : 0;
        min = Math.min(min, c.created(i));
        max = Math.max(max, c.created(i));
      }
      ObjectNode o = Json.object();
      o.put("records", c.size());
      o.put("account_ids", c.accounts().size());
      o.put("in_meetings", inMeetings);
      o.put("with_other_contributors", withContributors);
      if (c.size() > 0) {
        o.put("first", TimeKey.toInstant(min).toString());
        o.put("last", TimeKey.toInstant(max).toString());
      }
      ObjectNode cats = o.putObject("categories");
      categories.forEach(cats::put);
      spec.commandLine().getOut().println(Json.line(o));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
