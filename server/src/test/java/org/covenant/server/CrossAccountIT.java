package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.Test;

/**
 * Walks every route of the OpenAPI document with a token of another account (globex's owner, the
 * most privileged account token) aimed at acme: routes that name acme or its meeting answer 404
 * and never acme's data; nothing of acme's changes.
 */
class CrossAccountIT {
  /** A valid body for each write route, aimed at acme. */
  private static final Map<String, String> BODIES = Map.ofEntries(
      Map.entry("POST /v1/events", "{\"events\":[{\"type\":\"setting.set\",\"at\":"
          + "\"2030-01-01T00:00:00Z\",\"account\":\"acme\",\"scope\":\"account\",\"key\":"
          + "\"recording.local\",\"value\":false,\"by\":\"gina\"}]}"),
      Map.entry("PUT /v1/accounts/{account}/settings/{key}", "{\"value\":false}"),
      Map.entry("POST /v1/accounts/{account}/terms", "{\"terms\":\"default\"}"),
      Map.entry("POST /v1/accounts/{account}/content", "{\"content\":\"x-1\",\"category\":"
          + "\"customer_content.chat\"}"),
      Map.entry("POST /v1/meetings/{meeting}/participants", "{\"participant\":\"spy\"}"),
      Map.entry("POST /v1/meetings/{meeting}/acknowledgements", "{\"participant\":\"bob\","
          + "\"notice\":\"recording\"}"),
      Map.entry("POST /v1/decisions", "{\"purpose\":\"service.provide\",\"content\":"
          + "\"c-chat-1\"}"),
      Map.entry("POST /v1/decisions:batch", "{\"purpose\":\"service.provide\",\"requests\":"
          + "[\"c-chat-1\"]}"),
      Map.entry("POST /v1/tokens", "{\"kind\":\"account\",\"account\":\"acme\",\"user\":"
          + "\"alice\"}"),
      Map.entry("POST /v1/namespaces", "{}"));

  @Test
  void foreignToken_getsNotFoundOnEveryAccountRoute_andNoData() {
    Deployment.Opened o = Deployment.inMemory(ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
    try (CovenantServer server = o.server().start()) {
      TestClient op = new TestClient(server.url(), o.operatorSecret().orElseThrow());
      Workspace.seed(op);
      String acmeEvents = op.get("/v1/accounts/acme/events?limit=1000").body();
      TestClient.Response t = op.post("/v1/tokens", "{\"kind\":\"account\",\"account\":"
          + "\"globex\",\"user\":\"gina\"}");
      TestClient gina = op.as(t.json().path("secret").asText());
      String unknownDecision = gina.post("/v1/decisions", "{\"purpose\":\"service.provide\","
          + "\"content\":\"does-not-exist\"}").json().toString();
      JsonNode doc = op.get("/openapi.json").json();
      List<String> walked = new ArrayList<>();
      for (String route : OpenApiIT.documented(doc)) {
        String method = route.substring(0, route.indexOf(' '));
        String template = route.substring(route.indexOf(' ') + 1);
        String path = template.replace("{account}", "acme").replace("{meeting}", "m-acme-1")
            .replace("{key}", "recording.cloud").replace("{consent}", "ai_training")
            .replace("{terms}", "default").replace("{token}", "tok_000000000000")
            .replace("{namespace}", "ns_0000").replace("{path}", "0/000")
            .replace("{content}", "inv-1").replace("{position}", "1");
        String query = switch (template) {
          case "/v1/meetings/{meeting}/notices" -> "?participant=bob";
          case "/log/proofs/inclusion" -> "?index=0";
          case "/log/proofs/consistency" -> "?from=0";
          default -> "";
        };
        String body = BODIES.getOrDefault(route, method.equals("POST")
            || method.equals("PUT") ? "{}" : null);
        TestClient.Response r = gina.send(method, path + query, body);
        walked.add(route + " -> " + r.status());
        // Never acme's people, content or meeting in an answer.
        assertThat(r.body()).as(route).doesNotContain("alice").doesNotContain("\"bob\"")
            .doesNotContain("carol");
        if (template.contains("{account}") || template.contains("{meeting}")) {
          assertThat(r.status()).as(route + ": " + r.body()).isEqualTo(404);
          assertThat(r.json().path("code").asText()).isEqualTo("not_found");
        } else if (route.equals("POST /v1/events") || route.equals("POST /v1/tokens")) {
          assertThat(r.status()).as(route + ": " + r.body()).isEqualTo(404);
        } else if (route.equals("POST /v1/decisions")) {
          // Another account's content answers exactly as content that does not exist.
          JsonNode d = r.json();
          ((com.fasterxml.jackson.databind.node.ObjectNode) d).put("content", "does-not-exist");
          ((com.fasterxml.jackson.databind.node.ObjectNode) d).remove("at");
          com.fasterxml.jackson.databind.node.ObjectNode u =
              (com.fasterxml.jackson.databind.node.ObjectNode) org.covenant.format.Json.parse(
                  unknownDecision);
          u.remove("at");
          assertThat(d).isEqualTo(u);
        } else if (route.equals("POST /v1/decisions:batch")) {
          assertThat(r.body()).contains("unknown_content").doesNotContain("allow");
        } else if (route.startsWith("POST /v1/namespaces")
            || route.startsWith("DELETE /v1/namespaces")) {
          assertThat(r.status()).as(route).isEqualTo(403);
        } else if (route.equals("GET /v1/tokens")) {
          assertThat(r.body()).doesNotContain("\"acme\"");
        } else if (route.equals("GET /v1/accounts")) {
          assertThat(r.body()).contains("globex").doesNotContain("\"acme\"");
        }
        assertThat(r.status()).as(route).isLessThan(500);
      }
      assertThat(walked).hasSize(OpenApiIT.documented(doc).size());
      assertThat(op.get("/v1/accounts/acme/events?limit=1000").body()).isEqualTo(acmeEvents);
    }
  }
}
