package org.covenant.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.Verdict;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Json;
import org.covenant.safety.InMemoryReviewStore;
import org.covenant.safety.Invite;
import org.covenant.safety.InviteScanner;
import org.covenant.safety.InviteScreening;
import org.covenant.safety.MessageParser;
import org.covenant.safety.ReviewItem;
import org.covenant.safety.ReviewJson;
import org.covenant.safety.ReviewOutcome;
import org.covenant.safety.ReviewQueue;
import org.covenant.safety.ScanBatch;
import org.covenant.safety.ScanJson;
import org.covenant.safety.ScanModel;
import org.covenant.safety.TrainingDataGate;
import org.covenant.server.auth.Caller;
import org.covenant.store.DocumentTable;

/**
 * Trust and safety routes (ISSUE 9): scanning an account's webinar invites with the server's scan
 * model and the review queue of the flagged ones.
 *
 * <p>Each scan batch is one decision for {@code safety.abuse_scanning} on the account's
 * {@code customer_content.webinar_invite} content, recorded in the decision log (and so in the
 * transparency report and the transparency log) with the clause of the account's terms that
 * licenses it. Without such a clause nothing is scanned. One review queue per account and
 * namespace keeps tenants apart; the main namespace's queues persist in the review table
 * ({@link TableReviewStore}), so a restart keeps every held invite and review outcome. Reviewed
 * items never reach a training round from here (the gate denies all).
 */
final class ScanRoutes {
  static final String MODEL_FILE = org.covenant.evidence.DataDirectory.SCAN_MODEL;
  /** The review queue's table: {@code DIR/safety/reviews.db}, or {@code SCHEMA.reviews}. */
  static final String REVIEW_TABLE = ReviewJson.TABLE;

  private final Clock clock;
  private final ServerConfig config;
  private final Optional<ScanModel> model;
  private final MessageParser parser = MessageParser.create();
  private final Map<String, ReviewQueue> queues = new ConcurrentHashMap<>();

  private final DocumentTable reviews;

  ScanRoutes(Clock clock, ServerConfig config, Optional<ScanModel> model,
      DocumentTable reviews) {
    this.clock = clock;
    this.config = config;
    this.model = model;
    this.reviews = reviews;
  }

  List<Route> routes() {
    return List.of(
        Route.auth("POST", "/v1/accounts/{account}/invites:scan", this::scan),
        Route.auth("GET", "/v1/accounts/{account}/reviews", this::reviews),
        Route.auth("POST", "/v1/accounts/{account}/reviews/{content}/release", this::release),
        Route.auth("POST", "/v1/accounts/{account}/reviews/{content}/confirm", this::confirm));
  }

  /**
   * The queue of one account in the caller's namespace: the main namespace's queues are in the
   * review table (they survive a restart); scratch namespaces keep theirs in memory.
   */
  private ReviewQueue queue(Context ctx, String account) {
    String ns = Http.namespace(ctx).id();
    return queues.computeIfAbsent(ns + "\u0000" + account,
        a -> ReviewQueue.create("main".equals(ns) ? new TableReviewStore(reviews, account)
            : InMemoryReviewStore.create(), TrainingDataGate.denyAll()));
  }

  private void scan(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Tenancy.requireAdmin(ctx, a);
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("invites"), "");
    JsonNode list = body.path("invites");
    if (!list.isArray() || list.isEmpty()) {
      throw ServerException.invalid("invites", "expected a non-empty list");
    }
    if (list.size() > config.maxBatch()) {
      throw ServerException.invalid("invites", "more than " + config.maxBatch() + " invites");
    }
    List<Invite> invites = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String prefix = "invites[" + i + "]";
      JsonNode n = list.get(i);
      if (!(n instanceof ObjectNode o)) {
        throw ServerException.invalid(prefix, "expected an object");
      }
      Http.only(o, Set.of("content", "message"), prefix + ".");
      String content = o.path("content").asText("");
      String message = o.path("message").asText("");
      if (!o.path("content").isTextual() || content.isBlank()) {
        throw ServerException.invalid(prefix + ".content", "expected a non-empty string");
      }
      if (!o.path("message").isTextual() || message.isBlank()) {
        throw ServerException.invalid(prefix + ".message", "expected the raw message text");
      }
      invites.add(new Invite(content, a.account(), parser.parse(message)));
    }
    ScanModel m = model.orElseThrow(() -> new ServerException("scan_model_missing", 503,
        "", "the server has no scan model: run `covenant scan train --data "
            + "../shared/data/spamassassin/dev.jsonl.gz --out DIR/" + MODEL_FILE
            + "` and restart the server"));
    Namespace ns = Http.namespace(ctx);
    Instant at = clock.instant();
    Decision licence = licence(ns, a.account(), at);
    if (!licence.allowed()) {
      throw ServerException.forbidden("account", "no clause of the account's terms licenses "
          + "`" + ScanBatch.PURPOSE + "` on its webinar invites");
    }
    InviteScreening screening = InviteScreening.create(InviteScanner.create(m),
        queue(ctx, a.account()), batch -> ns.decisions().record(a.account(), at, batch.purpose(),
            licence, 1));
    InviteScreening.Screened s = screening.screen("scan-" + UUID.randomUUID(), invites, at);
    ObjectNode out = Json.object();
    out.put("batch", s.batch().batchId());
    out.put("purpose", s.batch().purpose());
    out.put("model", s.batch().model());
    ArrayNode clauses = out.putArray("clauses");
    licence.clauses().forEach(clauses::add);
    ArrayNode results = out.putArray("results");
    for (int i = 0; i < invites.size(); i++) {
      ObjectNode r = results.addObject();
      r.put("content", invites.get(i).contentId());
      r.put("held", s.results().get(i).verdict().flagged());
      r.set("scan", Json.parse(ScanJson.write(s.results().get(i))));
    }
    Http.json(ctx, 200, out);
  }

  /** The decision for this batch: the engine's licence for the account's invites. */
  private static Decision licence(Namespace ns, String account, Instant at) {
    return ns.engine().licence(ns.snapshot(), account,
        Vocabulary.category("customer_content.webinar_invite").orElseThrow(),
        Vocabulary.purpose(ScanBatch.PURPOSE).orElseThrow(), at);
  }

  private void reviews(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Tenancy.requireAdmin(ctx, a);
    String status = Http.stringParam(ctx, "status").orElse("held");
    ReviewQueue q = queue(ctx, a.account());
    List<ReviewItem> listed = switch (status) {
      case "held" -> q.held();
      case "decided" -> q.decided();
      default -> throw ServerException.invalid("status", "expected `held` or `decided`, not `"
          + status + "`");
    };
    ArrayNode items = Json.array();
    for (ReviewItem i : listed) {
      items.add(item(i));
    }
    ObjectNode out = Json.object();
    out.set("items", items);
    Http.json(ctx, 200, out);
  }

  private void release(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Tenancy.requireAdmin(ctx, a);
    answer(ctx, queue(ctx, a.account()).release(ctx.pathParam("content"), reviewer(ctx),
        clock.instant()));
  }

  private void confirm(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Tenancy.requireAdmin(ctx, a);
    ObjectNode body = Http.optionalObject(ctx, config.maxBody());
    Http.only(body, Set.of("verdict"), "");
    String v = body.path("verdict").asText("spam");
    org.covenant.safety.ScanVerdict verdict;
    switch (v) {
      case "spam" -> verdict = org.covenant.safety.ScanVerdict.SPAM;
      case "fraud" -> verdict = org.covenant.safety.ScanVerdict.FRAUD;
      default -> throw new ServerException("bad_verdict", 400, "verdict",
          "confirm as `spam` or `fraud`, not `" + v + "`");
    }
    answer(ctx, queue(ctx, a.account()).confirm(ctx.pathParam("content"), reviewer(ctx),
        verdict, clock.instant()));
  }

  private static String reviewer(Context ctx) {
    Caller c = Http.caller(ctx);
    if (c instanceof Caller.AccountUser u) {
      return u.user();
    }
    return "operator";
  }

  private static void answer(Context ctx, ReviewOutcome outcome) {
    if (outcome instanceof ReviewOutcome.Applied ap) {
      Http.json(ctx, 200, item(ap.item()));
      return;
    }
    ReviewOutcome.Refused r = (ReviewOutcome.Refused) outcome;
    int status = switch (r.code()) {
      case "unknown_item" -> 404;
      case "already_reviewed" -> 409;
      default -> 400;
    };
    throw new ServerException(r.code(), status, "content", r.message());
  }

  private static ObjectNode item(ReviewItem i) {
    ObjectNode o = Json.object();
    o.put("content", i.contentId());
    o.put("account", i.invite().accountId());
    o.put("subject", i.invite().message().subject());
    o.put("sender", i.invite().message().sender());
    o.put("status", i.status().code());
    o.put("verdict", i.verdict().code());
    o.put("score", i.scan().score());
    o.put("reviewer", i.reviewer());
    o.put("held_at", i.heldAt().toString());
    if (i.decidedAt().isPresent()) {
      o.put("decided_at", i.decidedAt().get().toString());
    } else {
      o.putNull("decided_at");
    }
    o.put("preview", preview(i.invite().message().body()));
    o.set("scan", Json.parse(ScanJson.write(i.scan())));
    return o;
  }

  /** How much of a held message's text a review item shows. */
  static final int PREVIEW = 400;

  /** The first {@value #PREVIEW} characters of a message's text, white space collapsed. */
  static String preview(String body) {
    String text = body == null ? "" : body.replaceAll("\\s+", " ").strip();
    if (text.length() <= PREVIEW) {
      return text;
    }
    int end = PREVIEW;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "…";
  }
}
