package org.covenant.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.covenant.evidence.receipt.ReceiptVerification;
import org.covenant.evidence.receipt.ReceiptVerifier;
import org.covenant.format.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console and the participant view in a real browser (Debian's headless Chromium) against a
 * server this test starts on port 0 over a seeded data directory: refusals in words, consent with
 * a verifiable receipt, notices that hold a participant muted until they accept, the meeting
 * view, the transparency charts, log proofs checked in the browser, keyboard use and phone width.
 * Screenshots of each page at desktop and phone width go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
  static final Path SHOTS = Path.of("target", "screenshots");
  static ConsoleWorkspace w;
  static Browser b;

  @BeforeAll
  static void start() {
    w = ConsoleWorkspace.start();
    b = Browser.start();
    b.desktop();
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (w != null) {
      w.close();
    }
  }

  static void signIn(String token) {
    b.open(w.url() + "/");
    b.js("sessionStorage.clear()");
    // A new document: a change of the hash alone would keep the signed-in page.
    b.open("about:blank");
    b.open(w.url() + "/#/settings");
    b.waitFor("#token").sendKeys(token);
    b.find("#signin-form button[type=submit]").click();
    b.waitFor("#nav-settings");
  }

  static void go(String hash, String readyCss) {
    b.open(w.url() + "/#/" + hash);
    b.waitFor(readyCss);
  }

  static JsonNode settingRow(String token, String query, String key) {
    JsonNode s = w.get("/v1/accounts/acme/settings" + query, token).json();
    for (JsonNode r : s.path("settings")) {
      if (r.path("key").asText().equals(key)) {
        return r;
      }
    }
    throw new AssertionError("no setting " + key);
  }

  @Test
  @Order(1)
  void member_changingASettingLockedAtAccount_isRefusedInWords() {
    signIn(w.member);
    assertThat(b.find("#who-user").getText()).contains("bob").contains("Member");
    // A member sees no transparency report and cannot touch account-level settings.
    assertThat(b.all("#nav-transparency")).isEmpty();
    WebElement row = b.waitFor("#row-ai_companion-enabled");
    assertThat(row.findElements(org.openqa.selenium.By.cssSelector(
        "select[data-level=account]"))).isEmpty();
    String userCell = row.findElements(org.openqa.selenium.By.tagName("td")).get(2).getText();
    assertThat(userCell).contains("Inherited from account (locked)");

    new Select(row.findElement(org.openqa.selenium.By.cssSelector("select[data-level=user]")))
        .selectByVisibleText("Off");
    // AI Companion is a sensitive setting: a confirmation comes first.
    b.waitFor("#confirm[open]");
    assertThat(b.find("#confirm-title").getText()).contains("AI Companion");
    b.find("#confirm-ok").click();
    b.waitFor("#error");
    assertThat(b.find("#error").getText())
        .contains("Refused: AI Companion is locked at the account level")
        .doesNotContain("setting_locked");
    assertThat(b.find("#error").getAttribute("role")).isEqualTo("alert");
    // Nothing changed, on the server or on the page.
    assertThat(settingRow(w.member, "?user=bob", "ai_companion.enabled").path("user").isNull())
        .isTrue();
    assertThat(new Select(b.find("#row-ai_companion-enabled select[data-level=user]"))
        .getFirstSelectedOption().getText()).isEqualTo("Not set");
    b.screenshot(SHOTS.resolve("settings-member-refused-desktop.png"));
  }

  @Test
  @Order(2)
  void member_mayChangeAnUnlockedSettingOfTheirOwn() {
    signIn(w.member);
    WebElement sel = b.waitFor("#row-notice-require_agreement select[data-level=user]");
    // Locked at account too: the refusal names the lock, and the API agrees.
    new Select(sel).selectByVisibleText("Off");
    b.waitForText("#error", "locked at the account level");
    WebElement mine = b.waitFor("#row-diagnostics-optional select[data-level=user]");
    // The ceiling: eng turned optional diagnostics off, so bob cannot turn them on...
    assertThat(b.find("#row-diagnostics-optional").getText())
        .contains("Off at group level: can only stay off");
    new Select(mine).selectByVisibleText("On");
    b.waitForText("#error", "turned off at a higher level");
    // ...but may turn them off for himself.
    new Select(b.find("#row-diagnostics-optional select[data-level=user]"))
        .selectByVisibleText("Off");
    b.waitForText("#status", "Optional diagnostics: off for user bob");
    assertThat(settingRow(w.member, "?user=bob", "diagnostics.optional").path("user")
        .path("value").asBoolean(true)).isFalse();
  }

  @Test
  @Order(3)
  void owner_grantsAiTrainingConsent_andDownloadsAReceiptThatVerifies() throws Exception {
    signIn(w.owner);
    // The auditor's key, so the log page checks signatures too.
    go("log", "#vkey");
    b.find("#vkey").sendKeys(w.verifierKey());
    b.find("#check-signature").click();
    b.waitForText("#signature-result", "Signature verified");

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
    b.find("#receipt-card a[href^='#/log']").click();
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
  @Order(4)
  void groupAdmin_seesTheirGroupToChange_andNotTheAccount() {
    signIn(w.groupAdmin);
    assertThat(b.all("#nav-transparency")).isEmpty();
    WebElement row = b.waitFor("#row-livestream-enabled");
    assertThat(row.findElements(org.openqa.selenium.By.cssSelector(
        "select[data-level=account]"))).isEmpty();
    assertThat(row.findElements(org.openqa.selenium.By.cssSelector(
        "select[data-level=group]"))).hasSize(1);
    List<String> users = new Select(b.find("#pick-user")).getOptions().stream()
        .map(WebElement::getText).toList();
    assertThat(users).hasSize(2).allSatisfy(u -> assertThat(u).contains("group eng"));
    assertThat(new Select(b.find("#pick-group")).getOptions().stream()
        .map(WebElement::getText).toList()).doesNotContain("sales");
  }

  private static Path awaitDownload() throws Exception {
    Instant until = Instant.now().plus(Duration.ofSeconds(15));
    while (Instant.now().isBefore(until)) {
      try (Stream<Path> s = Files.list(b.downloads)) {
        List<Path> done = s.filter(p -> p.toString().endsWith(".json")).toList();
        if (!done.isEmpty()) {
          return done.get(0);
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no receipt was downloaded to " + b.downloads);
  }

  @Test
  @Order(5)
  void participant_seesTheNotice_staysMuted_accepts_andIsUnmuted() {
    // guest-42 comes from an organisation with no account on the platform (§3).
    String url = w.url() + "/participant.html?meeting=" + ConsoleWorkspace.LIVE_MEETING
        + "&participant=guest-42&account=hooli#token=" + w.service;
    b.open(url);
    b.waitFor("#notice[open]");
    // The token left the address bar at once.
    assertThat(b.driver.getCurrentUrl()).doesNotContain("token");
    assertThat(b.find("#you").getText()).isEqualTo("You joined as guest-42, a guest from hooli.");
    assertThat(b.find("#notice-body").getText()).contains("This meeting is being recorded")
        .contains("AI Companion is on");
    assertThat(b.find("#notice-agreement").getText()).contains("You stay muted until you accept");
    assertThat(b.find("#mic").getText()).contains("You are muted");
    assertThat(b.find("#mic-toggle").isEnabled()).isFalse();
    JsonNode before = notices("guest-42");
    assertThat(before.path("present").asBoolean()).isTrue();
    assertThat(before.path("muted").asBoolean()).isTrue();
    assertThat(before.path("account").asText()).isEqualTo("hooli");
    assertThat(before.path("external").asBoolean()).isTrue();
    assertThat(A11y.problems(b)).as("participant notice").isEmpty();
    b.screenshot(SHOTS.resolve("participant-notice-desktop.png"));
    b.phone();
    b.screenshot(SHOTS.resolve("participant-notice-phone.png"));
    b.desktop();

    // Escape closes the notice without accepting: still muted, and the notice can be reviewed.
    b.find("#notice-accept").sendKeys(Keys.ESCAPE);
    b.waitGone("#notice[open]");
    WebElement review = b.waitFor("#review");
    assertThat(b.find("#mic").getText()).contains("You are muted");
    assertThat(notices("guest-42").path("muted").asBoolean()).isTrue();
    review.click();
    b.waitFor("#notice[open]");

    b.find("#notice-accept").click();
    b.waitGone("#notice[open]");
    b.waitForText("#mic", "You can unmute");
    assertThat(b.find("#mic-toggle").isEnabled()).isTrue();
    b.find("#mic-toggle").click();
    b.waitForText("#mic", "Your microphone is on");
    JsonNode after = notices("guest-42");
    assertThat(after.path("muted").asBoolean()).isFalse();
    assertThat(after.path("acknowledged").toString()).contains("recording")
        .contains("ai_companion");
    b.screenshot(SHOTS.resolve("participant-accepted-desktop.png"));
  }

  private static JsonNode notices(String participant) {
    return w.get("/v1/meetings/" + ConsoleWorkspace.LIVE_MEETING + "/notices?participant="
        + participant, w.service).json();
  }

  @Test
  @Order(6)
  void meetingPage_showsFeatures_acknowledgements_andWhoIsHeldMuted() {
    signIn(w.owner);
    go("meetings?meeting=" + ConsoleWorkspace.LIVE_MEETING, "#participants-table");
    assertThat(b.find("#meeting-features").getText()).contains("Cloud recording")
        .contains("AI meeting summary");
    String guest42 = b.find("#participants-table tr[data-participant='guest-42']").getText();
    assertThat(guest42).contains("Can speak").contains("Recording").contains("AI Companion");
    assertThat(guest42).contains("External").contains("Guest from hooli");
    String guest7 = b.find("#participants-table tr[data-participant='guest-7']").getText();
    assertThat(guest7).contains("Held muted").contains("none yet").contains("External")
        .contains("Guest from " + ConsoleWorkspace.GUEST_ORGANISATION);
    String bob = b.find("#participants-table tr[data-participant='bob']").getText();
    assertThat(bob).contains("Held muted").contains(ConsoleWorkspace.ACCOUNT)
        .doesNotContain("External").doesNotContain("Guest");
    assertThat(b.find("#participants-table tr[data-participant='alice']").getText())
        .contains("Host").contains("Can speak").doesNotContain("External");
    assertThat(b.find("#muted-summary").getText()).contains("guest-7").contains("bob")
        .doesNotContain("guest-42");
    JsonNode m = w.get("/v1/meetings/" + ConsoleWorkspace.LIVE_MEETING, w.owner).json();
    long muted = 0;
    for (JsonNode p : m.path("participants")) {
      muted += p.path("muted").asBoolean() ? 1 : 0;
    }
    assertThat(b.find("#muted-summary").getText()).startsWith(muted + " participants");
  }

  @Test
  @Order(7)
  void transparency_chartsAndTablesMatchTheReport() {
    signIn(w.owner);
    go("transparency", "#chart-uses-time");
    JsonNode report = w.get("/v1/accounts/acme/transparency", w.owner).json();
    assertThat(b.find("#stat-decisions .stat-value").getText().replace(",", ""))
        .isEqualTo(report.path("decisions").asText());
    assertThat(b.find("#stat-denied .stat-value").getText().replace(",", ""))
        .isEqualTo(report.path("denied").asText());
    long timeDatasets = (Long) b.js("return Chart.getChart(document.getElementById("
        + "'chart-uses-time')).data.datasets.length");
    assertThat(timeDatasets).isGreaterThanOrEqualTo(3);
    long chartAllowed = (Long) b.js("const c = Chart.getChart(document.getElementById("
        + "'chart-uses-time')); return c.data.datasets.filter(d => d.stack === 'uses')"
        + ".flatMap(d => d.data).reduce((a, b) => a + b, 0)");
    assertThat(chartAllowed).isEqualTo(report.path("allowed").asLong());
    @SuppressWarnings("unchecked")
    List<String> reasons = (List<String>) b.js("return Chart.getChart(document.getElementById("
        + "'chart-refusals')).data.labels");
    assertThat(reasons).contains("Consent was never given", "Nothing in the terms permits this use");
    @SuppressWarnings("unchecked")
    List<String> bases = (List<String>) b.js("return Chart.getChart(document.getElementById("
        + "'chart-uses-basis')).data.datasets.map(d => d.label)");
    assertThat(bases).contains("Licence in the terms", "Platform-owned data");
    assertThat(b.all("#refusals-table tbody tr")).hasSize(report.path("refusals").size());
    assertThat(b.find("#chart-refusals").getAttribute("aria-label")).contains("refused");
  }

  @Test
  @Order(8)
  void log_verifiesAnInclusionProofInTheBrowser_andRejectsATamperedOne() {
    signIn(w.member);
    go("log", "#verify-inclusion");
    b.find("#leaf-index").clear();
    b.find("#leaf-index").sendKeys("3");
    b.find("#verify-inclusion").click();
    b.waitForText("#inclusion-result", "Verified: entry 3 is in the log");
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
  @Order(10)
  void keyboard_dialogsCancelWithEscape_andFocusReturns() {
    signIn(w.owner);
    b.open("about:blank");
    b.open(w.url() + "/#/settings?user=bob");
    b.waitFor("#row-ai_companion-meeting_summary select[data-level=account]");
    // On a fresh page the first Tab stop is the skip link, and it shows when focused.
    new Actions(b.driver).sendKeys(Keys.TAB).perform();
    assertThat(b.js("return document.activeElement.className")).isEqualTo("skip-link");
    assertThat(b.find(".skip-link").getRect().getY()).isGreaterThanOrEqualTo(0);
    new Actions(b.driver).sendKeys(Keys.ENTER).perform();
    assertThat(b.js("return document.activeElement.id")).isEqualTo("main");
    WebElement sel = b.find("#row-ai_companion-meeting_summary select[data-level=account]");
    new Select(sel).selectByVisibleText("Off");
    b.waitFor("#confirm[open]");
    assertThat(b.js("return document.activeElement.id")).isIn("confirm-ok", "confirm-cancel");
    b.find("#confirm").sendKeys(Keys.ESCAPE);
    b.waitGone("#confirm[open]");
    assertThat(b.js("return document.activeElement.getAttribute('data-level')"))
        .isEqualTo("account");
    b.waitForText("#status", "No change made");
    assertThat(settingRow(w.owner, "", "ai_companion.meeting_summary").path("account")
        .path("value").asBoolean()).isTrue();
    assertThat(new Select(b.find("#row-ai_companion-meeting_summary select[data-level=account]"))
        .getFirstSelectedOption().getText()).isEqualTo("On");
  }

  @Test
  @Order(11)
  void settings_explainAParentThatSwitchesAChildOff_andTheDecidingLevel() {
    signIn(w.admin);
    go("settings?user=erin", "#row-transcription-enabled");
    b.waitForText("#settings-table caption", "user erin");
    WebElement row = b.find("#row-transcription-enabled");
    assertThat(row.getAttribute("class")).contains("parent-off");
    assertThat(row.findElement(org.openqa.selenium.By.cssSelector("td.effective")).getText())
        .contains("Off").contains("Off because Cloud recording is off");
    assertThat(settingRow(w.admin, "?user=erin", "transcription.enabled").path("effective")
        .path("level").asText()).isEqualTo("parent");
    // Livestreaming is locked on for sales: erin's own level shows it inherited from the group.
    assertThat(b.find("#row-livestream-enabled").getText())
        .contains("Inherited from group (locked)").contains("Decided at group level (locked)");
  }

  @Test
  @Order(12)
  void everyPage_atDesktopAndPhoneWidth_withoutSidewaysScrolling() throws IOException {
    signIn(w.owner);
    String[][] pages = {
      {"settings?user=bob", "#row-ai_companion-enabled", "settings"},
      {"consents", "#consent-history-table", "consents"},
      {"terms", "#terms-table", "terms"},
      {"meetings?meeting=" + ConsoleWorkspace.LIVE_MEETING, "#participants-table", "meeting"},
      {"transparency", "#chart-uses-time", "transparency"},
      {"log", "#verify-inclusion", "log"},
    };
    for (String[] p : pages) {
      b.desktop();
      go(p[0], p[1]);
      if (p[2].equals("log")) {
        b.find("#verify-inclusion").click();
        b.waitForText("#inclusion-result", "Verified");
      }
      assertThat(A11y.problems(b)).as(p[2] + " at desktop width").isEmpty();
      b.screenshot(SHOTS.resolve(p[2] + "-desktop.png"));
      b.phone();
      b.open(w.url() + "/#/" + p[0]);
      b.driver.navigate().refresh();
      b.waitFor(p[1]);
      assertThat(b.scrollWidth()).as(p[2] + " at 375 px").isLessThanOrEqualTo(375);
      assertThat(A11y.problems(b)).as(p[2] + " at phone width").isEmpty();
      b.screenshot(SHOTS.resolve(p[2] + "-phone.png"));
    }
    b.desktop();
    // The checks can fail: faint text and a control without a name are caught.
    b.js("const p = document.createElement('p'); p.textContent = 'faint words';"
        + "p.style.color = '#b8b8b8'; document.querySelector('main').append(p,"
        + " document.createElement('input'));");
    assertThat(A11y.problems(b)).anySatisfy(x -> assertThat(x).contains("faint words"))
        .anySatisfy(x -> assertThat(x).startsWith("no accessible name: <input"));
    try (Stream<Path> s = Files.list(SHOTS)) {
      assertThat(s.filter(f -> f.toString().endsWith(".png")).count()).isGreaterThanOrEqualTo(12);
    }
  }

  @Test
  @Order(13)
  void reviews_ownerReleasesAndConfirmsHeldInvites_memberHasNoReviewsPage() {
    ObjectNode body = Json.object();
    ArrayNode invites = body.putArray("invites");
    invites.addObject().put("content", "inv-console-1").put("message", w.spamInvite);
    invites.addObject().put("content", "inv-console-2").put("message", w.spamInvite);
    ConsoleWorkspace.Response scan = w.send("POST", "/v1/accounts/acme/invites:scan", w.owner,
        body.toString());
    assertThat(scan.status()).as(scan.body()).isEqualTo(200);
    signIn(w.owner);
    go("reviews", "#reviews-table");
    assertThat(b.all("#reviews-table tbody tr")).hasSize(2);
    b.find("tr[data-content='inv-console-1'] button[data-action='release']").click();
    b.waitGone("tr[data-content='inv-console-1']");
    b.find("tr[data-content='inv-console-2'] button[data-action='confirm']").click();
    b.waitFor("#reviews-empty");
    assertThat(A11y.problems(b)).isEmpty();
    signIn(w.member);
    assertThat(b.all("#nav-reviews")).isEmpty();
  }
}
