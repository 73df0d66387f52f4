package org.covenant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.covenant.cli.scenario.EngineBackend;
import org.covenant.cli.scenario.ScenarioRunner;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.Json;
import org.covenant.format.Problem;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.format.scenario.Scenario;
import org.covenant.format.scenario.ScenarioParser;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code covenant scenario run FILE...} (ARCHITECTURE.md §8). */
@Command(
    name = "scenario",
    mixinStandardHelpOptions = true,
    description = "Run scenario files: events appended to a fresh ledger, then queries.",
    subcommands = {ScenarioCommand.Run.class})
public final class ScenarioCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the files. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Append each file's events to a fresh ledger and evaluate its queries, each as of its",
        "own `at`. Prints one JSON line per rejected event, per event with an `expect`, and per",
        "query, each with \"ok\"; the last line is `N passed, M failed`.",
        "",
        "A file is {\"description\"?, \"terms_dir\"?, \"events\": [...], \"queries\": [...]}.",
        "Events may carry \"expect\": \"accepted\" | \"rejected:CODE\" (default: accepted).",
        "Queries have `id`, `at` and a `kind`: decision (purpose, content), setting (account,",
        "user?, key) or notices (meeting, participant), with optional expect_* fields.",
        "",
        "Exit codes: 0 every expectation holds, 1 one does not, 2 invalid input (the message",
        "names the file, the event or query index and the field).",
        "",
        "Example: covenant scenario run ../shared/conformance/*.json"
      })
  static final class Run implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Scenario JSON files.")
    List<Path> files;

    @CommandLine.Option(names = "--quiet", description = "Print only failures and the totals.")
    boolean quiet;

    @CommandLine.Option(names = "--data", paramLabel = "DIR",
        description = "Run against the persisted ledger in DIR (SQLite) instead of memory.")
    java.util.Optional<Path> data;

    @CommandLine.Option(names = "--db", paramLabel = "JDBC_URL",
        description = "Run against a PostgreSQL ledger (jdbc:postgresql://...).")
    java.util.Optional<String> db;

    @CommandLine.Option(names = "--server", paramLabel = "URL",
        description = "Run through a Covenant server's HTTP API.")
    java.util.Optional<String> server;

    @CommandLine.Option(names = "--token", paramLabel = "TOKEN",
        description = "API token for --server (an operator token).")
    java.util.Optional<String> token;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<Scenario> scenarios = new ArrayList<>();
      List<Problem> problems = new ArrayList<>();
      for (Path f : files) {
        Result<Scenario> r = ScenarioParser.read(f);
        if (r instanceof Result.Failed<Scenario> failed) {
          problems.addAll(failed.problems());
        } else {
          scenarios.add(((Result.Ok<Scenario>) r).value());
        }
      }
      List<TermsCatalog> catalogs = new ArrayList<>();
      for (Scenario s : scenarios) {
        if (s.termsDir().isPresent()) {
          Result<TermsCatalog> c = TermsLibrary.catalogWith(s.termsDir().get());
          if (c instanceof Result.Failed<TermsCatalog> failed) {
            problems.addAll(failed.problems());
            continue;
          }
          catalogs.add(((Result.Ok<TermsCatalog>) c).value());
        } else {
          catalogs.add(null);
        }
      }
      if (!problems.isEmpty()) {
        for (Problem p : problems) {
          err.println("covenant: invalid input: " + p);
        }
        err.flush();
        return 2;
      }
      TermsCatalog builtIn = TermsLibrary.builtInCatalog();
      ScenarioRunner runner = new ScenarioRunner(s -> {
        TermsCatalog c = catalogs.get(scenarios.indexOf(s));
        TermsCatalog catalog = c == null ? builtIn : c;
        if (server.isPresent()) {
          return ScenarioBackends.server(server.get(), token, s, catalog);
        }
        if (data.isPresent() || db.isPresent()) {
          return ScenarioBackends.persisted(data, db, s, catalog);
        }
        return new EngineBackend(catalog);
      });
      ScenarioRunner.Totals totals = runner.run(scenarios, line -> {
        if (!quiet || !line.path("ok").asBoolean()) {
          out.println(Json.line(line));
        }
      });
      out.println(totals.line());
      out.flush();
      return totals.failed() == 0 ? 0 : 1;
    }
  }
}
