package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.covenant.core.Sha256;
import org.covenant.evidence.JobLeaves;
import org.covenant.evidence.MerkleRoot;
import org.covenant.format.Json;
import org.covenant.format.Result;
import org.covenant.safety.Corpus;
import org.covenant.safety.CorpusPipeline;
import org.covenant.safety.CorpusRecord;
import org.covenant.safety.Label;
import org.covenant.safety.LabelledExample;
import org.covenant.safety.MessageParser;
import org.covenant.safety.ModelTrainer;
import org.covenant.safety.ScanModel;
import org.covenant.safety.TrainingHarvest;
import org.covenant.training.BuildLog;
import org.covenant.training.DatasetManifest;
import org.covenant.training.LineageEvents;
import org.covenant.training.LineageRegistry;
import org.covenant.training.ModelRegistryEntry;
import picocli.CommandLine;

/**
 * {@code covenant scan train --governed DIR}: the scan model trained through the training
 * module's governed pipeline (issue 9). The public corpus becomes a dataset build of its own kind
 * (format {@value #PUBLIC_FORMAT}: the training-part ids, the corpus SHA-256, license CC0, the
 * RFC 9162 root of the ids, one leaf in DIR's transparency log); customer invites join only
 * through a normal {@code dataset build} for {@code ai.training}, and only the records that build
 * includes are used; the model version is registered as {@value #MODEL_NAME} with both builds,
 * so {@code lineage affected} and consent withdrawal reach it like any other model.
 */
final class GovernedScanTraining {
  /** The registry name of the scan model. */
  static final String MODEL_NAME = "invite-scanner";
  /** The manifest format of a public-corpus build. */
  static final String PUBLIC_FORMAT = "covenant.public_dataset/1";

  /** What a governed round produced. */
  record Trained(ScanModel model, List<String> builds, int version, int invitesUsed) {}

  private final Path data;
  private final PrintWriter err;

  GovernedScanTraining(Path data, PrintWriter err) {
    this.data = data;
    this.err = err;
  }

  /**
   * Runs one governed round; empty when the invites' dataset build failed (its problems were
   * printed to {@code err}).
   */
  Optional<Trained> train(Corpus corpus, CorpusPipeline pipeline, ModelTrainer.Options options,
      Optional<Path> invitesCorpus, Optional<Path> invitesText, Path out) throws IOException {
    Path root = data.resolve("training").resolve(MODEL_NAME);
    List<LabelledExample> examples = new ArrayList<>(pipeline.trainingExamples(corpus));
    int fromCorpus = examples.size();
    String publicBuild = publicBuild(corpus, pipeline, examples, root);
    List<String> builds = new ArrayList<>(List.of(publicBuild));
    int invites = 0;
    if (invitesCorpus.isPresent()) {
      Path dir = root.resolve("invites-" + System.currentTimeMillis());
      StringWriter buildOut = new StringWriter();
      CommandLine cl = new CommandLine(new DatasetCommand());
      cl.setOut(new PrintWriter(buildOut));
      cl.setErr(err);
      int code = cl.execute("build", "--data", data.toString(), "--corpus",
          invitesCorpus.get().toString(), "--purpose", "ai.training", "--out", dir.toString());
      if (code != 0) {
        return Optional.empty();
      }
      DatasetManifest m = ((Result.Ok<DatasetManifest>) DatasetManifest.read(dir)).value();
      builds.add(m.build());
      Set<String> included = new HashSet<>(Files.readAllLines(dir.resolve(DatasetManifest.IDS),
          StandardCharsets.UTF_8));
      if (invitesText.isPresent()) {
        MessageParser parser = MessageParser.create();
        // INVARIANT: an invite text is used only when the consent-filtered build includes its id.
        for (CorpusRecord r : Corpus.read(invitesText.get()).records()) {
          if (included.contains(r.id())) {
            examples.add(r.toExample(parser));
            invites++;
          }
        }
      } else {
        // the review queue's harvest, its gate being the consent-filtered build
        TrainingHarvest h = ReviewExport.harvest(data, included::contains);
        examples.addAll(h.examples());
        invites += h.examples().size();
      }
    }
    long spam = examples.stream().filter(e -> e.label() == Label.SPAM).count();
    String dataset = "builds=" + String.join(",", builds) + " corpus="
        + corpus.file().getFileName() + " sha256=" + corpus.sha256() + " split="
        + pipeline.split().describe() + " part=train n=" + fromCorpus + " invites=" + invites
        + " spam=" + spam;
    ScanModel model = ModelTrainer.create(options).train(examples, dataset);
    model.write(out);
    ModelRegistryEntry e = LineageRegistry.open(data).registerModel(MODEL_NAME, builds, out,
        Sha256.hex(Files.readAllBytes(out)), List.of(), Optional.empty(), Instant.now());
    LineageEvents.create(LineageEvents.defaultFile(data), Optional.empty())
        .modelTrained(MODEL_NAME, e.version(), e.builds(), Instant.now());
    return Optional.of(new Trained(model, List.copyOf(builds), e.version(), invites));
  }

  /** Writes, logs and registers the public corpus's build; returns its id. */
  private String publicBuild(Corpus corpus, CorpusPipeline pipeline,
      List<LabelledExample> examples, Path root) throws IOException {
    String build = UUID.randomUUID().toString();
    List<String> ids = examples.stream().map(LabelledExample::contentId).toList();
    String merkle = MerkleRoot.of(ids.size(), i -> ids.get(i).getBytes(StandardCharsets.UTF_8))
        .hex();
    Instant now = Instant.now();
    byte[] leaf = JobLeaves.publicDataset(build, corpus.sha256(), merkle, "CC0", ids.size());
    BuildLog.Entry entry = BuildLog.dataDir(data).append(leaf);

    Path dir = root.resolve("public-" + build);
    Path tmp = root.resolve(".public-" + build + ".tmp");
    Files.createDirectories(tmp);
    Files.write(tmp.resolve(DatasetManifest.IDS), ids, StandardCharsets.UTF_8);
    // A public corpus has no owning accounts: lineage finds no account in it.
    Files.writeString(tmp.resolve(DatasetManifest.ACCOUNTS), "", StandardCharsets.UTF_8);
    ObjectNode m = Json.object();
    m.put("format", PUBLIC_FORMAT);
    m.put("kind", "public_corpus");
    m.put("build", build);
    m.put("purpose", "ai.training");
    m.put("at", now.toString());
    m.put("corpus", corpus.file().toAbsolutePath().normalize().toString());
    m.put("corpus_sha256", corpus.sha256());
    m.put("license", "CC0");
    m.put("split", pipeline.split().describe());
    m.put("part", "train");
    ObjectNode counts = m.putObject("counts");
    counts.put("records", corpus.records().size());
    counts.put("included", ids.size());
    ObjectNode idNode = m.putObject("included_ids");
    idNode.put("file", DatasetManifest.IDS);
    idNode.put("merkle_root", merkle);
    ArrayNode list = idNode.putArray("ids");
    ids.forEach(list::add);
    ObjectNode log = m.putObject("log");
    log.put("leaf_index", entry.index());
    log.put("leaf", new String(leaf, StandardCharsets.UTF_8));
    log.put("checkpoint", entry.checkpoint());
    Files.writeString(tmp.resolve(DatasetManifest.FILE), Json.pretty(m), StandardCharsets.UTF_8);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    LineageRegistry.open(data).recordBuild(new DatasetManifest(build, "ai.training", now, 0,
        List.of(), corpus.records().size(), ids.size(), merkle, entry.index(), m), dir);
    return build;
  }

}
