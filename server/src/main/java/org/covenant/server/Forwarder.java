package org.covenant.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.event.Event;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;

/**
 * A cluster member's router (docs/CLUSTER.md, "Forwarding"): any member answers any request by
 * forwarding it to the member that owns the request's account, by rendezvous hashing over the
 * live members. The account is the route's {@code {account}}, or the account of the
 * {@code {meeting}} it names, of the content a decision asks about, or of the events of a batch.
 * A request that arrives forwarded ({@value #HOP}) is never forwarded again: a member that does
 * not own its account answers 503 {@code ownership_moving}. Operator and platform routes and
 * requests naming no account are served locally; scratch namespaces live on the member that
 * created them, and all their requests go there. A batch of events whose accounts have
 * different owners is served where it arrives, against its accounts loaded for it
 * ({@link #SPAN}); a decision batch spanning owners is split by owner where it arrives: each
 * owner is asked for its part at once and the answers are merged in the batch's order
 * ({@link Split}).
 *
 * <p>Fail closed: an account that is moving to this member waits up to {@link #WAIT} for its
 * projection; an owner that cannot be reached is looked up again and tried once more. Otherwise
 * decisions are answered here as denials ({@code store_unavailable}, the engine's fail-closed
 * answer for a stale projection) and every other request is 503 {@code owner_unavailable}.
 */
final class Forwarder {
  /** The header a forwarded request carries: the id of the member that forwarded it. */
  static final String HOP = "Covenant-Forwarded-By";
  /** The header of a forwarded answer: the id of the member that answered it. */
  static final String SERVED_BY = "Covenant-Served-By";
  /**
   * The header of a forwarded request: the ledger head the forwarding member has read. The owner
   * reads the ledger at least that far before it answers, so what a client wrote through one
   * member (a spanning batch, appended there) is seen by its next request, wherever it goes.
   */
  static final String SEEN_HEAD = "Covenant-Seen-Head";
  /**
   * Set on a {@code POST /v1/events} whose accounts have different owners, none of which holds
   * them all: the accounts, which this member loads to validate and append the batch itself
   * (docs/CLUSTER.md, "Batches that span owners").
   */
  static final String SPAN = "covenant.span";
  /**
   * Set on a {@code POST /v1/decisions:batch} whose contents' accounts have different owners: the
   * {@link Split} that asks the other owners for their items (docs/CLUSTER.md, "Decision batches
   * that span owners").
   */
  static final String SPLIT = "covenant.split";
  /** Set on a decision whose account's owner could not answer: decide as if stale. */
  static final String OWNER_UNAVAILABLE = "covenant.owner-unavailable";
  /** How long a request waits for an account moving to this member. */
  static final Duration WAIT = Duration.ofSeconds(2);
  private static final String REMOTE_NAMESPACE = "covenant.remote-namespace";
  /** Headers the HTTP client sets itself or that end at this hop. */
  private static final Set<String> NOT_COPIED = Set.of("connection", "content-length", "date",
      "expect", "from", "host", "upgrade", "via", "warning", "keep-alive", "te", "trailer",
      "transfer-encoding", "proxy-connection", "http2-settings", "accept-encoding",
      HOP.toLowerCase(Locale.ROOT), SEEN_HEAD.toLowerCase(Locale.ROOT));

  /** What a forward came to. */
  private enum Sent { ANSWERED, NOT_REACHED, MOVING }

  private final Routing routing;
  private final ServerConfig config;
  private final Namespaces namespaces;
  private final HttpClient client;

  private Runnable tokensChanged = () -> { };

  Forwarder(Routing routing, ServerConfig config, Namespaces namespaces) {
    this.routing = routing;
    this.config = config;
    this.namespaces = namespaces;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1)).build();
  }

  /**
   * Reads the shared tokens again after a token issued or revoked through another member (the
   * owner of its account) was acknowledged: the client uses it here next. Returns this.
   */
  Forwarder tokensChanged(Runnable reload) {
    this.tokensChanged = java.util.Objects.requireNonNull(reload, "reload");
    return this;
  }

  /** The suffix of new scratch namespace ids: the member holding them. */
  String namespaceSuffix() {
    return routing.namespaceSuffix();
  }

  /**
   * For a request naming scratch namespace {@code ns}: true when another member holds it (the
   * request is then forwarded by {@link #route}); false when it is this member's.
   */
  boolean remoteNamespace(Context ctx, String ns) {
    Routing.Place p = routing.placeNamespace(ns);
    if (p instanceof Routing.Local) {
      return false;
    }
    if (p instanceof Routing.Nowhere n || ctx.header(HOP) != null) {
      throw ServerException.notFound(Namespaces.HEADER, "no namespace `" + ns + "`"
          + (p instanceof Routing.Nowhere n ? ": " + n.reason() : ""));
    }
    ctx.attribute(REMOTE_NAMESPACE, p);
    return true;
  }

  /**
   * Routes an authenticated request: true when it was answered (forwarded, or refused because no
   * owner could answer); false when this member serves it.
   */
  boolean route(Context ctx, Route r) throws IOException {
    String key = r.method() + " " + r.path();
    boolean forwarded = ctx.header(HOP) != null;
    if (forwarded) {
      routing.count(Routing.Counter.SERVED_FOR_OTHERS);
      readTo(ctx.header(SEEN_HEAD));
    }
    Routing.Place remoteNs = ctx.attribute(REMOTE_NAMESPACE);
    if (remoteNs instanceof Routing.Remote rem) {
      if (forward(ctx, rem, key, false) == Sent.NOT_REACHED) {
        throw unreachable(ctx, rem, "the connection failed");
      }
      return true;
    }
    if (key.equals("POST /v1/namespaces")) {
      if (forwarded) {
        return false;
      }
      Routing.Place p = routing.placeNewNamespace();
      return p instanceof Routing.Remote rem
          && forward(ctx, rem, key, false) == Sent.ANSWERED;
    }
    if (key.equals("DELETE /v1/namespaces/{namespace}")) {
      String ns = ctx.pathParam("namespace");
      Routing.Place p = routing.placeNamespace(ns);
      if (p instanceof Routing.Remote rem && !forwarded) {
        if (forward(ctx, rem, key, false) == Sent.NOT_REACHED) {
          throw unreachable(ctx, rem, "the connection failed");
        }
        return true;
      }
      return false;
    }
    if (ctx.attribute(Http.NAMESPACE) != namespaces.main()) {
      return false;
    }
    List<String> accounts = accounts(ctx, r);
    if (accounts.isEmpty()) {
      return false;
    }
    if (accounts.size() > 1 && spansOwners(accounts)) {
      return spanHere(ctx, key, accounts);
    }
    // One owner for every account (spansOwners said so): the first account's.
    Routing.Place p = routing.place(accounts.get(0));
    if (p instanceof Routing.Local) {
      return awaitOrRefuse(ctx, key, accounts);
    }
    if (forwarded) {
      routing.count(Routing.Counter.OWNERSHIP_MOVING);
      ctx.header("Retry-After", "1");
      throw new ServerException("ownership_moving", 503, "account", "member `"
          + routing.self() + "` does not own `" + accounts.get(0) + "` (any more): the "
          + "account is moving between members; retry");
    }
    Sent first = p instanceof Routing.Remote rem ? forward(ctx, rem, key, true)
        : Sent.NOT_REACHED;
    // The owner has not seen the members change yet (its view is a tick behind): ask again
    // for up to the move bound while this member's view still names it.
    long end = System.nanoTime() + WAIT.toNanos();
    while (first == Sent.MOVING && System.nanoTime() < end) {
      sleep(25);
      routing.refresh();
      if (spansOwners(accounts) || !routing.place(accounts.get(0)).equals(p)) {
        break;
      }
      first = forward(ctx, (Routing.Remote) p, key, true);
    }
    if (first == Sent.ANSWERED) {
      return true;
    }
    // The owner did not answer or no longer owns the account: read the members again and try
    // once more, unless the view still names the member that did not answer.
    routing.refresh();
    Routing.Place before = p;
    if (spansOwners(accounts)) {
      // The members changed meanwhile and the accounts now have different owners.
      return spanHere(ctx, key, accounts);
    }
    p = routing.place(accounts.get(0));
    if (p instanceof Routing.Local) {
      routing.count(Routing.Counter.RETRIED);
      return awaitOrRefuse(ctx, key, accounts);
    }
    if (p instanceof Routing.Remote rem && (first == Sent.MOVING || !p.equals(before))) {
      routing.count(Routing.Counter.RETRIED);
      if (forward(ctx, rem, key, true) == Sent.ANSWERED) {
        return true;
      }
    }
    return unavailable(ctx, key, accounts.get(0), p instanceof Routing.Nowhere n ? n.reason()
        : "its owner `" + ((Routing.Remote) p).id() + "` did not answer");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A batch naming accounts of several owners is served here: applied through this member's
   * projection when it holds every account, else (events) validated against the batch's
   * accounts loaded for it ({@link #SPAN}; docs/CLUSTER.md, "Batches that span owners"). A
   * decision batch spanning owners is refused.
   */
  private boolean spanHere(Context ctx, String key, List<String> accounts) {
    boolean all = true;
    for (String a : accounts) {
      all &= routing.projects(a);
    }
    if (all) {
      return false;
    }
    if (key.equals("POST /v1/events")) {
      routing.count(Routing.Counter.SPANNING);
      ctx.attribute(SPAN, List.copyOf(accounts));
      return false;
    }
    if (ctx.header(HOP) != null) {
      // One hop only: the forwarding member sent this member the items it thinks are its own;
      // its view differs from this one (a move), so it re-reads the members and asks again.
      routing.count(Routing.Counter.OWNERSHIP_MOVING);
      ctx.header("Retry-After", "1");
      throw new ServerException("ownership_moving", 503, "requests", "member `"
          + routing.self() + "` does not own every account of this forwarded batch (any more): "
          + "the accounts are moving between members; retry");
    }
    // The queries this member answers for wait for an account moving here as a single
    // decision does (then deny store_unavailable if it is still not ready).
    for (String a : accounts) {
      if (routing.place(a) instanceof Routing.Local && !routing.awaitReady(a, WAIT)) {
        routing.count(Routing.Counter.MOVE_TIMEOUT);
      }
    }
    ctx.attribute(SPLIT, new Split(ctx));
    return false;
  }

  /** Reads the ledger at least to the head a forwarding member had read ({@link #SEEN_HEAD}). */
  private void readTo(String seen) {
    if (seen == null) {
      return;
    }
    long head;
    try {
      head = Long.parseLong(seen);
    } catch (NumberFormatException e) {
      return;
    }
    Namespace main = namespaces.main();
    if (main.ledger().head() < head) {
      main.refresh();
    }
  }

  private boolean spansOwners(List<String> accounts) {
    Routing.Place p = routing.place(accounts.get(0));
    for (int i = 1; i < accounts.size(); i++) {
      if (!routing.place(accounts.get(i)).equals(p)) {
        return true;
      }
    }
    return false;
  }

  /** Serves locally once every account is ready here, else fails closed. */
  private boolean awaitOrRefuse(Context ctx, String key, List<String> accounts) {
    for (String a : accounts) {
      if (!routing.awaitReady(a, WAIT)) {
        routing.count(Routing.Counter.MOVE_TIMEOUT);
        return unavailable(ctx, key, a, "the account is moving to member `" + routing.self()
            + "`, which has not caught up with it within " + WAIT.toMillis() + " ms");
      }
    }
    return false;
  }

  /**
   * No member can answer for {@code account}: a decision is decided here as if the projection
   * were stale (deny {@code store_unavailable} where the answer rests on state); anything else
   * is 503.
   */
  private boolean unavailable(Context ctx, String key, String account, String reason) {
    routing.count(Routing.Counter.OWNER_UNAVAILABLE);
    if (key.equals("POST /v1/decisions") || key.equals("POST /v1/decisions:batch")) {
      ctx.attribute(OWNER_UNAVAILABLE, Boolean.TRUE);
      return false;
    }
    ctx.header("Retry-After", "1");
    throw new ServerException("owner_unavailable", 503, "account", "no cluster member can "
        + "answer for account `" + account + "` now: " + reason);
  }

  // ---- the accounts a request names

  private List<String> accounts(Context ctx, Route r) throws IOException {
    String path = r.path();
    // Data subject requests go to the account's owner like any account route: it holds the
    // account's users (who may ask) in its projection; it serves them when it has the log key
    // (their register is in the database, docs/CLUSTER.md, "Data subject requests").
    if (path.contains("{account}")) {
      return List.of(ctx.pathParam("account"));
    }
    if (path.contains("{meeting}")) {
      return routing.accountOfMeeting(ctx.pathParam("meeting")).map(List::of).orElse(List.of());
    }
    String key = r.method() + " " + path;
    return switch (key) {
      case "POST /v1/decisions" -> contents(stash(ctx, config.maxBody()), false);
      case "POST /v1/decisions:batch" -> contents(stash(ctx, config.maxBatchBody()), true);
      case "POST /v1/events" -> events(stash(ctx, config.maxEventsBody()));
      // An account token is checked against the account's users: its owner's projection.
      case "POST /v1/tokens" -> tokenAccount(stash(ctx, config.maxBody()));
      // An account user's listings and revocations read its account's users (admin or not).
      case "GET /v1/tokens", "DELETE /v1/tokens/{token}", "GET /v1/accounts" ->
          Http.caller(ctx) instanceof org.covenant.server.auth.Caller.AccountUser u
              ? List.of(u.account()) : List.of();
      default -> List.of();
    };
  }

  /** The account a token request names, if it names one; malformed bodies name none. */
  private static List<String> tokenAccount(byte[] body) {
    try {
      JsonNode a = Json.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8))
          .path("account");
      return a.isTextual() ? List.of(a.asText()) : List.of();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  /** Reads the body once (bounded), keeps it for the handler and the forward. */
  private static byte[] stash(Context ctx, long limit) {
    byte[] body = Http.body(ctx, limit);
    ctx.attribute(Http.BODY, body);
    return body;
  }

  /**
   * The accounts of the content a decision (or each of a batch's requests) asks about; content
   * this member cannot place names no account. Malformed bodies name none: they are refused
   * here exactly as the owner would.
   */
  private List<String> contents(byte[] body, boolean batch) {
    Set<String> out = new LinkedHashSet<>();
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return List.of();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken v = p.nextToken();
        if (!batch && f.equals("content") && v == JsonToken.VALUE_STRING) {
          routing.accountOfContent(p.getText()).ifPresent(out::add);
        } else if (batch && f.equals("requests") && v == JsonToken.START_ARRAY) {
          for (JsonToken t = p.nextToken(); t == JsonToken.START_OBJECT
              || t == JsonToken.VALUE_STRING; t = p.nextToken()) {
            if (t == JsonToken.VALUE_STRING) {
              // The compact form: a bare content id.
              routing.accountOfContent(p.getText()).ifPresent(out::add);
              continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String g = p.currentName();
              JsonToken w = p.nextToken();
              if (g.equals("content") && w == JsonToken.VALUE_STRING) {
                routing.accountOfContent(p.getText()).ifPresent(out::add);
              } else {
                p.skipChildren();
              }
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    return new ArrayList<>(out);
  }

  /**
   * The accounts a batch of events belongs to: an event's meeting's account (a meeting started
   * earlier in the batch counts), else its own account, else its content's.
   */
  private List<String> events(byte[] body) {
    Set<String> out = new LinkedHashSet<>();
    Map<String, String> started = new HashMap<>();
    try {
      JsonNode list = Json.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8))
          .path("events");
      for (JsonNode n : list) {
        Event e = EventCodec.parse(n, Set.of("idempotency_key"));
        Optional<String> a = Directory.meetingOf(e).flatMap(m -> Optional.ofNullable(
            started.get(m)).or(() -> routing.accountOfMeeting(m)));
        if (a.isEmpty()) {
          a = e.accountId();
        }
        if (a.isEmpty() && e instanceof Event.ContentDeleted d) {
          a = routing.accountOfContent(d.content());
        }
        if (e instanceof Event.MeetingStarted m) {
          started.putIfAbsent(m.meeting(), m.account());
        }
        a.ifPresent(out::add);
      }
    } catch (RuntimeException e) {
      // Malformed: the local handler refuses it with the field named, as the owner would.
      return List.of();
    }
    return new ArrayList<>(out);
  }

  // ---- the operator's cluster-wide listing

  /**
   * A cluster-wide listing's parts: the entries other members sent, the accounts that turned out
   * to be this member's (moved here and now ready), and the accounts no member could list, each
   * with the reason.
   */
  record Gathered(Map<String, JsonNode> found, Set<String> local,
      Map<String, String> unavailable) {}

  /**
   * Whether an operator's listing on this request is the cluster's (docs/CLUSTER.md,
   * "Listings"): in the main namespace and not itself one member's part asked by another.
   */
  boolean clusterWide(Context ctx) {
    return ctx.header(HOP) == null && ctx.attribute(Http.NAMESPACE) == namespaces.main();
  }

  /**
   * Asks the owners of {@code accounts} (accounts this member does not project) for their part
   * of the listing at {@code path}: each answers with the entries of array {@code field} it
   * projects itself, keyed by {@code "account"}. Every owner is asked at once, with the caller's
   * credentials; an owner whose answer lacks an account (a move), or that did not answer, is
   * looked up again and, unless the view still names a member that did not answer, asked once
   * more (the forwarding rule). What is still missing then is {@link Gathered#unavailable}, with
   * the reason. Entries for accounts not in {@code accounts} (created since this member read the
   * ledger) are kept.
   */
  Gathered gather(Context ctx, String path, String field,
      java.util.Collection<String> accounts) {
    Map<String, JsonNode> found = new HashMap<>();
    Set<String> local = new java.util.TreeSet<>();
    Map<String, String> why = new HashMap<>();
    Set<String> unreachable = new java.util.HashSet<>();
    Set<String> missing = new java.util.TreeSet<>(accounts);
    for (int round = 0; round < 2 && !missing.isEmpty(); round++) {
      if (round > 0) {
        routing.count(Routing.Counter.RETRIED);
        routing.refresh();
      }
      Map<Routing.Remote, List<String>> byOwner = new java.util.LinkedHashMap<>();
      for (String a : missing) {
        Routing.Place p = routing.place(a);
        if (p instanceof Routing.Remote rem && !unreachable.contains(rem.id())) {
          byOwner.computeIfAbsent(rem, k -> new ArrayList<>()).add(a);
        } else if (p instanceof Routing.Nowhere n) {
          why.put(a, n.reason());
        } else if (p instanceof Routing.Local) {
          if (routing.awaitReady(a, WAIT)) {
            local.add(a);
          } else {
            why.put(a, "the account is moving to member `" + routing.self() + "`");
          }
        }
      }
      Map<Routing.Remote, java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>> sent =
          new java.util.LinkedHashMap<>();
      String auth = ctx.header("Authorization");
      for (Routing.Remote to : byOwner.keySet()) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(to.url() + path))
            .timeout(Duration.ofSeconds(3)).GET().header(HOP, routing.self());
        if (auth != null) {
          b.header("Authorization", auth);
        }
        routing.count(Routing.Counter.FORWARDED);
        sent.put(to, client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()));
      }
      for (Map.Entry<Routing.Remote, java.util.concurrent.CompletableFuture<
          HttpResponse<byte[]>>> e : sent.entrySet()) {
        Routing.Remote to = e.getKey();
        String failed;
        try {
          HttpResponse<byte[]> r = e.getValue().join();
          if (r.statusCode() == 200) {
            for (JsonNode x : Json.parse(new String(r.body(),
                java.nio.charset.StandardCharsets.UTF_8)).path(field)) {
              found.putIfAbsent(x.path("account").asText(), x);
            }
            failed = "its owner `" + to.id() + "` does not hold it yet (it is moving)";
          } else {
            unreachable.add(to.id());
            failed = "its owner `" + to.id() + "` answered " + r.statusCode();
          }
        } catch (java.util.concurrent.CompletionException x) {
          unreachable.add(to.id());
          failed = "its owner `" + to.id() + "` did not answer: " + describe(
              x.getCause() instanceof Exception c ? c : x);
        } catch (RuntimeException x) {
          unreachable.add(to.id());
          failed = "its owner `" + to.id() + "` sent a malformed answer";
        }
        for (String a : byOwner.get(to)) {
          why.put(a, failed);
        }
      }
      missing.removeAll(found.keySet());
      missing.removeAll(local);
    }
    Map<String, String> unavailable = new java.util.TreeMap<>();
    for (String a : missing) {
      unavailable.put(a, why.getOrDefault(a, "no member answered for it"));
    }
    if (!unavailable.isEmpty()) {
      routing.count(Routing.Counter.OWNER_UNAVAILABLE);
    }
    return new Gathered(found, local, unavailable);
  }

  // ---- decision batches spanning owners

  /** One item of a decision batch as its owner answered it: the outcome and its evidence. */
  record Answer(JsonNode outcome, JsonNode evidence) {}

  /**
   * What the other owners answered for a split decision batch: the answers by the item's index
   * in the client's batch, and the items no owner answered (unreachable, or still moving after
   * the one retry), which the caller decides here failing closed, as a single decision whose
   * owner did not answer, and the items that moved to this member meanwhile (decided here) (docs/CLUSTER.md, "Decision batches that span owners").
   */
  record Asked(Map<Integer, Answer> answers, Set<Integer> failed, Set<Integer> local) {}

  /**
   * A decision batch whose contents' accounts have different owners, served where it arrives:
   * the handler decides the items this member answers for and asks {@link #ask} for the rest.
   */
  final class Split {
    private final Context ctx;

    private Split(Context ctx) {
      this.ctx = ctx;
    }

    /**
     * The member that answers for {@code content}: empty when it is this member (its account is
     * projected or moving here) or when no member can be placed (unknown content, answered here
     * as the owner would).
     */
    Optional<Routing.Remote> owner(String content) {
      return routing.accountOfContent(content).map(routing::place)
          .filter(Routing.Remote.class::isInstance).map(Routing.Remote.class::cast);
    }

    /**
     * Sends each owner in {@code parts} its items at once, as a batch of their own built by
     * {@code body} (from the items' indexes, in the client's order; {@code contentOf} names an
     * item's content, to place it again), with the client's headers,
     * the hop and the ledger head read here. An owner that did not answer, or answered
     * {@code ownership_moving}, has its items placed again after re-reading the members and
     * sent once more (never to a member that did not answer); an item now this member's is
     * {@link Asked#local}, one whose owner still did not answer is {@link Asked#failed}. An owner's refusal (4xx) is
     * the batch's, with the field's item index mapped back to the client's.
     */
    Asked ask(Map<Routing.Remote, List<Integer>> parts,
        java.util.function.Function<List<Integer>, byte[]> body,
        java.util.function.IntFunction<String> contentOf) {
      Map<Integer, Answer> answers = new HashMap<>();
      Set<Integer> failed = new java.util.TreeSet<>();
      Set<Integer> local = new java.util.TreeSet<>();
      Set<String> unreached = new java.util.HashSet<>();
      Map<Routing.Remote, List<Integer>> round = parts;
      for (int attempt = 0; attempt < 2 && !round.isEmpty(); attempt++) {
        Map<Routing.Remote, java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>> sent =
            new java.util.LinkedHashMap<>();
        for (Map.Entry<Routing.Remote, List<Integer>> e : round.entrySet()) {
          HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(e.getKey().url()
              + ctx.req().getRequestURI())).timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body.apply(e.getValue())));
          hopHeaders(ctx, b);
          routing.count(Routing.Counter.FORWARDED);
          // One request per owner: the parallelism is bounded by the number of members.
          sent.put(e.getKey(), client.sendAsync(b.build(),
              HttpResponse.BodyHandlers.ofByteArray()));
        }
        List<Integer> again = new ArrayList<>();
        for (Map.Entry<Routing.Remote, java.util.concurrent.CompletableFuture<
            HttpResponse<byte[]>>> e : sent.entrySet()) {
          List<Integer> idx = round.get(e.getKey());
          HttpResponse<byte[]> r;
          try {
            r = e.getValue().join();
          } catch (java.util.concurrent.CompletionException | java.util.concurrent
              .CancellationException x) {
            unreached.add(e.getKey().id());
            again.addAll(idx);
            continue;
          }
          if (r.statusCode() == 200) {
            try {
              merge(Json.parse(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)),
                  idx, answers);
              continue;
            } catch (RuntimeException x) {
              // A malformed answer counts as none: its items fail closed or go elsewhere.
            }
          } else if (r.statusCode() / 100 == 4) {
            throw refusal(e.getKey(), r, idx);
          }
          if (!(r.statusCode() == 503 && new String(r.body(),
              java.nio.charset.StandardCharsets.UTF_8).contains("\"ownership_moving\""))) {
            // Moving is "not yet" (it did nothing): that owner may be asked again.
            unreached.add(e.getKey().id());
          }
          again.addAll(idx);
        }
        if (again.isEmpty()) {
          break;
        }
        routing.refresh();
        routing.count(Routing.Counter.RETRIED);
        round = new java.util.LinkedHashMap<>();
        for (int i : again) {
          Optional<Routing.Place> p = attempt == 0 ? routing.accountOfContent(
              contentOf.apply(i)).map(routing::place) : Optional.empty();
          if (p.isPresent() && p.get() instanceof Routing.Local) {
            local.add(i);
          } else if (p.isPresent() && p.get() instanceof Routing.Remote to
              && !unreached.contains(to.id())) {
            round.computeIfAbsent(to, k -> new ArrayList<>()).add(i);
          } else {
            failed.add(i);
          }
        }
      }
      for (List<Integer> rest : round.values()) {
        for (int i : rest) {
          if (!answers.containsKey(i)) {
            failed.add(i);
          }
        }
      }
      if (!failed.isEmpty()) {
        routing.count(Routing.Counter.OWNER_UNAVAILABLE);
      }
      return new Asked(answers, failed, local);
    }

  }

  /** An owner's batch answer, item by item, under the client's indexes {@code idx}. */
  private static void merge(JsonNode a, List<Integer> idx, Map<Integer, Answer> answers) {
    JsonNode outcomes = a.get("outcomes");
    JsonNode results = a.get("results");
    JsonNode evidence = a.get("evidence");
    if (outcomes == null || results == null || results.size() != idx.size()) {
      throw new IllegalArgumentException("not a decision batch answer");
    }
    Map<Integer, Answer> part = new HashMap<>();
    for (int j = 0; j < idx.size(); j++) {
      JsonNode o = outcomes.get(results.get(j).asInt(-1));
      if (o == null || !o.isObject()) {
        throw new IllegalArgumentException("result " + j + " names no outcome");
      }
      part.put(idx.get(j), new Answer(o, evidence == null ? null : evidence.get(j)));
    }
    answers.putAll(part);
  }

  /**
   * An owner's refusal of its part, as the batch's: its {@code requests[k]} field names the
   * client's item {@code idx[k]}.
   */
  private static ServerException refusal(Routing.Remote from, HttpResponse<byte[]> r,
      List<Integer> idx) {
    JsonNode p;
    try {
      p = Json.parse(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (RuntimeException x) {
      return new ServerException("owner_unavailable", 503, "", "cluster member `" + from.id()
          + "` answered " + r.statusCode() + " with a malformed problem");
    }
    return new ServerException(p.path("code").asText("invalid_input"), r.statusCode(),
        remapped(p.path("field").asText(""), idx), p.path("detail").asText(""));
  }

  private static final java.util.regex.Pattern ITEM =
      java.util.regex.Pattern.compile("^requests\\[(\\d+)\\]");

  /**
   * A field of a part's problem under the client's indexes: {@code requests[k]…} names the
   * part's item {@code k}, which is the client's {@code idx[k]}; other fields are the batch's.
   */
  static String remapped(String field, List<Integer> idx) {
    java.util.regex.Matcher m = ITEM.matcher(field);
    if (m.find()) {
      int k = Integer.parseInt(m.group(1));
      if (k < idx.size()) {
        return "requests[" + idx.get(k) + "]" + field.substring(m.end());
      }
    }
    return field;
  }

  // ---- forwarding

  /**
   * Sends the request to {@code to} and writes its answer. {@link Sent#NOT_REACHED} when the
   * connection could not be made, when the request changes nothing (a read or a decision) and
   * failed, or when {@code moving} and {@code to} answered {@code ownership_moving} (it did
   * nothing): the caller may try another member. A state-changing request that failed after it
   * went out is 503, since the owner may have acted on it: retry it with an idempotency key.
   */
  private Sent forward(Context ctx, Routing.Remote to, String key, boolean moving)
      throws IOException {
    boolean safe = ctx.method().name().equals("GET") || key.startsWith("POST /v1/decisions");
    String query = ctx.queryString();
    URI uri = URI.create(to.url() + ctx.req().getRequestURI()
        + (query == null || query.isEmpty() ? "" : "?" + query));
    byte[] body = ctx.attribute(Http.BODY);
    if (body == null && hasBody(ctx)) {
      try (InputStream in = ctx.req().getInputStream()) {
        body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.maxBatchBody() + 1));
      }
      ctx.attribute(Http.BODY, body);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(key.equals("POST /v1/decisions")
        ? Duration.ofSeconds(3) : Duration.ofSeconds(30))
        .method(ctx.method().name(), body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    hopHeaders(ctx, b);
    routing.count(Routing.Counter.FORWARDED);
    HttpResponse<byte[]> r = null;
    HttpRequest request = b.build();
    // A request that changes nothing is sent a second time on a failure after connecting: a
    // pooled connection the owner had closed fails that way, and the retry opens a new one.
    for (int attempt = 0; r == null; attempt++) {
      try {
        r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (ConnectException | java.net.http.HttpConnectTimeoutException e) {
        return Sent.NOT_REACHED;
      } catch (HttpTimeoutException e) {
        if (safe) {
          return Sent.NOT_REACHED;
        }
        throw unreachable(ctx, to, describe(e) + "; the request may have been applied there: "
            + "retry it with an idempotency key");
      } catch (IOException e) {
        if (safe && attempt == 0) {
          continue;
        }
        if (safe) {
          return Sent.NOT_REACHED;
        }
        throw unreachable(ctx, to, describe(e) + "; the request may have been applied there: "
            + "retry it with an idempotency key");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unreachable(ctx, to, "interrupted");
      }
    }
    if (moving && r.statusCode() == 503 && new String(r.body(),
        java.nio.charset.StandardCharsets.UTF_8).contains("\"ownership_moving\"")) {
      return Sent.MOVING;
    }
    if (!safe && r.statusCode() / 100 == 2) {
      // Read your writes through one endpoint: this member's own routes (tokens, the account
      // list) see what the owner acknowledged before the client's next request.
      routing.catchUp();
      if (key.startsWith("POST /v1/tokens") || key.startsWith("DELETE /v1/tokens")) {
        tokensChanged.run();
      }
    }
    ctx.status(r.statusCode());
    r.headers().map().forEach((name, values) -> {
      String n = name.toLowerCase(Locale.ROOT);
      if (!NOT_COPIED.contains(n) && !n.equals("server") && !n.startsWith(":")) {
        for (int i = 0; i < values.size(); i++) {
          if (i == 0) {
            ctx.res().setHeader(name, values.get(i));
          } else {
            ctx.res().addHeader(name, values.get(i));
          }
        }
      }
    });
    ctx.header(SERVED_BY, to.id());
    // The owner's 404 or 405 is its answer, not this member's error page.
    ctx.attribute(CovenantServer.PROBLEM_WRITTEN, Boolean.TRUE);
    ctx.result(r.body());
    return Sent.ANSWERED;
  }

  /** The request's end-to-end headers, the hop and the ledger head this member has read. */
  private void hopHeaders(Context ctx, HttpRequest.Builder b) {
    for (Map.Entry<String, String> h : ctx.headerMap().entrySet()) {
      if (!NOT_COPIED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        b.header(h.getKey(), h.getValue());
      }
    }
    b.header(HOP, routing.self());
    b.header(SEEN_HEAD, Long.toString(namespaces.main().ledger().head()));
  }

  private static boolean hasBody(Context ctx) {
    return ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private ServerException unreachable(Context ctx, Routing.Remote to, String why) {
    routing.count(Routing.Counter.OWNER_UNAVAILABLE);
    ctx.header("Retry-After", "1");
    return new ServerException("owner_unavailable", 503, "", "cluster member `" + to.id()
        + "` at " + to.url() + " did not answer: " + why);
  }
}
