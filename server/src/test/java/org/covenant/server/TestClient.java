package org.covenant.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.covenant.format.Json;

/** A small HTTP client for the integration tests. */
final class TestClient {
  /** A response: status, content type and body. */
  record Response(int status, String contentType, String body) {
    JsonNode json() {
      return Json.parse(body);
    }
  }

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final Optional<String> token;
  private final Optional<String> namespace;

  TestClient(String base, Optional<String> token, Optional<String> namespace) {
    this.base = base;
    this.token = token;
    this.namespace = namespace;
  }

  TestClient(String base, String token) {
    this(base, Optional.of(token), Optional.empty());
  }

  TestClient as(String otherToken) {
    return new TestClient(base, Optional.of(otherToken), namespace);
  }

  TestClient in(String ns) {
    return new TestClient(base, token, Optional.of(ns));
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  Response post(String path, String body) {
    return send("POST", path, body);
  }

  Response put(String path, String body) {
    return send("PUT", path, body);
  }

  Response delete(String path) {
    return send("DELETE", path, null);
  }

  Response send(String method, String path, String body) {
    return send(request(method, path, body).build());
  }

  /** A request with this client's token and namespace, to add headers to. */
  HttpRequest.Builder request(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    namespace.ifPresent(n -> b.header(Namespaces.HEADER, n));
    return b;
  }

  Response send(HttpRequest req) {
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
          r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpClient http() {
    return http;
  }

  String base() {
    return base;
  }
}
