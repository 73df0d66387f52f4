package org.covenant.server;

import io.javalin.http.Handler;
import java.util.Objects;

/**
 * One API route as registered with Javalin, and whether it needs a token. The OpenAPI document
 * ({@code /openapi.json}) is checked against the router's endpoints by a test.
 *
 * @param method the HTTP method, upper case
 * @param path the Javalin path template ({@code /v1/accounts/{account}})
 * @param authenticated whether a bearer token is required
 * @param handler what serves it
 */
public record Route(String method, String path, boolean authenticated, Handler handler) {
  /** Validates the fields. */
  public Route {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(handler, "handler");
  }

  /** An authenticated route. */
  static Route auth(String method, String path, Handler handler) {
    return new Route(method, path, true, handler);
  }

  /** A public route. */
  static Route open(String method, String path, Handler handler) {
    return new Route(method, path, false, handler);
  }
}
