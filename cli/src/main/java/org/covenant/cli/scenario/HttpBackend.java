package org.covenant.cli.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.covenant.core.CovenantException;
import org.covenant.core.event.Event;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;
import org.covenant.format.scenario.Query;

/**
 * Runs a scenario through a Covenant server's HTTP API: a fresh scratch namespace per scenario
 * ({@code POST /v1/namespaces}, operator token), events through {@code POST /v1/events},
 * decisions through {@code POST /v1/decisions}, settings and notices through their GET routes,
 * and the namespace deleted at the end. The answers have the same JSON shapes as the engine's,
 * so the runner compares them identically.
 */
public final class HttpBackend implements ScenarioBackend {
  private static final String NAMESPACE_HEADER = "Covenant-Namespace";
  private final HttpClient client;
  private final String base;
  private final String token;
  private final String namespace;

  private HttpBackend(HttpClient client, String base, String token, String namespace) {
    this.client = client;
    this.base = base;
    this.token = token;
    this.namespace = namespace;
  }

  /**
   * Opens a fresh namespace on the server at {@code url}.
   *
   * @throws CovenantException {@code server_unavailable} when the server cannot be reached or
   *     refuses, {@code terms_mismatch} when the scenario's terms are not the server's
   */
  public static HttpBackend open(HttpClient client, String url, String token,
      TermsCatalog catalog) {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    HttpBackend probe = new HttpBackend(client, base, token, "");
    JsonNode terms = probe.send(probe.request("/v1/terms").GET(), 200);
    if (!catalog.revision().equals(terms.path("revision").asText())) {
      throw new CovenantException("terms_mismatch", "the server at `" + base
          + "` knows other terms than this scenario (a terms_dir the server was not started "
          + "with?)");
    }
    JsonNode ns = probe.send(probe.request("/v1/namespaces")
        .POST(HttpRequest.BodyPublishers.noBody()), 201);
    return new HttpBackend(client, base, token, ns.path("namespace").asText());
  }

  /** A client with a short connect timeout, shared by the backends of one run. */
  public static HttpClient client() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
    if (!namespace.isEmpty()) {
      b.header(NAMESPACE_HEADER, namespace);
    }
    return b;
  }

  private static HttpRequest.BodyPublisher json(JsonNode body) {
    return HttpRequest.BodyPublishers.ofString(Json.line(body), StandardCharsets.UTF_8);
  }

  private JsonNode send(HttpRequest.Builder b, int expected) {
    HttpRequest req = b.build();
    HttpResponse<String> r;
    try {
      r = client.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CovenantException("server_unavailable", "cannot reach `" + base + "`: "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CovenantException("server_unavailable", "interrupted", e);
    }
    if (r.statusCode() != expected) {
      String detail = r.body();
      try {
        JsonNode p = Json.parse(r.body());
        detail = p.path("code").asText() + ": " + p.path("detail").asText()
            + (p.has("field") ? " (field `" + p.path("field").asText() + "`)" : "");
      } catch (RuntimeException e) {
        // Not a problem document: show the body as it came.
      }
      throw new CovenantException("server_error", req.method() + " " + req.uri().getPath()
          + " answered " + r.statusCode() + ": " + detail);
    }
    return r.body().isEmpty() ? Json.object() : Json.parse(r.body());
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String param(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public Appended append(Event event) {
    ObjectNode body = Json.object();
    body.putArray("events").add(EventCodec.toJson(event));
    JsonNode r = send(request("/v1/events").POST(json(body))
        .header("Content-Type", "application/json"), 200).path("results").path(0);
    String status = r.path("status").asText();
    if (status.equals("accepted") || status.equals("duplicate")) {
      return new Appended(true, Optional.empty(), "");
    }
    return new Appended(false, Optional.of(r.path("code").asText()),
        r.path("message").asText());
  }

  @Override
  public ObjectNode decision(Query.DecisionQuery q) {
    ObjectNode body = Json.object();
    body.put("purpose", q.purpose().id());
    body.put("content", q.content());
    body.put("at", q.at().toString());
    q.region().ifPresent(r -> body.put("region", r));
    return (ObjectNode) send(request("/v1/decisions").POST(json(body))
        .header("Content-Type", "application/json"), 200);
  }

  @Override
  public ObjectNode setting(Query.SettingQuery q) {
    StringBuilder path = new StringBuilder("/v1/accounts/").append(segment(q.account()))
        .append("/settings/").append(segment(q.key().key())).append("?at=")
        .append(param(q.at().toString()));
    q.user().ifPresent(u -> path.append("&user=").append(param(u)));
    return (ObjectNode) send(request(path.toString()).GET(), 200);
  }

  @Override
  public ObjectNode notices(Query.NoticesQuery q) {
    String path = "/v1/meetings/" + segment(q.meeting()) + "/notices?participant="
        + param(q.participant()) + "&at=" + param(q.at().toString());
    ObjectNode answer = (ObjectNode) send(request(path).GET(), 200);
    // The API also says who the participant is (account, external); a §8 notices line does not.
    answer.remove(List.of("account", "external"));
    return answer;
  }

  @Override
  public void close() {
    if (!namespace.isEmpty()) {
      Objects.requireNonNull(send(request("/v1/namespaces/" + segment(namespace)).DELETE(),
          204));
    }
  }
}
