package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.covenant.format.Json;
import org.covenant.format.Problem;
import org.covenant.format.Result;
import org.covenant.training.ContentCorpus;
import org.covenant.training.CorpusFile;
import org.covenant.training.DatasetManifest;
import org.covenant.training.LineageEvents;
import org.covenant.training.LineageRegistry;
import org.covenant.training.ModelRegistryEntry;
import org.covenant.training.NaiveBayes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code covenant model train|unlearn|list|predict}: a governed classifier with exact unlearning. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Train, unlearn, list and run the governed text classifier (naive Bayes).",
    subcommands = {ModelCommand.Train.class, ModelCommand.Unlearn.class, ModelCommand.ListModels.class,
        ModelCommand.Predict.class})
public final class ModelCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static Optional<Path> dataDirOf(ObjectNode metadata) {
    String d = metadata.path("data_dir").asText("");
    return d.isEmpty() ? Optional.empty() : Optional.of(Path.of(d));
  }

  /** {@code model train}. */
  @Command(name = "train", mixinStandardHelpOptions = true,
      description = {
        "Train a multinomial naive Bayes classifier on the records of a dataset build that have",
        "a text. TEXT holds ID<TAB>TEXT lines (the label is the record's category) or",
        "ID<TAB>LABEL<TAB>TEXT. Only records the build included are used. The model keeps its",
        "counts per contribution group, so `model unlearn` is exact. The version is registered",
        "in the build's data directory and an OpenLineage event is written.",
        "",
        "Example: covenant model train --dataset ./datasets/train-1 --text texts.tsv --out m.nb"})
  static final class Train implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR") Path dataset;

    @Option(names = "--text", required = true, paramLabel = "FILE") Path text;

    @Option(names = "--out", required = true, paramLabel = "MODEL") Path out;

    @Option(names = "--name", paramLabel = "NAME",
        description = "Model name (default: the file name without extension).")
    Optional<String> name;

    @Option(names = "--exclude-account", paramLabel = "A",
        description = "Train without this account's records (repeatable): retraining from "
            + "scratch, to compare with `model unlearn`.")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--buckets", defaultValue = "262144", paramLabel = "N",
        description = "Hash buckets, a power of two.")
    int buckets;

    @Option(names = "--openlineage-url", paramLabel = "URL") Optional<URI> openLineage;

    @Mixin DbOptions dbOptions;

    @Override
    public Integer call() {
      PrintWriter stdout = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (Integer.bitCount(buckets) != 1) {
        return DatasetCommand.invalid(err, List.of(new Problem("--buckets", "", "",
            buckets + " is not a power of two")));
      }
      Result<DatasetManifest> mr = DatasetManifest.read(dataset);
      if (mr instanceof Result.Failed<DatasetManifest> f) {
        return DatasetCommand.invalid(err, f.problems());
      }
      DatasetManifest m = ((Result.Ok<DatasetManifest>) mr).value();
      Result<ContentCorpus> cr = CorpusFile.read(dataset.resolve(DatasetManifest.CORPUS));
      if (cr instanceof Result.Failed<ContentCorpus> f) {
        return DatasetCommand.invalid(err, f.problems());
      }
      String modelName = name.orElseGet(() -> {
        String n = out.getFileName().toString();
        return n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n;
      });
      ObjectNode meta = Json.object();
      meta.put("name", modelName);
      meta.put("kind", "multinomial_naive_bayes");
      meta.put("buckets", buckets);
      meta.put("purpose", m.purpose());
      meta.putArray("builds").add(m.build());
      meta.putArray("datasets").add(dataset.toAbsolutePath().normalize().toString());
      String dataDir = m.json().path("data_dir").asText("");
      if (!dataDir.isEmpty()) {
        meta.put("data_dir", dataDir);
      }
      Result<NaiveBayes.Trained> tr = NaiveBayes.train(((Result.Ok<ContentCorpus>) cr).value(), text,
          new TreeSet<>(exclude), buckets, meta);
      if (tr instanceof Result.Failed<NaiveBayes.Trained> f) {
        return DatasetCommand.invalid(err, f.problems());
      }
      NaiveBayes.Trained t = ((Result.Ok<NaiveBayes.Trained>) tr).value();
      t.model().write(out);
      ObjectNode o = Json.object();
      o.put("model", modelName);
      if (!dataDir.isEmpty()) {
        ModelRegistryEntry e = DatasetCommand.lineage(Path.of(dataDir), dbOptions.postgres()).registerModel(modelName,
            List.of(m.build()), out, t.model().countsSha256(), List.copyOf(new TreeSet<>(exclude)),
            Optional.empty(), Instant.now());
        LineageEvents.create(LineageEvents.defaultFile(Path.of(dataDir)), openLineage)
            .modelTrained(modelName, e.version(), e.builds(), Instant.now());
        o.put("version", e.version());
      }
      o.put("out", out.toString());
      o.put("documents", t.stats().used());
      o.put("included_without_text", t.stats().withoutText());
      o.put("skipped_excluded_accounts", t.stats().excluded());
      o.put("texts_not_in_dataset", t.stats().notIncluded());
      o.put("labels", t.model().labels().size());
      o.put("groups", t.model().groups());
      o.put("counts_sha256", t.model().countsSha256());
      stdout.println(Json.line(o));
      stdout.flush();
      return 0;
    }
  }

  /** {@code model unlearn}. */
  @Command(name = "unlearn", mixinStandardHelpOptions = true,
      description = {
        "Remove exactly one account's contribution (every record it owns or contributed to)",
        "from a model: the result has the counts training from scratch without the account",
        "gives (compare counts_sha256 with `model train --exclude-account A`). Writes MODEL (or",
        "--out) and registers the next version, which resolves the account's withdrawal flags."})
  static final class Unlearn implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL") Path model;

    @Option(names = "--account", required = true, paramLabel = "A") String account;

    @Option(names = "--out", paramLabel = "MODEL", description = "Default: replace MODEL.")
    Optional<Path> out;

    @Option(names = "--openlineage-url", paramLabel = "URL") Optional<URI> openLineage;

    @Mixin DbOptions dbOptions;

    @Override
    public Integer call() {
      PrintWriter stdout = spec.commandLine().getOut();
      Result<NaiveBayes> r = NaiveBayes.read(model);
      if (r instanceof Result.Failed<NaiveBayes> f) {
        return DatasetCommand.invalid(spec.commandLine().getErr(), f.problems());
      }
      NaiveBayes before = ((Result.Ok<NaiveBayes>) r).value();
      NaiveBayes after = before.unlearn(account);
      Path target = out.orElse(model);
      after.write(target);
      ObjectNode o = Json.object();
      o.put("account", account);
      o.put("out", target.toString());
      o.put("groups_removed", before.groups() - after.groups());
      o.put("counts_sha256", after.countsSha256());
      Optional<Path> data = dataDirOf(before.metadata());
      if (data.isPresent()) {
        LineageRegistry registry = DatasetCommand.lineage(data.get(), dbOptions.postgres());
        Optional<ModelRegistryEntry> prior = registry.modelByFile(model);
        if (prior.isPresent()) {
          Set<String> unlearned = new TreeSet<>(prior.get().unlearned());
          unlearned.add(account);
          ModelRegistryEntry e = registry.registerModel(prior.get().name(), prior.get().builds(),
              target, after.countsSha256(), List.copyOf(unlearned),
              Optional.of(prior.get().version()), Instant.now());
          LineageEvents.create(LineageEvents.defaultFile(data.get()), openLineage)
              .modelUnlearned(e.name(), prior.get().version(), e.version(), account, Instant.now());
          o.put("model", e.name());
          o.put("version", e.version());
          o.put("derived_from", prior.get().version());
        }
      }
      stdout.println(Json.line(o));
      stdout.flush();
      return 0;
    }
  }

  /** {@code model list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {
        "List model versions with their status after scanning the ledger for new consent",
        "withdrawals: ok, retrain_or_unlearn_required (with the accounts) or superseded."})
  static final class ListModels implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR") Path data;

    @Mixin DbOptions dbOptions;

    @Override
    public Integer call() {
      DatasetCommand.sync(data, dbOptions.postgres(), Optional.empty());
      PrintWriter out = spec.commandLine().getOut();
      for (ModelRegistryEntry m : DatasetCommand.lineage(data, dbOptions.postgres()).models()) {
        out.println(Json.line(LineageCommand.model(m)));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code model predict}. */
  @Command(name = "predict", mixinStandardHelpOptions = true,
      description = "Print the most likely label of a text.")
  static final class Predict implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL") Path model;

    @Option(names = "--text", required = true, paramLabel = "TEXT") String text;

    @Override
    public Integer call() {
      Result<NaiveBayes> r = NaiveBayes.read(model);
      if (r instanceof Result.Failed<NaiveBayes> f) {
        return DatasetCommand.invalid(spec.commandLine().getErr(), f.problems());
      }
      String label = ((Result.Ok<NaiveBayes>) r).value().predict(text).orElse("");
      spec.commandLine().getOut().println(Json.line(Json.object().put("label", label)));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
