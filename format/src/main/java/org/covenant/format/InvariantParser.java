package org.covenant.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.covenant.core.invariant.Invariant;
import org.covenant.core.terms.Condition;
import org.covenant.core.vocab.Vocabulary;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads invariant files (YAML, ARCHITECTURE.md §5): {@code invariants: [{id, title, categories,
 * purposes, allow_requires: [conditions] | never_allow: true}]}. Problems name file, line, column
 * and field.
 */
public final class InvariantParser {
  private static final Set<String> FIELDS =
      Set.of("id", "title", "categories", "purposes", "allow_requires", "never_allow");

  private InvariantParser() {}

  /** The built-in invariants shipped with Covenant. */
  public static List<Invariant> builtIn() {
    String resource = "invariants/built-in.yaml";
    try (InputStream in = InvariantParser.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("built-in invariants resource missing");
      }
      return parse("built-in:" + resource,
          new String(in.readAllBytes(), StandardCharsets.UTF_8)).orThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses an invariants file. */
  public static Result<List<Invariant>> parse(String source, String text) {
    try {
      Node root = YamlTree.parse(source, text);
      Map<String, Node> top = YamlTree.mapping(root, "");
      YamlTree.onlyKeys(top, root, Set.of("invariants"), "invariants file");
      List<Invariant> out = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (Node n : YamlTree.sequence(YamlTree.required(top, root, "invariants"), "invariants")) {
        Map<String, Node> m = YamlTree.mapping(n, "invariants");
        YamlTree.onlyKeys(m, n, FIELDS, "an invariant");
        String id = YamlTree.scalar(YamlTree.required(m, n, "id"), "id");
        if (!ids.add(id)) {
          throw new FormatException(YamlTree.where(n), "id", "invariant `" + id
              + "` is defined twice");
        }
        String title = m.containsKey("title") ? YamlTree.scalar(m.get("title"), "title") : id;
        List<String> cats = YamlTree.strings(YamlTree.required(m, n, "categories"), "categories");
        for (String c : cats) {
          if (Vocabulary.categories().stream().noneMatch(x -> Vocabulary.matches(c, x.id()))) {
            throw new FormatException(YamlTree.where(m.get("categories")), "categories",
                "`" + c + "` matches no category");
          }
        }
        List<String> ps = YamlTree.strings(YamlTree.required(m, n, "purposes"), "purposes");
        for (String p : ps) {
          if (Vocabulary.purposes().stream().noneMatch(x -> Vocabulary.matches(p, x.id()))) {
            throw new FormatException(YamlTree.where(m.get("purposes")), "purposes",
                "`" + p + "` matches no purpose");
          }
        }
        List<Condition> req = new ArrayList<>();
        if (m.containsKey("allow_requires")) {
          for (Node c : YamlTree.sequence(m.get("allow_requires"), "allow_requires")) {
            req.add(TermsParser.condition(c, "allow_requires"));
          }
        }
        boolean never = false;
        if (m.containsKey("never_allow")) {
          String v = YamlTree.scalar(m.get("never_allow"), "never_allow");
          if (!v.equals("true") && !v.equals("false")) {
            throw new FormatException(YamlTree.where(m.get("never_allow")), "never_allow",
                "expected true or false");
          }
          never = v.equals("true");
        }
        if (!never && req.isEmpty()) {
          throw new FormatException(YamlTree.where(n), "allow_requires",
              "an invariant needs allow_requires or never_allow: true");
        }
        out.add(new Invariant(id, title, cats, ps, req, never));
      }
      return Result.ok(out);
    } catch (FormatException e) {
      return Result.failed(e.toProblem(source, ""));
    }
  }
}
