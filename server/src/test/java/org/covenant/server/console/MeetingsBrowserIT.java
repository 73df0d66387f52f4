package org.covenant.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Meetings and the participant view in a real browser: notices that hold a participant muted until
 * they accept, the meeting view, search and pages, what was on in an ended meeting, why a live
 * meeting keeps a feature a later lock turned off, and a participant link whose token acts as that
 * participant only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeetingsBrowserIT extends ConsoleBrowserBase {
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

  /** Adds ended meetings through the API so the list has more than one page. */
  private static void moreMeetings(int n) {
    StringBuilder events = new StringBuilder("{\"events\":[");
    java.time.Instant t = java.time.Instant.now().minusSeconds(5);
    for (int i = 0; i < n; i++) {
      String id = "m-old-" + String.format("%02d", i);
      events.append(i == 0 ? "" : ",").append("{\"type\":\"meeting.started\",\"at\":\"")
          .append(t.plusMillis(2L * i)).append("\",\"account\":\"acme\",\"meeting\":\"")
          .append(id).append("\",\"host\":\"carol\",\"features\":[]},")
          .append("{\"type\":\"meeting.ended\",\"at\":\"").append(t.plusMillis(2L * i + 1))
          .append("\",\"meeting\":\"").append(id).append("\"}");
    }
    ConsoleWorkspace.Response r = w.asOperator("POST", "/v1/events", events + "]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("rejected").asInt()).as(r.body()).isZero();
  }

  @Test
  @Order(7)
  void meetings_searchFilterAndPages_andAnEndedMeetingSaysWhatWasOn() {
    moreMeetings(22);
    signIn(w.owner);
    go("meetings", "#meetings-table");
    JsonNode all = w.get("/v1/accounts/acme/meetings?limit=200", w.owner).json();
    int total = all.path("total").asInt();
    assertThat(total).isGreaterThan(20);
    // Server pages of 20: the first is full, Next shows the rest, Previous comes back.
    assertThat(b.all("#meetings-table tbody tr")).hasSize(20);
    assertThat(b.find("#meetings-count").getText()).contains("of " + total + " meetings");
    assertThat(b.find("#meetings-table tbody tr").getAttribute("data-meeting"))
        .isEqualTo(ConsoleWorkspace.LIVE_MEETING);
    b.find("#meetings-next").click();
    b.waitForText("#meetings-count", "Showing 21–" + total);
    assertThat(b.all("#meetings-table tbody tr")).hasSize(total - 20);
    assertThat(b.find("#meetings-next").isEnabled()).isFalse();
    b.find("#meetings-prev").click();
    b.waitForText("#meetings-count", "Showing 1–20");
    // Search and filter: the ended stand-up, where recording and transcription were on.
    b.find("#meetings-q").sendKeys("standup");
    new org.openqa.selenium.support.ui.Select(b.find("#meetings-status"))
        .selectByValue("ended");
    b.find("#meetings-apply").click();
    b.waitForText("#meetings-count", "of 1 meetings");
    WebElement row = b.find("#meetings-table tr[data-meeting='m-standup']");
    assertThat(row.getText()).contains("Ended").contains("was on");
    row.findElement(org.openqa.selenium.By.cssSelector("a")).click();
    b.waitForText("#meeting-title", "m-standup");
    JsonNode standup = w.get("/v1/meetings/m-standup", w.owner).json();
    assertThat(standup.path("features_used")).isNotEmpty();
    assertThat(b.all("#meeting-features-used li")).hasSize(standup.path("features_used")
        .size());
    assertThat(b.find("#meeting-features-used").getText()).contains("Cloud recording");
    assertThat(b.all("#participants-table")).isEmpty();
    assertThat(A11y.problems(b)).as("ended meeting").isEmpty();
    bothSizes("meetings-search-ended");
    // Nothing matches: the list says so and how to see everything.
    b.find("#meetings-q").clear();
    b.find("#meetings-q").sendKeys("no such meeting");
    b.find("#meetings-apply").click();
    b.waitForText("#meetings-empty", "No meeting matches this search");
    assertThat(w.get("/v1/accounts/acme/meetings?q=no%20such%20meeting", w.owner).json()
        .path("total").asInt()).isZero();
  }

  @Test
  @Order(8)
  void aLiveMeetingSaysWhyAFeatureALockTurnedOffIsStillOn_andWhatTheLockChanges() {
    ConsoleWorkspace.Response lock = w.send("PUT", "/v1/accounts/acme/settings/recording.cloud",
        w.owner, "{\"scope\":\"account\",\"value\":false,\"locked\":true}");
    assertThat(lock.status()).as(lock.body()).isEqualTo(200);
    try {
      signIn(w.owner);
      go("meetings?meeting=" + ConsoleWorkspace.LIVE_MEETING, "#participants-table");
      WebElement rec = b.find("#meeting-features li[data-feature='recording.cloud']");
      assertThat(rec.getText()).contains("Still on").contains("does not switch off a feature "
          + "in a meeting already running").contains("off at account level and locked")
          .contains("new meetings start without it").contains("cannot be turned on again");
      // The API agrees: on in the meeting, off for its host now.
      JsonNode m = w.get("/v1/meetings/" + ConsoleWorkspace.LIVE_MEETING, w.owner).json();
      JsonNode active = null;
      for (JsonNode a : m.path("active")) {
        if (a.path("feature").asText().equals("recording.cloud")) {
          active = a;
        }
      }
      assertThat(active).isNotNull();
      assertThat(active.path("host_setting_now").path("value").asBoolean()).isFalse();
      // A feature still allowed says nothing of the kind.
      assertThat(b.find("#meeting-features li[data-feature='ai_companion.meeting_summary']")
          .getText()).doesNotContain("Still on");
      assertThat(A11y.problems(b)).as("still on").isEmpty();
      bothSizes("meeting-still-on");
    } finally {
      ConsoleWorkspace.Response clear = w.send("DELETE",
          "/v1/accounts/acme/settings/recording.cloud?scope=account", w.owner, null);
      assertThat(clear.status()).as(clear.body()).isEqualTo(200);
    }
  }

  @Test
  @Order(9)
  void aParticipantLinkFromTheConsole_actsAsThatParticipantOnly_neverAsTheAdmin() {
    signIn(w.owner);
    go("meetings?meeting=" + ConsoleWorkspace.LIVE_MEETING, "#participant-link-form");
    b.find("#link-participant").sendKeys("guest-55");
    b.find("#link-organisation").sendKeys("hooli");
    b.find("#link-create").click();
    WebElement link = b.waitFor("#participant-link");
    String href = link.getAttribute("href");
    assertThat(href).contains("participant=guest-55").contains("account=hooli")
        .contains("#token=cov_");
    String secret = java.net.URLDecoder.decode(href.substring(href.indexOf("#token=") + 7),
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(secret).isNotEqualTo(w.owner);
    assertThat(A11y.problems(b)).as("participant link").isEmpty();
    bothSizes("meeting-participant-link");
    // The console's own token stays in the console's tab; the participant view uses the link's.
    b.open(href);
    b.waitFor("#notice[open]");
    assertThat(b.find("#you").getText()).contains("guest-55").contains("hooli");
    b.find("#notice-accept").click();
    b.waitGone("#notice[open]");
    b.waitForText("#mic", "You can unmute");
    JsonNode n = w.get("/v1/meetings/" + ConsoleWorkspace.LIVE_MEETING
        + "/notices?participant=guest-55", w.owner).json();
    assertThat(n.path("muted").asBoolean()).isFalse();
    assertThat(n.path("account").asText()).isEqualTo("hooli");
    b.screenshot(SHOTS.resolve("participant-from-link-desktop.png"));
    // What the page holds can do nothing else: not the admin's pages, not another participant.
    @SuppressWarnings("unchecked")
    java.util.List<Long> statuses = (java.util.List<Long>) b.jsAsync(
        "const done = arguments[arguments.length - 1];"
        + "const t = sessionStorage.getItem('covenant.participant.token');"
        + "const get = (p) => fetch(p, {headers: {Authorization: 'Bearer ' + t}})"
        + "  .then(r => r.status);"
        + "Promise.all([get('/v1/accounts/acme/settings'), get('/v1/meetings/m-weekly'),"
        + "  get('/v1/meetings/m-weekly/notices?participant=bob'), get('/v1/tokens'),"
        + "  get('/v1/meetings/m-weekly/notices?participant=guest-55')]).then(done);");
    assertThat(statuses).containsExactly(403L, 403L, 403L, 403L, 200L);
    JsonNode tokens = w.get("/v1/tokens", w.owner).json().path("tokens");
    boolean listed = false;
    for (JsonNode t : tokens) {
      listed |= t.path("kind").asText().equals("participant")
          && t.path("participant").asText().equals("guest-55");
    }
    assertThat(listed).as("the participant token is the account's, listed and revocable")
        .isTrue();
    // Without a token of its own the participant view asks for one; it never borrows the
    // console's, though the console is signed in in this browser.
    b.open(w.url() + "/participant.html?meeting=" + ConsoleWorkspace.LIVE_MEETING
        + "&participant=guest-56");
    b.js("sessionStorage.removeItem('covenant.participant.token')");
    b.driver.navigate().refresh();
    b.waitFor("#access-token");
    assertThat(w.get("/v1/meetings/" + ConsoleWorkspace.LIVE_MEETING
        + "/notices?participant=guest-56", w.owner).json().path("present").asBoolean())
        .isFalse();
  }
}
