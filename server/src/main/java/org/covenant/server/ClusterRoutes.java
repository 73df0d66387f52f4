package org.covenant.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import org.covenant.server.auth.Caller;

/**
 * {@code GET /v1/cluster} (the operator's view of members, leases, the log's writer and an
 * account's owner) and {@code GET /v1/accounts/{account}/receipts/{position}} (a consent receipt
 * issued earlier, fetched again), docs/CLUSTER.md.
 */
final class ClusterRoutes {
  private final ClusterView cluster;

  ClusterRoutes(ClusterView cluster) {
    this.cluster = cluster;
  }

  List<Route> routes() {
    return List.of(
        Route.auth("GET", "/v1/cluster", this::cluster),
        Route.auth("GET", "/v1/accounts/{account}/receipts/{position}", this::receipt));
  }

  private void cluster(Context ctx) {
    if (!(Http.caller(ctx) instanceof Caller.Operator)) {
      throw ServerException.forbidden("Authorization", "the cluster is the operator's to see");
    }
    Http.json(ctx, 200, cluster.describe(Http.stringParam(ctx, "account")));
  }

  private void receipt(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    String p = ctx.pathParam("position");
    long position;
    try {
      position = Long.parseLong(p);
    } catch (NumberFormatException e) {
      throw ServerException.invalid("position", "`" + p + "` is not a ledger position");
    }
    ObjectNode r = cluster.stored(Http.namespace(ctx), position)
        .filter(x -> a.account().equals(x.path("receipt").path("pii_principal").asText()))
        .orElseThrow(() -> ServerException.notFound("position", "no receipt was issued for "
            + "a consent change of `" + a.account() + "` at position " + position));
    Http.json(ctx, 200, r);
  }
}
