package org.covenant.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Locates the scenario corpus: the shared one beside the repository and our own. */
final class Corpus {
  private Corpus() {}

  static Path root() {
    return Path.of(System.getProperty("covenant.root.dir", ".."));
  }

  /** ../shared/conformance/*.json; fails loudly when missing so CI never passes on nothing. */
  static List<Path> shared() {
    Path dir = Path.of(System.getProperty("covenant.shared.dir", "../../shared"))
        .resolve("conformance");
    List<Path> files = list(dir);
    if (files.isEmpty()) {
      throw new IllegalStateException("no shared scenarios in " + dir.toAbsolutePath()
          + " (the shared/ folder must sit beside the repository)");
    }
    return files;
  }

  /** conformance/scenarios/**.json: the project's own scenarios, subdirectories included. */
  static List<Path> own() {
    List<Path> files = walk(root().resolve("conformance").resolve("scenarios"));
    if (files.isEmpty()) {
      throw new IllegalStateException("no project scenarios found");
    }
    return files;
  }

  static List<Path> all() {
    List<Path> out = new ArrayList<>(shared());
    out.addAll(own());
    return out;
  }

  /**
   * Every scenario under dir, subdirectories included (e.g. {@code data-rights/}), sorted by
   * path; the {@code terms/} folders hold policy files, not scenarios.
   */
  private static List<Path> walk(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".json"))
          .filter(p -> !dir.relativize(p).toString().startsWith("terms"))
          .sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + dir, e);
    }
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + dir, e);
    }
  }
}
