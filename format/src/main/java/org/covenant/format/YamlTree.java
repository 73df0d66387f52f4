package org.covenant.format;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads YAML with snakeyaml-engine into nodes that keep their line and column, so that every
 * problem in a policy or invariant file names where it is. Scalars are read as their text (an id
 * such as {@code 10.2} stays {@code "10.2"}, never a float).
 */
final class YamlTree {
  private YamlTree() {}

  /** Parses one YAML document; throws {@link FormatException} with a line and column. */
  static Node parse(String source, String text) {
    try {
      LoadSettings settings = LoadSettings.builder().setLabel(source).build();
      Composer composer =
          new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)));
      Optional<Node> node = composer.getSingleNode();
      if (node.isEmpty()) {
        throw new FormatException("line 1, column 1", "", "empty document");
      }
      return node.get();
    } catch (MarkedYamlEngineException e) {
      String where = e.getProblemMark().map(YamlTree::where).orElse("");
      throw new FormatException(where, "", "malformed YAML: " + e.getProblem());
    } catch (YamlEngineException e) {
      throw new FormatException("", "", "malformed YAML: " + e.getMessage());
    }
  }

  static String where(Mark m) {
    return "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
  }

  static String where(Node n) {
    return n.getStartMark().map(YamlTree::where).orElse("");
  }

  /** A mapping with string keys, in order; duplicate or non-scalar keys are problems. */
  static Map<String, Node> mapping(Node n, String field) {
    if (!(n instanceof MappingNode m)) {
      throw new FormatException(where(n), field, "expected a mapping");
    }
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw new FormatException(where(t.getKeyNode()), field, "keys must be plain strings");
      }
      if (out.put(k.getValue(), t.getValueNode()) != null) {
        throw new FormatException(where(k), k.getValue(), "duplicate key");
      }
    }
    return out;
  }

  /** Checks that a mapping has no keys outside the allowed ones. */
  static void onlyKeys(Map<String, Node> m, Node at, Set<String> allowed, String what) {
    for (String k : m.keySet()) {
      if (!allowed.contains(k)) {
        throw new FormatException(where(m.get(k)), k, "unknown field in " + what
            + " (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
      }
    }
  }

  static Node required(Map<String, Node> m, Node at, String key) {
    Node v = m.get(key);
    if (v == null) {
      throw new FormatException(where(at), key, "missing");
    }
    return v;
  }

  static String scalar(Node n, String field) {
    if (!(n instanceof ScalarNode s)) {
      throw new FormatException(where(n), field, "expected a plain value");
    }
    return s.getValue();
  }

  static List<Node> sequence(Node n, String field) {
    if (!(n instanceof SequenceNode s)) {
      throw new FormatException(where(n), field, "expected a list");
    }
    return s.getValue();
  }

  /** A list of distinct scalars. */
  static List<String> strings(Node n, String field) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Node item : sequence(n, field)) {
      String s = scalar(item, field);
      if (!seen.add(s)) {
        throw new FormatException(where(item), field, "`" + s + "` listed twice");
      }
      out.add(s);
    }
    return out;
  }

  /** A plain value tree (maps, lists, longs, doubles, booleans, strings) for obligations. */
  static Object plain(Node n, String field) {
    if (n instanceof ScalarNode s) {
      String v = s.getValue();
      if (s.isPlain()) {
        if (v.matches("-?[0-9]+")) {
          return Long.parseLong(v);
        }
        if (v.matches("-?[0-9]+\\.[0-9]+")) {
          return Double.parseDouble(v);
        }
        if (v.equals("true") || v.equals("false")) {
          return Boolean.parseBoolean(v);
        }
      }
      return v;
    }
    if (n instanceof SequenceNode s) {
      List<Object> out = new ArrayList<>();
      for (Node item : s.getValue()) {
        out.add(plain(item, field));
      }
      return out;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : mapping(n, field).entrySet()) {
      out.put(e.getKey(), plain(e.getValue(), field + "." + e.getKey()));
    }
    return out;
  }
}
