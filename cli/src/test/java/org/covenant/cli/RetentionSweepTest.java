package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.covenant.cli.LedgerConformanceTest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.covenant.cli.LedgerConformanceTest.Run;
import org.covenant.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code covenant retention sweep --apply} on a ledger with holds deletes exactly the expired,
 * unheld content (docs/DATA-RIGHTS.md, "Retention sweep"), over the fixture
 * {@code conformance/scenarios/data-rights/dr07-retention-sweep.json}: at 2025-04-01T00:00Z a1,
 * c1, d1 and e3 are due (account, group and user retention; a released hold), e1, e2 and g1 are
 * held, and nothing else is expired.
 */
class RetentionSweepTest {
  private static final String FIXTURE =
      Path.of("..", "conformance", "scenarios", "data-rights", "dr07-retention-sweep.json")
          .toString();
  private static final String AT = "2025-04-01T00:00:00Z";

  @TempDir Path tmp;

  private static List<JsonNode> lines(Run r) {
    return r.lines().stream().map(Json::parse).toList();
  }

  private static Set<String> contents(List<JsonNode> lines, String action) {
    Set<String> out = new TreeSet<>();
    for (JsonNode n : lines) {
      if (action.equals(n.path("action").asText())) {
        out.add(n.path("content").asText());
      }
    }
    return out;
  }

  private static Set<String> deletedInLedger(String data) {
    Run export = cli("ledger", "export", "--data", data);
    assertThat(export.exit()).as(export.err()).isZero();
    Set<String> out = new TreeSet<>();
    for (JsonNode n : lines(export)) {
      if (n.path("type").asText().equals("content.deleted")) {
        out.add(n.path("content").asText());
      }
    }
    return out;
  }

  private static String decide(String data, String purpose, String content) {
    Run r = cli("decide", "--data", data, "--purpose", purpose, "--content", content, "--at",
        "2025-04-02T00:00:00Z");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode d = Json.parse(r.lines().get(0));
    return d.path("verdict").asText() + ":" + d.path("reason").asText("");
  }

  @Test
  void applyDeletesExactlyTheExpiredUnheldContent_andIsIdempotent() {
    String data = tmp.resolve("d").toString();
    Run imported = cli("ledger", "import", "--data", data, FIXTURE);
    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("\"rejected\":0");

    // Without --apply: a listing, nothing appended.
    Run dry = cli("retention", "sweep", "--data", data, "--at", AT);
    assertThat(dry.exit()).as(dry.err()).isZero();
    List<JsonNode> listed = lines(dry);
    assertThat(contents(listed, "delete")).containsExactly("a1", "c1", "d1", "e3");
    assertThat(contents(listed, "held")).containsExactly("e1", "e2", "g1");
    assertThat(listed.get(listed.size() - 1).path("applied").asBoolean()).isFalse();
    assertThat(deletedInLedger(data)).containsExactly("x1");

    Run applied = cli("retention", "sweep", "--data", data, "--at", AT, "--apply");
    assertThat(applied.exit()).as(applied.err()).isZero();
    List<JsonNode> out = lines(applied);
    assertThat(contents(out, "deleted")).containsExactly("a1", "c1", "d1", "e3");
    assertThat(contents(out, "held")).containsExactly("e1", "e2", "g1");
    JsonNode summary = out.get(out.size() - 1);
    assertThat(summary.path("due").asInt()).isEqualTo(4);
    assertThat(summary.path("held").asInt()).isEqualTo(3);
    assertThat(summary.path("deleted").asInt()).isEqualTo(4);
    // Exactly those, and x1 deleted before; every deletion is signed by the account's owner.
    assertThat(deletedInLedger(data)).containsExactly("a1", "c1", "d1", "e3", "x1");
    for (JsonNode n : lines(cli("ledger", "export", "--data", data))) {
      if (n.path("type").asText().equals("content.deleted")
          && !n.path("content").asText().equals("x1")) {
        assertThat(n.path("by").asText()).isEqualTo("ann");
        assertThat(n.path("at").asText()).isEqualTo(AT);
      }
    }
    assertThat(decide(data, "service.provide", "a1")).isEqualTo("deny:content_deleted");
    assertThat(decide(data, "legal.compliance", "e1")).isEqualTo("allow:");
    assertThat(decide(data, "service.provide", "e1")).isEqualTo("deny:retention_expired");
    assertThat(decide(data, "service.provide", "a2")).isEqualTo("allow:");

    // The log followed the ledger, one leaf per event.
    Run verify = cli("log", "verify", "--data", data);
    assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).contains("\"size\":39");

    // Again: nothing is due, nothing is appended.
    Run again = cli("retention", "sweep", "--data", data, "--at", "2025-04-01T00:00:01Z",
        "--apply");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(contents(lines(again), "deleted")).isEmpty();
    assertThat(deletedInLedger(data)).hasSize(5);
  }

  @Test
  void aSweepInThePastOfTheLedgerIsRefused_andBadTimesAreInvalidInput() {
    String data = tmp.resolve("p").toString();
    assertThat(cli("ledger", "import", "--data", data, FIXTURE).exit()).isZero();
    Run past = cli("retention", "sweep", "--data", data, "--at", "2025-03-01T00:00:00Z",
        "--apply");
    assertThat(past.exit()).isEqualTo(2);
    assertThat(past.err()).contains("--at").contains("earlier than the ledger's last event");
    assertThat(deletedInLedger(data)).containsExactly("x1");
    Run bad = cli("retention", "sweep", "--data", data, "--at", "yesterday");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--at");
  }
}
