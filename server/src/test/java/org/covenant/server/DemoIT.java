package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.Test;

/** {@code covenant serve --demo}'s workspace: seeded through the API, and usable with its tokens. */
class DemoIT {
  @Test
  void demoWorkspace_isSeededWholly_andItsTokensWork() {
    Clock clock = Clock.systemUTC();
    Deployment.Opened o = Deployment.inMemory(ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), clock);
    try (CovenantServer server = o.server().start()) {
      Demo.Seeded s = Demo.seed(server.url(), o.operatorSecret().orElseThrow(), clock.instant());
      assertThat(s.content()).isGreaterThan(2000);
      Map<String, String> tokens = Demo.tokens(o.tokens(), server.namespaces().main()
          .directory(), clock.instant(), Duration.ofDays(7));
      assertThat(tokens).hasSize(5);
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
