package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ApiIT {
  static Deployment.Opened opened;
  static TestClient op;

  @BeforeAll
  static void start() {
    opened = Deployment.inMemory(ServerConfig.defaults(0), TermsLibrary.builtInCatalog(),
        Clock.systemUTC());
    opened.server().start();
    op = new TestClient(opened.server().url(), opened.operatorSecret().orElseThrow());
    Workspace.seed(op);
  }

  @AfterAll
  static void stop() {
    opened.server().close();
  }

  static String memberToken(String account, String user) {
    TestClient.Response r = op.post("/v1/tokens", "{\"kind\":\"account\",\"account\":\""
        + account + "\",\"user\":\"" + user + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().path("secret").asText();
  }

  @Test
  void lockedAtAccount_memberOverride_is409SettingLocked() {
    TestClient bob = op.as(memberToken("acme", "bob"));
    TestClient.Response r = bob.put("/v1/accounts/acme/settings/recording.cloud",
        "{\"scope\":\"user:bob\",\"value\":true}");
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().path("code").asText()).isEqualTo("setting_locked");
    assertThat(r.json().path("field").asText()).isEqualTo("scope");
  }

  /**
   * Valued settings (docs/DATA-RIGHTS.md) through {@code PUT …/settings/{key}}: a whole number of
   * days, a list of region codes; a value of the wrong shape is 400 naming {@code value}, one that
   * does not fit the key is the ledger's {@code invalid_value}, also naming {@code value}.
   */
  @Test
  void valuedSettings_areSetThroughPut_andBadValuesNameTheField() {
    TestClient alice = op.as(memberToken("acme", "alice"));
    TestClient.Response r = alice.put("/v1/accounts/acme/settings/retention.days",
        "{\"value\":30}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("value").asLong()).isEqualTo(30);
    assertThat(r.json().path("position").asLong()).isPositive();
    r = alice.put("/v1/accounts/acme/settings/data_regions.allowed",
        "{\"value\":[\"eu-west\"],\"scope\":\"account\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("value").get(0).asText()).isEqualTo("eu-west");
    r = alice.delete("/v1/accounts/acme/settings/data_regions.allowed");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("position").asLong()).isPositive();

    r = alice.put("/v1/accounts/acme/settings/retention.days", "{\"value\":\"30\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().path("field").asText()).isEqualTo("value");
    r = alice.put("/v1/accounts/acme/settings/data_regions.allowed", "{\"value\":true}");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().path("field").asText()).isEqualTo("value");
    r = alice.put("/v1/accounts/acme/settings/retention.days", "{\"value\":-1}");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().path("code").asText()).as(r.body()).isEqualTo("invalid_value");
    assertThat(r.json().path("field").asText()).isEqualTo("value");
    r = alice.put("/v1/accounts/acme/settings/data_regions.allowed",
        "{\"value\":[\"EU WEST\"]}");
    assertThat(r.json().path("code").asText()).as(r.body()).isEqualTo("invalid_value");
    assertThat(r.json().path("field").asText()).isEqualTo("value");
  }

  @Test
  void memberMayNotWriteAccountLevel_is403NotAuthorized() {
    TestClient bob = op.as(memberToken("acme", "bob"));
    TestClient.Response r = bob.put("/v1/accounts/acme/settings/livestream.enabled",
        "{\"value\":true}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().path("code").asText()).isEqualTo("not_authorized");
  }

  @Test
  void effectiveSettings_showDecidingLevelAndLock() {
    JsonNode s = op.get("/v1/accounts/acme/settings?user=bob").json();
    JsonNode cloud = null;
    for (JsonNode x : s.path("settings")) {
      if (x.path("key").asText().equals("recording.cloud")) {
        cloud = x;
      }
    }
    assertThat(cloud).isNotNull();
    assertThat(cloud.path("effective").path("value").asBoolean()).isFalse();
    assertThat(cloud.path("effective").path("level").asText()).isEqualTo("account");
    assertThat(cloud.path("effective").path("locked").asBoolean()).isTrue();
    assertThat(cloud.path("account").path("locked").asBoolean()).isTrue();
  }

  @Test
  void decision_denyIs200WithVerdictDeny() {
    TestClient.Response r = op.post("/v1/decisions",
        "{\"purpose\":\"ai.training\",\"content\":\"c-chat-1\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("verdict").asText()).isEqualTo("deny");
    assertThat(r.json().path("reason").asText()).isEqualTo("consent_missing");
    TestClient.Response ok = op.post("/v1/decisions",
        "{\"purpose\":\"service.provide\",\"content\":\"c-chat-1\"}");
    assertThat(ok.json().path("verdict").asText()).isEqualTo("allow");
    assertThat(ok.json().path("clauses").get(0).asText()).isEqualTo("default#provide");
  }

  @Test
  void batch_returnsOneResultPerRequest() {
    TestClient.Response r = op.post("/v1/decisions:batch", "{\"purpose\":\"service.provide\","
        + "\"requests\":[\"c-chat-1\",{\"content\":\"c-chat-1\",\"purpose\":\"marketing\"},"
        + "\"nope\"]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.path("count").asInt()).isEqualTo(3);
    JsonNode outcomes = j.path("outcomes");
    assertThat(outcomes.get(j.path("results").get(0).asInt()).path("verdict").asText())
        .isEqualTo("allow");
    assertThat(outcomes.get(j.path("results").get(1).asInt()).path("reason").asText())
        .isEqualTo("forbidden");
    assertThat(outcomes.get(j.path("results").get(2).asInt()).path("reason").asText())
        .isEqualTo("unknown_content");
  }

  @Test
  void serviceToken_isBoundToItsPurposes() {
    TestClient.Response t = op.post("/v1/tokens", "{\"kind\":\"service\",\"name\":\"rec\","
        + "\"purposes\":[\"service.recording\"],\"accounts\":[\"acme\"]}");
    TestClient svc = op.as(t.json().path("secret").asText());
    assertThat(svc.post("/v1/decisions", "{\"purpose\":\"service.recording\",\"content\":"
        + "\"c-chat-1\"}").status()).isEqualTo(200);
    TestClient.Response no = svc.post("/v1/decisions", "{\"purpose\":\"ai.training\","
        + "\"content\":\"c-chat-1\"}");
    assertThat(no.status()).isEqualTo(403);
    assertThat(no.json().path("field").asText()).isEqualTo("purpose");
  }

  @Test
  void notices_participantHeldMutedUntilAcknowledged() {
    TestClient.Response n = op.get("/v1/meetings/m-globex-1/notices?participant=guest-7");
    assertThat(n.json().path("muted").asBoolean()).as(n.body()).isTrue();
    assertThat(n.json().path("notices").toString()).contains("recording");
    TestClient.Response ack = op.post("/v1/meetings/m-globex-1/acknowledgements",
        "{\"participant\":\"guest-7\",\"notice\":\"recording\"}");
    assertThat(ack.status()).as(ack.body()).isEqualTo(200);
    assertThat(ack.json().path("muted").asBoolean()).isFalse();
  }

  @Test
  void consentGrant_thenHistoryAndTransparency() {
    TestClient.Response g = op.post("/v1/accounts/globex/consents/ai_training:grant", "{}");
    assertThat(g.status()).as(g.body()).isEqualTo(200);
    assertThat(g.json().path("status").asText()).isEqualTo("in_force");
    JsonNode h = op.get("/v1/accounts/globex/consents").json();
    assertThat(h.path("history").toString()).contains("granted");
    op.post("/v1/decisions", "{\"purpose\":\"service.provide\",\"content\":\"c-globex-rec\"}");
    JsonNode report = op.get("/v1/accounts/globex/transparency").json();
    assertThat(report.path("uses").toString()).contains("service.provide");
  }

  @Test
  void noToken_is401NamingAuthorization() {
    TestClient anon = new TestClient(op.base(), java.util.Optional.empty(),
        java.util.Optional.empty());
    TestClient.Response r = anon.get("/v1/accounts");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("field").asText()).isEqualTo("Authorization");
  }

  @Test
  void healthAndMetrics() {
    assertThat(op.get("/healthz").status()).isEqualTo(200);
    assertThat(op.get("/readyz").status()).isEqualTo(200);
    op.post("/v1/decisions", "{\"purpose\":\"marketing\",\"content\":\"c-chat-1\"}");
    String m = op.get("/metrics").body();
    assertThat(m).contains("covenant_decisions_total{reason=\"forbidden\",verdict=\"deny\"}");
    assertThat(m).contains("covenant_ledger_head");
    assertThat(m).contains("covenant_http_request_duration_seconds_bucket");
  }
}
