package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.covenant.format.Json;
import org.covenant.training.LineageRegistry;
import org.covenant.training.ModelRegistryEntry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code covenant lineage affected|sync|builds}: which datasets and models hold whose content. */
@Command(
    name = "lineage",
    mixinStandardHelpOptions = true,
    description = "Dataset builds and model versions, and the consent withdrawals that reach them.",
    subcommands = {LineageCommand.Affected.class, LineageCommand.Sync.class,
        LineageCommand.Builds.class})
public final class LineageCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static ObjectNode model(ModelRegistryEntry m) {
    ObjectNode o = Json.object();
    o.put("model", m.name());
    o.put("version", m.version());
    o.put("status", m.status());
    ArrayNode pending = o.putArray("pending_accounts");
    m.pendingAccounts().forEach(pending::add);
    ArrayNode builds = o.putArray("builds");
    m.builds().forEach(builds::add);
    ArrayNode unlearned = o.putArray("unlearned");
    m.unlearned().forEach(unlearned::add);
    m.derivedFrom().ifPresent(d -> o.put("derived_from", d));
    o.put("file", m.file());
    o.put("counts_sha256", m.countsSha256());
    return o;
  }

  /** {@code lineage affected}. */
  @Command(name = "affected", mixinStandardHelpOptions = true,
      description = {
        "List every dataset build and model version that includes content the account owns or",
        "contributed to, after scanning the ledger for new consent withdrawals. One JSON line",
        "per build (kind: dataset) and per model version (kind: model, with its status:",
        "ok, retrain_or_unlearn_required or superseded).",
        "",
        "Example: covenant lineage affected --data ./data --account acct-000042"})
  static final class Affected implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR") Path data;

    @Mixin DbOptions dbOptions;

    @Option(names = "--account", required = true, paramLabel = "A") String account;

    @Option(names = "--openlineage-url", paramLabel = "URL") Optional<URI> openLineage;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      DatasetCommand.sync(data, dbOptions.postgres(), openLineage);
      LineageRegistry.Affected a = DatasetCommand.lineage(data, dbOptions.postgres()).affected(account);
      for (LineageRegistry.BuildShare s : a.builds()) {
        ObjectNode o = Json.object();
        o.put("kind", "dataset");
        o.put("build", s.build().build());
        o.put("purpose", s.build().purpose());
        o.put("at", s.build().at().toString());
        o.put("ledger_position", s.build().ledgerPosition());
        o.put("dir", s.build().dir());
        o.put("owned_records", s.owned());
        o.put("contributed_records", s.contributed());
        out.println(Json.line(o));
      }
      for (ModelRegistryEntry m : a.models()) {
        ObjectNode o = model(m);
        o.put("kind", "model");
        out.println(Json.line(o));
      }
      out.println(a.builds().size() + " dataset build(s), " + a.models().size()
          + " model version(s) include `" + account + "`");
      out.flush();
      return 0;
    }
  }

  /** {@code lineage sync}. */
  @Command(name = "sync", mixinStandardHelpOptions = true,
      description = "Scan new ledger events for consent withdrawals and flag the model versions "
          + "they reach; one JSON line per withdrawal that reaches a build.")
  static final class Sync implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR") Path data;

    @Mixin DbOptions dbOptions;

    @Option(names = "--openlineage-url", paramLabel = "URL") Optional<URI> openLineage;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<LineageRegistry.Withdrawal> found = DatasetCommand.sync(data, dbOptions.postgres(), openLineage);
      for (LineageRegistry.Withdrawal w : found) {
        ObjectNode o = Json.object();
        o.put("account", w.account());
        o.put("consent", w.consent());
        o.put("position", w.position());
        ArrayNode b = o.putArray("builds");
        w.builds().forEach(b::add);
        ArrayNode f = o.putArray("flagged");
        w.flagged().forEach(f::add);
        out.println(Json.line(o));
      }
      out.println(found.size() + " withdrawal(s) reach a build; scanned to position "
          + DatasetCommand.lineage(data, dbOptions.postgres()).scannedPosition());
      out.flush();
      return 0;
    }
  }

  /** {@code lineage builds}. */
  @Command(name = "builds", mixinStandardHelpOptions = true,
      description = "List the registered dataset builds, one JSON line each.")
  static final class Builds implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR") Path data;

    @Mixin DbOptions dbOptions;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (LineageRegistry.BuildEntry b : DatasetCommand.lineage(data, dbOptions.postgres()).builds()) {
        ObjectNode o = Json.object();
        o.put("build", b.build());
        o.put("purpose", b.purpose());
        o.put("at", b.at().toString());
        o.put("ledger_position", b.ledgerPosition());
        o.put("records", b.records());
        o.put("included", b.included());
        o.put("merkle_root", b.root());
        o.put("log_leaf", b.logIndex());
        o.put("dir", b.dir());
        out.println(Json.line(o));
      }
      out.flush();
      return 0;
    }
  }
}
