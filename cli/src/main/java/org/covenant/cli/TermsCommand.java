package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;
import org.covenant.format.AnswerJson;
import org.covenant.format.Json;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code covenant terms list|show}. */
@Command(
    name = "terms",
    mixinStandardHelpOptions = true,
    description = "The terms versions Covenant knows: the four built-in ones and yours.",
    subcommands = {TermsCommand.ListTerms.class, TermsCommand.Show.class})
public final class TermsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Loads the catalog, with a user directory when given; prints problems and returns empty. */
  static Optional<TermsCatalog> catalog(Optional<Path> dir, PrintWriter err) {
    if (dir.isEmpty()) {
      return Optional.of(TermsLibrary.builtInCatalog());
    }
    Result<TermsCatalog> r = TermsLibrary.catalogWith(dir.get());
    if (r instanceof Result.Failed<TermsCatalog> f) {
      f.problems().forEach(p -> err.println("covenant: invalid input: " + p));
      err.flush();
      return Optional.empty();
    }
    return Optional.of(((Result.Ok<TermsCatalog>) r).value());
  }

  /** {@code terms list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "One JSON line per terms version: name, title, clause count, revision.")
  static final class ListTerms implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--terms-dir", paramLabel = "DIR",
        description = "A directory of your own terms files (*.yaml) to add to the built-in ones.")
    Optional<Path> termsDir;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Optional<TermsCatalog> c = catalog(termsDir, spec.commandLine().getErr());
      if (c.isEmpty()) {
        return 2;
      }
      for (TermsVersion v : c.get().versions()) {
        ObjectNode o = Json.object();
        o.put("terms", v.name());
        o.put("title", v.title());
        o.put("clauses", v.clauses().size());
        o.put("built_in", TermsLibrary.BUILT_IN.contains(v.name()));
        o.put("revision", v.revision());
        out.println(Json.line(o));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code terms show NAME}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = {"Show a terms version's clauses as JSON (--format json, the default) or its",
          "policy file (--format yaml)."})
  static final class Show implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "A terms name, e.g. default.")
    String name;

    @Option(names = "--terms-dir", paramLabel = "DIR", description = "Your own terms files.")
    Optional<Path> termsDir;

    @Option(names = "--format", defaultValue = "json", description = "json or yaml.")
    String format;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Optional<TermsCatalog> c = catalog(termsDir, err);
      if (c.isEmpty()) {
        return 2;
      }
      Optional<TermsVersion> v = c.get().version(name);
      if (v.isEmpty()) {
        err.println("covenant: no terms `" + name + "` (see `covenant terms list`)");
        err.flush();
        return 2;
      }
      if (format.equals("yaml") && TermsLibrary.BUILT_IN.contains(name)) {
        out.print(TermsLibrary.builtInSource(name));
        out.flush();
        return 0;
      }
      ObjectNode o = Json.object();
      o.put("terms", v.get().name());
      o.put("title", v.get().title());
      o.put("revision", v.get().revision());
      ArrayNode clauses = o.putArray("clauses");
      for (Clause cl : v.get().clauses()) {
        ObjectNode co = clauses.addObject();
        co.put("id", cl.id());
        co.put("cite", v.get().name() + "#" + cl.id());
        co.put("title", cl.title());
        co.put("effect", cl.effect().id());
        ArrayNode cats = co.putArray("categories");
        cl.categories().forEach(cats::add);
        ArrayNode ps = co.putArray("purposes");
        cl.purposes().forEach(ps::add);
        cl.basis().ifPresent(b -> co.put("basis", b.id()));
        ArrayNode when = co.putArray(cl.effect() == org.covenant.core.terms.Effect.PERMIT
            ? "when" : "unless");
        for (Condition cond : cl.effect() == org.covenant.core.terms.Effect.PERMIT
            ? cl.when() : cl.unless()) {
          when.addObject().put(cond.kind(), cond.argument());
        }
        co.set("obligations", AnswerJson.obligations(cl.obligations()));
      }
      out.println(Json.pretty(o));
      out.flush();
      return 0;
    }
  }
}
