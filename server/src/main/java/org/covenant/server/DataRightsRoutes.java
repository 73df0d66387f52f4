package org.covenant.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.covenant.core.event.SettingValue;
import org.covenant.core.state.ContentRecord;
import org.covenant.core.state.DataRightsView;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.ValuedSetting;
import org.covenant.format.Json;

/**
 * Read routes for the console's data-rights page (issue 18, owner or admin of the account):
 * {@code GET /v1/accounts/{a}/data-rights} answers the retention and regions in force for the
 * account and each group, and every legal hold with its scope, matter and release;
 * {@code GET /v1/accounts/{a}/content/{c}/rights} answers one content item's expiry
 * ({@code expires_at}, computed here: the console never does day arithmetic), its deletion and
 * the holds covering it, and the data-rights reason that denies it now, if any.
 */
final class DataRightsRoutes {
  private final Clock clock;

  DataRightsRoutes(Clock clock) {
    this.clock = clock;
  }

  List<Route> routes() {
    return List.of(
        Route.auth("GET", "/v1/accounts/{account}/data-rights", this::overview),
        Route.auth("GET", "/v1/accounts/{account}/content/{content}/rights", this::content));
  }

  private Directory.AccountInfo admin(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Tenancy.requireAdmin(ctx, a);
    return a;
  }

  private static JsonNode value(Optional<DataRightsView.Effective> e) {
    if (e.isEmpty()) {
      return Json.MAPPER.nullNode();
    }
    ObjectNode o = Json.object();
    SettingValue v = e.get().value();
    if (v instanceof SettingValue.Number n) {
      o.put("value", n.value());
    } else if (v instanceof SettingValue.Codes c) {
      ArrayNode arr = o.putArray("value");
      c.codes().forEach(arr::add);
    }
    o.put("level", e.get().level().id());
    o.put("locked", e.get().locked());
    return o;
  }

  private void overview(Context ctx) {
    Directory.AccountInfo a = admin(ctx);
    Instant at = Http.instantParam(ctx, "at").orElseGet(clock::instant);
    long t = TimeKey.of(at);
    DataRightsView v = Http.namespace(ctx).snapshot().dataRights();
    ObjectNode out = Json.object();
    out.put("account", a.account());
    out.put("at", at.toString());
    for (ValuedSetting key : List.of(ValuedSetting.RETENTION_DAYS,
        ValuedSetting.DATA_REGIONS_ALLOWED)) {
      ObjectNode k = out.putObject(key.key());
      k.set("account", value(v.effective(key, a.account(), Optional.empty(), Optional.empty(),
          t)));
      ObjectNode groups = k.putObject("groups");
      a.groups().forEach(g -> groups.set(g, value(v.effective(key, a.account(), Optional.of(g),
          Optional.empty(), t))));
    }
    ArrayNode holds = out.putArray("holds");
    for (DataRightsView.Hold h : v.holds(a.account(), t)) {
      holds.add(hold(h));
    }
    Http.json(ctx, 200, out);
  }

  private static ObjectNode hold(DataRightsView.Hold h) {
    ObjectNode o = Json.object();
    o.put("hold", h.hold());
    o.put("scope", h.scope().toString());
    o.put("matter", h.matter());
    o.put("placed_by", h.placed().by());
    o.put("placed_at", h.placed().at().toString());
    o.put("in_force", h.inForce());
    h.released().ifPresent(r -> {
      o.put("released_by", r.by());
      o.put("released_at", r.at().toString());
    });
    return o;
  }

  private void content(Context ctx) {
    Directory.AccountInfo a = admin(ctx);
    String id = ctx.pathParam("content");
    Instant at = Http.instantParam(ctx, "at").orElseGet(clock::instant);
    long t = TimeKey.of(at);
    Snapshot s = Http.namespace(ctx).snapshot();
    ContentRecord c = s.content(id, t).filter(x -> x.account().equals(a.account()))
        .orElseThrow(() -> ServerException.notFound("content", "no content `" + id + "` in `"
            + a.account() + "`"));
    DataRightsView v = s.dataRights();
    ObjectNode out = Json.object();
    out.put("account", a.account());
    out.put("content", c.id());
    out.put("category", c.category().id());
    out.put("captured_at", c.at().toString());
    out.put("at", at.toString());
    out.set("retention", value(v.retention(c, t, Snapshot.noEvidence())));
    Optional<Instant> expiry = v.expiry(c, t);
    expiry.ifPresentOrElse(x -> out.put("expires_at", x.toString()),
        () -> out.putNull("expires_at"));
    boolean expired = expiry.isPresent() && !expiry.get().isAfter(at);
    ArrayNode holds = out.putArray("holds");
    List<DataRightsView.Hold> covering = v.covering(c, t);
    covering.forEach(h -> holds.add(hold(h)));
    Optional<DataRightsView.Stamp> deleted = v.deletion(c.id(), t);
    deleted.ifPresent(d -> out.putObject("deleted").put("at", d.at().toString())
        .put("by", d.by()));
    // The data-rights reason a decision gives now (docs/DATA-RIGHTS.md §4): a deletion first,
    // then an expiry; a hold in force exempts `legal.compliance` alone from the expiry.
    if (deleted.isPresent()) {
      out.put("denied", "content_deleted");
    } else if (expired) {
      out.put("denied", "retention_expired");
      out.put("expired_at", expiry.get().toString());
      out.put("legal_compliance_exempt", !covering.isEmpty());
    } else {
      out.putNull("denied");
    }
    Http.json(ctx, 200, out);
  }
}
