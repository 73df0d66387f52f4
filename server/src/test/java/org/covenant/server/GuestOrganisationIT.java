package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A guest whose organisation has no account in this ledger (ARCHITECTURE.md §3 check 2) through
 * the API: the meeting service joins them naming that organisation, they acknowledge, author
 * content, leave and rejoin; the meeting lists them as external with their organisation; their
 * organisation, named as a contributor, never consents.
 */
class GuestOrganisationIT {
  static Deployment.Opened opened;
  static TestClient op;
  static TestClient owner;
  static TestClient service;

  @BeforeAll
  static void start() {
    opened = Deployment.inMemory(ServerConfig.defaults(0), TermsLibrary.builtInCatalog(),
        Clock.systemUTC());
    opened.server().start();
    op = new TestClient(opened.server().url(), opened.operatorSecret().orElseThrow());
    TestClient.Response seeded = op.post("/v1/events", """
        {"events":[
         {"type":"account.created","at":"2024-01-01T00:00:00Z","account":"acme","owner":"alice"},
         {"type":"terms.accepted","at":"2024-01-01T00:00:01Z","account":"acme","terms":"default","by":"alice"},
         {"type":"user.added","at":"2024-01-01T00:00:02Z","account":"acme","user":"bob","role":"member"},
         {"type":"consent.granted","at":"2024-01-01T00:00:03Z","account":"acme","consent":"ai_training","by":"alice"},
         {"type":"setting.set","at":"2024-01-01T00:00:04Z","account":"acme","scope":"account","key":"notice.require_agreement","value":true,"by":"alice"},
         {"type":"meeting.started","at":"2024-01-01T00:00:05Z","account":"acme","meeting":"m1","host":"alice","features":["recording.cloud"]}
        ]}""");
    assertThat(seeded.json().path("rejected").asInt()).as(seeded.body()).isZero();
    owner = op.as(token("{\"kind\":\"account\",\"account\":\"acme\",\"user\":\"alice\"}"));
    service = op.as(token("{\"kind\":\"service\",\"name\":\"meetings\","
        + "\"purposes\":[\"service.recording\"],\"accounts\":[\"acme\"],"
        + "\"role\":\"meetings\"}"));
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

  private static JsonNode participant(String id) {
    JsonNode m = owner.get("/v1/meetings/m1").json();
    for (JsonNode p : m.path("participants")) {
      if (p.path("participant").asText().equals(id)) {
        return p;
      }
    }
    return null;
  }

  @Test
  void guestJoinsAcknowledgesAuthorsLeavesAndRejoins_asExternalWithTheirOrganisation() {
    TestClient.Response join = service.post("/v1/meetings/m1/participants",
        "{\"participant\":\"gus\",\"account\":\"initrode\"}");
    assertThat(join.status()).as(join.body()).isEqualTo(200);
    assertThat(join.json().path("present").asBoolean()).isTrue();
    assertThat(join.json().path("muted").asBoolean()).isTrue();
    assertThat(join.json().path("account").asText()).isEqualTo("initrode");
    assertThat(join.json().path("external").asBoolean()).isTrue();

    TestClient.Response ack = service.post("/v1/meetings/m1/acknowledgements",
        "{\"participant\":\"gus\",\"notice\":\"recording\"}");
    assertThat(ack.status()).as(ack.body()).isEqualTo(200);
    assertThat(ack.json().path("muted").asBoolean()).isFalse();

    // Others in the meeting, for contrast: a member of the meeting's account, a guest who named
    // no organisation.
    assertThat(service.post("/v1/meetings/m1/participants",
        "{\"participant\":\"bob\",\"account\":\"acme\"}").status()).isEqualTo(200);
    assertThat(service.post("/v1/meetings/m1/participants",
        "{\"participant\":\"pat\"}").status()).isEqualTo(200);
    JsonNode gus = participant("gus");
    assertThat(gus).isNotNull();
    assertThat(gus.path("account").asText()).isEqualTo("initrode");
    assertThat(gus.path("external").asBoolean()).isTrue();
    assertThat(gus.path("muted").asBoolean()).isFalse();
    assertThat(participant("bob").path("external").asBoolean()).isFalse();
    assertThat(participant("pat").path("account").isNull()).isTrue();
    assertThat(participant("pat").path("external").asBoolean()).isTrue();
    JsonNode host = participant("alice");
    assertThat(host.path("account").asText()).isEqualTo("acme");
    assertThat(host.path("external").asBoolean()).isFalse();

    TestClient.Response content = owner.post("/v1/accounts/acme/content",
        "{\"content\":\"acme:gus-audio\",\"category\":\"customer_content.audio\","
            + "\"meeting\":\"m1\",\"author\":\"gus\",\"contributors\":[\"initrode\"]}");
    assertThat(content.status()).as(content.body()).isEqualTo(201);
    JsonNode training = op.post("/v1/decisions",
        "{\"purpose\":\"ai.training\",\"content\":\"acme:gus-audio\"}").json();
    assertThat(training.path("verdict").asText()).isEqualTo("deny");
    assertThat(training.path("reason").asText()).isEqualTo("contributor_consent_missing");
    JsonNode recording = service.post("/v1/decisions",
        "{\"purpose\":\"service.recording\",\"content\":\"acme:gus-audio\"}").json();
    assertThat(recording.path("verdict").asText()).as(recording.toString()).isEqualTo("allow");

    TestClient.Response left = op.post("/v1/events", "{\"events\":[{\"type\":"
        + "\"participant.left\",\"at\":\"" + Instant.now() + "\",\"meeting\":\"m1\","
        + "\"participant\":\"gus\"}]}");
    assertThat(left.json().path("accepted").asInt()).as(left.body()).isEqualTo(1);
    assertThat(participant("gus")).as("gone after leaving").isNull();
    JsonNode away = service.get("/v1/meetings/m1/notices?participant=gus").json();
    assertThat(away.path("present").asBoolean()).isFalse();
    assertThat(away.path("account").asText()).isEqualTo("initrode");

    TestClient.Response again = service.post("/v1/meetings/m1/participants",
        "{\"participant\":\"gus\",\"account\":\"initrode\"}");
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().path("present").asBoolean()).isTrue();
    assertThat(again.json().path("acknowledged").toString()).contains("recording");
    assertThat(again.json().path("muted").asBoolean()).as("acknowledgements last").isFalse();
    assertThat(participant("gus").path("external").asBoolean()).isTrue();
  }

  @Test
  void theGuestsOrganisation_stillCannotActAsAnAccount() {
    TestClient.Response grant = op.post("/v1/accounts/initrode/consents/ai_training:grant", "");
    assertThat(grant.status()).as(grant.body()).isEqualTo(404);
    TestClient.Response events = op.post("/v1/events", "{\"events\":[{\"type\":"
        + "\"content.created\",\"at\":\"" + Instant.now() + "\",\"content\":\"x\","
        + "\"category\":\"customer_content.audio\",\"account\":\"initrode\"}]}");
    assertThat(events.json().path("results").get(0).path("code").asText())
        .as(events.body()).isEqualTo("unknown_account");
  }
}
