package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.Test;

/** {@code covenant serve --demo}'s workspace: seeded through the API, and usable with its tokens. */
class DemoIT {
  @Test
  void demoWorkspace_isSeededWholly_andItsTokensWork() {
    Clock clock = Clock.systemUTC();
    // The demo's scan model, trained on the shared public corpus as `serve --demo` does.
    Demo.DemoScan scan = Demo.scanSample(Path.of(System.getProperty("covenant.shared.dir"),
        "data", "spamassassin", "dev.jsonl.gz"), Optional.empty());
    assertThat(scan.trained()).isTrue();
    assertThat(scan.invites()).hasSize(Demo.DEMO_SPAM + Demo.DEMO_HAM);
    Deployment.Opened o = Deployment.inMemory(ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), clock, Optional.of(scan.model()));
    try (CovenantServer server = o.server().start()) {
      Demo.Seeded s = Demo.seed(server.url(), o.operatorSecret().orElseThrow(), clock.instant(),
          scan.invites());
      assertThat(s.content()).isGreaterThan(2000);
      assertThat(s.held()).isEqualTo(Demo.DEMO_SPAM);
      Map<String, String> tokens = Demo.tokens(o.tokens(), server.namespaces().main()
          .directory(), clock.instant(), Duration.ofDays(7));
      // A token for every role: owner, admin, group admin, member, services and operator.
      assertThat(tokens.keySet()).contains("acme owner (alice)", "acme admin (carol)",
          "acme group admin (dave)", "acme member (bob)", "recording + AI service",
          "training pipeline service", "operator (demo)");
      for (Map.Entry<String, String> t : tokens.entrySet()) {
        TestClient.Response r = new TestClient(server.url(), t.getValue()).get("/v1/accounts");
        assertThat(r.status()).as(t.getKey()).isIn(200, 403);
      }
      TestClient dave = new TestClient(server.url(), tokens.get("acme group admin (dave)"));
      assertThat(dave.get("/v1/accounts/acme").json().path("you").path("role").asText())
          .isEqualTo("group_admin");
      TestClient carol = new TestClient(server.url(), tokens.get("acme admin (carol)"));
      JsonNode held = carol.get("/v1/accounts/acme/reviews").json().path("items");
      assertThat(held).hasSize(Demo.DEMO_SPAM);
      assertThat(held.get(0).path("preview").asText()).isNotBlank();
      assertThat(held.get(0).path("scan").path("threshold").isNumber()).isTrue();
      TestClient op = new TestClient(server.url(), o.operatorSecret().orElseThrow());
      assertThat(op.get("/v1/accounts").json().path("accounts")).hasSize(4);
      TestClient alice = op.as(tokens.get("acme owner (alice)"));
      JsonNode report = alice.get("/v1/accounts/acme/transparency").json();
      assertThat(report.path("allowed").asLong()).isPositive();
      assertThat(report.path("denied").asLong()).isPositive();
      JsonNode consents = op.get("/v1/accounts/globex/consents").json();
      assertThat(consents.path("history").toString()).contains("withdrawn");
      TestClient bob = op.as(tokens.get("acme member (bob)"));
      TestClient.Response locked = bob.put("/v1/accounts/acme/settings/ai_companion.enabled",
          "{\"scope\":\"user:bob\",\"value\":false}");
      assertThat(locked.json().path("code").asText()).isEqualTo("setting_locked");
      JsonNode meetings = alice.get("/v1/accounts/acme/meetings").json().path("meetings");
      assertThat(meetings.size()).isGreaterThan(10);
    }
  }
}
