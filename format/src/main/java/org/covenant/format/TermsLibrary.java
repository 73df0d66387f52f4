package org.covenant.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;

/**
 * Loads terms: the four built-in versions shipped as policy files (ARCHITECTURE.md §5), plus any
 * directory of the user's {@code *.yaml} / {@code *.yml} files.
 */
public final class TermsLibrary {
  /** The names of the built-in versions. */
  public static final List<String> BUILT_IN =
      List.of("example-2023-03-31", "example-2023-08-07", "example-2023-08-11", "default");

  private TermsLibrary() {}

  /** The built-in versions, parsed from the policy files on the classpath. */
  public static List<TermsVersion> builtIn() {
    List<TermsVersion> out = new ArrayList<>();
    for (String name : BUILT_IN) {
      String resource = "terms/" + name + ".yaml";
      try (InputStream in = TermsLibrary.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("built-in terms resource missing: " + resource);
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        out.add(TermsParser.parse("built-in:" + name + ".yaml", text).orThrow());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** The built-in source text of one version (for {@code terms show}). */
  public static String builtInSource(String name) {
    try (InputStream in = TermsLibrary.class.getResourceAsStream("terms/" + name + ".yaml")) {
      if (in == null) {
        throw new IllegalArgumentException("no built-in terms `" + name + "`");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every policy file in a directory (sorted by file name), or the problems found. A user file
   * may not reuse a built-in name or another file's name.
   */
  public static Result<List<TermsVersion>> directory(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Result.failed(new Problem(dir.toString(), "", "", "not a directory"));
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted().toList();
    } catch (IOException e) {
      return Result.failed(new Problem(dir.toString(), "", "", "cannot list: " + e.getMessage()));
    }
    List<Problem> problems = new ArrayList<>();
    Map<String, TermsVersion> seen = new LinkedHashMap<>();
    for (Path f : files) {
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        problems.add(new Problem(f.toString(), "", "", "cannot read: " + e.getMessage()));
        continue;
      }
      Result<TermsVersion> r = TermsParser.parse(f.toString(), text);
      if (r instanceof Result.Failed<TermsVersion> failed) {
        problems.addAll(failed.problems());
      } else {
        TermsVersion v = ((Result.Ok<TermsVersion>) r).value();
        if (BUILT_IN.contains(v.name()) || seen.containsKey(v.name())) {
          problems.add(new Problem(f.toString(), "", "terms",
              "`" + v.name() + "` is already defined (built-in or another file)"));
        } else {
          seen.put(v.name(), v);
        }
      }
    }
    return problems.isEmpty() ? Result.ok(List.copyOf(seen.values()))
        : new Result.Failed<>(problems);
  }

  /** The built-in catalog. */
  public static TermsCatalog builtInCatalog() {
    return TermsCatalog.of(builtIn());
  }

  /** Built-ins plus the files in {@code dir}. */
  public static Result<TermsCatalog> catalogWith(Path dir) {
    return directory(dir).map(user -> {
      List<TermsVersion> all = new ArrayList<>(builtIn());
      all.addAll(user);
      return TermsCatalog.of(all);
    });
  }
}
