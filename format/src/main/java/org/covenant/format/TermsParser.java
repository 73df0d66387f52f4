package org.covenant.format;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.Sha256;
import org.covenant.core.terms.Basis;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.Effect;
import org.covenant.core.terms.Obligation;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Notice;
import org.covenant.core.vocab.Vocabulary;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads a terms version from its YAML policy file (ARCHITECTURE.md §5). Every problem names the
 * file, the line and column, and the field; patterns, settings, features, consents and notices
 * must exist in the vocabulary. The revision is the SHA-256 of the file's bytes.
 */
public final class TermsParser {
  private static final Set<String> TOP = Set.of("terms", "title", "clauses");
  private static final Set<String> CLAUSE = Set.of("id", "title", "effect", "categories",
      "purposes", "basis", "when", "unless", "obligations");

  private TermsParser() {}

  /** Parses a policy file's text; {@code source} names it in problems. */
  public static Result<TermsVersion> parse(String source, String text) {
    try {
      return Result.ok(read(source, text));
    } catch (FormatException e) {
      return Result.failed(e.toProblem(source, ""));
    }
  }

  /** The revision of a policy text: {@code sha256:} and the hex digest of its UTF-8 bytes. */
  public static String revision(String text) {
    return Sha256.named(text);
  }

  private static TermsVersion read(String source, String text) {
    Node root = YamlTree.parse(source, text);
    Map<String, Node> top = YamlTree.mapping(root, "");
    YamlTree.onlyKeys(top, root, TOP, "terms file");
    String name = YamlTree.scalar(YamlTree.required(top, root, "terms"), "terms");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new FormatException(YamlTree.where(top.get("terms")), "terms",
          "`" + name + "` is not a valid terms name (letters, digits, `.`, `_`, `-`)");
    }
    String title = top.containsKey("title") ? YamlTree.scalar(top.get("title"), "title") : name;
    List<Clause> clauses = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int i = 0;
    for (Node cn : YamlTree.sequence(YamlTree.required(top, root, "clauses"), "clauses")) {
      Clause c = clause(cn, i++);
      if (!ids.add(c.id())) {
        throw new FormatException(YamlTree.where(cn), "id", "clause id `" + c.id()
            + "` is used twice");
      }
      clauses.add(c);
    }
    return TermsVersion.of(name, title, clauses, revision(text));
  }

  private static Clause clause(Node n, int index) {
    Map<String, Node> m = YamlTree.mapping(n, "clauses[" + index + "]");
    YamlTree.onlyKeys(m, n, CLAUSE, "a clause");
    String id = YamlTree.scalar(YamlTree.required(m, n, "id"), "id");
    String title = m.containsKey("title") ? YamlTree.scalar(m.get("title"), "title") : id;
    Node en = YamlTree.required(m, n, "effect");
    String effectText = YamlTree.scalar(en, "effect");
    Effect effect = switch (effectText) {
      case "permit" -> Effect.PERMIT;
      case "forbid" -> Effect.FORBID;
      default -> throw new FormatException(YamlTree.where(en), "effect",
          "`" + effectText + "` is not permit or forbid");
    };
    List<String> categories = patterns(m, n, "categories", true);
    List<String> purposes = patterns(m, n, "purposes", false);
    Optional<Basis> basis = Optional.empty();
    if (m.containsKey("basis")) {
      if (effect == Effect.FORBID) {
        throw new FormatException(YamlTree.where(m.get("basis")), "basis",
            "a forbid has no basis");
      }
      String b = YamlTree.scalar(m.get("basis"), "basis");
      basis = Optional.of(Basis.of(b).orElseThrow(() -> new FormatException(
          YamlTree.where(m.get("basis")), "basis",
          "`" + b + "` is not ownership, license, consent or legal")));
    } else if (effect == Effect.PERMIT) {
      throw new FormatException(YamlTree.where(n), "basis", "a permit needs a basis");
    }
    List<Condition> when = conditions(m, "when");
    List<Condition> unless = conditions(m, "unless");
    if (effect == Effect.PERMIT && m.containsKey("unless")) {
      throw new FormatException(YamlTree.where(m.get("unless")), "unless",
          "a permit takes `when`, not `unless`");
    }
    if (effect == Effect.FORBID && m.containsKey("when")) {
      throw new FormatException(YamlTree.where(m.get("when")), "when",
          "a forbid takes `unless`, not `when`");
    }
    List<Obligation> obligations = new ArrayList<>();
    if (m.containsKey("obligations")) {
      if (effect == Effect.FORBID) {
        throw new FormatException(YamlTree.where(m.get("obligations")), "obligations",
            "a forbid has no obligations");
      }
      for (Node on : YamlTree.sequence(m.get("obligations"), "obligations")) {
        Map<String, Node> om = YamlTree.mapping(on, "obligations");
        if (om.size() != 1) {
          throw new FormatException(YamlTree.where(on), "obligations",
              "each obligation is one `name: {parameters}` entry");
        }
        Map.Entry<String, Node> e = om.entrySet().iterator().next();
        Object params = YamlTree.plain(e.getValue(), "obligations." + e.getKey());
        Map<String, Object> pm;
        if (params instanceof Map<?, ?> raw) {
          pm = new java.util.LinkedHashMap<>();
          for (Map.Entry<?, ?> p : raw.entrySet()) {
            pm.put((String) p.getKey(), p.getValue());
          }
        } else if (params instanceof String s && s.isEmpty()) {
          pm = Map.of();
        } else {
          throw new FormatException(YamlTree.where(e.getValue()), "obligations." + e.getKey(),
              "parameters must be a mapping");
        }
        obligations.add(new Obligation(e.getKey(), pm));
      }
    }
    return new Clause(id, title, effect, categories, purposes, basis, when, unless, obligations);
  }

  private static List<String> patterns(Map<String, Node> m, Node at, String field,
      boolean categories) {
    Node n = YamlTree.required(m, at, field);
    List<String> out = YamlTree.strings(n, field);
    if (out.isEmpty()) {
      throw new FormatException(YamlTree.where(n), field, "at least one pattern is needed");
    }
    for (String p : out) {
      boolean known = categories
          ? Vocabulary.categories().stream().anyMatch(c -> Vocabulary.matches(p, c.id()))
          : Vocabulary.purposes().stream().anyMatch(c -> Vocabulary.matches(p, c.id()));
      if (!known) {
        throw new FormatException(YamlTree.where(n), field, "`" + p + "` matches no "
            + (categories ? "category" : "purpose") + " of the vocabulary");
      }
    }
    return out;
  }

  private static List<Condition> conditions(Map<String, Node> m, String field) {
    List<Condition> out = new ArrayList<>();
    if (!m.containsKey(field)) {
      return out;
    }
    for (Node cn : YamlTree.sequence(m.get(field), field)) {
      out.add(condition(cn, field));
    }
    return out;
  }

  /** One {@code kind: argument} condition. Also used by the invariant parser. */
  static Condition condition(Node cn, String field) {
    Map<String, Node> cm = YamlTree.mapping(cn, field);
    if (cm.size() != 1) {
      throw new FormatException(YamlTree.where(cn), field, "each condition is one `kind: value`");
    }
    Map.Entry<String, Node> e = cm.entrySet().iterator().next();
    String arg = YamlTree.scalar(e.getValue(), field + "." + e.getKey());
    String where = YamlTree.where(e.getValue());
    String f = field + "." + e.getKey();
    return switch (e.getKey()) {
      case "setting" -> new Condition.Setting(Vocabulary.setting(arg).orElseThrow(
          () -> new FormatException(where, f, "no setting `" + arg + "`")));
      case "meeting_feature" -> new Condition.MeetingFeature(Vocabulary.feature(arg).orElseThrow(
          () -> new FormatException(where, f, "no feature `" + arg + "`")));
      case "consent" -> new Condition.Consent(consent(arg, where, f));
      case "consent_at_capture" -> new Condition.ConsentAtCapture(consent(arg, where, f));
      case "all_contributors_consent" ->
          new Condition.AllContributorsConsent(consent(arg, where, f));
      case "notice_acknowledged" -> new Condition.NoticeAcknowledged(Notice.of(arg).orElseThrow(
          () -> new FormatException(where, f, "no notice `" + arg + "`")));
      default -> throw new FormatException(YamlTree.where(cn), field, "unknown condition `"
          + e.getKey() + "` (setting, meeting_feature, consent, consent_at_capture, "
          + "all_contributors_consent, notice_acknowledged)");
    };
  }

  private static ConsentType consent(String arg, String where, String field) {
    return ConsentType.of(arg).orElseThrow(
        () -> new FormatException(where, field, "no consent `" + arg + "`"));
  }
}
