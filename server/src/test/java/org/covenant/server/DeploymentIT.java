package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.covenant.evidence.LedgerFeed;
import org.covenant.evidence.receipt.ReceiptVerification;
import org.covenant.evidence.receipt.ReceiptVerifier;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.FileKeyStore;
import org.covenant.log.Hash;
import org.covenant.log.InclusionProof;
import org.covenant.log.NoteVerifier;
import org.covenant.log.TreeHasher;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server over a data directory (SQLite): the ledger, tokens, transparency log and decision log
 * survive a restart; only hashes of tokens are on disk; the log holds every ledger event once,
 * served as tlog-tiles with proofs that verify; consent changes come back with receipts that
 * verify against the log key.
 */
class DeploymentIT {
  private static Deployment.Opened open(Path dir) {
    return Deployment.open(dir, LedgerConfig.sqlite(dir), ServerConfig.defaults(0)
        .withFreshness(Duration.ofSeconds(5), Duration.ofMillis(100)),
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
  }

  @Test
  void restart_keepsLedgerTokensLogAndDecisions(@TempDir Path dir) throws Exception {
    Deployment.Opened first = open(dir);
    String operator = first.operatorSecret().orElseThrow();
    String receipt;
    long head;
    try (CovenantServer server = first.server().start()) {
      TestClient op = new TestClient(server.url(), operator);
      Workspace.seed(op);
      TestClient.Response g = op.post("/v1/accounts/acme/consents/ai_training:grant", "{}");
      assertThat(g.status()).as(g.body()).isEqualTo(200);
      receipt = Json.line(g.json().path("receipt"));
      assertThat(op.post("/v1/decisions:batch", "{\"purpose\":\"service.provide\","
          + "\"requests\":[\"c-chat-1\",\"c-chat-1\",\"c-globex-rec\"]}").status())
          .isEqualTo(200);
      head = server.namespaces().main().ledger().head();
    }
    // Secrets never reach the disk: only hashes.
    String tokens = Files.readString(dir.resolve("keys/tokens.json"));
    assertThat(tokens).doesNotContain(operator).contains("sha256");
    NoteVerifier key = FileKeyStore.load(dir).orElseThrow().verifier();
    ReceiptVerification v = ReceiptVerifier.create(key).verify(receipt);
    assertThat(v).as(v.toString()).isInstanceOf(ReceiptVerification.Verified.class);

    Deployment.Opened second = open(dir);
    assertThat(second.operatorSecret()).as("the operator token is issued once").isEmpty();
    try (CovenantServer server = second.server().start()) {
      TestClient op = new TestClient(server.url(), operator);
      assertThat(server.namespaces().main().ledger().head()).isEqualTo(head);
      JsonNode report = op.get("/v1/accounts/acme/transparency?from=2024-01-01T00:00:00Z")
          .json();
      assertThat(report.path("allowed").asLong()).as(report.toString()).isEqualTo(2);
      JsonNode globex = op.get("/v1/accounts/globex/transparency?from=2024-01-01T00:00:00Z")
          .json();
      assertThat(globex.path("allowed").asLong()).isEqualTo(1);

      // The log holds every ledger event exactly once, in order, whatever else it holds.
      String checkpoint = op.get("/log/checkpoint").body();
      long size = Long.parseLong(checkpoint.split("\n")[1]);
      List<Long> positions = new ArrayList<>();
      TreeHasher hasher = TreeHasher.create();
      for (long i = 0; i < size; i++) {
        byte[] leaf = leaf(op, i);
        JsonNode n = Json.parse(new String(leaf, StandardCharsets.UTF_8));
        if (n.path("type").asText().equals(LedgerFeed.EVENT_LEAF)) {
          positions.add(n.path("position").asLong());
          assertThat(n.toString()).doesNotContain("\"alice\"").doesNotContain("\"bob\"");
        }
        if (i == size - 1 || i == 3) {
          JsonNode p = op.get("/log/proofs/inclusion?index=" + i + "&size=" + size).json();
          List<Hash> path = new ArrayList<>();
          p.path("path").forEach(h -> path.add(Hash.of(Base64.getDecoder().decode(h.asText()))));
          Hash root = Hash.of(Base64.getDecoder().decode(p.path("root").asText()));
          assertThat(new InclusionProof(i, size, path).verify(hasher.leafHash(leaf), root))
              .isTrue();
          assertThat(checkpoint).contains(p.path("root").asText());
        }
      }
      List<Long> expected = new ArrayList<>();
      for (long p = 1; p <= head; p++) {
        expected.add(p);
      }
      assertThat(positions).isEqualTo(expected);
      JsonNode c = op.get("/log/proofs/consistency?from=3&to=" + size).json();
      assertThat(c.path("path").size()).isPositive();
    }
  }

  /** Leaf {@code i}, read from its entry bundle over HTTP (tlog-tiles layout). */
  private static byte[] leaf(TestClient op, long i) {
    long bundle = i / 256;
    String checkpoint = op.get("/log/checkpoint").body();
    long size = Long.parseLong(checkpoint.split("\n")[1]);
    long width = Math.min(256, size - bundle * 256);
    String path = "/log/tile/entries/" + org.covenant.log.TilePaths.encodeIndex(bundle)
        + (width == 256 ? "" : ".p/" + width);
    java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(op.base() + path)).build();
    try {
      byte[] bytes = op.http().send(req, java.net.http.HttpResponse.BodyHandlers.ofByteArray())
          .body();
      List<byte[]> entries = org.covenant.log.EntryBundle.decode(bytes).orThrow();
      return entries.get((int) (i % 256));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
