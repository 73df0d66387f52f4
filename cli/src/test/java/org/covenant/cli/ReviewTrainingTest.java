package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.covenant.cli.GovernedScanTrainingTest.DEV;
import static org.covenant.cli.GovernedScanTrainingTest.EVENTS;
import static org.covenant.cli.GovernedScanTrainingTest.capture;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.covenant.format.Json;
import org.covenant.safety.Invite;
import org.covenant.safety.MessageParser;
import org.covenant.safety.ReviewItem;
import org.covenant.safety.ReviewJson;
import org.covenant.safety.ReviewStatus;
import org.covenant.safety.ScanModel;
import org.covenant.safety.ScanResult;
import org.covenant.safety.ScanVerdict;
import org.covenant.store.DocumentTable;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: reviewed invites in a server's persisted review queue flow into the next governed
 * training round only through a consent-filtered dataset build, with lineage: {@code scan
 * reviews} → {@code corpus import} → {@code scan train --governed --reviews}.
 */
class ReviewTrainingTest {
  @Test
  void onlyConsentingAccountsReviewedInvitesTrain_withLineage(@TempDir Path tmp)
      throws Exception {
    Path data = tmp.resolve("data");
    Path events = tmp.resolve("events.json");
    Files.writeString(events, EVENTS);
    assertThat(Main.run("ledger", "import", "--data", data.toString(), events.toString()))
        .isZero();
    // the queue as the server leaves it (TableReviewStore writes these documents)
    try (DocumentTable t = DocumentTable.open(LedgerConfig.sqlite(data.resolve("safety")),
        ReviewJson.TABLE)) {
      put(t, item("acme-1", "acme", "win a free prize now", ReviewStatus.CONFIRMED));
      put(t, item("acme-2", "acme", "team webinar tuesday", ReviewStatus.RELEASED));
      put(t, item("acme-3", "acme", "still waiting", ReviewStatus.HELD));
      put(t, item("globex-1", "globex", "cheap pills", ReviewStatus.CONFIRMED));
      put(t, item("globex-2", "globex", "quarterly review", ReviewStatus.RELEASED));
    }

    Path records = tmp.resolve("reviewed.jsonl");
    JsonNode summary = Json.parse(capture(() -> Main.run("scan", "reviews", "--data",
        data.toString(), "--out", records.toString())).trim());
    assertThat(summary.path("reviewed").asInt()).isEqualTo(4);
    assertThat(summary.path("confirmed").asInt()).isEqualTo(2);
    assertThat(Files.readString(records)).doesNotContain("acme-3");

    Path corpus = tmp.resolve("reviewed.cvc");
    assertThat(Main.run("corpus", "import", records.toString(), "--out", corpus.toString(),
        "--data", data.toString())).isZero();
    Path model = tmp.resolve("m.scan");
    String out = capture(() -> Main.run("scan", "train", "--data", DEV.toString(), "--out",
        model.toString(), "--governed", data.toString(), "--invites-corpus", corpus.toString(),
        "--reviews"));
    JsonNode line = Json.parse(out.lines().reduce((a, b) -> b).orElseThrow());
    assertThat(line.path("invites").asInt()).as(out).isEqualTo(2);
    String invitesBuild = line.path("builds").get(1).asText();
    assertThat(ScanModel.read(model).info().dataset()).contains(invitesBuild)
        .contains("invites=2");

    String acme = capture(() -> Main.run("lineage", "affected", "--data", data.toString(),
        "--account", "acme"));
    assertThat(acme).contains("invite-scanner").contains(invitesBuild);
    String globex = capture(() -> Main.run("lineage", "affected", "--data", data.toString(),
        "--account", "globex"));
    assertThat(globex).doesNotContain("invite-scanner");
    assertThat(Main.run("log", "verify", "--data", data.toString())).isZero();
  }

  private static void put(DocumentTable t, ReviewItem i) {
    t.put(i.invite().accountId(), i.contentId(), ReviewJson.write(i));
  }

  private static ReviewItem item(String id, String account, String subject,
      ReviewStatus status) {
    Invite invite = new Invite(id, account, MessageParser.create().parse(
        "From: someone@example.com\nSubject: " + subject + "\n\nsee http://x.example/" + id
            + "\n"));
    ScanResult scan = new ScanResult(ScanVerdict.SPAM, 0.9, 0.5, List.of(), List.of("x.example"),
        List.of(), List.of(), List.of());
    ScanVerdict verdict = status == ReviewStatus.RELEASED ? ScanVerdict.CLEAN : ScanVerdict.SPAM;
    return new ReviewItem(invite, scan, status, status == ReviewStatus.HELD ? "" : "alice",
        verdict, Instant.parse("2024-06-01T10:00:00Z"));
  }
}
