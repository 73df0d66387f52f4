package org.covenant.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.event.Identifiers;
import org.covenant.core.state.TimeKey;
import org.covenant.format.CanonicalJson;
import org.covenant.server.auth.Caller;
import org.covenant.store.Append;

/**
 * What the API checks on every write before the ledger sees it (docs/DECISIONS.md, "Input at
 * the edge"): identifiers ({@link Identifiers}), time (the server's clock orders the ledger) and
 * idempotency keys (scoped to the caller and the route, bound to the request).
 */
final class EdgeRules {
  /** The attribute holding the parsed JSON body, for the request's fingerprint. */
  static final String BODY = "covenant.body";

  private EdgeRules() {}

  /** 400 {@code invalid_id} naming the first field of {@code e} that breaks the id rule. */
  static void checkIds(Event e, String prefix) {
    Identifiers.check(e).ifPresent(v -> {
      throw new ServerException("invalid_id", 400, prefix + v.field(),
          "`" + prefix + v.field() + "` " + v.message());
    });
  }

  /** 400 {@code invalid_id} when one id field breaks the id rule. */
  static void checkId(String id, String field) {
    Identifiers.problem(id).ifPresent(p -> {
      throw new ServerException("invalid_id", 400, field, "`" + field + "` " + p);
    });
  }

  /**
   * Checks a client's explicit time. The operator may write history (any supported time up to
   * the server's clock plus {@link TimeKey#MAX_SKEW}); accounts and services may send a time
   * only within the skew of the server's clock either way, and the server stamps their events.
   *
   * @return true when the event keeps the client's time (the operator's), false when the server
   *     stamps it
   * @throws ServerException 422 {@code clock_skew} naming {@code field}
   */
  static boolean checkTime(Caller caller, Instant at, Instant now, String field) {
    long skew = TimeKey.MAX_SKEW.toMillis();
    if (at.isAfter(now.plusMillis(skew))) {
      throw new ServerException("clock_skew", 422, field, "`" + at + "` is more than "
          + skew / 1000 + " s ahead of the server's clock (" + now + ")");
    }
    if (caller instanceof Caller.Operator) {
      return true;
    }
    if (at.isBefore(now.minusMillis(skew))) {
      throw new ServerException("clock_skew", 422, field, "`" + at + "` is more than "
          + skew / 1000 + " s behind the server's clock (" + now + "); only the operator "
          + "writes history, an account or service token writes now (omit `at`)");
    }
    return false;
  }

  /** Who a key is scoped to: the account user, the service token, or the operator. */
  private static String principal(Caller caller) {
    if (caller instanceof Caller.AccountUser u) {
      return "account\n" + u.account() + "\n" + u.user();
    }
    if (caller instanceof Caller.Service s) {
      return "service\n" + s.tokenId();
    }
    return "operator";
  }

  /**
   * 400 unless {@code key} is a valid idempotency key (the identifier rule); names
   * {@code field}.
   */
  static String checkKey(String key, String field) {
    Identifiers.problem(key).ifPresent(p -> {
      throw ServerException.invalid(field, "the idempotency key " + p);
    });
    return key;
  }

  /**
   * The append of {@code e} under the client's key, scoped to the caller and the route and bound
   * to the request's fingerprint; stamped with {@code stampAt} when present.
   */
  static Append append(Context ctx, Event e, Optional<String> clientKey, String request,
      Optional<Instant> stampAt) {
    if (clientKey.isEmpty()) {
      return new Append(e, Optional.empty(), Optional.empty(), stampAt);
    }
    Caller caller = Http.caller(ctx);
    String route = ctx.method().name() + " " + ctx.attribute(Http.ROUTE);
    String scoped = "k1:" + Append.fingerprint((principal(caller) + "\n" + route + "\n"
        + clientKey.get()).getBytes(StandardCharsets.UTF_8));
    String fp = Append.fingerprint((route + "\n" + request).getBytes(StandardCharsets.UTF_8));
    return new Append(e, Optional.of(scoped), Optional.of(fp), stampAt);
  }

  /**
   * What identifies a single-resource request: its path, query and canonical body; without a
   * client's {@code at} when the server stamps the time (see {@link #withoutStampedTime}).
   */
  static String request(Context ctx) {
    JsonNode body = ctx.attribute(BODY);
    String query = ctx.queryString();
    return ctx.path() + (query == null ? "" : "?" + query) + "\n"
        + (body == null ? "" : CanonicalJson.canonicalString(
            withoutStampedTime(Http.caller(ctx), body)));
  }

  /**
   * The request as fingerprinted: an account's or service's {@code at} is dropped, since the
   * server stamps their time, so a retry that sends a fresh {@code at} is the same request.
   */
  static JsonNode withoutStampedTime(Caller caller, JsonNode request) {
    if (caller instanceof Caller.Operator || !(request instanceof ObjectNode o)
        || !o.has("at")) {
      return request;
    }
    ObjectNode copy = o.deepCopy();
    copy.remove("at");
    return copy;
  }
}
