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
  void member_seesBeforeUseThatALockedSettingCannotBeChanged_andWhoCanUnlockIt() {
    signIn(w.member);
    assertThat(b.find("#who-user").getText()).contains("bob").contains("Member");
    // A member sees no transparency report and cannot touch account-level settings.
    assertThat(b.all("#nav-transparency")).isEmpty();
    WebElement row = b.waitFor("#row-ai_companion-enabled");
    assertThat(row.findElements(org.openqa.selenium.By.cssSelector(
        "select[data-level=account]"))).isEmpty();
    String userCell = row.findElements(org.openqa.selenium.By.tagName("td")).get(2).getText();
    assertThat(userCell).contains("Inherited from account (locked)")
        .contains("Cannot be changed here: locked at the account level")
        .contains("Only an owner or admin can unlock it").doesNotContain("Ask them");
    // The control says so before use: disabled, and described by the reason.
    WebElement sel = row.findElement(org.openqa.selenium.By.cssSelector(
        "select[data-level=user]"));
    assertThat(sel.isEnabled()).isFalse();
    assertThat(describedBy(sel)).contains("locked at the account level");
    assertThat(settingRow(w.member, "?user=bob", "ai_companion.enabled").path("user").isNull())
        .isTrue();
    b.screenshot(SHOTS.resolve("settings-member-locked-desktop.png"));
  }

  /** The text of the elements an element's aria-describedby names. */
  static String describedBy(WebElement el) {
    return (String) b.js("return (arguments[0].getAttribute('aria-describedby') || '')"
        + ".split(' ').filter(Boolean).map(i => document.getElementById(i).textContent)"
        + ".join(' ')", el);
  }

  /** Whether an element is wholly inside the viewport. */
  static boolean inViewport(WebElement el) {
    return (Boolean) b.js("const r = arguments[0].getBoundingClientRect();"
        + "return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight"
        + " && r.left >= 0 && r.right <= window.innerWidth;", el);
  }

  @Test
  @Order(2)
  void member_mayChangeAnUnlockedSettingOfTheirOwn() {
    signIn(w.member);
    WebElement sel = b.waitFor("#row-notice-require_agreement select[data-level=user]");
    // Locked at account too: the control says so before use.
    assertThat(sel.isEnabled()).isFalse();
    WebElement mine = b.waitFor("#row-diagnostics-optional select[data-level=user]");
    // The ceiling: eng turned optional diagnostics off, so bob cannot turn them on...
    assertThat(b.find("#row-diagnostics-optional").getText())
        .contains("Off at group level: can only stay off");
    WebElement on = mine.findElement(org.openqa.selenium.By.cssSelector("option[value=on]"));
    assertThat(on.isEnabled()).isFalse();
    assertThat(on.getText()).contains("not allowed");
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
    // Customer content and platform-owned data are in two charts: together, every use.
    long chartAllowed = (Long) b.js("return ['chart-uses-time', 'chart-platform-time']"
        + ".map(id => Chart.getChart(document.getElementById(id))).flatMap(c => c.data.datasets)"
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

  /** A screenshot at desktop and at phone width, with no sideways scrolling on the phone. */
  static void bothSizes(String name) {
    b.desktop();
    b.screenshot(SHOTS.resolve(name + "-desktop.png"));
    b.phone();
    assertThat(b.scrollWidth()).as(name + " at 375 px").isLessThanOrEqualTo(375);
    b.screenshot(SHOTS.resolve(name + "-phone.png"));
    b.desktop();
  }

  @Test
  @Order(13)
  void reviews_askBeforeDeciding_showWhy_andRecordWhoDecided() {
    ObjectNode body = Json.object();
    ArrayNode invites = body.putArray("invites");
    invites.addObject().put("content", "inv-console-1").put("message", w.spamInvite);
    invites.addObject().put("content", "inv-console-2").put("message", w.spamInvite);
    ConsoleWorkspace.Response scan = w.send("POST", "/v1/accounts/acme/invites:scan", w.owner,
        body.toString());
    assertThat(scan.status()).as(scan.body()).isEqualTo(200);
    JsonNode held = w.get("/v1/accounts/acme/reviews", w.owner).json().path("items").get(0);
    signIn(w.owner);
    go("reviews", "#reviews-table");
    assertThat(b.all("#reviews-table tbody tr")).hasSize(2);
    assertThat(b.find("#decided-empty").getText()).contains("No invite has been reviewed");
    WebElement first = b.find("tr[data-content='inv-console-1']");
    // The score with its threshold, and the reasons the API gives, with a preview.
    String score = first.findElement(org.openqa.selenium.By.cssSelector("td.score")).getText();
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("([0-9.]+) \\(held at ([0-9.]+) or more\\)").matcher(score.replace('\n', ' '));
    assertThat(m.matches()).as(score).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isCloseTo(held.path("score").asDouble(),
        org.assertj.core.api.Assertions.within(1e-3));
    assertThat(Double.parseDouble(m.group(2))).isCloseTo(
        held.path("scan").path("threshold").asDouble(),
        org.assertj.core.api.Assertions.within(1e-3));
    if (!String.format(java.util.Locale.ROOT, "%.6f", held.path("scan").path("score").asDouble())
        .equals(String.format(java.util.Locale.ROOT, "%.6f",
            held.path("scan").path("threshold").asDouble()))) {
      assertThat(m.group(1)).as("the score told from its threshold").isNotEqualTo(m.group(2));
    }
    first.findElement(org.openqa.selenium.By.cssSelector("details summary")).click();
    String why = first.findElement(org.openqa.selenium.By.cssSelector("details")).getText();
    assertThat(why).contains("Features that weighed most")
        .contains(held.path("scan").path("top_features").get(0).path("feature").asText())
        .contains("Message preview");
    for (JsonNode d : held.path("scan").path("link_domains")) {
      assertThat(why).contains(d.asText());
    }
    for (JsonNode a : held.path("scan").path("header_anomalies")) {
      assertThat(why).contains(a.asText());
    }
    String preview = held.path("preview").asText();
    assertThat(preview).isNotBlank();
    assertThat(first.findElement(org.openqa.selenium.By.cssSelector("blockquote.preview"))
        .getText()).isEqualTo(preview);
    assertThat(A11y.problems(b)).as("reviews").isEmpty();
    bothSizes("reviews-held");

    // Release asks first; cancelling changes nothing.
    b.find("tr[data-content='inv-console-1'] button[data-action='release']").click();
    b.waitFor("#confirm[open]");
    assertThat(b.find("#confirm-body").getText()).contains("cannot be undone")
        .contains("recorded as the reviewer");
    b.find("#confirm-cancel").click();
    b.waitGone("#confirm[open]");
    assertThat(w.get("/v1/accounts/acme/reviews", w.owner).json().path("items")).hasSize(2);
    // Confirmed, it is released and recorded with who decided.
    b.find("tr[data-content='inv-console-1'] button[data-action='release']").click();
    b.waitFor("#confirm[open]");
    b.find("#confirm-ok").click();
    b.waitGone("#reviews-table tr[data-content='inv-console-1']");
    b.waitForText("#decided-table", "inv-console-1");
    assertThat(b.find("#decided-table tr[data-content='inv-console-1']").getText())
        .contains("Released").contains("alice");
    b.find("tr[data-content='inv-console-2'] button[data-action='confirm']").click();
    b.waitFor("#confirm[open]");
    assertThat(b.find("#confirm-body").getText()).contains("stays blocked");
    b.find("#confirm-ok").click();
    b.waitFor("#reviews-empty");
    b.waitForText("#decided-table", "inv-console-2");
    assertThat(b.find("#decided-table tr[data-content='inv-console-2']").getText())
        .contains("Confirmed").contains("alice");
    JsonNode decided = w.get("/v1/accounts/acme/reviews?status=decided", w.owner).json()
        .path("items");
    assertThat(decided).hasSize(2);
    assertThat(decided.findValuesAsText("reviewer")).containsOnly("alice");
    assertThat(A11y.problems(b)).isEmpty();
    bothSizes("reviews-decided");
    signIn(w.member);
    assertThat(b.all("#nav-reviews")).isEmpty();
  }

  @Test
  @Order(14)
  void owner_locksAGroup_andTheGroupViewShowsWhatItsMembersGet() {
    signIn(w.owner);
    // User "— no user —", group eng: the steps of issue 20's second defect.
    go("settings", "#pick-user");
    new Select(b.find("#pick-user")).selectByValue("");
    new Select(b.find("#pick-group")).selectByValue("eng");
    b.waitForText("#settings-table caption", "group eng");
    assertThat(b.find("#settings-table thead").getText())
        .contains("Effective for members of eng");
    new Select(b.find("#row-ai_companion-meeting_summary select[data-level=group]"))
        .selectByVisibleText("Off");
    b.waitFor("#confirm[open]");
    b.find("#confirm-ok").click();
    b.waitForText("#status", "AI meeting summary: off for group eng");
    b.find("#row-ai_companion-meeting_summary input.lock-box[data-level=group]").click();
    b.waitFor("#confirm[open]");
    b.find("#confirm-ok").click();
    b.waitForText("#status", "off, locked for group eng");
    WebElement effective = b.find("#row-ai_companion-meeting_summary td.effective");
    assertThat(effective.getText()).contains("Off").contains("Decided at group level (locked)")
        .doesNotContain("account level");
    JsonNode api = settingRow(w.owner, "?group=eng", "ai_companion.meeting_summary");
    assertThat(api.path("effective").path("value").asBoolean(true)).isFalse();
    assertThat(api.path("effective").path("level").asText()).isEqualTo("group");
    // The account alone is unchanged, and says so.
    assertThat(settingRow(w.owner, "", "ai_companion.meeting_summary").path("effective")
        .path("value").asBoolean()).isTrue();
    // Under the account's lock, the owner is told she can unlock it, not to ask anyone.
    WebElement ai = b.find("#row-ai_companion-enabled");
    WebElement groupSel = ai.findElement(org.openqa.selenium.By.cssSelector(
        "select[data-level=group]"));
    assertThat(groupSel.isEnabled()).isFalse();
    assertThat(describedBy(groupSel)).contains("You can unlock it in the Account column");
    assertThat(ai.getText()).doesNotContain("Ask them");
    ai.findElement(org.openqa.selenium.By.cssSelector("button.go-unlock")).click();
    assertThat(b.js("return document.activeElement.className")).isEqualTo("lock-box");
    assertThat(b.js("return document.activeElement.dataset.level")).isEqualTo("account");
    assertThat(A11y.problems(b)).as("group view").isEmpty();
    bothSizes("settings-group-locked");
  }

  @Test
  @Order(15)
  void member_underAGroupLock_isToldBeforeUse_andARefusalAppearsBesideTheControl() {
    // Bob, AI meeting summary, user bob, while eng's lock applies (issue 20's first defect).
    signIn(w.member);
    WebElement sel = b.waitFor("#row-ai_companion-meeting_summary select[data-level=user]");
    assertThat(sel.isEnabled()).isFalse();
    assertThat(describedBy(sel)).contains("locked by group eng")
        .contains("Only an owner, an admin or a group admin of eng can unlock it");
    bothSizes("settings-member-group-locked");
    // Dave, eng's group admin, is told he can unlock it himself.
    signIn(w.groupAdmin);
    go("settings?user=dave", "#row-ai_companion-meeting_summary");
    assertThat(describedBy(b.find("#row-ai_companion-meeting_summary select[data-level=user]")))
        .contains("You can unlock it in the Group column");

    // A lock set after the page loaded: the API refuses, and the refusal shows beside the
    // control, in view and announced, at both sizes.
    for (boolean phone : new boolean[] {false, true}) {
      signIn(w.member);
      if (phone) {
        b.phone();
      }
      go("settings", "#row-livestream-enabled select[data-level=user]");
      ConsoleWorkspace.Response lock = w.send("PUT",
          "/v1/accounts/acme/settings/livestream.enabled", w.owner,
          "{\"scope\":\"account\",\"value\":false,\"locked\":true}");
      assertThat(lock.status()).as(lock.body()).isEqualTo(200);
      try {
        WebElement live = b.find("#row-livestream-enabled select[data-level=user]");
        b.js("arguments[0].scrollIntoView({block: 'center'})", live);
        new Select(live).selectByVisibleText("On");
        b.waitFor("#confirm[open]");
        b.find("#confirm-ok").click();
        WebElement refusal = b.waitFor(
            "#row-livestream-enabled .row-refusal[data-level=user]:not([hidden])");
        assertThat(refusal.getText()).contains("Refused: Livestreaming")
            .contains("locked at the account level").contains("An owner or admin can unlock it")
            .doesNotContain("setting_locked");
        assertThat(refusal.getAttribute("role")).isEqualTo("alert");
        assertThat(inViewport(refusal)).as("the refusal is in view").isTrue();
        assertThat(b.find("#error").isDisplayed()).isFalse();
        // Redrawn from the server: the control now says it is locked; nothing changed.
        assertThat(b.find("#row-livestream-enabled select[data-level=user]").isEnabled())
            .isFalse();
        assertThat(settingRow(w.member, "?user=bob", "livestream.enabled").path("user")
            .isNull()).isTrue();
        b.screenshot(SHOTS.resolve("settings-refusal-beside-control-"
            + (phone ? "phone" : "desktop") + ".png"));
      } finally {
        b.desktop();
        ConsoleWorkspace.Response clear = w.send("DELETE",
            "/v1/accounts/acme/settings/livestream.enabled?scope=account", w.owner, null);
        assertThat(clear.status()).as(clear.body()).isEqualTo(200);
      }
    }
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
  void transparency_keepsCustomerContentApartFromPlatformData_withAxesAndDatedHours() {
    signIn(w.owner);
    go("transparency", "#chart-uses-time");
    JsonNode report = w.get("/v1/accounts/acme/transparency", w.owner).json();
    String sum = "const c = Chart.getChart(document.getElementById(arguments[0]));"
        + "return c.data.datasets.flatMap(d => d.data).reduce((a, b) => a + b, 0);";
    long customer = (Long) b.js(sum, "chart-uses-time");
    long platform = (Long) b.js(sum, "chart-platform-time");
    long refused = (Long) b.js(sum, "chart-refused-time");
    long owned = 0;
    long marketingOwned = 0;
    long marketingContent = 0;
    for (JsonNode u : report.path("uses")) {
      boolean ownership = u.path("basis").asText().equals("ownership");
      owned += ownership ? u.path("count").asLong() : 0;
      if (u.path("purpose").asText().equals("marketing")) {
        if (ownership) {
          marketingOwned += u.path("count").asLong();
        } else {
          marketingContent += u.path("count").asLong();
        }
      }
    }
    assertThat(platform).isEqualTo(owned).isPositive();
    assertThat(customer).isEqualTo(report.path("allowed").asLong() - owned).isPositive();
    assertThat(refused).isEqualTo(report.path("denied").asLong());
    // Marketing of platform telemetry is not marketing of the customer's content: each chart
    // counts only its own (the content ones were licensed by the 2023 terms, clause 10.4(ii)).
    assertThat(marketingOwned).isPositive();
    assertThat(purposeTotal("chart-platform-time", "Marketing")).isEqualTo(marketingOwned);
    assertThat(purposeTotal("chart-uses-time", "Marketing")).isEqualTo(marketingContent);
    assertThat(datasetLabels("chart-uses-time")).doesNotContain("Refused");
    assertThat(datasetLabels("chart-refused-time")).containsExactly("Refused");
    for (String chart : List.of("chart-uses-time", "chart-platform-time", "chart-refused-time",
        "chart-uses-basis", "chart-refusals")) {
      @SuppressWarnings("unchecked")
      List<String> titles = (List<String>) b.js("const s = Chart.getChart(document"
          + ".getElementById(arguments[0])).options.scales;"
          + "return [s.x.title.display ? s.x.title.text : '', s.y.title.display"
          + " ? s.y.title.text : ''];", chart);
      assertThat(titles).as(chart).allSatisfy(t -> assertThat(t).isNotBlank());
    }
    assertThat((String) b.js("return Chart.getChart(document.getElementById("
        + "'chart-uses-time')).options.scales.y.title.text")).contains("count");
    bothSizes("transparency-split");

    // The 24-hour view: the date under the first hour and wherever the day changes, so no two
    // hours read the same.
    go("transparency?range=1d", "#chart-uses-time");
    @SuppressWarnings("unchecked")
    List<String> hours = (List<String>) b.js("let day = '';"
        + "return Chart.getChart(document.getElementById('chart-refused-time')).data.labels"
        + ".map(l => { if (Array.isArray(l)) { day = l[1]; return l[0] + ' ' + day; }"
        + " return l + ' ' + day; });");
    assertThat(hours).hasSizeGreaterThanOrEqualTo(24).doesNotHaveDuplicates();
    assertThat(hours.get(0)).matches("\\d\\d:00 \\d{1,2} [A-Z][a-z]{2}");
    assertThat((String) b.js("return Chart.getChart(document.getElementById("
        + "'chart-refused-time')).options.scales.x.title.text")).isEqualTo("Hour (UTC)");
    // The labels drawn (thinned to fit the width) still show the date wherever the day changes.
    for (boolean phone : new boolean[] {false, true}) {
      if (phone) {
        b.phone();
        b.driver.navigate().refresh();
        b.waitFor("#chart-refused-time");
      }
      for (String chart : List.of("chart-uses-time", "chart-platform-time",
          "chart-refused-time")) {
        @SuppressWarnings("unchecked")
        List<String> problems = (List<String>) b.js("const c = Chart.getChart("
            + "document.getElementById(arguments[0])); let day = '';"
            + "const dayOf = c.data.labels.map(l => { if (Array.isArray(l)) { day = l[1]; }"
            + " return day; });"
            + "const shown = c.scales.x.ticks.filter(t => t.label !== null"
            + " && t.label !== undefined && t.label !== '');"
            + "const out = []; let prev = null;"
            + "for (const t of shown) { const d = dayOf[t.value];"
            + "  if (d !== prev && !(Array.isArray(t.label) && t.label[1] === d)) {"
            + "    out.push(String(t.label) + ' (' + d + ')'); }"
            + "  prev = d; }"
            + "if (shown.length < 4) { out.push('only ' + shown.length + ' labels'); }"
            + "return out;", chart);
        assertThat(problems).as(chart + (phone ? " at phone width" : "")).isEmpty();
      }
    }
    b.desktop();
    bothSizes("transparency-24h");
  }

  @Test
  @Order(18)
  void owner_issuesAndRevokesAToken_andAnAdminIsNotOfferedTheOwner() {
    signIn(w.owner);
    go("tokens", "#token-form");
    new Select(b.find("#token-user")).selectByValue("bob");
    b.find("#token-name").clear();
    b.find("#token-name").sendKeys("bob laptop");
    b.find("#token-issue").click();
    String secret = b.waitFor("#token-secret").getAttribute("value");
    assertThat(secret).isNotBlank();
    JsonNode you = w.get("/v1/accounts/acme", secret).json().path("you");
    assertThat(you.path("user").asText()).isEqualTo("bob");
    b.waitForText("#tokens-table", "bob laptop");
    assertThat(A11y.problems(b)).as("tokens").isEmpty();
    bothSizes("tokens");
    WebElement row = b.all("#tokens-table tbody tr").stream()
        .filter(r -> r.getText().contains("bob laptop")).findFirst().orElseThrow();
    String id = row.getAttribute("data-token");
    row.findElement(org.openqa.selenium.By.cssSelector("button[data-action=revoke]")).click();
    b.waitFor("#confirm[open]");
    b.find("#confirm-ok").click();
    b.waitGone("#tokens-table tr[data-token='" + id + "']");
    assertThat(w.get("/v1/accounts/acme", secret).status()).isEqualTo(401);

    // An admin may not mint a token acting as the owner: not offered, and the page says why.
    signIn(w.admin);
    go("tokens", "#token-form");
    assertThat(new Select(b.find("#token-user")).getOptions().stream()
        .map(o -> o.getAttribute("value")).toList()).doesNotContain("alice").contains("bob");
    assertThat(b.find("#token-user-help").getText()).contains("Not offered: alice (Owner)");
    signIn(w.member);
    assertThat(b.all("#nav-tokens")).isEmpty();
  }

  /** The sum of one purpose's bars in a chart (0 when the chart has no such dataset). */
  static long purposeTotal(String chart, String label) {
    return (Long) b.js("const d = Chart.getChart(document.getElementById(arguments[0]))"
        + ".data.datasets.find(x => x.label === arguments[1]);"
        + "return d ? d.data.reduce((a, b) => a + b, 0) : 0;", chart, label);
  }

  @SuppressWarnings("unchecked")
  static List<String> datasetLabels(String chart) {
    return (List<String>) b.js("return Chart.getChart(document.getElementById(arguments[0]))"
        + ".data.datasets.map(d => d.label)", chart);
  }
}
