package org.covenant.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.Effect;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.AnswerJson;
import org.covenant.format.Json;
import org.covenant.log.ConsistencyProof;
import org.covenant.log.Hash;
import org.covenant.log.InclusionProof;
import org.covenant.log.LogException;
import org.covenant.log.TiledLog;
import org.covenant.server.auth.ApiToken;
import org.covenant.server.auth.Caller;
import org.covenant.server.auth.ServiceRole;
import org.covenant.server.auth.TokenKind;
import org.covenant.server.auth.TokenStore;

/**
 * Operations routes: health and readiness, Prometheus metrics, the OpenAPI document, the
 * transparency log (C2SP tlog-tiles paths under {@code /log/}, RFC 9162 proofs), API tokens,
 * scratch namespaces and the terms catalog.
 */
final class OpsRoutes {
  /** tlog-tiles resource paths below {@code /log/tile/}: level or entries, index, width. */
  private static final Pattern TILE =
      Pattern.compile("(?:[0-9]{1,2}|entries)/(?:x[0-9]{3}/)*[0-9]{3}(?:\\.p/[0-9]{1,3})?");

  private final Clock clock;
  private final ServerConfig config;
  private final ServerMetrics metrics;
  private final Namespaces namespaces;
  private final TokenStore tokens;
  private final java.util.function.Supplier<Optional<TiledLog>> log;
  private final java.util.function.Supplier<Optional<String>> logStatus;
  private final TermsCatalog catalog;
  private final byte[] openapi;
  private final java.util.function.BooleanSupplier started;

  OpsRoutes(Clock clock, ServerConfig config, ServerMetrics metrics, Namespaces namespaces,
      TokenStore tokens, java.util.function.Supplier<Optional<TiledLog>> log,
      java.util.function.Supplier<Optional<String>> logStatus, TermsCatalog catalog,
      java.util.function.BooleanSupplier started) {
    this.logStatus = logStatus;
    this.started = started;
    this.clock = clock;
    this.config = config;
    this.metrics = metrics;
    this.namespaces = namespaces;
    this.tokens = tokens;
    this.log = log;
    this.catalog = catalog;
    try (InputStream in = OpsRoutes.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the server jar");
      }
      this.openapi = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<Route> routes() {
    return List.of(
        Route.open("GET", "/healthz", this::health),
        Route.open("GET", "/readyz", this::ready),
        Route.open("GET", "/metrics", this::metrics),
        Route.open("GET", "/openapi.json", ctx -> ctx.contentType(Http.JSON).result(openapi)),
        Route.open("GET", "/log/checkpoint", this::checkpoint),
        Route.open("GET", "/log/key", this::logKey),
        Route.open("GET", "/log/tile/<path>", this::tile),
        Route.open("GET", "/log/proofs/inclusion", this::inclusion),
        Route.open("GET", "/log/proofs/consistency", this::consistency),
        Route.auth("GET", "/v1/terms", this::termsList),
        Route.auth("GET", "/v1/terms/{terms}", this::terms),
        Route.auth("POST", "/v1/tokens", this::issueToken),
        Route.auth("GET", "/v1/tokens", this::listTokens),
        Route.auth("DELETE", "/v1/tokens/{token}", this::revokeToken),
        Route.auth("POST", "/v1/namespaces", this::createNamespace),
        Route.auth("DELETE", "/v1/namespaces/{namespace}", this::deleteNamespace));
  }

  private void health(Context ctx) {
    ObjectNode o = Json.object();
    o.put("status", "ok");
    Http.json(ctx, 200, o);
  }

  private void ready(Context ctx) {
    if (!started.getAsBoolean()) {
      throw new ServerException("starting", 503, "", "the server is still starting");
    }
    Namespace main = namespaces.main();
    if (!main.storeUp()) {
      throw new ServerException("store_unavailable", 503, "", "the ledger store has been "
          + "unreachable for " + main.ageMillis() + " ms");
    }
    ObjectNode o = Json.object();
    o.put("status", "ready");
    o.put("head", main.ledger().head());
    // Ready for the ledger and decisions even while the log has no writer (docs/CLUSTER.md).
    logStatus.get().ifPresent(x -> o.put("log", x));
    Http.json(ctx, 200, o);
  }

  /**
   * Every tenant's totals: for the operator token or the configured scraper token only (401
   * without a valid token, 403 for an account or service token).
   */
  private void metrics(Context ctx) {
    String header = ctx.header("Authorization");
    String secret = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim() : "";
    if (secret.isEmpty()) {
      throw new ServerException("unauthenticated", 401, "Authorization",
          "send `Authorization: Bearer <operator or metrics token>`");
    }
    boolean scraper = config.metricsToken().isPresent() && java.security.MessageDigest.isEqual(
        config.metricsToken().get().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    if (!scraper) {
      ApiToken t = tokens.find(secret).filter(x -> !x.expiredAt(clock.instant()))
          .orElseThrow(() -> new ServerException("unauthenticated", 401, "Authorization",
              "the token is not valid"));
      if (t.kind() != TokenKind.OPERATOR) {
        throw ServerException.forbidden("Authorization", "metrics are for the operator or the "
            + "metrics token");
      }
    }
    ctx.contentType(ServerMetrics.CONTENT_TYPE).result(metrics.scrape());
  }

  // ---- transparency log

  private TiledLog log() {
    Optional<String> status = logStatus.get();
    return log.get().orElseThrow(() -> status.isPresent()
        ? new ServerException("log_unavailable", 503, "log", "the transparency log: "
            + status.get() + " (no member with --log-key has created it)")
        : ServerException.notFound("log", "this server keeps no transparency log"));
  }

  private void checkpoint(Context ctx) {
    ctx.contentType("text/plain; charset=utf-8").header("Cache-Control", "no-cache")
        .result(log().checkpoint().note());
  }

  /**
   * The log's verifier key ({@code <name>+<key id>+<base64 key>}, what {@code covenant log key}
   * prints), so a browser can check checkpoint and receipt signatures without being handed the
   * key. A key served by the same server proves only that server's consistency with itself; an
   * auditor compares it with the key published elsewhere (docs/DECISIONS.md).
   */
  private void logKey(Context ctx) {
    ctx.contentType("text/plain; charset=utf-8").header("Cache-Control", "no-cache")
        .result(log().verifier().keyText() + "\n");
  }

  private void tile(Context ctx) {
    String path = ctx.pathParam("path");
    if (!TILE.matcher(path).matches()) {
      throw ServerException.notFound("path", "`" + path + "` is not a tlog-tiles path");
    }
    byte[] bytes = log().file("tile/" + path).orElseThrow(
        () -> ServerException.notFound("path", "no tile `" + path + "`"));
    ctx.contentType("application/octet-stream");
    if (!path.contains(".p/")) {
      // Full tiles never change (tlog-tiles): cache them forever.
      ctx.header("Cache-Control", "public, max-age=31536000, immutable");
    }
    ctx.result(bytes);
  }

  private void inclusion(Context ctx) {
    TiledLog l = log();
    long size = Http.longParam(ctx, "size", l.size(), 1, l.size());
    long index = Http.longParam(ctx, "index", -1, 0, size - 1);
    if (index < 0) {
      throw ServerException.invalid("index", "missing query parameter");
    }
    InclusionProof p;
    try {
      p = l.inclusionProof(index, size);
    } catch (LogException e) {
      throw ServerException.invalid("index", e.getMessage());
    }
    ObjectNode o = Json.object();
    o.put("index", index);
    o.put("tree_size", size);
    o.put("leaf_hash", l.leafHash(index).base64());
    o.put("root", l.root(size).base64());
    ArrayNode path = o.putArray("path");
    for (Hash h : p.path()) {
      path.add(h.base64());
    }
    Http.json(ctx, 200, o);
  }

  private void consistency(Context ctx) {
    TiledLog l = log();
    long to = Http.longParam(ctx, "to", l.size(), 0, l.size());
    long from = Http.longParam(ctx, "from", -1, 0, to);
    if (from < 0) {
      throw ServerException.invalid("from", "missing query parameter");
    }
    ConsistencyProof p;
    try {
      p = l.consistencyProof(from, to);
    } catch (LogException e) {
      throw ServerException.invalid("from", e.getMessage());
    }
    ObjectNode o = Json.object();
    o.put("from", from);
    o.put("to", to);
    o.put("from_root", l.root(from).base64());
    o.put("to_root", l.root(to).base64());
    ArrayNode path = o.putArray("path");
    for (Hash h : p.path()) {
      path.add(h.base64());
    }
    Http.json(ctx, 200, o);
  }

  // ---- terms

  private void termsList(Context ctx) {
    ObjectNode o = Json.object();
    o.put("revision", catalog.revision());
    ArrayNode arr = o.putArray("terms");
    for (TermsVersion v : catalog.versions()) {
      arr.addObject().put("terms", v.name()).put("title", v.title())
          .put("clauses", v.clauses().size()).put("revision", v.revision());
    }
    Http.json(ctx, 200, o);
  }

  private void terms(Context ctx) {
    String name = ctx.pathParam("terms");
    TermsVersion v = catalog.version(name).orElseThrow(
        () -> ServerException.notFound("terms", "no terms `" + name + "`"));
    ObjectNode o = Json.object();
    o.put("terms", v.name());
    o.put("title", v.title());
    o.put("revision", v.revision());
    ArrayNode clauses = o.putArray("clauses");
    for (Clause cl : v.clauses()) {
      ObjectNode co = clauses.addObject();
      co.put("id", cl.id());
      co.put("cite", v.name() + "#" + cl.id());
      co.put("title", cl.title());
      co.put("effect", cl.effect().id());
      ArrayNode cats = co.putArray("categories");
      cl.categories().forEach(cats::add);
      ArrayNode ps = co.putArray("purposes");
      cl.purposes().forEach(ps::add);
      cl.basis().ifPresent(b -> co.put("basis", b.id()));
      boolean permit = cl.effect() == Effect.PERMIT;
      ArrayNode conds = co.putArray(permit ? "when" : "unless");
      for (Condition cond : permit ? cl.when() : cl.unless()) {
        conds.addObject().put(cond.kind(), cond.argument());
      }
      co.set("obligations", AnswerJson.obligations(cl.obligations()));
    }
    Http.json(ctx, 200, o);
  }

  // ---- tokens

  private void issueToken(Context ctx) {
    Caller caller = Http.caller(ctx);
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("kind", "name", "account", "user", "purposes", "accounts", "role",
        "ttl_seconds"), "");
    String kindText = Http.field("", () -> Json.str(body, "kind"));
    TokenKind kind = TokenKind.of(kindText).orElseThrow(() -> ServerException.invalid("kind",
        "`" + kindText + "` is not operator, account or service"));
    if (kind == TokenKind.PARTICIPANT) {
      throw ServerException.invalid("kind", "participant tokens are issued for a meeting: POST "
          + "/v1/meetings/{meeting}/participant-tokens");
    }
    String name = Http.field("", () -> Json.optStr(body, "name")).orElse(kind.id());
    Optional<String> account = Http.field("", () -> Json.optStr(body, "account"));
    Optional<String> user = Http.field("", () -> Json.optStr(body, "user"));
    List<String> purposes = Http.field("", () -> Json.strings(body, "purposes", false));
    List<String> accounts = Http.field("", () -> Json.strings(body, "accounts", false));
    Optional<String> roleText = Http.field("", () -> Json.optStr(body, "role"));
    Optional<Instant> expires = Optional.empty();
    if (body.has("ttl_seconds")) {
      var ttl = body.get("ttl_seconds");
      if (!ttl.canConvertToLong() || !ttl.isIntegralNumber() || ttl.asLong() < 1
          || ttl.asLong() > 10L * 365 * 24 * 3600) {
        throw ServerException.invalid("ttl_seconds", "expected a whole number of seconds from 1 "
            + "to ten years");
      }
      expires = Optional.of(clock.instant().plusSeconds(ttl.asLong()));
    }
    if (caller instanceof Caller.AccountUser u) {
      if (kind != TokenKind.ACCOUNT) {
        throw ServerException.forbidden("kind", "an account token issues only account tokens");
      }
      if (account.isPresent() && !account.get().equals(u.account())) {
        throw ServerException.notFound("account", "no account `" + account.get() + "`");
      }
      account = Optional.of(u.account());
      Directory.AccountInfo a = namespaces.main().directory().account(u.account()).orElseThrow(
          () -> ServerException.notFound("account", "no account `" + u.account() + "`"));
      Tenancy.requireAdmin(ctx, a);
    } else if (!(caller instanceof Caller.Operator)) {
      throw ServerException.forbidden("Authorization", "a service token may not issue tokens");
    }
    switch (kind) {
      case ACCOUNT -> {
        String acc = account.orElseThrow(() -> ServerException.invalid("account", "missing"));
        String usr = user.orElseThrow(() -> ServerException.invalid("user", "missing"));
        Directory.AccountInfo a = namespaces.main().directory().account(acc).orElseThrow(
            () -> ServerException.notFound("account", "no account `" + acc + "`"));
        if (a.user(usr).isEmpty()) {
          throw ServerException.notFound("user", "no user `" + usr + "` in `" + acc + "`");
        }
        if (caller instanceof Caller.AccountUser u) {
          // A token acts as its user: nobody mints one for a user above their own role.
          Role mine = a.user(u.user()).map(Directory.UserInfo::role).orElse(Role.MEMBER);
          Role theirs = a.user(usr).get().role();
          if (theirs.ordinal() < mine.ordinal()) {
            throw new ServerException("role_escalation", 403, "user", "`" + u.user() + "` ("
                + mine.id() + ") may not issue a token acting as `" + usr + "` ("
                + theirs.id() + ")");
          }
        }
        if (!purposes.isEmpty()) {
          throw ServerException.invalid("purposes", "only service tokens carry purposes");
        }
      }
      case SERVICE -> {
        if (account.isPresent() || user.isPresent()) {
          throw ServerException.invalid(account.isPresent() ? "account" : "user",
              "a service token is not bound to an account");
        }
        if (purposes.isEmpty()) {
          throw ServerException.invalid("purposes", "a service token needs at least one "
              + "purpose");
        }
        if (accounts.isEmpty()) {
          throw ServerException.invalid("accounts", "a service token names the accounts it "
              + "acts in");
        }
        for (int i = 0; i < accounts.size(); i++) {
          if (namespaces.main().directory().account(accounts.get(i)).isEmpty()) {
            throw ServerException.notFound("accounts[" + i + "]", "no account `"
                + accounts.get(i) + "`");
          }
        }
        for (int i = 0; i < purposes.size(); i++) {
          if (Vocabulary.purpose(purposes.get(i)).isEmpty()) {
            throw ServerException.invalid("purposes[" + i + "]", "no purpose `"
                + purposes.get(i) + "`");
          }
        }
      }
      case OPERATOR -> {
        if (account.isPresent() || user.isPresent() || !purposes.isEmpty()) {
          throw ServerException.invalid("kind", "an operator token names no account, user or "
              + "purposes");
        }
      }
      default -> throw new IllegalStateException("unhandled kind " + kind);
    }
    if (kind != TokenKind.SERVICE && (!accounts.isEmpty() || roleText.isPresent())) {
      throw ServerException.invalid(accounts.isEmpty() ? "role" : "accounts",
          "only service tokens are bound to accounts and a role");
    }
    Optional<ServiceRole> role = kind != TokenKind.SERVICE ? Optional.empty()
        : Optional.of(roleText.map(r -> ServiceRole.of(r).orElseThrow(() -> ServerException
            .invalid("role", "`" + r + "` is not decisions, content or meetings")))
            .orElse(ServiceRole.DECISIONS));
    TokenStore.Issued issued = tokens.issue(kind, name, account, user, purposes,
        List.copyOf(new java.util.LinkedHashSet<>(accounts)), role, clock.instant(), expires);
    ObjectNode out = TokenStore.toJson(issued.token());
    out.put("secret", issued.secret());
    Http.json(ctx, 201, out);
  }

  private void listTokens(Context ctx) {
    Caller caller = Http.caller(ctx);
    Optional<String> only = Optional.empty();
    if (caller instanceof Caller.AccountUser u) {
      Tenancy.requireAdmin(ctx, namespaces.main().directory().account(u.account()).orElseThrow(
          () -> ServerException.notFound("account", "no account `" + u.account() + "`")));
      only = Optional.of(u.account());
    } else if (!(caller instanceof Caller.Operator)) {
      throw ServerException.forbidden("Authorization", "a service token may not list tokens");
    }
    ObjectNode out = Json.object();
    ArrayNode arr = out.putArray("tokens");
    for (ApiToken t : tokens.list()) {
      if (only.isEmpty() || only.equals(t.account())) {
        arr.add(TokenStore.toJson(t));
      }
    }
    Http.json(ctx, 200, out);
  }

  private void revokeToken(Context ctx) {
    Caller caller = Http.caller(ctx);
    String id = ctx.pathParam("token");
    Optional<ApiToken> t = tokens.byId(id);
    if (t.isEmpty()) {
      // Issued a moment ago through another cluster member (the store is shared): read it.
      tokens.reload();
      t = tokens.byId(id);
    }
    if (caller instanceof Caller.AccountUser u) {
      if (t.isEmpty() || !t.get().account().equals(Optional.of(u.account()))) {
        throw ServerException.notFound("token", "no token `" + id + "`");
      }
      Tenancy.requireAdmin(ctx, namespaces.main().directory().account(u.account()).orElseThrow(
          () -> ServerException.notFound("account", "no account `" + u.account() + "`")));
    } else if (!(caller instanceof Caller.Operator)) {
      throw ServerException.forbidden("Authorization", "a service token may not revoke tokens");
    }
    if (t.isEmpty() || !tokens.revoke(id)) {
      throw ServerException.notFound("token", "no token `" + id + "`");
    }
    ctx.status(204);
  }

  // ---- namespaces

  private void createNamespace(Context ctx) {
    Tenancy.requireOperator(ctx);
    Http.only(Http.optionalObject(ctx, config.maxBody()), Set.of(), "");
    Namespace ns = namespaces.create();
    ObjectNode o = Json.object();
    o.put("namespace", ns.id());
    o.put("header", Namespaces.HEADER);
    Http.json(ctx, 201, o);
  }

  private void deleteNamespace(Context ctx) {
    Tenancy.requireOperator(ctx);
    String id = ctx.pathParam("namespace");
    if (!namespaces.delete(id)) {
      throw ServerException.notFound("namespace", "no namespace `" + id + "`");
    }
    ctx.status(204);
  }
}
