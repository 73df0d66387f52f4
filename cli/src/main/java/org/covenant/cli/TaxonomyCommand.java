package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code covenant taxonomy export --format fideslang|dpv} (ARCHITECTURE.md §2). */
@Command(
    name = "taxonomy",
    mixinStandardHelpOptions = true,
    description = "The built-in vocabulary of data categories and purposes.",
    subcommands = {TaxonomyCommand.Export.class})
public final class TaxonomyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Exports the categories and purposes mapped to another taxonomy. */
  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {
        "Export every category and purpose, mapped to fideslang keys (a fideslang taxonomy",
        "document: data_category and data_use entries whose parent_key is the fideslang key) or",
        "to W3C DPV concepts (JSON-LD, SKOS concepts with skos:broadMatch to DPV)."})
  static final class Export implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
        description = "fideslang or dpv.")
    String format;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ObjectNode doc;
      switch (format) {
        case "fideslang" -> doc = fideslang();
        case "dpv" -> doc = dpv();
        default -> {
          spec.commandLine().getErr().println("covenant: invalid input: --format `" + format
              + "` is not fideslang or dpv");
          spec.commandLine().getErr().flush();
          return 2;
        }
      }
      out.println(Json.pretty(doc));
      out.flush();
      return 0;
    }

    private static ObjectNode fideslang() {
      ObjectNode doc = Json.object();
      ArrayNode cats = doc.putArray("data_category");
      for (Category c : Vocabulary.categories()) {
        ObjectNode o = cats.addObject();
        o.put("fides_key", c.fideslang() + ".covenant_" + c.id().replace('.', '_'));
        o.put("name", c.id());
        o.put("description", "Covenant category " + c.id() + ", owned by the "
            + c.owner().id() + (c.identifiable() ? "" : "; no identifiers"));
        o.put("parent_key", c.fideslang());
      }
      ArrayNode uses = doc.putArray("data_use");
      for (Purpose p : Vocabulary.purposes()) {
        ObjectNode o = uses.addObject();
        o.put("fides_key", p.fideslang() + ".covenant_" + p.id().replace('.', '_'));
        o.put("name", p.id());
        o.put("description", "Covenant purpose " + p.id());
        o.put("parent_key", p.fideslang());
      }
      return doc;
    }

    private static ObjectNode dpv() {
      ObjectNode doc = Json.object();
      ObjectNode ctx = doc.putObject("@context");
      ctx.put("dpv", "https://w3id.org/dpv#");
      ctx.put("pd", "https://w3id.org/dpv/pd#");
      ctx.put("skos", "http://www.w3.org/2004/02/skos/core#");
      ctx.put("covenant", "https://covenant.example/vocab#");
      ArrayNode graph = doc.putArray("@graph");
      for (Category c : Vocabulary.categories()) {
        ObjectNode o = graph.addObject();
        o.put("@id", "covenant:" + c.id());
        o.put("@type", "dpv:PersonalData");
        o.put("skos:prefLabel", c.id());
        o.putObject("skos:broadMatch").put("@id", c.dpv());
        o.put("covenant:owner", c.owner().id());
      }
      for (Purpose p : Vocabulary.purposes()) {
        ObjectNode o = graph.addObject();
        o.put("@id", "covenant:" + p.id());
        o.put("@type", "dpv:Purpose");
        o.put("skos:prefLabel", p.id());
        o.putObject("skos:broadMatch").put("@id", p.dpv());
      }
      return doc;
    }
  }
}
