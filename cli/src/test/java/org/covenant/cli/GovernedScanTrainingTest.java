package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.covenant.format.Json;
import org.covenant.safety.ScanModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scan train --governed}: the public corpus is a logged dataset build, invites join only
 * through a consent-filtered {@code dataset build}, and the model version is in the lineage.
 */
class GovernedScanTrainingTest {
  static final Path DEV = Path.of(System.getProperty("covenant.shared.dir"),
      "data", "spamassassin", "dev.jsonl.gz");

  /** Two accounts under default terms; only acme consents (shared with ReviewTrainingTest). */
  static final String EVENTS = """
      {"description": "two accounts under default terms; only acme consents to ai_training",
       "events": [
        {"type": "account.created", "at": "2024-03-08T09:00:00Z", "account": "acme", "owner": "alice"},
        {"type": "terms.accepted", "at": "2024-03-08T09:01:00Z", "account": "acme", "terms": "default", "by": "alice"},
        {"type": "consent.granted", "at": "2024-03-08T09:02:00Z", "account": "acme", "consent": "ai_training", "by": "alice"},
        {"type": "account.created", "at": "2024-03-08T09:03:00Z", "account": "globex", "owner": "gus"},
        {"type": "terms.accepted", "at": "2024-03-08T09:04:00Z", "account": "globex", "terms": "default", "by": "gus"}
       ],
       "queries": []}
      """;

  private static final String WITHDRAWAL = """
      {"description": "acme withdraws",
       "events": [
        {"type": "consent.withdrawn", "at": "2025-01-01T09:00:00Z", "account": "acme", "consent": "ai_training", "by": "alice"}
       ],
       "queries": []}
      """;

  @Test
  void governedTraining_writesPublicBuildAndLineageEntry_andLogVerifies(@TempDir Path tmp)
      throws Exception {
    Path data = tmp.resolve("data");
    Path model = tmp.resolve("m.scan");
    assertThat(Main.run("scan", "train", "--data", DEV.toString(), "--out", model.toString(),
        "--governed", data.toString())).isZero();

    List<Path> manifests = manifests(data, "public-");
    assertThat(manifests).hasSize(1);
    JsonNode m = Json.parse(Files.readString(manifests.get(0)));
    assertThat(m.path("format").asText()).isEqualTo(GovernedScanTraining.PUBLIC_FORMAT);
    assertThat(m.path("license").asText()).isEqualTo("CC0");
    assertThat(m.path("corpus_sha256").asText()).hasSize(64);
    assertThat(m.path("included_ids").path("ids").size())
        .isEqualTo(m.path("counts").path("included").asInt()).isPositive();
    String build = m.path("build").asText();

    JsonNode registry = Json.parse(Files.readString(
        data.resolve("training").resolve("registry.json")));
    assertThat(registry.toString()).contains(GovernedScanTraining.MODEL_NAME).contains(build);
    assertThat(ScanModel.read(model).info().dataset()).contains("builds=" + build);
    assertThat(Main.run("log", "verify", "--data", data.toString())).isZero();
  }

  @Test
  void onlyConsentingAccountsInvitesAreUsed_andLineageNamesTheModelForThemOnly(
      @TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    Path events = tmp.resolve("events.json");
    Files.writeString(events, EVENTS);
    assertThat(Main.run("ledger", "import", "--data", data.toString(), events.toString()))
        .isZero();
    Path jsonl = tmp.resolve("invites.jsonl");
    Files.writeString(jsonl, String.join("\n",
        invite("acme-inv-1", "acme"), invite("acme-inv-2", "acme"),
        invite("globex-inv-1", "globex"), invite("globex-inv-2", "globex")) + "\n");
    Path corpus = tmp.resolve("invites.cvc");
    assertThat(Main.run("corpus", "import", jsonl.toString(), "--out", corpus.toString(),
        "--data", data.toString())).isZero();
    Path text = tmp.resolve("invites-text.jsonl");
    Files.writeString(text, String.join("\n",
        text("acme-inv-1", "spam", "Subject: win a free prize now\n\nclick http://x.example"),
        text("acme-inv-2", "ham", "Subject: team webinar tuesday\n\nsee you there"),
        text("globex-inv-1", "spam", "Subject: cheap pills\n\nbuy now"),
        text("globex-inv-2", "ham", "Subject: quarterly review\n\nagenda attached")) + "\n");

    Path model = tmp.resolve("m.scan");
    String out = capture(() -> Main.run("scan", "train", "--data", DEV.toString(), "--out",
        model.toString(), "--governed", data.toString(), "--invites-corpus", corpus.toString(),
        "--invites-text", text.toString()));
    JsonNode line = Json.parse(out.lines().reduce((a, b) -> b).orElseThrow());
    assertThat(line.path("invites").asInt()).isEqualTo(2);
    assertThat(line.path("name").asText()).isEqualTo("invite-scanner");
    assertThat(line.path("builds").size()).isEqualTo(2);
    String invitesBuild = line.path("builds").get(1).asText();

    List<Path> inviteBuilds = manifests(data, "invites-");
    assertThat(inviteBuilds).hasSize(1);
    assertThat(Files.readAllLines(inviteBuilds.get(0).resolveSibling("included.ids")))
        .containsExactly("acme-inv-1", "acme-inv-2");
    assertThat(ScanModel.read(model).info().dataset()).contains(invitesBuild)
        .contains("invites=2");

    String acme = capture(() -> Main.run("lineage", "affected", "--data", data.toString(),
        "--account", "acme"));
    assertThat(acme).contains("invite-scanner").contains(invitesBuild);
    String globex = capture(() -> Main.run("lineage", "affected", "--data", data.toString(),
        "--account", "globex"));
    assertThat(globex).doesNotContain("invite-scanner").contains("0 model version(s)");

    Path withdrawal = tmp.resolve("withdrawal.json");
    Files.writeString(withdrawal, WITHDRAWAL);
    assertThat(Main.run("ledger", "import", "--data", data.toString(), withdrawal.toString()))
        .isZero();
    String after = capture(() -> Main.run("lineage", "affected", "--data", data.toString(),
        "--account", "acme"));
    assertThat(after).contains("invite-scanner").contains("retrain_or_unlearn_required");
    assertThat(Main.run("log", "verify", "--data", data.toString())).isZero();
  }

  private static String invite(String id, String account) {
    return "{\"content\": \"" + id + "\", \"category\": \"customer_content.webinar_invite\", "
        + "\"account\": \"" + account + "\", \"at\": \"2024-06-01T10:00:00Z\", "
        + "\"contributors\": [\"" + account + "\"]}";
  }

  private static String text(String id, String label, String raw) {
    var o = Json.object();
    o.put("id", id);
    o.put("label", label);
    o.put("text", "From: someone@example.com\n" + raw + "\n");
    return Json.line(o);
  }

  private static List<Path> manifests(Path data, String prefix) throws Exception {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(data.resolve("training").resolve("invite-scanner"))) {
      s.filter(p -> p.getFileName().toString().startsWith(prefix))
          .forEach(p -> out.add(p.resolve("manifest.json")));
    }
    return out;
  }

  @FunctionalInterface
  interface Run {
    int run();
  }

  /** Runs a command that must exit 0 and returns what it printed. */
  static String capture(Run r) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertThat(r.run()).isZero();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
