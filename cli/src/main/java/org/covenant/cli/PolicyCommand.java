package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.covenant.core.invariant.Invariant;
import org.covenant.core.invariant.InvariantChecker;
import org.covenant.core.invariant.Violation;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;
import org.covenant.format.InvariantParser;
import org.covenant.format.Json;
import org.covenant.format.Result;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code covenant policy check [TERMS]} (ARCHITECTURE.md §5 invariants). */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Check terms against invariants.",
    subcommands = {PolicyCommand.Check.class})
public final class PolicyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Checks one terms version, or all of them. */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {
        "Check a terms version (or every known one) against the built-in invariants and yours,",
        "exhaustively: every combination of settings, consents, notices and feature states that",
        "its clauses depend on, for every (category, purpose). Prints one JSON line per",
        "invariant and terms version; a violation carries a minimal counterexample (the world",
        "with the fewest grants in which the terms allow what the invariant rules out).",
        "",
        "Exit codes: 0 every invariant holds, 1 a violation, 2 invalid input.",
        "",
        "Example: covenant policy check example-2023-03-31"})
  static final class Check implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "TERMS", description = "A terms name; all if absent.")
    Optional<String> terms;

    @Option(names = "--terms-dir", paramLabel = "DIR", description = "Your own terms files.")
    Optional<Path> termsDir;

    @Option(names = "--invariants", paramLabel = "FILE",
        description = "An invariants YAML file to add to the built-in set (repeatable).")
    List<Path> invariantFiles = new ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Optional<TermsCatalog> catalog = TermsCommand.catalog(termsDir, err);
      if (catalog.isEmpty()) {
        return 2;
      }
      List<Invariant> invariants = new ArrayList<>(InvariantParser.builtIn());
      for (Path f : invariantFiles) {
        String text;
        try {
          text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
          err.println("covenant: invalid input: " + f + ": cannot read: " + e.getMessage());
          err.flush();
          return 2;
        }
        Result<List<Invariant>> r = InvariantParser.parse(f.toString(), text);
        if (r instanceof Result.Failed<List<Invariant>> failed) {
          failed.problems().forEach(p -> err.println("covenant: invalid input: " + p));
          err.flush();
          return 2;
        }
        invariants.addAll(((Result.Ok<List<Invariant>>) r).value());
      }
      List<TermsVersion> versions = new ArrayList<>();
      if (terms.isPresent()) {
        Optional<TermsVersion> v = catalog.get().version(terms.get());
        if (v.isEmpty()) {
          err.println("covenant: invalid input: no terms `" + terms.get()
              + "` (see `covenant terms list`)");
          err.flush();
          return 2;
        }
        versions.add(v.get());
      } else {
        versions.addAll(catalog.get().versions());
      }
      int violations = 0;
      for (TermsVersion v : versions) {
        for (Invariant inv : invariants) {
          List<Violation> found = InvariantChecker.check(v, List.of(inv));
          ObjectNode line = Json.object();
          line.put("terms", v.name());
          line.put("invariant", inv.id());
          line.put("title", inv.title());
          line.put("worlds_checked", InvariantChecker.worlds(v, inv));
          line.put("holds", found.isEmpty());
          if (!found.isEmpty()) {
            violations++;
            Violation first = found.get(0);
            line.set("counterexample", counterexample(v, first));
            line.put("other_counterexamples", found.size() - 1);
          }
          out.println(Json.line(line));
        }
      }
      out.println(violations == 0
          ? "every invariant holds"
          : violations + " invariant violation(s)");
      out.flush();
      return violations == 0 ? 0 : 1;
    }

    private static ObjectNode counterexample(TermsVersion v, Violation x) {
      ObjectNode c = Json.object();
      c.put("category", x.category());
      c.put("purpose", x.purpose());
      ObjectNode world = c.putObject("world");
      x.world().forEach(world::put);
      c.put("verdict", x.evaluation().allow() ? "allow" : "deny");
      x.evaluation().basis().ifPresent(b -> c.put("basis", b.id()));
      ArrayNode clauses = c.putArray("clauses");
      for (Clause cl : x.evaluation().clauses()) {
        clauses.add(v.name() + "#" + cl.id());
      }
      ArrayNode unmet = c.putArray("unmet");
      x.unmet().forEach(unmet::add);
      return c;
    }
  }
}
