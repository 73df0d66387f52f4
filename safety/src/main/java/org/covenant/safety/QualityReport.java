package org.covenant.safety;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Command-line entry that trains the model (logistic regression) with its default options on the
 * training part of the standard split and prints one JSON line with the held-out metrics, the
 * training time and the model file size: the Covenant half of safety/scripts/bogofilter-compare.sh.
 * {@code java -cp ... org.covenant.safety.QualityReport CORPUS.jsonl.gz [SPLIT]} (SPLIT as in
 * {@link SplitExport}).
 */
public final class QualityReport {
  private QualityReport() {}

  /** Runs the report; exit status 2 on bad arguments, 1 on a failure. */
  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: QualityReport CORPUS.jsonl.gz [SPLIT]");
      System.exit(2);
    }
    try {
      Corpus corpus = Corpus.read(Path.of(args[0]));
      CorpusSplit split = args.length == 2 ? CorpusSplit.parse(args[1]) : HoldoutSplit.STANDARD;
      CorpusPipeline pipeline = CorpusPipeline.create(split);
      List<LabelledExample> heldOut = pipeline.heldOutExamples(corpus);
      long start = System.nanoTime();
      ScanModel model = pipeline.train(corpus, ModelTrainer.Options.defaults(), List.of());
      long trainMs = (System.nanoTime() - start) / 1_000_000;
      Metrics m = CorpusPipeline.evaluate(InviteScanner.create(model), heldOut);
      String json = m.toJson();
      System.out.println(String.format(Locale.ROOT,
          "{\"filter\":\"covenant-logistic\",%s,\"train_ms\":%d,\"model_bytes\":%d}",
          json.substring(1, json.length() - 1), trainMs, model.toBytes().length));
    } catch (SafetyException e) {
      System.err.println("error: " + e.code() + ": " + e.getMessage());
      System.exit(1);
    }
  }
}
