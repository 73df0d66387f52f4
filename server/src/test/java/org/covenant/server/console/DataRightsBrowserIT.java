package org.covenant.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The console's data-rights page (issue 18) in a real headless Chromium against a server over a
 * seeded data directory, and its two read routes over real HTTP: an owner sees the account's
 * retention ceiling in words, places a legal hold and sees it listed, releases it after a
 * confirmation, sees a data request with its due date, and sees why an old item is denied
 * ({@code retention_expired} with the date the server computed), at 1280x800 and 375x812.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataRightsBrowserIT extends ConsoleBrowserBase {
  @BeforeAll
  static void seedDataRights() {
    // The owner keeps customer content 20 days: c-1 (an attachment 27 days old) has expired.
    post(w.owner, "/v1/events", "{\"events\":[{\"type\":\"setting.set\",\"at\":\""
        + Instant.now() + "\",\"account\":\"acme\",\"scope\":\"account\",\"key\":"
        + "\"retention.days\",\"value\":20,\"locked\":false,\"by\":\"alice\"}]}", 200);
    post(w.owner, "/v1/accounts/acme/dsr", "{\"subject\":\"bob\",\"kind\":\"export\"}",
        201);
  }

  static JsonNode post(String token, String path, String body, int status) {
    ConsoleWorkspace.Response r = w.send("POST", path, token, body);
    assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(status);
    JsonNode j = r.json();
    if (path.equals("/v1/events")) {
      assertThat(j.path("rejected").asInt()).as(r.body()).isZero();
    }
    return j;
  }

  @Test
  @Order(1)
  void routes_answerOwnersAndAdminsOfTheAccountOnly() {
    JsonNode o = w.get("/v1/accounts/acme/data-rights", w.admin).json();
    assertThat(o.path("retention.days").path("account").path("value").asLong()).isEqualTo(20);
    assertThat(o.path("retention.days").path("groups").path("eng").path("level").asText())
        .isEqualTo("account");
    assertThat(o.path("data_regions.allowed").path("account").isNull()).isTrue();
    JsonNode c = w.get("/v1/accounts/acme/content/c-1/rights", w.owner).json();
    Instant captured = Instant.parse(c.path("captured_at").asText());
    assertThat(c.path("denied").asText()).isEqualTo("retention_expired");
    assertThat(Instant.parse(c.path("expired_at").asText()))
        .isEqualTo(captured.plus(20, ChronoUnit.DAYS));
    // A service-generated item has no customer retention.
    assertThat(w.get("/v1/accounts/acme/content/c-4/rights", w.owner).json().path("denied")
        .isNull()).isTrue();
    // Members and group admins are refused; another account's owner never reads acme's.
    assertThat(w.get("/v1/accounts/acme/data-rights", w.member).status()).isEqualTo(403);
    assertThat(w.get("/v1/accounts/acme/content/c-1/rights", w.groupAdmin).status())
        .isEqualTo(403);
    String gina = w.asOperator("POST", "/v1/tokens", "{\"kind\":\"account\",\"account\":"
        + "\"globex\",\"user\":\"gina\"}").json().path("secret").asText();
    assertThat(w.get("/v1/accounts/acme/data-rights", gina).status()).isIn(403, 404);
    assertThat(w.get("/v1/accounts/globex/content/c-1/rights", gina).status()).isEqualTo(404);
    assertThat(w.get("/v1/accounts/acme/content/nope/rights", w.owner).status()).isEqualTo(404);
  }

  @Test
  @Order(2)
  void owner_seesTheCeiling_placesAndReleasesAHold_seesARequestDue_andWhyAnItemIsDenied() {
    signIn(w.owner);
    b.find("#nav-datarights").click();
    assertThat(b.waitFor("#retention-ceiling").getText())
        .contains("a group or user may only shorten the account's 20 days");
    assertThat(b.find("#retention-groups").getText()).contains("eng").contains("20 days");
    assertThat(b.find("#holds-empty").getText()).isEqualTo("No legal holds.");
    // A data request, with its due date (30 days after it was received) and status.
    JsonNode req = w.get("/v1/accounts/acme/dsr", w.owner).json().path("requests").get(0);
    String due = req.path("due").asText();
    String row = b.waitFor("tr[data-request='" + req.path("id").asText() + "']").getText();
    assertThat(row).contains("bob").contains("export").contains(due.substring(0, 10))
        .contains("received");
    b.screenshot(SHOTS.resolve("datarights-owner-desktop.png"));

    // Place a hold on eng for a matter; it is listed with scope and matter.
    b.find("#hold-id").sendKeys("hold-7");
    b.find("#hold-scope").clear();
    b.find("#hold-scope").sendKeys("group:eng");
    b.find("#hold-matter").sendKeys("Acme v. Globex");
    b.find("#hold-place").click();
    String held = b.waitFor("tr[data-hold='hold-7']").getText();
    assertThat(held).contains("group:eng").contains("Acme v. Globex").contains("In force")
        .contains("alice");
    assertThat(w.get("/v1/accounts/acme/data-rights", w.owner).json().path("holds").get(0)
        .path("in_force").asBoolean()).isTrue();

    // Why c-1 is denied: its retention expired on the date the server computed.
    JsonNode c = w.get("/v1/accounts/acme/content/c-1/rights", w.owner).json();
    b.find("#item-id").sendKeys("c-1");
    b.find("#item-check").click();
    b.waitForText("#item-denied", "retention_expired");
    assertThat(b.find("#item-denied").getText()).contains("20 days retention expired")
        .contains(c.path("expired_at").asText().substring(0, 10));
    assertThat(A11y.problems(b)).isEmpty();
    b.screenshot(SHOTS.resolve("datarights-hold-item-desktop.png"));

    // Release asks first; Cancel changes nothing, Release releases.
    b.find("tr[data-hold='hold-7'] button[data-action=release]").click();
    assertThat(b.waitFor("#confirm-title").getText()).contains("Release hold hold-7?");
    b.find("#confirm-cancel").click();
    assertThat(b.find("tr[data-hold='hold-7']").getText()).contains("In force");
    b.find("tr[data-hold='hold-7'] button[data-action=release]").click();
    b.waitFor("#confirm-ok").click();
    b.waitForText("tr[data-hold='hold-7']", "Released");
    assertThat(w.get("/v1/accounts/acme/data-rights", w.owner).json().path("holds").get(0)
        .path("in_force").asBoolean()).isFalse();
  }

  @Test
  @Order(3)
  void atPhoneWidth_thePageFitsAndTheSameFactsShow() {
    b.phone();
    try {
      signIn(w.owner);
      b.open(w.url() + "/#/datarights");
      assertThat(b.waitFor("#retention-ceiling").getText()).contains("only shorten");
      assertThat(b.waitFor("tr[data-hold='hold-7']").getText()).contains("Acme v. Globex");
      b.find("#item-id").sendKeys("c-1");
      b.find("#item-check").click();
      b.waitForText("#item-denied", "retention_expired");
      assertThat(b.scrollWidth()).isLessThanOrEqualTo(375);
      b.screenshot(SHOTS.resolve("datarights-owner-phone.png"));
    } finally {
      b.desktop();
    }
  }

  @Test
  @Order(4)
  void member_hasNoDataRightsPage() {
    signIn(w.member);
    assertThat(b.all("#nav-datarights")).isEmpty();
  }
}
