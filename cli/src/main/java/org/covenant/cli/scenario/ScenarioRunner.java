package org.covenant.cli.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.covenant.format.AnswerJson;
import org.covenant.format.Json;
import org.covenant.format.scenario.Query;
import org.covenant.format.scenario.Scenario;
import org.covenant.format.scenario.ScenarioEvent;

/**
 * Runs scenarios (ARCHITECTURE.md §8): appends each file's events to a fresh backend, then asks
 * its queries, and writes one JSON line for each rejected event, each event with an
 * {@code expect}, and each query, each with {@code "ok"}. The caller prints the closing
 * {@code N passed, M failed}.
 */
public final class ScenarioRunner {
  /** Counts of checked lines. */
  public record Totals(int passed, int failed) {
    /** The closing line. */
    public String line() {
      return passed + " passed, " + failed + " failed";
    }

    Totals plus(Totals o) {
      return new Totals(passed + o.passed, failed + o.failed);
    }
  }

  private final Function<Scenario, ScenarioBackend> backends;

  /** A runner that opens a fresh backend for each scenario. */
  public ScenarioRunner(Function<Scenario, ScenarioBackend> backends) {
    this.backends = backends;
  }

  /** Runs every scenario in order, writing result lines to {@code out}. */
  public Totals run(List<Scenario> scenarios, Consumer<ObjectNode> out) {
    Totals totals = new Totals(0, 0);
    for (Scenario s : scenarios) {
      try (ScenarioBackend backend = backends.apply(s)) {
        totals = totals.plus(runOne(s, backend, out));
      }
    }
    return totals;
  }

  private static Totals runOne(Scenario s, ScenarioBackend backend, Consumer<ObjectNode> out) {
    int passed = 0;
    int failed = 0;
    for (ScenarioEvent e : s.events()) {
      ScenarioBackend.Appended a = backend.append(e.event());
      if (a.accepted() && !e.explicit()) {
        continue;
      }
      String actual = a.accepted() ? "accepted" : "rejected:" + a.code().orElse("?");
      boolean ok = actual.equals(e.expectText());
      ObjectNode line = Json.object();
      line.put("file", s.source());
      line.put("event", e.index());
      line.put("type", e.event().type());
      line.put("at", e.event().at().toString());
      line.put("outcome", a.accepted() ? "accepted" : "rejected");
      if (!a.accepted()) {
        line.put("code", a.code().orElse(""));
        line.put("message", a.message());
      }
      line.put("expect", e.expectText());
      line.put("ok", ok);
      out.accept(line);
      if (ok) {
        passed++;
      } else {
        failed++;
      }
    }
    for (Query q : s.queries()) {
      ObjectNode line = Json.object();
      line.put("file", s.source());
      line.put("id", q.id());
      line.put("kind", q.kind());
      line.put("at", q.at().toString());
      List<String> mismatches = new ArrayList<>();
      if (q instanceof Query.DecisionQuery d) {
        line.put("purpose", d.purpose().id());
        line.put("content", d.content());
        ObjectNode a = backend.decision(d);
        line.setAll(a);
        checkDecision(d, a, mismatches);
      } else if (q instanceof Query.SettingQuery k) {
        line.put("account", k.account());
        k.user().ifPresent(u -> line.put("user", u));
        line.put("key", k.key().key());
        ObjectNode a = backend.setting(k);
        line.setAll(a);
        JsonNode value = a.get("value");
        k.expect().ifPresent(x -> {
          if (value == null || !value.isBoolean() || value.asBoolean() != x) {
            mismatches.add("expect: wanted " + x + ", got " + value);
          }
        });
        k.expectLevel().ifPresent(x -> {
          JsonNode level = a.get("level");
          if (level == null || !x.equals(level.asText())) {
            mismatches.add("expect_level: wanted `" + x + "`, got " + level);
          }
        });
      } else if (q instanceof Query.NoticesQuery n) {
        line.put("meeting", n.meeting());
        line.put("participant", n.participant());
        ObjectNode a = backend.notices(n);
        line.setAll(a);
        n.expect().ifPresent(x -> {
          Set<String> got = new HashSet<>();
          a.get("notices").forEach(v -> got.add(v.asText()));
          if (!got.equals(x)) {
            mismatches.add("expect: wanted " + x + ", got " + got);
          }
        });
        n.expectMuted().ifPresent(x -> {
          if (a.get("muted").asBoolean() != x) {
            mismatches.add("expect_muted: wanted " + x + ", got " + a.get("muted"));
          }
        });
      }
      boolean ok = mismatches.isEmpty();
      line.put("ok", ok);
      if (!ok) {
        ArrayNode m = line.putArray("mismatches");
        mismatches.forEach(m::add);
      }
      out.accept(line);
      if (ok) {
        passed++;
      } else {
        failed++;
      }
    }
    return new Totals(passed, failed);
  }

  private static void checkDecision(Query.DecisionQuery d, ObjectNode a, List<String> m) {
    d.expect().ifPresent(x -> {
      if (!x.equals(a.path("verdict").asText())) {
        m.add("expect: wanted `" + x + "`, got `" + a.path("verdict").asText() + "`");
      }
    });
    d.expectReason().ifPresent(x -> {
      if (!x.equals(a.path("reason").asText(null))) {
        m.add("expect_reason: wanted `" + x + "`, got " + a.get("reason"));
      }
    });
    d.expectReasons().ifPresent(x -> {
      List<String> got = new ArrayList<>();
      a.path("reasons").forEach(v -> got.add(v.asText()));
      if (!got.equals(x)) {
        m.add("expect_reasons: wanted " + x + ", got " + got);
      }
    });
    d.expectBasis().ifPresent(x -> {
      if (!x.equals(a.path("basis").asText(null))) {
        m.add("expect_basis: wanted `" + x + "`, got " + a.get("basis"));
      }
    });
    d.expectClauses().ifPresent(x -> {
      Set<String> got = new HashSet<>();
      a.path("clauses").forEach(v -> got.add(v.asText()));
      if (!got.equals(x)) {
        m.add("expect_clauses: wanted " + x + ", got " + got);
      }
    });
    d.expectObligations().ifPresent(x -> {
      List<String> want = AnswerJson.canonical(x);
      List<String> got = AnswerJson.canonical(a.path("obligations"));
      if (!new HashSet<>(want).equals(new HashSet<>(got))) {
        m.add("expect_obligations: wanted " + want + ", got " + got);
      }
    });
  }
}
