package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.covenant.evidence.dsr.SubjectBundleVerifier;
import org.covenant.format.TermsLibrary;
import org.covenant.log.FileKeyStore;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data subject requests through the real server over a data directory: only the account's owner
 * and admins reach them; the export's bytes verify offline and fail after one byte changes; the
 * erasure removes the person; requests are listed with status and due date.
 */
class DsrIT {
  @Test
  void ownersAndAdminsExportAndErase_andListRequestsWithDueDates(@TempDir Path dir)
      throws Exception {
    Deployment.Opened opened = Deployment.open(dir, LedgerConfig.sqlite(dir),
        ServerConfig.defaults(0).withFreshness(Duration.ofSeconds(5), Duration.ofMillis(100)),
        TermsLibrary.builtInCatalog(), Clock.systemUTC(), Duration.ofDays(7));
    try (CovenantServer server = opened.server().start()) {
      TestClient op = new TestClient(server.url(), opened.operatorSecret().orElseThrow());
      Workspace.seed(op);
      TestClient carol = token(op, "acme", "carol");
      TestClient bob = token(op, "acme", "bob");
      TestClient gina = token(op, "globex", "gina");
      assertThat(carol.post("/v1/accounts/acme/consents/ai_training:grant", "{}").status())
          .isEqualTo(200);

      // Who may ask: the account's owner and admins only; another tenant sees nothing.
      assertThat(bob.post("/v1/accounts/acme/dsr:export", "{\"subject\":\"bob\"}").status())
          .isEqualTo(403);
      assertThat(bob.get("/v1/accounts/acme/dsr").status()).isEqualTo(403);
      assertThat(gina.post("/v1/accounts/acme/dsr:export", "{\"subject\":\"bob\"}").status())
          .isEqualTo(404);
      TestClient.Response unknown = carol.post("/v1/accounts/acme/dsr:export",
          "{\"subject\":\"gus\"}");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().path("code").asText()).isEqualTo("unknown_subject");

      HttpResponse<byte[]> export = carol.http().send(carol.request("POST",
          "/v1/accounts/acme/dsr:export", "{\"subject\":\"carol\"}").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(export.statusCode()).isEqualTo(200);
      assertThat(export.headers().firstValue("Covenant-Dsr-Request")).contains("dsr-1");
      byte[] bundle = export.body();
      String vkey = FileKeyStore.load(dir).orElseThrow().verifier().keyText();
      assertThat(SubjectBundleVerifier.verify(bundle, Optional.of(vkey)))
          .isInstanceOfSatisfying(SubjectBundleVerifier.BundleCheck.Verified.class, v -> {
            assertThat(v.subject()).isEqualTo("carol");
            assertThat(v.facts()).isEqualTo(2);
            assertThat(v.receipts()).isEqualTo(1);
          });
      for (int i = 0; i < bundle.length; i += 97) {
        byte[] changed = bundle.clone();
        changed[i] ^= 1;
        assertThat(SubjectBundleVerifier.verify(changed, Optional.of(vkey))).as("byte %d", i)
            .isInstanceOf(SubjectBundleVerifier.BundleCheck.Rejected.class);
      }

      // A request received now, fulfilled by the erasure later.
      TestClient.Response received = carol.post("/v1/accounts/acme/dsr",
          "{\"subject\":\"bob\",\"kind\":\"erase\"}");
      assertThat(received.status()).as(received.body()).isEqualTo(201);
      assertThat(received.json().path("status").asText()).isEqualTo("received");
      Instant at = Instant.parse(received.json().path("received_at").asText());
      assertThat(Instant.parse(received.json().path("due").asText()))
          .isEqualTo(at.plus(Duration.ofDays(7)));
      TestClient.Response erased = carol.post("/v1/accounts/acme/dsr:erase",
          "{\"subject\":\"bob\",\"request\":\"dsr-2\"}");
      assertThat(erased.status()).as(erased.body()).isEqualTo(200);
      assertThat(erased.json().path("status").asText()).isEqualTo("completed");
      assertThat(erased.json().path("result").path("pseudonym_erased").asBoolean()).isTrue();
      assertThat(Files.readString(dir.resolve("keys/salts.json"))).doesNotContain("\"bob\"");
      TestClient.Response again = carol.post("/v1/accounts/acme/dsr:export",
          "{\"subject\":\"bob\"}");
      assertThat(again.status()).isEqualTo(409);
      assertThat(again.json().path("code").asText()).isEqualTo("subject_erased");
      TestClient.Response owner = carol.post("/v1/accounts/acme/dsr:erase",
          "{\"subject\":\"alice\"}");
      assertThat(owner.status()).as(owner.body()).isEqualTo(403);

      JsonNode list = carol.get("/v1/accounts/acme/dsr").json();
      // The refused erasure of the owner is on record too, with the ledger's code.
      assertThat(list.path("requests")).hasSize(3);
      assertThat(list.path("requests").get(2).path("status").asText()).isEqualTo("refused");
      assertThat(list.path("requests").get(2).path("result").path("code").asText())
          .isEqualTo("not_authorized");
      assertThat(list.path("requests").get(0).path("kind").asText()).isEqualTo("export");
      assertThat(list.path("requests").get(0).path("status").asText()).isEqualTo("completed");
      assertThat(list.path("requests").get(1).path("status").asText()).isEqualTo("completed");
      assertThat(list.path("requests").get(1).has("due")).isTrue();
      assertThat(gina.get("/v1/accounts/globex/dsr").json().path("requests")).isEmpty();
      assertThat(new String(bundle, StandardCharsets.UTF_8)).doesNotContain("\"alice\"");
    }
  }

  static TestClient token(TestClient op, String account, String user) {
    TestClient.Response r = op.post("/v1/tokens", "{\"kind\":\"account\",\"account\":\""
        + account + "\",\"user\":\"" + user + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return op.as(r.json().path("secret").asText());
  }
}
