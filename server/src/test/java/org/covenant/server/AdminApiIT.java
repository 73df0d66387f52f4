package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.NoteVerifier;
import org.covenant.log.TiledLog;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API behind the console's admin pages (issue 20) over a real data directory: the audit
 * history (filters, pages, validated limits, log entries that hold the event), the terms preview
 * (what the engine answers after accepting is what it predicted), meetings searched and paged
 * with what was on and why a feature stays on, and participant tokens that can do nothing but
 * their own participant's part in their own meeting.
 */
class AdminApiIT {
  @TempDir
  static Path dir;
  static Deployment.Opened opened;
  static MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  static TestClient op;
  static TestClient alice;
  static TestClient bob;
  static TestClient gina;
  static TestClient meetings;
  static TestClient decisions;

  @BeforeAll
  static void start() {
    opened = Deployment.open(dir, LedgerConfig.sqlite(dir), ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), clock);
    opened.server().start();
    op = new TestClient(opened.server().url(), opened.operatorSecret().orElseThrow());
    Workspace.seed(op);
    TestClient.Response more = op.post("/v1/events", """
        {"events":[
         {"type":"setting.set","at":"2024-01-02T00:00:00Z","account":"acme","scope":"group:eng","key":"ai_companion.enabled","value":false,"by":"alice"},
         {"type":"consent.granted","at":"2024-01-03T00:00:00Z","account":"acme","consent":"ai_training","by":"carol"},
         {"type":"setting.set","at":"2024-01-04T00:00:00Z","account":"acme","scope":"user:bob","key":"notice.require_agreement","value":true,"by":"bob"},
         {"type":"setting.set","at":"2024-01-04T00:00:01Z","account":"acme","scope":"account","key":"livestream.enabled","value":true,"by":"alice"},
         {"type":"meeting.started","at":"2024-01-05T00:00:00Z","account":"acme","meeting":"acme:standup","host":"bob","features":["recording.local"]},
         {"type":"meeting.ended","at":"2024-01-05T01:00:00Z","meeting":"acme:standup"},
         {"type":"meeting.started","at":"2024-01-06T00:00:00Z","account":"acme","meeting":"acme:allhands","host":"alice","features":["recording.local","livestream.enabled"]},
         {"type":"content.created","at":"2024-01-06T00:10:00Z","content":"acme:allhands-audio","category":"customer_content.audio","account":"acme","meeting":"acme:allhands"},
         {"type":"content.created","at":"2024-01-06T00:11:00Z","content":"acme:allhands-chat","category":"customer_content.chat","account":"acme","meeting":"acme:allhands"},
         {"type":"account.created","at":"2024-02-01T00:00:00Z","account":"initech","owner":"ida"},
         {"type":"terms.accepted","at":"2024-02-01T00:00:01Z","account":"initech","terms":"example-2023-03-31","by":"ida"},
         {"type":"consent.granted","at":"2024-02-01T00:00:02Z","account":"initech","consent":"ai_training","by":"ida"},
         {"type":"content.created","at":"2024-02-01T00:00:03Z","content":"initech:a1","category":"customer_content.audio","account":"initech"},
         {"type":"content.created","at":"2024-02-01T00:00:04Z","content":"initech:c1","category":"customer_content.chat","account":"initech"},
         {"type":"content.created","at":"2024-02-01T00:00:05Z","content":"initech:t1","category":"customer_content.transcript","account":"initech"}
        ]}""");
    assertThat(more.json().path("rejected").asInt()).as(more.body()).isZero();
    alice = op.as(token("{\"kind\":\"account\",\"account\":\"acme\",\"user\":\"alice\"}"));
    bob = op.as(token("{\"kind\":\"account\",\"account\":\"acme\",\"user\":\"bob\"}"));
    gina = op.as(token("{\"kind\":\"account\",\"account\":\"globex\",\"user\":\"gina\"}"));
    meetings = op.as(token("{\"kind\":\"service\",\"name\":\"meetings\",\"purposes\":"
        + "[\"service.recording\"],\"accounts\":[\"acme\"],\"role\":\"meetings\"}"));
    decisions = op.as(token("{\"kind\":\"service\",\"name\":\"training\",\"purposes\":"
        + "[\"ai.training\"],\"accounts\":[\"acme\"],\"role\":\"decisions\"}"));
  }

  private static String token(String body) {
    TestClient.Response r = op.post("/v1/tokens", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().path("secret").asText();
  }

  @AfterAll
  static void stop() {
    opened.server().close();
  }

  private static List<String> types(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("items").forEach(i -> out.add(i.path("type").asText()));
    return out;
  }

  // ---- audit

  @Test
  void audit_listsGovernanceChangesNewestFirst_filtered() {
    JsonNode all = alice.get("/v1/accounts/acme/audit").json();
    assertThat(types(all)).doesNotContain("content.created", "meeting.started",
        "participant.joined", "meeting.ended");
    assertThat(types(all)).contains("account.created", "terms.accepted", "group.created",
        "user.added", "setting.set", "consent.granted");
    long prev = Long.MAX_VALUE;
    for (JsonNode i : all.path("items")) {
      assertThat(i.path("position").asLong()).isLessThan(prev);
      prev = i.path("position").asLong();
      assertThat(i.path("event").path("account").asText()).isEqualTo("acme");
    }
    JsonNode settings = alice.get("/v1/accounts/acme/audit?kind=setting").json();
    assertThat(types(settings)).isNotEmpty().allMatch(x -> x.startsWith("setting."));
    JsonNode group = alice.get("/v1/accounts/acme/audit?kind=setting&level=group").json();
    assertThat(group.path("items")).hasSize(1);
    assertThat(group.path("items").get(0).path("event").path("scope").asText())
        .isEqualTo("group:eng");
    assertThat(group.path("items").get(0).path("by").asText()).isEqualTo("alice");
    // Who: the user who made a change, or whom a membership change or user setting is about.
    JsonNode byBob = alice.get("/v1/accounts/acme/audit?who=bob").json();
    assertThat(types(byBob)).containsExactly("setting.set", "user.added");
    JsonNode consents = alice.get("/v1/accounts/acme/audit?kind=consent,terms").json();
    assertThat(types(consents)).containsExactly("consent.granted", "terms.accepted");
    JsonNode when = alice.get("/v1/accounts/acme/audit?from=2024-01-02T00:00:00Z"
        + "&to=2024-01-04T00:00:01Z").json();
    assertThat(types(when)).containsExactly("setting.set", "consent.granted", "setting.set");
    assertThat(bob.get("/v1/accounts/acme/audit").status()).isEqualTo(403);
    assertThat(gina.get("/v1/accounts/acme/audit").status()).isEqualTo(404);
  }

  @Test
  void audit_pagesCoverEverythingOnce() {
    List<Long> unpaged = new ArrayList<>();
    alice.get("/v1/accounts/acme/audit?limit=200").json().path("items")
        .forEach(i -> unpaged.add(i.path("position").asLong()));
    List<Long> paged = new ArrayList<>();
    String next = "";
    int pages = 0;
    do {
      JsonNode page = alice.get("/v1/accounts/acme/audit?limit=3" + next).json();
      page.path("items").forEach(i -> paged.add(i.path("position").asLong()));
      assertThat(page.path("items").size()).isLessThanOrEqualTo(3);
      next = page.path("next").isNull() ? null : "&before=" + page.path("next").asLong();
      pages++;
    } while (next != null && pages < 20);
    assertThat(pages).isGreaterThan(2);
    assertThat(paged).isEqualTo(unpaged);
  }

  @Test
  void audit_limitsAndFiltersAreValidatedAtTheEdge() {
    for (String[] bad : new String[][] {{"limit=0", "limit"}, {"limit=201", "limit"},
        {"limit=x", "limit"}, {"kind=billing", "kind"}, {"level=team", "level"},
        {"from=yesterday", "from"}, {"before=0", "before"}, {"who=", "who"},
        {"from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z", "to"}}) {
      TestClient.Response r = alice.get("/v1/accounts/acme/audit?" + bad[0]);
      assertThat(r.status()).as(bad[0]).isEqualTo(400);
      assertThat(r.json().path("field").asText()).as(bad[0]).isEqualTo(bad[1]);
    }
  }

  @Test
  void audit_eachChangeNamesTheLogEntryThatRecordsIt() throws Exception {
    JsonNode item = null;
    for (int i = 0; i < 100; i++) {
      item = alice.get("/v1/accounts/acme/audit?kind=consent").json().path("items").get(0);
      if (!item.path("log_entry").isNull()) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(item.path("log_entry").isNull()).as("logged within 10 s").isFalse();
    String key = op.get("/log/key").body().trim();
    try (TiledLog log = TiledLog.openReadOnly(dir, NoteVerifier.parse(key).orThrow())) {
      JsonNode leaf = Json.parse(new String(log.leaf(item.path("log_entry").asLong()),
          StandardCharsets.UTF_8));
      assertThat(leaf.path("position").asLong()).isEqualTo(item.path("position").asLong());
      assertThat(leaf.path("event").path("type").asText()).isEqualTo("consent.granted");
      // A different number from the ledger position: the log also holds other leaves.
      assertThat(item.path("log_entry").asLong()).isNotEqualTo(item.path("position").asLong());
    }
  }

  // ---- terms preview

  private static int allowed(String purpose, List<String> content) {
    int n = 0;
    for (String c : content) {
      TestClient.Response r = op.post("/v1/decisions", "{\"purpose\":\"" + purpose
          + "\",\"content\":\"" + c + "\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      if (r.json().path("verdict").asText().equals("allow")) {
        n++;
      }
    }
    return n;
  }

  @Test
  void termsPreview_predictsWhatTheEngineAnswersAfterAccepting() {
    // initech, on its own: content captured under example-2023-03-31 (seeded above), then the
    // preview of example-2023-08-11 and its acceptance.
    TestClient ida = op.as(token("{\"kind\":\"account\",\"account\":\"initech\","
        + "\"user\":\"ida\"}"));
    List<String> content = List.of("initech:a1", "initech:c1", "initech:t1");
    TestClient.Response r = ida.get("/v1/accounts/initech/terms/example-2023-08-11/preview");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode preview = r.json();
    assertThat(preview.path("current").asText()).isEqualTo("example-2023-03-31");
    assertThat(preview.path("items").asInt()).isEqualTo(3);
    int changes = 0;
    List<String> purposes = new ArrayList<>();
    for (JsonNode p : preview.path("purposes")) {
      String purpose = p.path("purpose").asText();
      JsonNode held = p.path("held");
      assertThat(held.path("allowed_now").asInt()).as(purpose).isEqualTo(allowed(purpose,
          content));
      assertThat(held.path("allowed_after").asInt()).as(purpose).isEqualTo(
          held.path("allowed_now").asInt() - held.path("allow_to_deny").asInt()
              + held.path("deny_to_allow").asInt());
      changes += held.path("allow_to_deny").asInt() + held.path("deny_to_allow").asInt();
      for (JsonNode f : p.path("new_content")) {
        assertThat(f.path("changes").asBoolean()).isEqualTo(
            !f.path("now").path("verdict").equals(f.path("after").path("verdict")));
        changes += f.path("changes").asBoolean() ? 1 : 0;
      }
      purposes.add(purpose);
    }
    assertThat(changes).as("the two versions differ for this account").isPositive();
    TestClient.Response accepted = ida.post("/v1/accounts/initech/terms",
        "{\"terms\":\"example-2023-08-11\"}");
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    for (JsonNode p : preview.path("purposes")) {
      String purpose = p.path("purpose").asText();
      assertThat(allowed(purpose, content)).as("after accepting, %s", purpose)
          .isEqualTo(p.path("held").path("allowed_after").asInt());
    }
    assertThat(ida.get("/v1/accounts/initech/terms/nope/preview").status()).isEqualTo(404);
    assertThat(bob.get("/v1/accounts/acme/terms/default/preview").status()).isEqualTo(403);
    assertThat(alice.get("/v1/accounts/initech/terms/default/preview").status())
        .isEqualTo(404);
  }

  // ---- meetings

  @Test
  void meetings_searchFilterPage_andSayWhatWasOn() {
    JsonNode all = alice.get("/v1/accounts/acme/meetings").json();
    assertThat(all.path("total").asInt()).isEqualTo(3);
    // Live first, then the newest.
    assertThat(all.path("meetings").findValuesAsText("meeting")).containsExactly(
        "acme:allhands", "m-acme-1", "acme:standup");
    JsonNode ended = alice.get("/v1/accounts/acme/meetings?status=ended").json();
    assertThat(ended.path("meetings")).hasSize(1);
    JsonNode standup = ended.path("meetings").get(0);
    assertThat(standup.path("ended").asText()).isEqualTo("2024-01-05T01:00:00Z");
    assertThat(standup.path("features")).isEmpty();
    assertThat(standup.path("features_used").toString()).contains("recording.local");
    assertThat(alice.get("/v1/accounts/acme/meetings?q=HANDS").json().path("meetings")
        .findValuesAsText("meeting")).containsExactly("acme:allhands");
    assertThat(alice.get("/v1/accounts/acme/meetings?host=bob").json().path("total").asInt())
        .isEqualTo(1);
    assertThat(alice.get("/v1/accounts/acme/meetings?feature=recording.local").json()
        .path("total").asInt()).isEqualTo(2);
    JsonNode page = alice.get("/v1/accounts/acme/meetings?limit=2&offset=2").json();
    assertThat(page.path("meetings").findValuesAsText("meeting"))
        .containsExactly("acme:standup");
    assertThat(page.path("next_offset").isNull()).isTrue();
    assertThat(alice.get("/v1/accounts/acme/meetings?limit=2").json().path("next_offset")
        .asInt()).isEqualTo(2);
    for (String bad : List.of("limit=0", "limit=201", "status=open", "feature=fax",
        "offset=-1")) {
      assertThat(alice.get("/v1/accounts/acme/meetings?" + bad).status()).as(bad)
          .isEqualTo(400);
    }
  }

  @Test
  void aLiveMeetingKeepsAFeatureALaterLockTurnedOff_andSaysWhatTheLockChanges() {
    TestClient.Response lock = alice.put("/v1/accounts/acme/settings/recording.local",
        "{\"scope\":\"account\",\"value\":false,\"locked\":true}");
    assertThat(lock.status()).as(lock.body()).isEqualTo(200);
    try {
      JsonNode m = alice.get("/v1/meetings/acme:allhands").json();
      assertThat(m.path("features").toString()).contains("recording.local");
      JsonNode t = null;
      for (JsonNode a : m.path("active")) {
        if (a.path("feature").asText().equals("recording.local")) {
          t = a;
        }
      }
      assertThat(t).isNotNull();
      assertThat(t.path("on_since").asText()).isEqualTo("2024-01-06T00:00:00Z");
      assertThat(t.path("host_setting_now").path("value").asBoolean()).isFalse();
      assertThat(t.path("host_setting_now").path("level").asText()).isEqualTo("account");
      assertThat(t.path("host_setting_now").path("locked").asBoolean()).isTrue();
    } finally {
      alice.delete("/v1/accounts/acme/settings/recording.local?scope=account");
    }
  }

  // ---- participant tokens

  private static JsonNode participantToken(TestClient issuer, String meeting, String body) {
    TestClient.Response r = issuer.post("/v1/meetings/" + meeting + "/participant-tokens", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  @Test
  void aParticipantTokenDoesItsParticipantsPartInItsMeeting() {
    JsonNode t = participantToken(alice, "acme:allhands",
        "{\"participant\":\"pat\",\"account\":\"initrode\",\"ttl_seconds\":3600}");
    assertThat(t.path("kind").asText()).isEqualTo("participant");
    assertThat(t.path("meeting").asText()).isEqualTo("acme:allhands");
    assertThat(t.path("participant").asText()).isEqualTo("pat");
    assertThat(Instant.parse(t.path("expires").asText())).isEqualTo(clock.instant()
        .plusSeconds(3600));
    assertThat(t.path("link").asText()).startsWith(
        "/participant.html?meeting=acme%3Aallhands&participant=pat&account=initrode#token=cov_");
    TestClient pat = op.as(t.path("secret").asText());
    TestClient.Response join = pat.post("/v1/meetings/acme:allhands/participants",
        "{\"participant\":\"pat\",\"account\":\"initrode\"}");
    assertThat(join.status()).as(join.body()).isEqualTo(200);
    assertThat(join.json().path("external").asBoolean()).isTrue();
    TestClient.Response notices = pat.get("/v1/meetings/acme:allhands/notices?participant=pat");
    assertThat(notices.status()).isEqualTo(200);
    for (JsonNode n : notices.json().path("notices")) {
      TestClient.Response ack = pat.post("/v1/meetings/acme:allhands/acknowledgements",
          "{\"participant\":\"pat\",\"notice\":\"" + n.asText() + "\"}");
      assertThat(ack.status()).as(ack.body()).isEqualTo(200);
    }
    TestClient.Response left = pat.post("/v1/events", "{\"events\":[{\"type\":"
        + "\"participant.left\",\"at\":\"" + clock.instant() + "\",\"meeting\":"
        + "\"acme:allhands\",\"participant\":\"pat\"}]}");
    assertThat(left.json().path("accepted").asInt()).as(left.body()).isEqualTo(1);
    // The account's tokens page lists it, and an admin revokes it.
    assertThat(alice.get("/v1/tokens").body()).contains(t.path("id").asText());
  }

  @Test
  void aParticipantTokenCanDoNothingElse() {
    JsonNode t = participantToken(alice, "acme:allhands", "{\"participant\":\"pia\"}");
    TestClient pia = op.as(t.path("secret").asText());
    // Another participant, another organisation, another meeting, another event type.
    assertThat(pia.get("/v1/meetings/acme:allhands/notices?participant=bob").status())
        .isEqualTo(403);
    assertThat(pia.post("/v1/meetings/acme:allhands/participants",
        "{\"participant\":\"bob\"}").status()).isEqualTo(403);
    assertThat(pia.post("/v1/meetings/acme:allhands/participants",
        "{\"participant\":\"pia\",\"account\":\"acme\"}").status()).isEqualTo(403);
    assertThat(pia.post("/v1/meetings/acme:allhands/acknowledgements",
        "{\"participant\":\"bob\",\"notice\":\"recording\"}").status()).isEqualTo(403);
    assertThat(pia.get("/v1/meetings/m-acme-1/notices?participant=pia").status())
        .isEqualTo(404);
    assertThat(pia.get("/v1/meetings/m-globex-1/notices?participant=pia").status())
        .isEqualTo(404);
    TestClient.Response setting = pia.post("/v1/events", "{\"events\":[{\"type\":"
        + "\"setting.set\",\"at\":\"" + clock.instant() + "\",\"account\":\"acme\",\"scope\":"
        + "\"account\",\"key\":\"recording.cloud\",\"value\":true,\"by\":\"alice\"}]}");
    assertThat(setting.status()).isEqualTo(403);
    TestClient.Response feature = pia.post("/v1/events", "{\"events\":[{\"type\":"
        + "\"meeting.feature\",\"at\":\"" + clock.instant() + "\",\"meeting\":"
        + "\"acme:allhands\",\"feature\":\"recording.cloud\",\"on\":true,\"by\":\"alice\"}]}");
    assertThat(feature.status()).isEqualTo(403);
    TestClient.Response otherLeft = pia.post("/v1/events", "{\"events\":[{\"type\":"
        + "\"participant.left\",\"at\":\"" + clock.instant() + "\",\"meeting\":"
        + "\"acme:allhands\",\"participant\":\"bob\"}]}");
    assertThat(otherLeft.status()).isEqualTo(403);
    // Every other route of the API refuses it, whatever it names.
    List<String> allowed = List.of("GET /v1/meetings/{meeting}/notices",
        "POST /v1/meetings/{meeting}/participants",
        "POST /v1/meetings/{meeting}/acknowledgements", "POST /v1/events");
    int checked = 0;
    for (Route route : opened.server().routes()) {
      String key = route.method() + " " + route.path();
      if (!route.authenticated() || allowed.contains(key)) {
        continue;
      }
      String path = route.path().replace("{account}", "acme")
          .replace("{meeting}", "acme:allhands").replace("{key}", "recording.cloud")
          .replace("{consent}", "ai_training").replace("{terms}", "default")
          .replace("{token}", t.path("id").asText()).replace("{content}", "x")
          .replace("{namespace}", "x");
      TestClient.Response r = pia.send(route.method(), path, "{}");
      assertThat(r.status()).as(key).isEqualTo(403);
      checked++;
    }
    assertThat(checked).isGreaterThan(20);
  }

  @Test
  void participantTokens_whoIssuesThem_forHowLong_andTheyExpire() {
    // Bob hosts no live meeting of acme's; an admin, the host and the meetings service may.
    assertThat(bob.post("/v1/meetings/acme:allhands/participant-tokens",
        "{\"participant\":\"x\"}").status()).isEqualTo(403);
    assertThat(decisions.post("/v1/meetings/acme:allhands/participant-tokens",
        "{\"participant\":\"x\"}").status()).isEqualTo(403);
    assertThat(gina.post("/v1/meetings/acme:allhands/participant-tokens",
        "{\"participant\":\"x\"}").status()).isEqualTo(404);
    participantToken(meetings, "acme:allhands", "{\"participant\":\"svc-guest\"}");
    TestClient.Response endedMeeting = alice.post(
        "/v1/meetings/acme:standup/participant-tokens", "{\"participant\":\"x\"}");
    assertThat(endedMeeting.status()).isEqualTo(409);
    for (String ttl : List.of("59", "86401", "1.5", "\"1h\"")) {
      TestClient.Response r = alice.post("/v1/meetings/acme:allhands/participant-tokens",
          "{\"participant\":\"x\",\"ttl_seconds\":" + ttl + "}");
      assertThat(r.status()).as(ttl).isEqualTo(400);
      assertThat(r.json().path("field").asText()).isEqualTo("ttl_seconds");
    }
    assertThat(op.post("/v1/tokens", "{\"kind\":\"participant\"}").status()).isEqualTo(400);
    JsonNode t = participantToken(alice, "acme:allhands",
        "{\"participant\":\"pam\",\"ttl_seconds\":60}");
    TestClient pam = op.as(t.path("secret").asText());
    assertThat(pam.get("/v1/meetings/acme:allhands/notices?participant=pam").status())
        .isEqualTo(200);
    clock.advance(Duration.ofSeconds(61));
    TestClient.Response late = pam.get("/v1/meetings/acme:allhands/notices?participant=pam");
    assertThat(late.status()).isEqualTo(401);
    assertThat(late.json().path("code").asText()).isEqualTo("token_expired");
  }
}
