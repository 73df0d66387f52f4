package org.covenant.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.state.Snapshot;
import org.covenant.core.terms.Reason;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.ValuedSetting;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.AnswerJson;
import org.covenant.format.FormatException;
import org.covenant.format.Json;
import org.covenant.server.auth.Caller;

/**
 * Decisions (ARCHITECTURE.md §5) one at a time and in batches, failing closed, and the
 * per-account transparency report built from the decision log.
 *
 * <p>Fail closed: while the store has been unreachable for longer than the configured bound, the
 * snapshot is stale and the engine answers {@code deny store_unavailable} to every decision that
 * can rest on changing state ({@link DecisionEngine#decide(Snapshot, DecisionRequest,
 * java.util.function.Predicate, boolean)}); this class only parses, calls the engine, records and writes.
 */
final class DecisionRoutes {
  private final Clock clock;
  private final ServerConfig config;
  private final ServerMetrics metrics;

  DecisionRoutes(Clock clock, ServerConfig config, ServerMetrics metrics) {
    this.clock = clock;
    this.config = config;
    this.metrics = metrics;
  }

  List<Route> routes() {
    return List.of(
        Route.auth("POST", "/v1/decisions", this::decide),
        Route.auth("POST", "/v1/decisions:batch", this::batch),
        Route.auth("GET", "/v1/accounts/{account}/transparency", this::transparency));
  }

  /** Decides one request for a caller: tenancy, fail-closed, decision log and metrics. */
  Decision decide(Namespace ns, Snapshot s, boolean stale, Caller caller, Purpose purpose,
      String content, Instant at, Optional<String> region) {
    String[] account = new String[1];
    Decision d = decideQuietly(ns, s, stale, caller, purpose, content, at, region, account);
    if (account[0] != null) {
      ns.decisions().record(account[0], at, purpose.id(), d, 1);
    }
    metrics.decision(d);
    return d;
  }

  /**
   * Decides without recording, through the engine's fail-closed, tenancy-confined decision;
   * {@code account[0]} receives the owning account of the content when it is visible to the
   * caller.
   */
  private static Decision decideQuietly(Namespace ns, Snapshot s, boolean stale, Caller caller,
      Purpose purpose, String content, Instant at, Optional<String> region, String[] account) {
    if (ns.ledger().sharded()) {
      // A cluster member answers only for the accounts it projects: content of an account it
      // does not hold (not owned, or moving here) is never decided from what it lacks. The
      // engine's fail-closed answer to a caller that reaches the account; unknown to others.
      Optional<String> owner = ns.ledger().accountOfContent(content);
      if (owner.isPresent() && !ns.ledger().ready(owner.get())) {
        boolean reaches = caller.reaches(owner.get());
        account[0] = reaches ? owner.get() : null;
        return Decision.deny(reaches ? org.covenant.core.terms.Reason.STORE_UNAVAILABLE
            : org.covenant.core.terms.Reason.UNKNOWN_CONTENT, List.of(),
            ns.ledger().catalog().revision());
      }
    }
    DecisionEngine.Attributed a = ns.engine().decide(s,
        new DecisionRequest(purpose, content, at, region), caller::reaches, stale);
    account[0] = a.account().orElse(null);
    Decision d = a.decision();
    return caller instanceof Caller.Operator ? d : readableEvidence(ns.directory(), caller, d);
  }

  /**
   * The decision with only the evidence positions the caller may read: events of the accounts
   * it reaches. Positions of other accounts (a contributor's consent entries) are dropped, so a
   * tenant learns nothing of another's ledger; the operator, the auditor, sees them all.
   */
  private static Decision readableEvidence(Directory dir, Caller caller, Decision d) {
    List<Long> kept = null;
    for (int i = 0; i < d.evidence().size(); i++) {
      long p = d.evidence().get(i);
      boolean readable = false;
      if (caller instanceof Caller.AccountUser u) {
        readable = dir.account(u.account()).map(a -> a.holds(p)).orElse(false);
      } else if (caller instanceof Caller.Service svc) {
        for (String account : svc.accounts()) {
          if (dir.account(account).map(a -> a.holds(p)).orElse(false)) {
            readable = true;
            break;
          }
        }
      }
      if (!readable && kept == null) {
        kept = new ArrayList<>(d.evidence().subList(0, i));
      } else if (readable && kept != null) {
        kept.add(p);
      }
    }
    return kept == null ? d : new Decision(d.verdict(), d.reasons(), d.basis(), d.clauses(),
        d.obligations(), kept, d.policyRevision());
  }

  /**
   * What a batch answers: each distinct outcome once (without its evidence), each item's index
   * into them, each item's evidence when asked for, and the tallies the decision log records.
   * Items decided here, first or after their owner did not answer, go through {@link #put}.
   */
  private static final class Outcomes {
    final List<Decision> outcomes = new ArrayList<>();
    final Map<OutcomeKey, Integer> index = new HashMap<>();
    final int[] results;
    final List<List<Long>> evidences;
    final Map<Tally, Integer> tallies = new HashMap<>();

    Outcomes(int items, boolean evidence) {
      this.results = new int[items];
      this.evidences = evidence ? new ArrayList<>(items) : null;
    }

    /** Item {@code i} decided here as {@code d}, about {@code account}'s content if known. */
    void put(int i, Decision d, String account, Purpose purpose, Instant at) {
      if (evidences != null) {
        evidences.set(i, d.evidence());
      }
      OutcomeKey key = new OutcomeKey(d);
      Integer idx = index.get(key);
      if (idx == null) {
        idx = outcomes.size();
        outcomes.add(d.evidence().isEmpty() ? d : new Decision(d.verdict(), d.reasons(),
            d.basis(), d.clauses(), d.obligations(), List.of(), d.policyRevision()));
        index.put(key, idx);
      }
      results[i] = idx;
      if (account != null) {
        tallies.merge(new Tally(account, purpose.id(), at, idx), 1, Integer::sum);
      }
    }
  }

  /**
   * How many decisions of one outcome a batch made about one account's content. Hand-written
   * equality: this is hashed once per batch item.
   */
  private static final class Tally {
    final String account;
    final String purpose;
    final Instant at;
    final int outcome;
    final int hash;

    Tally(String account, String purpose, Instant at, int outcome) {
      this.account = account;
      this.purpose = purpose;
      this.at = at;
      this.outcome = outcome;
      this.hash = ((account.hashCode() * 31 + purpose.hashCode()) * 31 + at.hashCode()) * 31
          + outcome;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tally t && t.hash == hash && t.outcome == outcome
          && t.account.equals(account) && t.purpose.equals(purpose) && t.at.equals(at);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * A decision's outcome without its evidence: what a batch answers once and refers to by
   * index. Hand-written equality (hashed once per batch item).
   */
  private static final class OutcomeKey {
    final Decision d;
    final int hash;

    OutcomeKey(Decision d) {
      this.d = d;
      int h = d.verdict().ordinal();
      for (Reason r : d.reasons()) {
        h = 31 * h + r.ordinal();
      }
      h = 31 * h + d.basis().map(b -> b.ordinal() + 1).orElse(0);
      for (String c : d.clauses()) {
        h = 31 * h + c.hashCode();
      }
      this.hash = 31 * h + d.obligations().size();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof OutcomeKey k && k.hash == hash && k.d.verdict() == d.verdict()
          && k.d.reasons().equals(d.reasons()) && k.d.basis().equals(d.basis())
          && k.d.clauses().equals(d.clauses()) && k.d.obligations().equals(d.obligations())
          && k.d.policyRevision().equals(d.policyRevision());
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** The data-centre region a request names (DATA-RIGHTS.md), validated; empty when none. */
  private static Optional<String> region(String field, String text) {
    if (text == null) {
      return Optional.empty();
    }
    if (!ValuedSetting.regionCode(text)) {
      throw ServerException.invalid(field, "`" + text + "` is not a region code: lowercase "
          + "letters, digits and hyphens, starting with a letter, at most 32 (e.g. eu-west)");
    }
    return Optional.of(text);
  }

  private Purpose purpose(String field, String id, Caller caller) {
    Purpose p = Vocabulary.purpose(id).orElseThrow(
        () -> ServerException.invalid(field, "no purpose `" + id + "`"));
    if (caller instanceof Caller.Service svc && !svc.purposes().contains(p.id())) {
      throw ServerException.forbidden(field, "this service token may not ask about `" + id
          + "`");
    }
    return p;
  }

  private void decide(Context ctx) {
    // The hot path: streamed in and out, no JSON trees.
    byte[] bytes = Http.body(ctx, config.maxBody());
    Caller caller = Http.caller(ctx);
    String purposeId = null;
    String content = null;
    String atText = null;
    String regionText = null;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(bytes)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ServerException.invalid("body", "expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken v = p.nextToken();
        switch (f) {
          case "purpose" -> purposeId = text(p, v, "purpose");
          case "content" -> content = text(p, v, "content");
          case "at" -> atText = text(p, v, "at");
          case "region" -> regionText = text(p, v, "region");
          default -> throw ServerException.invalid(f, "unknown field");
        }
      }
      if (p.nextToken() != null) {
        throw ServerException.invalid("body", "trailing data after the JSON object");
      }
    } catch (IOException e) {
      throw ServerException.invalid("body", "malformed JSON: " + e.getMessage().split("\n")[0]);
    }
    Optional<String> region = region("region", regionText);
    if (purposeId == null) {
      throw ServerException.invalid("purpose", "missing");
    }
    if (content == null) {
      throw ServerException.invalid("content", "missing");
    }
    Purpose purpose = purpose("purpose", purposeId, caller);
    Instant at = atText == null ? clock.instant() : instant("at", atText);
    Namespace ns = Http.namespace(ctx);
    // A cluster member whose account's owner cannot answer decides as if stale: fail closed.
    boolean stale = ns.stale() || ctx.attribute(Forwarder.OWNER_UNAVAILABLE) != null;
    Decision d = decide(ns, ns.snapshot(), stale, caller, purpose, content, at, region);
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      AnswerJson.writeDecision(g, d, true);
      g.writeStringField("purpose", purpose.id());
      g.writeStringField("content", content);
      g.writeStringField("at", at.toString());
      if (region.isPresent()) {
        g.writeStringField("region", region.get());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a decision", e);
    }
    ctx.status(200).contentType(Http.JSON).result(out.toByteArray());
  }

  /** One parsed batch item; null fields take the batch defaults. */
  private record Item(String content, String purpose, String at) {}

  private void batch(Context ctx) {
    byte[] bytes = Http.body(ctx, config.maxBatchBody());
    Caller caller = Http.caller(ctx);
    String defaultPurpose = null;
    String defaultAt = null;
    String regionText = null;
    boolean evidence = false;
    List<Item> items = null;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(bytes)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw ServerException.invalid("body", "expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken v = p.nextToken();
        switch (f) {
          case "purpose" -> defaultPurpose = text(p, v, "purpose");
          case "at" -> defaultAt = text(p, v, "at");
          case "region" -> regionText = text(p, v, "region");
          case "evidence" -> {
            if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
              throw ServerException.invalid("evidence", "expected true or false");
            }
            evidence = v == JsonToken.VALUE_TRUE;
          }
          case "requests" -> items = items(p, v);
          default -> throw ServerException.invalid(f, "unknown field");
        }
      }
      if (p.nextToken() != null) {
        throw ServerException.invalid("body", "trailing data after the JSON object");
      }
    } catch (IOException e) {
      throw ServerException.invalid("body", "malformed JSON: " + e.getMessage().split("\n")[0]);
    }
    if (items == null) {
      throw ServerException.invalid("requests", "missing");
    }
    Optional<String> region = region("region", regionText);
    Instant batchAt = defaultAt == null ? clock.instant() : instant("at", defaultAt);
    Namespace ns = Http.namespace(ctx);
    Snapshot s = ns.snapshot();
    boolean stale = ns.stale() || ctx.attribute(Forwarder.OWNER_UNAVAILABLE) != null;
    Map<String, Purpose> purposes = new HashMap<>();
    Outcomes out = new Outcomes(items.size(), evidence);
    List<Decision> outcomes = out.outcomes;
    int[] results = out.results;
    List<List<Long>> evidences = out.evidences;
    String lastAtText = null;
    Instant lastAt = null;
    String[] account = new String[1];
    // A batch spanning owners (cluster): the items of other owners' accounts are validated here
    // like the rest, then asked of their owners (docs/CLUSTER.md, "Decision batches that span
    // owners"); results[i] is -1 for them until merged.
    Forwarder.Split split = ctx.attribute(Forwarder.SPLIT);
    Map<Routing.Remote, List<Integer>> parts = new java.util.LinkedHashMap<>();
    Purpose[] remotePurpose = split == null ? null : new Purpose[items.size()];
    Instant[] remoteAt = split == null ? null : new Instant[items.size()];
    for (int i = 0; i < items.size(); i++) {
      Item it = items.get(i);
      String pid = it.purpose() != null ? it.purpose() : defaultPurpose;
      if (pid == null) {
        throw ServerException.invalid("requests[" + i + "].purpose", "missing (no batch "
            + "default either)");
      }
      final int index = i;
      Purpose purpose = purposes.get(pid);
      if (purpose == null) {
        purpose = purpose("requests[" + index + "].purpose", pid, caller);
        purposes.put(pid, purpose);
      }
      Instant at = batchAt;
      if (it.at() != null) {
        if (!it.at().equals(lastAtText)) {
          lastAt = instant("requests[" + i + "].at", it.at());
          lastAtText = it.at();
        }
        at = lastAt;
      }
      Optional<Routing.Remote> owner = split == null ? Optional.empty()
          : split.owner(it.content());
      if (owner.isPresent()) {
        parts.computeIfAbsent(owner.get(), k -> new ArrayList<>()).add(i);
        remotePurpose[i] = purpose;
        remoteAt[i] = at;
        results[i] = -1;
        if (evidences != null) {
          evidences.add(List.of());
        }
        continue;
      }
      if (evidences != null) {
        evidences.add(null);
      }
      Decision d = decideQuietly(ns, s, stale, caller, purpose, it.content(), at, region,
          account);
      out.put(i, d, account[0], purpose, at);
    }
    Forwarder.Asked asked = null;
    if (!parts.isEmpty()) {
      final List<Item> all = items;
      final String purposeText = defaultPurpose;
      final String atText = defaultAt == null ? batchAt.toString() : defaultAt;
      final boolean withEvidence = evidence;
      final String regionField = regionText;
      asked = split.ask(parts, idx -> subBatch(all, idx, purposeText, atText, regionField,
          withEvidence), i -> all.get(i).content());
      // Items no owner answered are decided here as a single decision whose owner did not
      // answer is: failing closed (stale); items that moved here meanwhile as any of ours.
      java.util.TreeSet<Integer> here = new java.util.TreeSet<>(asked.failed());
      here.addAll(asked.local());
      for (int i : here) {
        Decision d = decideQuietly(ns, s, stale || asked.failed().contains(i), caller,
            remotePurpose[i], items.get(i).content(), remoteAt[i], region, account);
        out.put(i, d, account[0], remotePurpose[i], remoteAt[i]);
      }
    }
    // Recorded per outcome, not per request: the batch path stays a loop over the engine.
    // Items another owner answered are recorded there.
    long[] perOutcome = new long[outcomes.size()];
    for (int r : results) {
      if (r >= 0) {
        perOutcome[r]++;
      }
    }
    for (int k = 0; k < perOutcome.length; k++) {
      metrics.decisions(outcomes.get(k), perOutcome[k]);
    }
    for (Map.Entry<Tally, Integer> e : out.tallies.entrySet()) {
      Tally tl = e.getKey();
      ns.decisions().record(tl.account, tl.at, tl.purpose, outcomes.get(tl.outcome),
          e.getValue());
    }
    if (asked != null) {
      ctx.status(200).contentType(Http.JSON).result(merged(outcomes, results, evidences,
          asked.answers()));
      return;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(64 + outcomes.size() * 400
        + results.length * 4);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(body)) {
      g.writeStartObject();
      g.writeNumberField("count", items.size());
      g.writeArrayFieldStart("outcomes");
      for (Decision d : outcomes) {
        g.writeStartObject();
        AnswerJson.writeDecision(g, d, false);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeFieldName("results");
      g.writeArray(results, 0, results.length);
      if (evidences != null) {
        g.writeArrayFieldStart("evidence");
        for (List<Long> e : evidences) {
          g.writeStartArray();
          for (Long x : e) {
            g.writeNumber(x.longValue());
          }
          g.writeEndArray();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write decisions", e);
    }
    ctx.status(200).contentType(Http.JSON).result(body.toByteArray());
  }

  /**
   * The part of a batch sent to another owner: items {@code idx} as the client wrote them, under
   * the batch's defaults; the batch's time is this member's, so every part decides at one time.
   */
  private static byte[] subBatch(List<Item> items, List<Integer> idx, String purpose,
      String at, String region, boolean evidence) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + idx.size() * 48);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      if (purpose != null) {
        g.writeStringField("purpose", purpose);
      }
      g.writeStringField("at", at);
      if (region != null) {
        g.writeStringField("region", region);
      }
      g.writeBooleanField("evidence", evidence);
      g.writeArrayFieldStart("requests");
      for (int i : idx) {
        Item it = items.get(i);
        g.writeStartObject();
        g.writeStringField("content", it.content());
        if (it.purpose() != null) {
          g.writeStringField("purpose", it.purpose());
        }
        if (it.at() != null) {
          g.writeStringField("at", it.at());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a batch part", e);
    }
    return out.toByteArray();
  }

  /**
   * A split batch's answer: this member's decisions and the other owners' answers, item by item
   * in the client's order, with the outcomes numbered by first use as a single member numbers
   * them (equal outcomes are equal JSON), so the answer is the one a member holding every
   * account would give.
   */
  private static byte[] merged(List<Decision> local, int[] results,
      List<List<Long>> evidences, Map<Integer, Forwarder.Answer> remote) {
    List<JsonNode> localJson = new ArrayList<>(local.size());
    for (Decision d : local) {
      ByteArrayOutputStream o = new ByteArrayOutputStream(400);
      try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(o)) {
        g.writeStartObject();
        AnswerJson.writeDecision(g, d, false);
        g.writeEndObject();
      } catch (IOException e) {
        throw new IllegalStateException("cannot write a decision", e);
      }
      localJson.add(Json.parse(o.toString(java.nio.charset.StandardCharsets.UTF_8)));
    }
    Map<JsonNode, Integer> index = new java.util.LinkedHashMap<>();
    int[] merged = new int[results.length];
    for (int i = 0; i < results.length; i++) {
      JsonNode o = results[i] >= 0 ? localJson.get(results[i]) : remote.get(i).outcome();
      merged[i] = index.computeIfAbsent(o, k -> index.size());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + index.size() * 400
        + results.length * 4);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.setCodec(Json.MAPPER);
      g.writeStartObject();
      g.writeNumberField("count", results.length);
      g.writeArrayFieldStart("outcomes");
      for (JsonNode o : index.keySet()) {
        g.writeTree(o);
      }
      g.writeEndArray();
      g.writeFieldName("results");
      g.writeArray(merged, 0, merged.length);
      if (evidences != null) {
        g.writeArrayFieldStart("evidence");
        for (int i = 0; i < results.length; i++) {
          if (results[i] >= 0) {
            g.writeStartArray();
            for (Long x : evidences.get(i)) {
              g.writeNumber(x.longValue());
            }
            g.writeEndArray();
          } else {
            JsonNode e = remote.get(i).evidence();
            if (e == null) {
              g.writeStartArray();
              g.writeEndArray();
            } else {
              g.writeTree(e);
            }
          }
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write decisions", e);
    }
    return out.toByteArray();
  }

  private static Instant instant(String field, String text) {
    try {
      return Json.instant(text, field);
    } catch (FormatException e) {
      throw ServerException.invalid(field, e.getMessage());
    }
  }

  private static String text(JsonParser p, JsonToken v, String field) throws IOException {
    if (v != JsonToken.VALUE_STRING) {
      throw ServerException.invalid(field, "expected a string");
    }
    String s = p.getText();
    if (s.isEmpty()) {
      throw ServerException.invalid(field, "must not be empty");
    }
    return s;
  }

  private List<Item> items(JsonParser p, JsonToken v) throws IOException {
    if (v != JsonToken.START_ARRAY) {
      throw ServerException.invalid("requests", "expected a list");
    }
    List<Item> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      int i = out.size();
      if (i >= config.maxBatch()) {
        throw ServerException.invalid("requests", "more than " + config.maxBatch()
            + " requests");
      }
      String prefix = "requests[" + i + "]";
      if (t == JsonToken.VALUE_STRING) {
        // The compact form: a bare content id takes the batch's purpose and time.
        out.add(new Item(text(p, t, prefix), null, null));
        continue;
      }
      if (t != JsonToken.START_OBJECT) {
        throw ServerException.invalid(prefix, "expected a content id or an object");
      }
      String content = null;
      String purpose = null;
      String at = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken fv = p.nextToken();
        switch (f) {
          case "content" -> content = text(p, fv, prefix + ".content");
          case "purpose" -> purpose = text(p, fv, prefix + ".purpose");
          case "at" -> at = text(p, fv, prefix + ".at");
          default -> throw ServerException.invalid(prefix + "." + f, "unknown field");
        }
      }
      if (content == null) {
        throw ServerException.invalid(prefix + ".content", "missing");
      }
      out.add(new Item(content, purpose, at));
    }
    return out;
  }

  private void transparency(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Instant to = Http.instantParam(ctx, "to").orElseGet(clock::instant);
    Instant from = Http.instantParam(ctx, "from").orElse(to.minusSeconds(30L * 24 * 3600));
    if (!from.isBefore(to)) {
      throw ServerException.invalid("from", "`from` must be before `to`");
    }
    Http.json(ctx, 200, Http.namespace(ctx).decisions().report(a.account(), from, to));
  }
}
