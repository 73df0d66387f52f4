package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.Test;

/**
 * Thousands of generated bad requests (seeded; the seed is printed on failure): malformed JSON,
 * wrong types, unknown fields, huge bodies, wrong content types, unknown accounts, bad
 * parameters, missing, wrong and expired tokens. Each must be a 4xx problem document naming the
 * field where it is a 400; none a 500; and the ledger must not move: no partial writes.
 */
class MalformedInputIT {
  private static final long SEED = Long.getLong("covenant.fuzz.seed", 20240807L);
  private static final int REQUESTS = Integer.getInteger("covenant.fuzz.requests", 3000);

  /** A valid write: method, path and body. */
  private record Template(String method, String path, String body) {}

  private static final List<Template> WRITES = List.of(
      new Template("POST", "/v1/events", "{\"events\":[{\"type\":\"setting.set\",\"at\":"
          + "\"2031-01-01T00:00:00Z\",\"account\":\"acme\",\"scope\":\"account\",\"key\":"
          + "\"recording.local\",\"value\":false,\"locked\":false,\"by\":\"alice\"},"
          + "{\"type\":\"participant.joined\",\"at\":\"2031-01-01T00:00:01Z\",\"meeting\":"
          + "\"m-acme-1\",\"participant\":\"p9\"}]}"),
      new Template("PUT", "/v1/accounts/acme/settings/recording.local",
          "{\"scope\":\"account\",\"value\":false,\"locked\":false}"),
      new Template("POST", "/v1/accounts/acme/consents/ai_training:grant", "{\"by\":\"alice\"}"),
      new Template("POST", "/v1/accounts/acme/terms", "{\"terms\":\"default\",\"by\":\"alice\"}"),
      new Template("POST", "/v1/accounts/acme/content", "{\"content\":\"x-1\",\"category\":"
          + "\"customer_content.chat\",\"contributors\":[\"acme\"]}"),
      new Template("POST", "/v1/meetings/m-acme-1/participants", "{\"participant\":\"p1\"}"),
      new Template("POST", "/v1/meetings/m-acme-1/acknowledgements",
          "{\"participant\":\"bob\",\"notice\":\"recording\"}"),
      new Template("POST", "/v1/decisions", "{\"purpose\":\"service.provide\",\"content\":"
          + "\"c-chat-1\",\"at\":\"2031-01-01T00:00:00Z\"}"),
      new Template("POST", "/v1/decisions:batch", "{\"purpose\":\"service.provide\","
          + "\"requests\":[\"c-chat-1\",{\"content\":\"c-chat-1\",\"purpose\":\"marketing\"}]}"),
      new Template("POST", "/v1/tokens", "{\"kind\":\"service\",\"name\":\"n\",\"purposes\":"
          + "[\"marketing\"]}"));

  private static final List<String> READS = List.of(
      "/v1/accounts/acme/settings?at=", "/v1/accounts/acme/settings/recording.cloud?at=",
      "/v1/accounts/acme/events?limit=", "/v1/accounts/acme/events?after=",
      "/v1/accounts/acme/transparency?from=", "/v1/meetings/m-acme-1/notices?participant=bob&at=",
      "/v1/accounts/acme/settings?user=");

  @Test
  void generatedBadRequests_areProblemsNeverServerErrors_andWriteNothing() {
    MutableClock clock = new MutableClock(Instant.parse("2030-06-01T00:00:00Z"));
    Deployment.Opened o = Deployment.inMemory(ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), clock);
    try (CovenantServer server = o.server().start()) {
      TestClient op = new TestClient(server.url(), o.operatorSecret().orElseThrow());
      Workspace.seed(op);
      String expiring = op.post("/v1/tokens", "{\"kind\":\"operator\",\"ttl_seconds\":60}")
          .json().path("secret").asText();
      clock.advance(Duration.ofSeconds(120));
      long head = server.namespaces().main().ledger().head();
      long tokens = o.tokens().list().size();
      Random rnd = new Random(SEED);
      Map<String, Integer> byKind = new TreeMap<>();
      for (int i = 0; i < REQUESTS; i++) {
        String kind;
        HttpRequest.Builder b;
        int pick = rnd.nextInt(100);
        Template t = WRITES.get(rnd.nextInt(WRITES.size()));
        String token = o.operatorSecret().orElseThrow();
        String type = "application/json";
        String body;
        String path = t.path();
        if (pick < 25) {
          kind = "truncated";
          body = t.body().substring(0, 1 + rnd.nextInt(t.body().length() - 1));
        } else if (pick < 45) {
          kind = "wrong-type";
          body = wrongType(t.body(), rnd);
        } else if (pick < 60) {
          kind = "unknown-field";
          body = unknownField(t.body(), rnd);
        } else if (pick < 65) {
          kind = "noise";
          byte[] noise = new byte[1 + rnd.nextInt(200)];
          rnd.nextBytes(noise);
          noise[0] = '[';
          body = new String(noise, StandardCharsets.ISO_8859_1);
        } else if (pick < 67) {
          kind = "huge";
          body = "{\"events\":[" + "\"x\",".repeat(300_000) + "\"x\"]}";
        } else if (pick < 72) {
          kind = "content-type";
          body = t.body();
          type = rnd.nextBoolean() ? "text/plain" : "application/x-www-form-urlencoded";
        } else if (pick < 80) {
          kind = "token";
          body = t.body();
          token = switch (rnd.nextInt(4)) {
            case 0 -> "";
            case 1 -> "cov_" + Long.toHexString(rnd.nextLong());
            case 2 -> expiring;
            default -> "\u0000basic";
          };
        } else if (pick < 88) {
          kind = "unknown-account";
          body = t.body();
          if (path.contains("/acme/")) {
            path = path.replace("/acme/", "/no-such-" + rnd.nextInt(1000) + "/");
          } else if (path.contains("m-acme-1")) {
            path = path.replace("m-acme-1", "m-nope-" + rnd.nextInt(1000));
          } else {
            path = "/v1/accounts/nobody-" + rnd.nextInt(1000) + "/settings/recording.cloud";
            t = new Template("PUT", path, t.body());
          }
        } else {
          kind = "bad-param";
          body = null;
          String read = READS.get(rnd.nextInt(READS.size()));
          String[] bad = {"yesterday", "-1", "99999999999999999999", "2024-13-40T00:00:00Z",
            "%00", "1e3", ""};
          path = read + bad[rnd.nextInt(bad.length)];
          if (path.endsWith("user=")) {
            path = path + "%20";
          }
          if (path.endsWith("participant=bob&at=")) {
            path = path + "x";
          }
        }
        byKind.merge(kind, 1, Integer::sum);
        b = HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(30));
        if (body == null) {
          b.GET();
        } else {
          b.method(t.method(), HttpRequest.BodyPublishers.ofString(body,
              StandardCharsets.ISO_8859_1)).header("Content-Type", type);
        }
        if (!token.isEmpty()) {
          b.header("Authorization", token.startsWith("\u0000") ? "Basic dXNlcjpwYXNz"
              : "Bearer " + token);
        }
        TestClient.Response r = op.send(b.build());
        String where = "seed " + SEED + ", request " + i + " (" + kind + ") " + t.method() + " "
            + path + " " + (body == null ? "" : body.substring(0, Math.min(200,
            body.length()))) + " -> " + r.status() + " " + r.body();
        assertThat(r.status()).as(where).isBetween(400, 499);
        assertThat(r.contentType()).as(where).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.path("status").asInt()).as(where).isEqualTo(r.status());
        assertThat(p.path("code").asText()).as(where).matches("[a-z_]+");
        if (r.status() == 400) {
          assertThat(p.path("field").asText()).as(where).isNotEmpty();
        }
      }
      assertThat(byKind.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(REQUESTS);
      assertThat(server.namespaces().main().ledger().head()).as("no partial writes")
          .isEqualTo(head);
      assertThat(o.tokens().list()).hasSize((int) tokens);
    }
  }

  /** The body with one value replaced by a value of another JSON type. */
  private static String wrongType(String body, Random rnd) {
    JsonNode root = Json.parse(body);
    List<Object[]> slots = new ArrayList<>();
    collect(root, slots);
    Object[] slot = slots.get(rnd.nextInt(slots.size()));
    JsonNode old = slot[0] instanceof ObjectNode o ? o.get((String) slot[1])
        : ((ArrayNode) slot[0]).get((Integer) slot[1]);
    JsonNode replacement;
    do {
      replacement = switch (rnd.nextInt(4)) {
        case 0 -> Json.MAPPER.getNodeFactory().numberNode(rnd.nextInt(1000));
        case 1 -> Json.MAPPER.getNodeFactory().arrayNode().add("a");
        case 2 -> Json.object().put("k", 1);
        default -> Json.MAPPER.getNodeFactory().booleanNode(rnd.nextBoolean());
      };
    } while (replacement.getNodeType() == old.getNodeType());
    if (slot[0] instanceof ObjectNode o) {
      o.set((String) slot[1], replacement);
    } else {
      ((ArrayNode) slot[0]).set((Integer) slot[1], replacement);
    }
    return Json.line(root);
  }

  /** Every (container, key) holding a string, number or boolean. */
  private static void collect(JsonNode n, List<Object[]> slots) {
    if (n instanceof ObjectNode o) {
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        if (e.getValue().isContainerNode()) {
          collect(e.getValue(), slots);
        } else {
          slots.add(new Object[] {o, e.getKey()});
        }
      }
    } else if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isContainerNode()) {
          collect(a.get(i), slots);
        } else {
          slots.add(new Object[] {a, i});
        }
      }
    }
  }

  /** The body with an unknown field added at the top or inside an event or request. */
  private static String unknownField(String body, Random rnd) {
    JsonNode root = Json.parse(body);
    List<ObjectNode> objects = new ArrayList<>();
    objects.add((ObjectNode) root);
    root.path("events").forEach(e -> objects.add((ObjectNode) e));
    root.path("requests").forEach(e -> {
      if (e.isObject()) {
        objects.add((ObjectNode) e);
      }
    });
    objects.get(rnd.nextInt(objects.size())).put("x_" + Integer.toHexString(rnd.nextInt()), 1);
    return Json.line(root);
  }
}
