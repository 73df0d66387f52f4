package org.covenant.safety;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Trains on the training part of a corpus and evaluates on its held-out part, under one
 * {@link CorpusSplit}: what {@code covenant scan train} and {@code scan eval} run.
 *
 * <p>The model's dataset description (its lineage) reads
 * {@code corpus=NAME sha256=HEX split=SALT/SHARE part=train n=N spam=S}, so a model file names
 * the exact corpus bytes and split it learned from. Customer invites join a training round only
 * through {@link ReviewQueue#trainingExamples()}, which asks {@link TrainingDataGate}.
 */
public final class CorpusPipeline {
  private final CorpusSplit split;
  private final MessageParser parser;

  private CorpusPipeline(CorpusSplit split, MessageParser parser) {
    this.split = split;
    this.parser = parser;
  }

  /** A pipeline over {@code split}. */
  public static CorpusPipeline create(CorpusSplit split) {
    return new CorpusPipeline(Objects.requireNonNull(split, "split"), MessageParser.create());
  }

  /** The split this pipeline uses. */
  public CorpusSplit split() {
    return split;
  }

  /** The training part of {@code corpus}, parsed. */
  public List<LabelledExample> trainingExamples(Corpus corpus) {
    return parse(split.train(corpus.records()));
  }

  /** The held-out part of {@code corpus}, parsed. */
  public List<LabelledExample> heldOutExamples(Corpus corpus) {
    return parse(split.heldOut(corpus.records()));
  }

  /** Trains a model on the training part of {@code corpus} plus {@code extra} examples. */
  public ScanModel train(Corpus corpus, ModelTrainer.Options options,
      List<LabelledExample> extra) {
    List<LabelledExample> examples = new ArrayList<>(trainingExamples(corpus));
    int fromCorpus = examples.size();
    examples.addAll(extra);
    long spam = examples.stream().filter(e -> e.label() == Label.SPAM).count();
    String dataset = "corpus=" + corpus.file().getFileName() + " sha256=" + corpus.sha256()
        + " split=" + split.describe() + " part=train n=" + fromCorpus + " extra=" + extra.size()
        + " spam=" + spam;
    return ModelTrainer.create(options).train(examples, dataset);
  }

  /** Scans the held-out part of {@code corpus}; spam or fraud counts as flagged. */
  public Metrics evaluate(InviteScanner scanner, Corpus corpus) {
    return evaluate(scanner, heldOutExamples(corpus));
  }

  /**
   * Scans every record of {@code corpus}, ignoring the split: for a file training never saw
   * ({@code scan eval --all}); spam or fraud counts as flagged.
   */
  public Metrics evaluateAll(InviteScanner scanner, Corpus corpus) {
    return evaluate(scanner, parse(corpus.records()));
  }

  /** Scans {@code examples}; spam or fraud counts as flagged. */
  public static Metrics evaluate(InviteScanner scanner, List<LabelledExample> examples) {
    Metrics m = new Metrics(0, 0, 0, 0);
    for (LabelledExample e : examples) {
      m = m.plus(e.label(), scanner.scan(e.message()).verdict().flagged());
    }
    return m;
  }

  /**
   * Writes the split as raw messages for other filters (bogofilter):
   * {@code DIR/{train,test}/{spam,ham}/ID.eml}, {@code /} in ids becoming {@code _}; returns
   * how many files were written.
   */
  public int export(Corpus corpus, Path dir) {
    int written = 0;
    try {
      for (String part : List.of("train", "test")) {
        for (Label l : Label.values()) {
          Files.createDirectories(dir.resolve(part).resolve(l.code()));
        }
      }
      Set<String> heldOut = new HashSet<>();
      for (CorpusRecord r : split.heldOut(corpus.records())) {
        heldOut.add(r.id());
      }
      for (CorpusRecord r : corpus.records()) {
        String part = heldOut.contains(r.id()) ? "test" : "train";
        Path f = dir.resolve(part).resolve(r.label().code())
            .resolve(r.id().replace('/', '_') + ".eml");
        Files.writeString(f, r.text(), StandardCharsets.UTF_8);
        written++;
      }
    } catch (IOException e) {
      throw new SafetyException("export_failed", "cannot export split to `" + dir + "`: "
          + e.getMessage(), e);
    }
    return written;
  }

  private List<LabelledExample> parse(List<CorpusRecord> records) {
    List<LabelledExample> out = new ArrayList<>(records.size());
    for (CorpusRecord r : records) {
      out.add(r.toExample(parser));
    }
    return out;
  }
}
