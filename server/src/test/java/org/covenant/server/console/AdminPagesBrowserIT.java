package org.covenant.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.covenant.format.Json;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The transparency report, reviews and tokens in a real browser, and every page at desktop and
 * phone width without sideways scrolling, with contrast and control names checked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminPagesBrowserIT extends ConsoleBrowserBase {
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
      {"audit", "#audit-table", "audit"},
      {"tokens", "#tokens-table", "tokens-list"},
      {"reviews", "#review-list", "reviews"},
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
    // When each was decided, as the server recorded it.
    assertThat(decided.path(0).path("decided_at").isTextual()).isTrue();
    assertThat(b.find("#decided-table tr[data-content='inv-console-1'] td.decided-at time")
        .getAttribute("datetime")).isEqualTo(decided.path(0).path("decided_at").asText());
    // The decided list is searchable, and says when nothing matches.
    b.find("#decided-search").sendKeys("inv-console-2");
    b.waitForText("#decided-count", "1 of 2 match");
    assertThat(b.all("#decided-table tbody tr")).hasSize(1);
    b.find("#decided-search").sendKeys("zzz");
    b.waitForText("#decided-empty", "No reviewed invites match");
    b.find("#decided-search").clear();
    b.find("#decided-search").sendKeys(" ");
    assertThat(A11y.problems(b)).isEmpty();
    bothSizes("reviews-decided");
    signIn(w.member);
    assertThat(b.all("#nav-reviews")).isEmpty();
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
    // Newest first, searchable, paged, and an empty state when nothing matches.
    assertThat(b.find("#tokens-table tbody tr").getText()).contains("bob laptop");
    b.find("#tokens-search").sendKeys("laptop");
    b.waitForText("#tokens-count", "1 of ");
    assertThat(b.all("#tokens-table tbody tr")).hasSize(1);
    b.find("#tokens-search").sendKeys(" nothing like this");
    b.waitForText("#tokens-empty", "No tokens match");
    b.find("#tokens-search").clear();
    b.find("#tokens-search").sendKeys("bob laptop");
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
}
