package org.covenant.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import org.covenant.format.AnswerJson;
import org.covenant.format.Json;

/**
 * {@code GET /v1/accounts/{account}/terms/{terms}/preview}: what accepting other terms would
 * change for an account, as the engine decides it (ARCHITECTURE.md §4).
 */
final class TermsPreviewRoutes {
  private final Clock clock;

  TermsPreviewRoutes(Clock clock) {
    this.clock = clock;
  }

  List<Route> routes() {
    return List.of(Route.auth("GET", "/v1/accounts/{account}/terms/{terms}/preview",
        this::previewTerms));
  }

  /**
   * What accepting {@code terms} would change for the account, purpose by purpose, as the engine
   * decides it ({@link org.covenant.core.decision.TermsPreview}): for the content it holds (the
   * terms they were captured under still apply) and for content captured from now on.
   */
  private void previewTerms(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Tenancy.requireAdmin(ctx, a);
    String terms = ctx.pathParam("terms");
    Namespace ns = Http.namespace(ctx);
    if (ns.engine().catalog().version(terms).isEmpty()) {
      throw ServerException.notFound("terms", "no terms `" + terms + "`");
    }
    org.covenant.core.decision.TermsPreview.Preview r = org.covenant.core.decision.TermsPreview
        .of(ns.engine(), ns.snapshot(), a.account(), terms, clock.instant());
    ObjectNode out = Json.object();
    out.put("account", r.account());
    r.current().ifPresentOrElse(c -> out.put("current", c), () -> out.putNull("current"));
    out.put("proposed", r.proposed());
    out.put("at", r.at().toString());
    out.put("items", r.items());
    ArrayNode ps = out.putArray("purposes");
    for (org.covenant.core.decision.TermsPreview.PurposeChange p : r.purposes()) {
      ObjectNode o = ps.addObject();
      o.put("purpose", p.purpose().id());
      ObjectNode h = o.putObject("held");
      h.put("items", p.held().items());
      h.put("allowed_now", p.held().allowedNow());
      h.put("allowed_after", p.held().allowedAfter());
      h.put("allow_to_deny", p.held().allowToDeny());
      h.put("deny_to_allow", p.held().denyToAllow());
      h.put("captured_under_other_terms", p.held().capturedUnderOtherTerms());
      ObjectNode reasons = h.putObject("reasons_after");
      p.held().reasonsAfter().forEach(reasons::put);
      ArrayNode fresh = o.putArray("new_content");
      for (org.covenant.core.decision.TermsPreview.Fresh f : p.fresh()) {
        ObjectNode x = fresh.addObject();
        x.put("category", f.category().id());
        x.set("now", AnswerJson.decision(f.now()));
        x.set("after", AnswerJson.decision(f.after()));
        x.put("changes", f.changes());
        x.put("depends_on_meeting", f.dependsOnMeeting());
      }
    }
    Http.json(ctx, 200, out);
  }
}
