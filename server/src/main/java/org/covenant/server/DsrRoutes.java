package org.covenant.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.covenant.evidence.dsr.DataRightsException;
import org.covenant.evidence.dsr.DsrRequests;
import org.covenant.evidence.dsr.SubjectBundle;
import org.covenant.evidence.dsr.SubjectRequests;
import org.covenant.format.Json;

/**
 * Data subject requests of an account (docs/DATA-RIGHTS-DSR.md), for its owner and admins (and
 * the operator): {@code GET /v1/accounts/{a}/dsr} lists them with status and due date,
 * {@code POST …/dsr} records one received, {@code POST …/dsr:export} answers the signed export
 * bundle (its exact bytes: {@code covenant dsr verify} checks them), {@code POST …/dsr:erase}
 * erases the person. Served for the main namespace of a server over a data directory; elsewhere
 * 503 {@code dsr_unavailable}.
 */
final class DsrRoutes {
  private final Clock clock;
  private final ServerConfig config;
  private final Optional<SubjectRequests> requests;

  DsrRoutes(Clock clock, ServerConfig config, Optional<SubjectRequests> requests) {
    this.clock = clock;
    this.config = config;
    this.requests = requests;
  }

  List<Route> routes() {
    return List.of(
        Route.auth("GET", "/v1/accounts/{account}/dsr", this::list),
        Route.auth("POST", "/v1/accounts/{account}/dsr", this::receive),
        Route.auth("POST", "/v1/accounts/{account}/dsr:export", this::export),
        Route.auth("POST", "/v1/accounts/{account}/dsr:erase", this::erase));
  }

  private SubjectRequests requests(Context ctx) {
    if (requests.isEmpty() || Http.namespace(ctx) != null
        && !"main".equals(Http.namespace(ctx).id())) {
      throw new ServerException("dsr_unavailable", 503, "", "data subject requests need a "
          + "server over a data directory (its transparency log and request register), or a "
          + "cluster member with --log-key (bundles are signed with the log key)");
    }
    return requests.get();
  }

  private Directory.AccountInfo admin(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Tenancy.requireAdmin(ctx, a);
    return a;
  }

  private void list(Context ctx) {
    Directory.AccountInfo a = admin(ctx);
    Instant now = clock.instant();
    ObjectNode out = Json.object();
    out.put("account", a.account());
    ArrayNode arr = out.putArray("requests");
    for (DsrRequests.Request r : requests(ctx).register().list(Optional.of(a.account()))) {
      arr.add(r.toJson(now));
    }
    Http.json(ctx, 200, out);
  }

  private void receive(Context ctx) {
    Directory.AccountInfo a = admin(ctx);
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("subject", "kind"), "");
    String subject = Http.field("", () -> Json.str(body, "subject"));
    String kind = Http.field("", () -> Json.str(body, "kind"));
    if (!kind.equals("export") && !kind.equals("erase")) {
      throw ServerException.invalid("kind", "`" + kind + "` is not export or erase");
    }
    String by = Tenancy.actor(ctx, a, Optional.empty());
    DsrRequests.Request r = run(() -> requests(ctx).receive(a.account(), subject,
        DsrRequests.Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT)), by, clock.instant()));
    Http.json(ctx, 201, r.toJson(clock.instant()));
  }

  private void export(Context ctx) {
    Directory.AccountInfo a = admin(ctx);
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("subject", "request"), "");
    String subject = Http.field("", () -> Json.str(body, "subject"));
    Optional<String> request = Http.field("", () -> Json.optStr(body, "request"));
    String by = Tenancy.actor(ctx, a, Optional.empty());
    SubjectRequests.Exported e = run(() -> requests(ctx).export(a.account(), subject, by,
        clock.instant(), request));
    ctx.header("Location", "/v1/accounts/" + a.account() + "/dsr#" + e.request().id());
    ctx.header("Covenant-Dsr-Request", e.request().id());
    ctx.status(200).contentType(Http.JSON).result(SubjectBundle.bytes(e.bundle()));
  }

  private void erase(Context ctx) {
    Directory.AccountInfo a = admin(ctx);
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("subject", "request"), "");
    String subject = Http.field("", () -> Json.str(body, "subject"));
    Optional<String> request = Http.field("", () -> Json.optStr(body, "request"));
    String by = Tenancy.actor(ctx, a, Optional.empty());
    SubjectRequests.Erasure e = run(() -> requests(ctx).erase(a.account(), subject, by,
        clock.instant(), true, request));
    Http.namespace(ctx).refresh();
    Http.json(ctx, 200, e.request().toJson(clock.instant()));
  }

  private static <T> T run(java.util.function.Supplier<T> body) {
    try {
      return body.get();
    } catch (DataRightsException e) {
      int status = switch (e.code()) {
        case "unknown_subject", "unknown_request" -> 404;
        case "log_behind" -> 503;
        case "not_authorized" -> 403;
        default -> 409;
      };
      throw new ServerException(e.code(), status, "subject", e.getMessage());
    }
  }
}
