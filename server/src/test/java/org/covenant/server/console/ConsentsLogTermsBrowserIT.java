package org.covenant.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.covenant.evidence.receipt.ReceiptVerification;
import org.covenant.evidence.receipt.ReceiptVerifier;
import org.covenant.format.Json;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.WebElement;

/**
 * Consents, receipts, the log, terms and the audit history in a real browser: a consent with a
 * receipt that verifies in Java and in the browser, receipt numbers named apart, inclusion proofs
 * checked by the page, terms in words, the engine's preview of accepting a version and its
 * acceptance, and the audit history filtered, paged and linked to the proof of each change.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsentsLogTermsBrowserIT extends ConsoleBrowserBase {
  @Test
  @Order(3)
  void owner_grantsAiTrainingConsent_andDownloadsAReceiptThatVerifies() throws Exception {
    signIn(w.owner);
    // The server publishes its verifier key: the log page checks signatures without a paste.
    assertThat(w.get("/log/key", w.owner).body().strip()).isEqualTo(w.verifierKey());
    go("log", "#vkey");
    b.waitForText("#signature-result", "Signature verified");
    assertThat(b.find("#signature-result").getText()).contains("/log/key");
    // The auditor's own key works too.
    b.find("#vkey").sendKeys(w.verifierKey());
    b.find("#check-signature").click();
    b.waitForText("#signature-result", "the key you gave");
    b.find("#vkey").clear();
    b.js("localStorage.removeItem('covenant.console.vkey')");

    go("consents", "#consent-ai_training");
    assertThat(b.find("#consent-ai_training").getText()).contains("Never given");
    assertThat(b.find("#consent-product_improvement").getText())
        .contains("Withdrawn").contains("carol");
    b.find("#consent-ai_training-grant").click();
    b.waitFor("#confirm[open]");
    assertThat(b.find("#confirm-body").getText()).contains("default#training");
    b.find("#confirm-ok").click();
    WebElement link = b.waitFor("#receipt-download");
    assertThat(b.find("#consent-ai_training").getText()).contains("Given").contains("alice");
    assertThat(b.find("#consent-history-table").getText()).contains("AI training")
        .contains("default");
    link.click();
    Path file = awaitDownload();
    String text = Files.readString(file, StandardCharsets.UTF_8);
    JsonNode receipt = Json.parse(text);
    assertThat(receipt.path("receipt").path("consent_type").asText()).isEqualTo("ai_training");
    assertThat(receipt.path("receipt").path("state").asText()).isEqualTo("granted");
    ReceiptVerification v = ReceiptVerifier.create(w.verifier()).verify(text);
    assertThat(v).isInstanceOf(ReceiptVerification.Verified.class);
    // The same receipt, checked again in the browser, against today's log.
    b.find("#receipt-card a[href^='#/log?receipt']").click();
    b.waitForText("#receipt-result", "Receipt verified");
    assertThat(b.find("#receipt-steps").getText()).contains("signed by the log key")
        .contains("extends the one in the receipt").doesNotContain("✗");
    JsonNode consents = w.get("/v1/accounts/acme/consents", w.owner).json();
    assertThat(consents.path("consents").toString()).contains(
        "{\"consent\":\"ai_training\",\"status\":\"in_force\"}");

    // Withdrawing first says what it will affect; cancelling changes nothing.
    go("consents", "#consent-ai_training-withdraw");
    b.find("#consent-ai_training-withdraw").click();
    b.waitFor("#confirm[open]");
    long content = w.get("/v1/accounts/acme", w.owner).json().path("content").asLong();
    assertThat(b.find("#withdraw-effects").getText())
        .contains(content + " content items of this account can no longer be used for training")
        .contains("uses for training AI models were allowed in the last 30 days");
    b.find("#confirm-cancel").click();
    b.waitGone("#confirm[open]");
    assertThat(w.get("/v1/accounts/acme/consents", w.owner).json().path("consents").toString())
        .contains("{\"consent\":\"ai_training\",\"status\":\"in_force\"}");
  }

  @Test
  @Order(8)
  void log_verifiesAnInclusionProofInTheBrowser_andRejectsATamperedOne() {
    signIn(w.member);
    go("log", "#verify-inclusion");
    b.find("#leaf-index").clear();
    b.find("#leaf-index").sendKeys("3");
    b.find("#verify-inclusion").click();
    b.waitForText("#inclusion-result", "Verified: log entry 3 is in the log");
    assertThat(b.find("#leaf-json").getText()).contains("covenant.ledger-event/1");
    // The same check with one proof hash changed must fail: the page does the hashing itself.
    Object tampered = b.jsAsync("const done = arguments[arguments.length - 1];"
        + "import('/js/merkle.js').then(async (m) => {"
        + "  const cp = m.parseCheckpoint(await (await fetch('/log/checkpoint')).text());"
        + "  const p = await (await fetch('/log/proofs/inclusion?index=3&size=' + cp.size)).json();"
        + "  const leaf = m.b64decode(p.leaf_hash);"
        + "  const path = p.path.map(m.b64decode);"
        + "  const good = await m.verifyInclusion(3, cp.size, leaf, path, cp.root);"
        + "  path[0][0] ^= 1;"
        + "  const bad = await m.verifyInclusion(3, cp.size, leaf, path, cp.root);"
        + "  done([good, bad]);"
        + "}).catch((e) => done(String(e)));");
    assertThat(tampered).isEqualTo(List.of(true, false));
  }

  @Test
  @Order(9)
  void terms_showTheVersionsAcceptedAndClausesInPlainWords() {
    signIn(w.admin);
    go("terms", "#terms-table");
    assertThat(b.all("#terms-timeline li")).hasSize(2);
    assertThat(b.find("#terms-timeline").getText()).contains("example-2023-08-07")
        .contains("default").contains("in force now");
    String training = b.find("#terms-table tr[data-purpose='ai.training']").getText();
    assertThat(training).contains("AI training only with every contributor")
        .contains("every account that contributed");
    assertThat(b.find("#terms-table tr[data-purpose='marketing']").getText()).contains("Never");
    assertThat(b.find("#terms-changes").getText()).contains("New");
  }

  @Test
  @Order(16)
  void receipt_namesItsLedgerPositionAndLogEntryApart_andLinksToTheEntry() {
    signIn(w.owner);
    go("consents", "#consent-product_improvement-grant");
    b.find("#consent-product_improvement-grant").click();
    b.waitFor("#confirm[open]");
    b.find("#confirm-ok").click();
    b.waitFor("#receipt-download");
    String position = b.find("#receipt-position").getText();
    String entry = b.find("#receipt-entry a").getText();
    assertThat(position).contains("governance ledger");
    assertThat(b.find("#receipt-entry").getText()).contains("transparency log");
    assertThat(position.split(" ")[0]).isNotEqualTo(entry);
    bothSizes("receipt-numbers");
    b.find("#receipt-entry a").click();
    b.waitForText("#inclusion-result", "Verified: log entry " + entry + " is in the log");
    assertThat(b.find("#leaf-kind").getText()).contains("is a consent receipt");
    assertThat(b.find("#leaf-json").getText()).contains("product_improvement");
    // A ledger event's log entry names its ledger position, so the two are never confused.
    b.find("#leaf-index").clear();
    b.find("#leaf-index").sendKeys("3");
    b.find("#verify-inclusion").click();
    b.waitForText("#inclusion-result", "Verified: log entry 3 is in the log");
    assertThat(b.find("#leaf-kind").getText()).contains("records the ledger event at ledger "
        + "position").contains("different numbers");

    // Without a published key nothing is checked, and nothing shows a tick for it.
    b.driver.executeCdpCommand("Network.enable", java.util.Map.of());
    b.driver.executeCdpCommand("Network.setBlockedURLs",
        java.util.Map.of("urls", List.of("*/log/key")));
    try {
      go("consents", "#consent-history-table");
      go("log?receipt=" + position.split(" ")[0], "#receipt-steps li");
      b.waitForText("#receipt-result", "signatures not checked");
      String steps = b.find("#receipt-steps").getText();
      assertThat(steps).contains("– Signatures not checked").doesNotContain("✓ Signatures");
      assertThat(b.find("#receipt-result").getText()).doesNotContain("✓");
      assertThat(b.find("#signature-result").getText()).startsWith("– Not checked");
      bothSizes("log-no-key");
    } finally {
      b.driver.executeCdpCommand("Network.setBlockedURLs", java.util.Map.of("urls", List.of()));
    }
  }

  @Test
  @Order(17)
  void audit_filtersByWhatWhoAndLevel_pages_andLinksEachChangeToItsProof() {
    // Enough changes for more than one page of 25.
    for (int i = 0; i < 14; i++) {
      for (boolean on : new boolean[] {false, true}) {
        ConsoleWorkspace.Response r = w.send("PUT",
            "/v1/accounts/acme/settings/diagnostics.optional", w.owner,
            "{\"scope\":\"user:erin\",\"value\":" + on + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
    }
    signIn(w.owner);
    go("audit", "#audit-table");
    JsonNode first = w.get("/v1/accounts/acme/audit?limit=25", w.owner).json();
    assertThat(b.all("#audit-table tbody tr")).hasSize(25);
    assertThat(b.find("#audit-table tbody tr").getAttribute("data-position"))
        .isEqualTo(first.path("items").get(0).path("position").asText());
    b.find("#audit-next").click();
    b.waitForText("#audit-count", "Showing changes 26–");
    assertThat(b.find("#audit-table tbody tr").getAttribute("data-position"))
        .isEqualTo(first.path("next").asText().equals("null") ? "" : w.get(
            "/v1/accounts/acme/audit?limit=25&before=" + first.path("next").asText(), w.owner)
            .json().path("items").get(0).path("position").asText());
    b.find("#audit-prev").click();
    b.waitForText("#audit-count", "Showing changes 1–25");
    // What and level: the group-level setting changes only, as the API lists them.
    new org.openqa.selenium.support.ui.Select(b.find("#audit-kind")).selectByValue("setting");
    new org.openqa.selenium.support.ui.Select(b.find("#audit-level")).selectByValue("group");
    b.find("#audit-apply").click();
    JsonNode groups = w.get("/v1/accounts/acme/audit?kind=setting&level=group", w.owner)
        .json();
    assertThat(groups.path("items")).isNotEmpty();
    b.waitForText("#audit-count", "Showing changes 1–" + groups.path("items").size());
    for (WebElement row : b.all("#audit-table tbody tr")) {
      assertThat(row.getAttribute("data-type")).startsWith("setting.");
      assertThat(row.getText()).contains("for group");
    }
    // Who: carol withdrew product improvement.
    b.find("#audit-clear").click();
    b.waitForText("#audit-count", "Showing changes 1–25");
    b.find("#audit-who").sendKeys("carol");
    b.find("#audit-apply").click();
    b.waitForText("#audit-table", "consent withdrawn");
    for (WebElement row : b.all("#audit-table tbody tr")) {
      assertThat(row.getText()).contains("carol");
    }
    assertThat(A11y.problems(b)).as("audit").isEmpty();
    bothSizes("audit-filtered");
    // Nothing matches: the empty state says so.
    b.find("#audit-who").clear();
    b.find("#audit-who").sendKeys("nobody-here");
    b.find("#audit-apply").click();
    b.waitForText("#audit-empty", "No change matches these filters");
    // A change's log entry, checked in the browser against the log: it records that position.
    b.find("#audit-clear").click();
    b.waitForText("#audit-count", "Showing changes 1–25");
    WebElement row = null;
    for (int i = 0; i < 50 && row == null; i++) {
      List<WebElement> linked = b.all("#audit-table tbody tr a.log-entry-link");
      if (linked.isEmpty()) {
        b.find("#audit-apply").click();
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      } else {
        row = linked.get(0).findElement(org.openqa.selenium.By.xpath("./ancestor::tr"));
      }
    }
    assertThat(row).as("a change already in the log").isNotNull();
    String position = row.getAttribute("data-position");
    row.findElement(org.openqa.selenium.By.cssSelector("a.log-entry-link")).click();
    b.waitForText("#inclusion-result", "Verified: log entry");
    assertThat(b.find("#leaf-kind").getText()).contains("ledger position " + position);
  }

  @Test
  @Order(18)
  void terms_everyKnownVersion_thePreviewOfAcceptingOne_andAccepting() {
    signIn(w.owner);
    go("terms", "#terms-catalog-table");
    JsonNode catalog = w.get("/v1/terms", w.owner).json().path("terms");
    assertThat(b.all("#terms-catalog-table tbody tr")).hasSize(catalog.size());
    assertThat(b.find("#terms-catalog-table tr[data-terms='default']").getText())
        .contains("In force");
    String proposed = "example-2023-03-31";
    b.find("#terms-catalog-table tr[data-terms='" + proposed + "'] button[data-action=preview]")
        .click();
    b.waitFor("#terms-preview-table");
    JsonNode preview = w.get("/v1/accounts/acme/terms/" + proposed + "/preview", w.owner)
        .json();
    assertThat(b.find("#terms-preview-summary").getText()).contains(
        preview.path("items").asText() + " content items").contains("(default)");
    int changing = 0;
    for (JsonNode p : preview.path("purposes")) {
      JsonNode held = p.path("held");
      String row = b.find("#terms-preview-table tr[data-purpose='" + p.path("purpose").asText()
          + "'] td.held").getText();
      assertThat(row).contains("allowed for " + held.path("allowed_now").asInt() + " of "
          + held.path("items").asInt() + " now, " + held.path("allowed_after").asInt()
          + " after");
      if (held.path("captured_under_other_terms").asInt() > 0) {
        assertThat(row).contains("captured under do not allow it");
      }
      for (JsonNode f : p.path("new_content")) {
        if (f.path("changes").asBoolean()) {
          changing++;
          assertThat(b.find("#terms-preview-table tr[data-purpose='"
              + p.path("purpose").asText() + "'] li[data-category='"
              + f.path("category").asText() + "']").getText()).contains("→");
        }
      }
    }
    assertThat(changing).as("the 2023 terms differ from the default ones").isPositive();
    assertThat(A11y.problems(b)).as("terms preview").isEmpty();
    bothSizes("terms-preview");
    b.find("#terms-accept").click();
    b.waitFor("#confirm[open]");
    assertThat(b.find("#confirm-body").getText()).contains("captured under");
    b.find("#confirm-ok").click();
    b.waitForText("#terms-timeline", proposed);
    assertThat(w.get("/v1/accounts/acme", w.owner).json().path("terms").asText())
        .isEqualTo(proposed);
    assertThat(b.find("#terms-catalog-table tr[data-terms='" + proposed + "']").getText())
        .contains("In force");
    // A member reads the versions but is offered no preview.
    signIn(w.member);
    go("terms", "#terms-catalog-table");
    assertThat(b.all("#terms-catalog-table button[data-action=preview]")).isEmpty();
  }
}
