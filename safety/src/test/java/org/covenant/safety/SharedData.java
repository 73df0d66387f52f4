package org.covenant.safety;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared corpus, located through the {@code covenant.shared.dir} property. */
final class SharedData {
  private static Corpus corpus;

  private SharedData() {}

  static Path corpusFile() {
    String dir = System.getProperty("covenant.shared.dir");
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException("system property covenant.shared.dir is not set: run the "
          + "tests through Maven (the parent pom passes it to surefire)");
    }
    Path file = Path.of(dir, "data", "spamassassin", "dev.jsonl.gz");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("shared corpus missing: " + file.toAbsolutePath());
    }
    return file;
  }

  static synchronized Corpus corpus() {
    if (corpus == null) {
      corpus = Corpus.read(corpusFile());
    }
    return corpus;
  }
}
