package org.covenant.safety;

import java.nio.file.Path;

/**
 * Command-line entry that writes a held-out split of a corpus as raw message files, for filters
 * outside the JVM (safety/scripts/bogofilter-compare.sh):
 * {@code java -cp ... org.covenant.safety.SplitExport CORPUS.jsonl.gz OUT_DIR [SPLIT]}
 * (SPLIT: {@code random}, {@code time} or the salt of another random 20 % split, as
 * {@link CorpusSplit#parse}; default the standard random one). Prints one line:
 * {@code exported N messages to OUT_DIR (split SALT/SHARE)}. Exit status 2 on bad arguments,
 * 1 on a failure.
 */
public final class SplitExport {
  private SplitExport() {}

  /** Runs the export; see the class comment for arguments and exit codes. */
  public static void main(String[] args) {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: SplitExport CORPUS.jsonl.gz OUT_DIR [SPLIT]");
      System.exit(2);
    }
    try {
      Corpus corpus = Corpus.read(Path.of(args[0]));
      CorpusSplit split = args.length == 3 ? CorpusSplit.parse(args[2]) : HoldoutSplit.STANDARD;
      CorpusPipeline pipeline = CorpusPipeline.create(split);
      int n = pipeline.export(corpus, Path.of(args[1]));
      System.out.println("exported " + n + " messages to " + args[1] + " (split "
          + pipeline.split().describe() + ")");
    } catch (SafetyException e) {
      System.err.println("error: " + e.code() + ": " + e.getMessage());
      System.exit(1);
    }
  }
}
