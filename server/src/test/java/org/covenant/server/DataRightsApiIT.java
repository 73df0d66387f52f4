package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.covenant.format.TermsLibrary;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-rights events and the decision region through the HTTP API (docs/DATA-RIGHTS.md):
 * events accepted and rejected with their codes, {@code content.deleted} authorised against the
 * content's account (another tenant's content is 404 like a missing one), {@code region}
 * validated at the edge, and a restart that rebuilds the directory from the ledger still
 * attributes the deletion to its account.
 */
class DataRightsApiIT {
  private static Deployment.Opened open(Path dir) {
    return Deployment.open(dir, LedgerConfig.sqlite(dir), ServerConfig.defaults(0)
        .withFreshness(Duration.ofSeconds(5), Duration.ofMillis(100)),
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
  }

  private static String token(TestClient op, String body) {
    TestClient.Response r = op.post("/v1/tokens", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().path("secret").asText();
  }

  private static String decide(TestClient c, String body) {
    TestClient.Response r = c.post("/v1/decisions", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().path("verdict").asText() + ":" + r.json().path("reason").asText("");
  }

  @Test
  void eventsRegionsAndDeletionThroughTheApi_andAfterARestart(@TempDir Path dir) {
    String operator;
    Deployment.Opened first = open(dir);
    try (CovenantServer server = first.server().start()) {
      Deployment.Opened o = first;
      operator = o.operatorSecret().orElseThrow();
      TestClient op = new TestClient(server.url(), operator);
      TestClient.Response seeded = op.post("/v1/events", """
          {"events":[
           {"type":"account.created","at":"2024-01-01T00:00:00Z","account":"acme","owner":"alice"},
           {"type":"terms.accepted","at":"2024-01-01T00:00:01Z","account":"acme","terms":"default","by":"alice"},
           {"type":"user.added","at":"2024-01-01T00:00:02Z","account":"acme","user":"bob","role":"member"},
           {"type":"account.created","at":"2024-01-01T00:00:03Z","account":"globex","owner":"gus"},
           {"type":"terms.accepted","at":"2024-01-01T00:00:04Z","account":"globex","terms":"default","by":"gus"},
           {"type":"content.created","at":"2024-01-01T00:00:05Z","content":"acme:c1","category":"customer_content.chat","account":"acme","author":"bob"},
           {"type":"content.created","at":"2024-01-01T00:00:06Z","content":"globex:g1","category":"customer_content.chat","account":"globex"},
           {"type":"setting.set","at":"2024-01-01T00:00:07Z","account":"acme","scope":"account","key":"data_regions.allowed","value":["eu-west"],"by":"alice"},
           {"type":"setting.set","at":"2024-01-01T00:00:08Z","account":"acme","scope":"account","key":"retention.days","value":0,"by":"alice"},
           {"type":"legal_hold.placed","at":"2024-01-01T00:00:09Z","account":"acme","hold":"h1","scope":"user:bob","matter":"Doe v. Acme","by":"bob"}
          ]}""");
      assertThat(seeded.status()).as(seeded.body()).isEqualTo(200);
      JsonNode results = seeded.json().path("results");
      assertThat(results.get(7).path("status").asText()).isEqualTo("accepted");
      assertThat(results.get(8).path("code").asText()).isEqualTo("invalid_value");
      assertThat(results.get(9).path("code").asText()).isEqualTo("not_authorized");

      assertThat(decide(op, "{\"purpose\":\"service.provide\",\"content\":\"acme:c1\","
          + "\"region\":\"us-east\"}")).isEqualTo("deny:region_not_allowed");
      assertThat(decide(op, "{\"purpose\":\"service.provide\",\"content\":\"acme:c1\","
          + "\"region\":\"eu-west\"}")).isEqualTo("allow:");
      TestClient.Response bad = op.post("/v1/decisions",
          "{\"purpose\":\"service.provide\",\"content\":\"acme:c1\",\"region\":\"EU West\"}");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().path("field").asText()).isEqualTo("region");
      TestClient.Response badBatch = op.post("/v1/decisions:batch",
          "{\"purpose\":\"service.provide\",\"region\":7,\"requests\":[{\"content\":\"acme:c1\"}]}");
      assertThat(badBatch.status()).isEqualTo(400);
      assertThat(badBatch.json().path("field").asText()).isEqualTo("region");

      // An account token of acme: another tenant's content is as unknown as a missing one.
      TestClient bob = op.as(token(op, "{\"kind\":\"account\",\"account\":\"acme\","
          + "\"user\":\"bob\"}"));
      TestClient.Response foreign = bob.post("/v1/events", "{\"events\":[{\"type\":"
          + "\"content.deleted\",\"at\":\"" + java.time.Instant.now() + "\",\"content\":\"globex:g1\","
          + "\"by\":\"bob\"}]}");
      assertThat(foreign.status()).as(foreign.body()).isEqualTo(404);
      assertThat(foreign.json().path("field").asText()).endsWith("content");
      TestClient.Response missing = bob.post("/v1/events", "{\"events\":[{\"type\":"
          + "\"content.deleted\",\"at\":\"" + java.time.Instant.now() + "\",\"content\":\"acme:nope\","
          + "\"by\":\"bob\"}]}");
      assertThat(missing.status()).isEqualTo(404);
      // The author deletes their own content with their own token.
      // An account token writes now.
      TestClient.Response own = bob.post("/v1/events", "{\"events\":[{\"type\":"
          + "\"content.deleted\",\"at\":\"" + java.time.Instant.now() + "\",\"content\":\"acme:c1\","
          + "\"by\":\"bob\"}]}");
      assertThat(own.status()).as(own.body()).isEqualTo(200);
      assertThat(own.json().path("results").get(0).path("status").asText())
          .isEqualTo("accepted");
      assertThat(decide(op, "{\"purpose\":\"service.provide\",\"content\":\"acme:c1\"}"))
          .isEqualTo("deny:content_deleted");
      assertThat(op.get("/v1/accounts/acme/events").body()).contains("content.deleted");
      assertThat(op.get("/v1/accounts/globex/events").body()).doesNotContain("content.deleted");
    }
    // Reopened: the directory is rebuilt from the ledger's replay and still attributes the
    // deletion to acme (it resolves content through the projection being rebuilt).
    Deployment.Opened second = open(dir);
    try (CovenantServer server = second.server().start()) {
      TestClient op = new TestClient(server.url(), operator);
      assertThat(op.get("/v1/accounts/acme/events").body()).contains("content.deleted");
      assertThat(decide(op, "{\"purpose\":\"service.provide\",\"content\":\"acme:c1\"}"))
          .isEqualTo("deny:content_deleted");
    }
  }
}
