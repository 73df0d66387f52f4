package org.covenant.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.event.Event;
import org.covenant.core.event.RejectionCode;
import org.covenant.core.event.Scope;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.ConsentStatus;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.AnswerJson;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;
import org.covenant.server.auth.Caller;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;

/**
 * The ledger's routes: batches of events, an account's events, effective settings and their
 * changes, consents, terms, content registration and meetings (ARCHITECTURE.md §3–§6). Changes
 * made through the resource routes are events like any other; their §3 rejections come back as
 * problems with the rejection's code (409 for {@code setting_locked} and the like).
 */
final class LedgerRoutes {
  private static final System.Logger LOG = System.getLogger(LedgerRoutes.class.getName());
  private static final Set<String> EVENT_EXTRA = Set.of("idempotency_key");

  private final Clock clock;
  private final ServerConfig config;
  private final Receipts receipts;
  private final Optional<org.covenant.evidence.LedgerFeed> feed;
  /** A cluster member's router, for the operator's cluster-wide listing; empty when single. */
  private final Optional<Forwarder> forwarder;

  LedgerRoutes(Clock clock, ServerConfig config, Receipts receipts,
      Optional<org.covenant.evidence.LedgerFeed> feed, Optional<Forwarder> forwarder) {
    this.clock = clock;
    this.config = config;
    this.receipts = receipts;
    this.feed = feed;
    this.forwarder = forwarder;
  }

  List<Route> routes() {
    return List.of(
        Route.auth("POST", "/v1/events", this::appendEvents),
        Route.auth("GET", "/v1/accounts", this::listAccounts),
        Route.auth("GET", "/v1/accounts/{account}", this::account),
        Route.auth("GET", "/v1/accounts/{account}/events", this::accountEvents),
        Route.auth("GET", "/v1/accounts/{account}/settings", this::settings),
        Route.auth("GET", "/v1/accounts/{account}/settings/{key}", this::setting),
        Route.auth("PUT", "/v1/accounts/{account}/settings/{key}", this::putSetting),
        Route.auth("DELETE", "/v1/accounts/{account}/settings/{key}", this::clearSetting),
        Route.auth("GET", "/v1/accounts/{account}/consents", this::consents),
        Route.auth("POST", "/v1/accounts/{account}/consents/{consent}:grant",
            ctx -> changeConsent(ctx, true)),
        Route.auth("POST", "/v1/accounts/{account}/consents/{consent}:withdraw",
            ctx -> changeConsent(ctx, false)),
        Route.auth("POST", "/v1/accounts/{account}/terms", this::acceptTerms),
        Route.auth("POST", "/v1/accounts/{account}/content", this::registerContent));
  }

  // ---- events

  private void appendEvents(Context ctx) {
    ObjectNode body = Http.object(ctx, config.maxEventsBody());
    Http.only(body, Set.of("events"), "");
    JsonNode list = body.get("events");
    if (list == null || !list.isArray()) {
      throw ServerException.invalid("events", list == null ? "missing"
          : "expected a list of events, got " + Json.kind(list));
    }
    if (list.isEmpty()) {
      throw ServerException.invalid("events", "must hold at least one event");
    }
    if (list.size() > config.maxBatch()) {
      throw ServerException.invalid("events", list.size() + " events exceed the limit of "
          + config.maxBatch());
    }
    Namespace ns = Http.namespace(ctx);
    Caller caller = Http.caller(ctx);
    // A batch whose accounts several cluster members own is validated here against those
    // accounts, loaded for it (docs/CLUSTER.md, "Batches that span owners"); it is authorised
    // against them too, since this member's projection holds other members' accounts' index
    // only (no users, no meetings).
    List<String> spanned = ctx.attribute(Forwarder.SPAN);
    Namespace.Spanning spanning = spanned == null ? null : ns.span(spanned);
    Directory dir = spanning == null ? ns.directory() : spanning.directory();
    List<Append> batch = new ArrayList<>(list.size());
    Map<String, String> batchMeetings = new HashMap<>();
    Instant now = now();
    Set<String> omitted = caller instanceof Caller.Operator ? Set.of("idempotency_key")
        : Set.of("idempotency_key", "at");
    for (int i = 0; i < list.size(); i++) {
      String prefix = "events[" + i + "].";
      JsonNode n = list.get(i);
      if (!n.isObject()) {
        throw ServerException.invalid("events[" + i + "]", "expected an event object, got "
            + Json.kind(n));
      }
      Event e = Http.field(prefix, () -> EventCodec.parse(n, EVENT_EXTRA));
      EdgeRules.checkIds(e, prefix);
      Optional<String> key = Optional.empty();
      JsonNode k = n.get("idempotency_key");
      if (k != null && !k.isNull()) {
        if (!k.isTextual()) {
          throw ServerException.invalid(prefix + "idempotency_key", "expected a string");
        }
        key = Optional.of(EdgeRules.checkKey(k.asText(), prefix + "idempotency_key"));
      }
      Tenancy.authorize(caller, dir, e, prefix, batchMeetings);
      // The operator writes history at its own times; accounts and services write now.
      boolean own = EdgeRules.checkTime(caller, e.at(), now, prefix + "at");
      // The request as fingerprinted: the event without its key (and without a stamped `at`,
      // EdgeRules.withoutStampedTime), canonical, written from the parsed node, not a copy.
      batch.add(EdgeRules.append(ctx, e, key, org.covenant.format.CanonicalJson.canonicalString(
          n, omitted), own ? Optional.empty() : Optional.of(now)));
    }
    List<AppendResult> results = spanning == null ? ns.append(batch)
        : ns.append(spanning, batch);
    ObjectNode out = Json.object();
    ArrayNode rs = out.putArray("results");
    int accepted = 0;
    int duplicates = 0;
    int rejected = 0;
    for (int i = 0; i < results.size(); i++) {
      AppendResult res = results.get(i);
      ObjectNode r = result(res);
      if (res instanceof AppendResult.Duplicate) {
        r.put("idempotency_key", list.get(i).path("idempotency_key").asText());
      }
      r.put("index", i);
      rs.add(r);
      if (res instanceof AppendResult.Accepted) {
        accepted++;
      } else if (res instanceof AppendResult.Duplicate) {
        duplicates++;
      } else {
        rejected++;
      }
    }
    // `accepted` counts what this request wrote; duplicates were written by an earlier one.
    out.put("accepted", accepted);
    out.put("duplicates", duplicates);
    out.put("rejected", rejected);
    out.put("head", ns.ledger().head());
    Http.json(ctx, 200, out);
  }

  private static ObjectNode result(AppendResult r) {
    ObjectNode o = Json.object();
    if (r instanceof AppendResult.Accepted a) {
      o.put("status", "accepted");
      o.put("position", a.position());
    } else if (r instanceof AppendResult.Duplicate d) {
      o.put("status", "duplicate");
      o.put("position", d.position());
      o.put("idempotency_key", d.idempotencyKey());
    } else if (r instanceof AppendResult.Rejected x) {
      o.put("status", "rejected");
      o.put("code", x.rejection().code().code());
      o.put("message", x.rejection().message());
    } else if (r instanceof AppendResult.KeyReused x) {
      o.put("status", "rejected");
      o.put("code", "idempotency_key_reused");
      o.put("message", "the idempotency key was used before with another request");
    } else if (r instanceof AppendResult.Stale s) {
      o.put("status", "stale");
      o.put("head", s.head());
    }
    return o;
  }

  /**
   * Appends one event built by a route at the server's time, authorised like every appended
   * event ({@link Tenancy#authorize}; the `Idempotency-Key` header makes a retry safe) and returns
   * its position; a rejection becomes the problem document of its code.
   */
  static long appendOne(Context ctx, Event e, String field) {
    return appendOne(ctx, e, field, true);
  }

  /**
   * As {@link #appendOne(Context, Event, String)}; with {@code stamp} false the event keeps its
   * own time (the operator's explicit history).
   */
  static long appendOne(Context ctx, Event e, String field, boolean stamp) {
    EdgeRules.checkIds(e, "");
    Optional<String> key = Optional.ofNullable(ctx.header("Idempotency-Key"))
        .map(k -> EdgeRules.checkKey(k, "Idempotency-Key"));
    Tenancy.authorize(Http.caller(ctx), Http.namespace(ctx).directory(), e, "",
        new HashMap<>());
    AppendResult r = Http.namespace(ctx).append(List.of(EdgeRules.append(ctx, e, key,
        EdgeRules.request(ctx), stamp ? Optional.of(e.at()) : Optional.empty()))).get(0);
    if (r instanceof AppendResult.Accepted a) {
      return a.position();
    }
    if (r instanceof AppendResult.Duplicate d) {
      return d.position();
    }
    if (r instanceof AppendResult.KeyReused) {
      throw new ServerException("idempotency_key_reused", 422, "Idempotency-Key",
          "the idempotency key was used before with another request on this route");
    }
    if (r instanceof AppendResult.Rejected x) {
      throw new ServerException(x.rejection().code().code(),
          Problems.statusOf(x.rejection().code()), fieldOf(x.rejection().code(), field),
          x.rejection().message());
    }
    throw new IllegalStateException("unexpected append result " + r);
  }

  /** The request field a rejection is about; the route's main field when none is closer. */
  private static String fieldOf(RejectionCode code, String main) {
    return switch (code) {
      case OUT_OF_ORDER -> "at";
      case UNKNOWN_ACCOUNT -> "account";
      case UNKNOWN_SETTING -> "key";
      case UNKNOWN_CONSENT -> "consent";
      case UNKNOWN_TERMS -> "terms";
      case UNKNOWN_NOTICE -> "notice";
      case UNKNOWN_CATEGORY -> "category";
      case UNKNOWN_MEETING, MEETING_ENDED -> "meeting";
      case UNKNOWN_PARTICIPANT -> "participant";
      case NOT_AUTHORIZED -> "by";
      case SETTING_LOCKED, SETTING_CEILING -> "scope";
      case INVALID_VALUE -> "value";
      default -> main;
    };
  }

  private Instant now() {
    return clock.instant();
  }

  // ---- accounts

  private void listAccounts(Context ctx) {
    Caller c = Http.caller(ctx);
    Namespace ns = Http.namespace(ctx);
    List<String> ids;
    if (c instanceof Caller.Operator) {
      ids = ns.directory().accountIds();
    } else if (c instanceof Caller.AccountUser u) {
      ids = ns.directory().account(u.account()).isPresent() ? List.of(u.account()) : List.of();
    } else {
      throw ServerException.forbidden("Authorization", "a service token may not list accounts");
    }
    ObjectNode out = Json.object();
    ArrayNode arr = out.putArray("accounts");
    Optional<Forwarder> wide = forwarder.filter(f -> c instanceof Caller.Operator
        && f.clusterWide(ctx));
    if (wide.isEmpty()) {
      // One member's part: the accounts it projects (a single server projects all). Another
      // member's users, groups and content are not in its memory, so their counts would be wrong.
      for (String id : ids) {
        if (ns.ledger().ready(id)) {
          ns.directory().account(id).ifPresent(a -> arr.add(accountSummary(ns, a)));
        }
      }
      Http.json(ctx, 200, out);
      return;
    }
    // The operator's listing on a cluster member is the cluster's: this member's part and every
    // other owner's, merged in account order; an account no member could list is named with the
    // reason (docs/CLUSTER.md, "Listings").
    List<String> others = ids.stream().filter(id -> !ns.ledger().ready(id)).toList();
    Forwarder.Gathered g = wide.get().gather(ctx, "/v1/accounts", "accounts", others);
    java.util.TreeMap<String, JsonNode> merged = new java.util.TreeMap<>(g.found());
    for (String id : ids) {
      if (ns.ledger().ready(id)) {
        ns.directory().account(id).ifPresent(a -> merged.put(id, accountSummary(ns, a)));
      }
    }
    g.unavailable().forEach((id, reason) -> {
      ObjectNode o = Json.object();
      o.put("account", id);
      ObjectNode u = o.putObject("unavailable");
      u.put("code", "owner_unavailable");
      u.put("detail", "no cluster member can list account `" + id + "` now: " + reason);
      merged.put(id, o);
    });
    merged.values().forEach(arr::add);
    Http.json(ctx, 200, out);
  }

  private static ObjectNode accountSummary(Namespace ns, Directory.AccountInfo a) {
    ObjectNode o = Json.object();
    o.put("account", a.account());
    List<Directory.TermsChange> terms = a.termsHistory();
    if (terms.isEmpty()) {
      o.putNull("terms");
    } else {
      o.put("terms", terms.get(terms.size() - 1).terms());
    }
    o.put("users", a.users().size());
    o.put("groups", a.groups().size());
    o.put("meetings", a.meetings().size());
    o.put("content", a.contentCount());
    return o;
  }

  private void account(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Namespace ns = Http.namespace(ctx);
    ObjectNode o = accountSummary(ns, a);
    ArrayNode users = o.putArray("user_list");
    for (Directory.UserInfo u : a.users()) {
      ObjectNode x = users.addObject();
      x.put("user", u.user());
      x.put("role", u.role().id());
      u.group().ifPresentOrElse(g -> x.put("group", g), () -> x.putNull("group"));
    }
    ArrayNode groups = o.putArray("group_list");
    a.groups().forEach(groups::add);
    ArrayNode th = o.putArray("terms_history");
    for (Directory.TermsChange t : a.termsHistory()) {
      th.addObject().put("terms", t.terms()).put("at", t.at().toString()).put("by", t.by())
          .put("position", t.position());
    }
    Caller c = Http.caller(ctx);
    if (c instanceof Caller.AccountUser u) {
      ObjectNode me = o.putObject("you");
      me.put("user", u.user());
      me.put("role", a.user(u.user()).map(x -> x.role().id()).orElse("member"));
    }
    Http.json(ctx, 200, o);
  }

  private void accountEvents(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    long after = Http.longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
    int limit = (int) Http.longParam(ctx, "limit", 100, 1, 1000);
    List<StoredEvent> page = a.events(after, limit);
    ObjectNode out = Json.object();
    out.put("account", a.account());
    ArrayNode arr = out.putArray("events");
    for (StoredEvent e : page) {
      ObjectNode o = arr.addObject();
      o.put("position", e.position());
      o.set("event", EventCodec.toJson(e.event()));
    }
    if (page.size() == limit) {
      out.put("next", page.get(page.size() - 1).position());
    } else {
      out.putNull("next");
    }
    Http.json(ctx, 200, out);
  }

  // ---- settings

  private static SettingDef settingKey(String key) {
    return Vocabulary.setting(key).orElseThrow(
        () -> ServerException.notFound("key", "no setting `" + key + "`"));
  }

  private void settings(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), true);
    Optional<String> user = Http.stringParam(ctx, "user");
    Optional<String> group = Http.stringParam(ctx, "group");
    Instant at = Http.instantParam(ctx, "at").orElseGet(this::now);
    if (user.isPresent() && a.user(user.get()).isEmpty()) {
      throw ServerException.notFound("user", "no user `" + user.get() + "` in `" + a.account()
          + "`");
    }
    if (group.isPresent() && !a.hasGroup(group.get())) {
      throw ServerException.notFound("group", "no group `" + group.get() + "` in `"
          + a.account() + "`");
    }
    Optional<String> shownGroup = group.isPresent() ? group
        : user.flatMap(u -> a.user(u).flatMap(Directory.UserInfo::group));
    Snapshot s = Http.namespace(ctx).snapshot();
    long t = TimeKey.of(at);
    ObjectNode out = Json.object();
    out.put("account", a.account());
    user.ifPresent(u -> out.put("user", u));
    shownGroup.ifPresent(g -> out.put("group", g));
    out.put("at", at.toString());
    out.put("position", s.position());
    // Whose effective values these are: a user's, a group's members' (no user-level value), or
    // the account's (account level alone).
    out.put("effective_for", user.isPresent() ? "user" : group.isPresent() ? "group"
        : "account");
    ArrayNode arr = out.putArray("settings");
    for (SettingDef d : Vocabulary.settings()) {
      ObjectNode o = arr.addObject();
      o.put("key", d.key());
      o.put("default", d.defaultValue());
      o.put("mode", d.mode().name().toLowerCase(java.util.Locale.ROOT));
      ArrayNode ps = o.putArray("parents");
      d.parents().forEach(ps::add);
      o.set("account", written(s, a.account(), Scope.account(), d, t));
      o.set("group", shownGroup.isPresent()
          ? written(s, a.account(), Scope.group(shownGroup.get()), d, t)
          : Json.MAPPER.nullNode());
      o.set("user", user.isPresent()
          ? written(s, a.account(), Scope.user(user.get()), d, t)
          : Json.MAPPER.nullNode());
      o.set("effective", AnswerJson.setting(user.isEmpty() && group.isPresent()
          ? s.groupSetting(a.account(), group.get(), d, t)
          : s.setting(a.account(), user, d, t)));
    }
    Http.json(ctx, 200, out);
  }

  private static JsonNode written(Snapshot s, String account, Scope scope, SettingDef d, long t) {
    boolean[] locked = new boolean[1];
    Optional<Snapshot.Stamped<Boolean>> w = s.written(account, scope, d, t, locked);
    if (w.isEmpty()) {
      return Json.MAPPER.nullNode();
    }
    ObjectNode o = Json.object();
    o.put("value", w.get().value());
    o.put("locked", locked[0]);
    o.put("position", w.get().position());
    return o;
  }

  private void setting(Context ctx) {
    String account = ctx.pathParam("account");
    SettingDef d = settingKey(ctx.pathParam("key"));
    Caller c = Http.caller(ctx);
    Instant at = Http.instantParam(ctx, "at").orElseGet(this::now);
    Optional<String> user = Http.stringParam(ctx, "user");
    // ARCHITECTURE.md §8: an account or user that does not exist at `at` answers nulls; only
    // the operator may ask about accounts it cannot see, the others get 404 as everywhere.
    if (!(c instanceof Caller.Operator)) {
      Tenancy.account(ctx, account, true);
    }
    Snapshot s = Http.namespace(ctx).snapshot();
    ObjectNode o = AnswerJson.setting(s.setting(account, user, d, TimeKey.of(at)));
    o.put("account", account);
    user.ifPresent(u -> o.put("user", u));
    o.put("key", d.key());
    o.put("at", at.toString());
    Http.json(ctx, 200, o);
  }

  private void putSetting(Context ctx) {
    Optional<org.covenant.core.vocab.ValuedSetting> valued =
        org.covenant.core.vocab.ValuedSetting.of(ctx.pathParam("key"));
    if (valued.isPresent()) {
      putValuedSetting(ctx, valued.get());
      return;
    }
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    SettingDef d = settingKey(ctx.pathParam("key"));
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("scope", "value", "locked", "by"), "");
    Scope scope = scope(Http.field("", () -> Json.optStr(body, "scope")).orElse("account"));
    boolean value = Http.field("", () -> Json.bool(body, "value"));
    boolean locked = Http.field("", () -> Json.optBool(body, "locked")).orElse(false);
    String by = Tenancy.actor(ctx, a, Http.field("", () -> Json.optStr(body, "by")));
    long pos = appendOne(ctx, new Event.SettingSet(now(), a.account(), scope, d.key(), value,
        locked, by), "key");
    Http.json(ctx, 200, settingChanged(ctx, a, d, scope, pos));
  }

  /**
   * {@code PUT …/settings/retention.days} or {@code …/data_regions.allowed} (docs/DATA-RIGHTS.md,
   * "Valued settings"): a whole number of days or a list of region codes. A value of the wrong
   * shape is 400 {@code invalid_input} naming {@code value}; one that does not fit the key (days
   * out of range, a malformed region, a level the key is not settable at) is the ledger's
   * {@code invalid_value}, also naming {@code value}.
   */
  private void putValuedSetting(Context ctx, org.covenant.core.vocab.ValuedSetting key) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("scope", "value", "locked", "by"), "");
    Scope scope = scope(Http.field("", () -> Json.optStr(body, "scope")).orElse("account"));
    JsonNode v = body.get("value");
    org.covenant.core.event.SettingValue value;
    if (key == org.covenant.core.vocab.ValuedSetting.RETENTION_DAYS) {
      if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
        throw ServerException.invalid("value", "`" + key.key() + "` takes a whole number of "
            + "days, got " + (v == null ? "nothing" : Json.kind(v)));
      }
      value = new org.covenant.core.event.SettingValue.Number(v.asLong());
    } else {
      if (v == null || !v.isArray()) {
        throw ServerException.invalid("value", "`" + key.key() + "` takes a list of region "
            + "codes, got " + (v == null ? "nothing" : Json.kind(v)));
      }
      value = new org.covenant.core.event.SettingValue.Codes(
          Http.field("", () -> Json.strings(body, "value", true)));
    }
    boolean locked = Http.field("", () -> Json.optBool(body, "locked")).orElse(false);
    String by = Tenancy.actor(ctx, a, Http.field("", () -> Json.optStr(body, "by")));
    long pos = appendOne(ctx, new Event.ValuedSettingSet(now(), a.account(), scope, key.key(),
        value, locked, by), "value");
    ObjectNode o = Json.object();
    o.put("position", pos);
    o.put("account", a.account());
    o.put("key", key.key());
    o.put("scope", scope.toString());
    o.set("value", v.deepCopy());
    o.put("locked", locked);
    Http.json(ctx, 200, o);
  }

  private void clearSetting(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Optional<org.covenant.core.vocab.ValuedSetting> valued =
        org.covenant.core.vocab.ValuedSetting.of(ctx.pathParam("key"));
    if (valued.isPresent()) {
      Scope scope = scope(Http.stringParam(ctx, "scope").orElse("account"));
      String by = Tenancy.actor(ctx, a, Http.stringParam(ctx, "by"));
      long pos = appendOne(ctx, new Event.SettingCleared(now(), a.account(), scope,
          valued.get().key(), by), "key");
      ObjectNode o = Json.object();
      o.put("position", pos);
      o.put("account", a.account());
      o.put("key", valued.get().key());
      o.put("scope", scope.toString());
      Http.json(ctx, 200, o);
      return;
    }
    SettingDef d = settingKey(ctx.pathParam("key"));
    Scope scope = scope(Http.stringParam(ctx, "scope").orElse("account"));
    String by = Tenancy.actor(ctx, a, Http.stringParam(ctx, "by"));
    long pos = appendOne(ctx, new Event.SettingCleared(now(), a.account(), scope, d.key(), by),
        "key");
    Http.json(ctx, 200, settingChanged(ctx, a, d, scope, pos));
  }

  private static Scope scope(String text) {
    return Scope.parse(text).orElseThrow(() -> ServerException.invalid("scope",
        "`" + text + "` is not `account`, `group:G` or `user:U`"));
  }

  private ObjectNode settingChanged(Context ctx, Directory.AccountInfo a, SettingDef d,
      Scope scope, long pos) {
    Snapshot s = Http.namespace(ctx).snapshot();
    Optional<String> user = scope.level() == Scope.Level.USER ? Optional.of(scope.id())
        : Optional.empty();
    ObjectNode o = Json.object();
    o.put("position", pos);
    o.put("account", a.account());
    o.put("key", d.key());
    o.put("scope", scope.toString());
    o.set("written", written(s, a.account(), scope, d, TimeKey.END));
    o.set("effective", AnswerJson.setting(s.setting(a.account(), user, d, TimeKey.END)));
    return o;
  }

  // ---- consents and terms

  private void consents(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Snapshot s = Http.namespace(ctx).snapshot();
    ObjectNode out = Json.object();
    out.put("account", a.account());
    ArrayNode now = out.putArray("consents");
    for (ConsentType c : ConsentType.values()) {
      ConsentStatus st = s.consent(a.account(), c, TimeKey.END, Long.MAX_VALUE,
          Snapshot.noEvidence());
      ObjectNode o = now.addObject();
      o.put("consent", c.id());
      o.put("status", st.name().toLowerCase(java.util.Locale.ROOT));
    }
    ArrayNode hist = out.putArray("history");
    for (Directory.ConsentChange ch : a.consentHistory()) {
      ObjectNode o = hist.addObject();
      o.put("consent", ch.consent());
      o.put("action", ch.granted() ? "granted" : "withdrawn");
      o.put("at", ch.at().toString());
      o.put("by", ch.by());
      o.put("position", ch.position());
    }
    Http.json(ctx, 200, out);
  }

  private void changeConsent(Context ctx, boolean grant) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    String consent = ctx.pathParam("consent");
    if (ConsentType.of(consent).isEmpty()) {
      throw ServerException.notFound("consent", "no consent `" + consent + "`");
    }
    // The OpenAPI document requires a body (`{}` or `{"by": USER}`): an empty one is 400.
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("by"), "");
    String by = Tenancy.actor(ctx, a, Http.field("", () -> Json.optStr(body, "by")));
    Instant at = now();
    Event e = grant ? new Event.ConsentGranted(at, a.account(), consent, by)
        : new Event.ConsentWithdrawn(at, a.account(), consent, by);
    // The append is the commit point: nothing after it may turn a written change into a 5xx.
    long pos = appendOne(ctx, e, "consent");
    Snapshot s = Http.namespace(ctx).snapshot();
    ObjectNode out = Json.object();
    out.put("position", pos);
    out.put("account", a.account());
    out.put("consent", consent);
    out.put("action", grant ? "granted" : "withdrawn");
    out.put("status", s.consent(a.account(), ConsentType.of(consent).orElseThrow(),
        TimeKey.END, Long.MAX_VALUE, Snapshot.noEvidence()).name()
        .toLowerCase(java.util.Locale.ROOT));
    try {
      receipts.receipt(Http.namespace(ctx), pos).ifPresent(r -> out.set("receipt", r));
    } catch (RuntimeException x) {
      // The transparency log cannot be written (a full or read-only disk): the consent change is
      // committed and is logged, and its receipt can be issued, once the log catches up.
      LOG.log(System.Logger.Level.WARNING, "consent change at position " + pos
          + " is committed but its receipt could not be issued", x);
      out.put("receipt_pending", true);
    }
    Http.json(ctx, 200, out);
  }

  private void acceptTerms(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("terms", "by"), "");
    String terms = Http.field("", () -> Json.str(body, "terms"));
    String by = Tenancy.actor(ctx, a, Http.field("", () -> Json.optStr(body, "by")));
    long pos = appendOne(ctx, new Event.TermsAccepted(now(), a.account(), terms, by), "terms");
    ObjectNode out = Json.object();
    out.put("position", pos);
    out.put("account", a.account());
    out.put("terms", terms);
    Http.json(ctx, 200, out);
  }

  // ---- content

  private void registerContent(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), true);
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("content", "category", "meeting", "author", "contributors", "at"),
        "");
    String content = Http.field("", () -> Json.str(body, "content"));
    String category = Http.field("", () -> Json.str(body, "category"));
    Optional<String> meeting = Http.field("", () -> Json.optStr(body, "meeting"));
    Optional<String> author = Http.field("", () -> Json.optStr(body, "author"));
    List<String> contributors = Http.field("", () -> Json.strings(body, "contributors", false));
    Instant now = now();
    Instant at = body.has("at") ? Http.field("", () -> Json.instant(body, "at")) : now;
    boolean own = EdgeRules.checkTime(Http.caller(ctx), at, now, "at") && body.has("at");
    long pos = appendOne(ctx, new Event.ContentCreated(own ? at : now, content, category,
        a.account(), meeting, author, contributors), "content", !own);
    ObjectNode out = Json.object();
    out.put("position", pos);
    out.put("content", content);
    out.put("account", a.account());
    Http.json(ctx, 201, out);
  }
}
