package org.covenant.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.covenant.format.FormatException;
import org.covenant.format.Json;
import org.covenant.server.auth.Caller;

/** Request and response plumbing shared by the route classes: bodies, parameters, JSON. */
final class Http {
  static final String CALLER = "covenant.caller";
  static final String NAMESPACE = "covenant.namespace";
  static final String ROUTE = "covenant.route";
  /** The body, once a cluster member's router has read it to find the account. */
  static final String BODY = "covenant.body";
  static final String JSON = "application/json";

  private Http() {}

  /** The authenticated caller (set by the auth step before every protected route). */
  static Caller caller(Context ctx) {
    Caller c = ctx.attribute(CALLER);
    if (c == null) {
      throw new IllegalStateException("route " + ctx.path() + " ran without authentication");
    }
    return c;
  }

  /** The namespace the request addresses. */
  static Namespace namespace(Context ctx) {
    Namespace ns = ctx.attribute(NAMESPACE);
    if (ns == null) {
      throw new IllegalStateException("route " + ctx.path() + " ran without a namespace");
    }
    return ns;
  }

  /** Writes a JSON body with a status. */
  static void json(Context ctx, int status, JsonNode body) {
    try {
      ctx.status(status).contentType(JSON).result(Json.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Reads the body, at most {@code limit} bytes, as raw bytes. */
  static byte[] body(Context ctx, long limit) {
    String type = ctx.contentType();
    if (type != null && !type.isBlank()) {
      String base = type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
      if (!base.equals(JSON) && !base.endsWith("+json")) {
        throw new ServerException("unsupported_media_type", 415, "Content-Type",
            "`" + type + "` is not application/json");
      }
    }
    byte[] read = ctx.attribute(BODY);
    if (read != null) {
      if (read.length > limit) {
        throw tooLarge(limit);
      }
      return read;
    }
    long declared = ctx.req().getContentLengthLong();
    try (InputStream in = ctx.req().getInputStream()) {
      if (declared > limit) {
        drain(in);
        throw tooLarge(limit);
      }
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        drain(in);
        throw tooLarge(limit);
      }
      return bytes;
    } catch (IOException e) {
      throw ServerException.invalid("body", "the body could not be read: " + e.getMessage());
    }
  }

  /**
   * Reads and discards what is left of an oversized body, up to {@value #DRAIN_LIMIT} bytes, so
   * the client, still sending, gets the 413 instead of a reset connection; beyond that the
   * connection is closed.
   */
  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[65536];
    long total = 0;
    for (int n = in.read(buf); n >= 0 && total < DRAIN_LIMIT; n = in.read(buf)) {
      total += n;
    }
  }

  private static final long DRAIN_LIMIT = 16L << 20;

  private static ServerException tooLarge(long limit) {
    return new ServerException("body_too_large", 413, "body",
        "the body exceeds " + limit + " bytes");
  }

  /** Parses the body as one JSON object; malformed JSON is 400 naming where. */
  static ObjectNode object(Context ctx, long limit) {
    byte[] bytes = body(ctx, limit);
    if (bytes.length == 0) {
      throw ServerException.invalid("body", "a JSON object is required");
    }
    JsonNode n;
    try {
      n = Json.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (FormatException e) {
      throw ServerException.invalid(e.location().isEmpty() ? "body" : "body (" + e.location()
          + ")", e.getMessage());
    }
    if (!(n instanceof ObjectNode o)) {
      throw ServerException.invalid("body", "expected a JSON object, got " + Json.kind(n));
    }
    ctx.attribute(EdgeRules.BODY, o);
    return o;
  }

  /** The body as an object, or an empty object when there is none. */
  static ObjectNode optionalObject(Context ctx, long limit) {
    long declared = ctx.req().getContentLengthLong();
    if (declared == 0) {
      return Json.object();
    }
    byte[] bytes = body(ctx, limit);
    if (bytes.length == 0) {
      return Json.object();
    }
    JsonNode n;
    try {
      n = Json.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (FormatException e) {
      throw ServerException.invalid("body", e.getMessage());
    }
    if (!(n instanceof ObjectNode o)) {
      throw ServerException.invalid("body", "expected a JSON object, got " + Json.kind(n));
    }
    ctx.attribute(EdgeRules.BODY, o);
    return o;
  }

  /** Fails on fields outside {@code allowed}, naming the first unknown one. */
  static void only(ObjectNode o, Set<String> allowed, String prefix) {
    var it = o.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw ServerException.invalid(prefix + f, "unknown field");
      }
    }
  }

  /** Runs a field reader, turning its {@link FormatException} into a 400 naming the field. */
  static <T> T field(String prefix, java.util.function.Supplier<T> reader) {
    try {
      return reader.get();
    } catch (FormatException e) {
      throw ServerException.invalid(prefix + e.field(), e.getMessage());
    }
  }

  /** An optional RFC 3339 query parameter. */
  static Optional<Instant> instantParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.instant(v, name));
    } catch (FormatException e) {
      throw ServerException.invalid(name, e.getMessage());
    }
  }

  /** An optional non-negative integer query parameter within {@code [min, max]}. */
  static long longParam(Context ctx, String name, long dflt, long min, long max) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return dflt;
    }
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ServerException.invalid(name, "`" + v + "` is not an integer");
    }
    if (n < min || n > max) {
      throw ServerException.invalid(name, n + " is not in [" + min + ", " + max + "]");
    }
    return n;
  }

  /** An optional non-empty string query parameter. */
  static Optional<String> stringParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v.isEmpty()) {
      throw ServerException.invalid(name, "must not be empty");
    }
    return Optional.of(v);
  }

  /** A required non-empty string query parameter. */
  static String requiredParam(Context ctx, String name) {
    return stringParam(ctx, name).orElseThrow(
        () -> ServerException.invalid(name, "missing query parameter"));
  }
}
