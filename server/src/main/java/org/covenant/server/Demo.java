package org.covenant.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.nio.file.Path;
import org.covenant.format.Json;
import org.covenant.safety.Corpus;
import org.covenant.safety.CorpusRecord;
import org.covenant.safety.InviteScanner;
import org.covenant.safety.Label;
import org.covenant.safety.LabelledExample;
import org.covenant.safety.MessageParser;
import org.covenant.safety.ModelTrainer;
import org.covenant.safety.ScanModel;
import org.covenant.server.auth.ServiceRole;
import org.covenant.server.auth.TokenKind;
import org.covenant.server.auth.TokenStore;

/**
 * Seeds a realistic demo workspace through the API itself ({@code covenant serve --demo}): four
 * accounts on different terms (one of them moving to the recommended terms), groups and roles,
 * locks and a ceiling, consents given and withdrawn, meetings with participants, notices and
 * acknowledgements, a few thousand content items and a month of decisions for the transparency
 * report, and webinar invites held for review when a scan model is at hand ({@link #scanSample});
 * {@link #tokens} issues the tokens to try it with, one for every role. Deterministic (seeded) apart from the clock.
 */
public final class Demo {
  /** How much was seeded; {@code held} invites wait on acme's Reviews page. */
  public record Seeded(int events, int content, long decisions, int held) {}

  /**
   * A scan model for the demo and the raw invites to scan with it: flagged spam first, then
   * messages it lets through, all from the public corpus the model was trained on.
   *
   * @param model the model to serve
   * @param trained whether it was trained now (false: an existing model was kept)
   * @param invites raw RFC 5322 messages for acme's webinar invites
   */
  public record DemoScan(ScanModel model, boolean trained, List<String> invites) {
    /** Copies the list. */
    public DemoScan {
      invites = List.copyOf(invites);
    }
  }

  /** How many flagged and how many clean invites the demo scans. */
  static final int DEMO_SPAM = 4;
  static final int DEMO_HAM = 2;

  /**
   * Trains a scan model (logistic regression) on the public labelled corpus at {@code corpus} (the shared
   * SpamAssassin file) unless {@code existing} is given, and picks the demo's invites from the
   * same corpus: {@value #DEMO_SPAM} spam messages the model holds and {@value #DEMO_HAM} it
   * lets through. The corpus is public data, not any account's content.
   */
  public static DemoScan scanSample(Path corpus, Optional<ScanModel> existing) {
    Corpus c = Corpus.read(corpus);
    MessageParser parser = MessageParser.create();
    List<LabelledExample> examples = new ArrayList<>(c.records().size());
    for (CorpusRecord r : c.records()) {
      examples.add(r.toExample(parser));
    }
    ScanModel model = existing.orElseGet(() -> ModelTrainer.create(
        ModelTrainer.Options.defaults())
        .train(examples, "demo-" + corpus.getFileName()));
    InviteScanner scanner = InviteScanner.create(model);
    List<String> spam = new ArrayList<>();
    List<String> ham = new ArrayList<>();
    for (int i = 0; i < examples.size() && (spam.size() < DEMO_SPAM || ham.size() < DEMO_HAM);
        i++) {
      boolean flagged = scanner.scan(examples.get(i).message()).verdict().flagged();
      if (examples.get(i).label() == Label.SPAM && flagged && spam.size() < DEMO_SPAM) {
        spam.add(c.records().get(i).text());
      } else if (examples.get(i).label() != Label.SPAM && !flagged && ham.size() < DEMO_HAM) {
        ham.add(c.records().get(i).text());
      }
    }
    List<String> invites = new ArrayList<>(spam);
    invites.addAll(ham);
    return new DemoScan(model, existing.isEmpty(), invites);
  }

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String operator;
  private final List<ObjectNode> pending = new ArrayList<>();
  private Instant clock;
  private int events;

  private Demo(String base, String operator, Instant start) {
    this.base = base;
    this.operator = operator;
    this.clock = start;
  }

  /**
   * Seeds the server at {@code base} (its main ledger must be empty) with the operator token;
   * events are stamped over the 30 days before {@code now}.
   */
  public static Seeded seed(String base, String operator, Instant now) {
    return seed(base, operator, now, List.of());
  }

  /**
   * Seeds as {@link #seed(String, String, Instant)}, then scans {@code invites} (raw messages)
   * as acme's webinar invites, so the ones the server's scan model flags wait for review.
   */
  public static Seeded seed(String base, String operator, Instant now, List<String> invites) {
    Demo d = new Demo(base, operator, now.minus(30, ChronoUnit.DAYS));
    Seeded s = d.run(now);
    return new Seeded(s.events(), s.content(), s.decisions(), d.invites(invites));
  }

  /** Scans the invites for acme; answers how many the server held. */
  private int invites(List<String> invites) {
    if (invites.isEmpty()) {
      return 0;
    }
    ObjectNode body = Json.object();
    ArrayNode arr = body.putArray("invites");
    for (int i = 0; i < invites.size(); i++) {
      arr.addObject().put("content", "invite-demo-" + (i + 1)).put("message", invites.get(i));
    }
    int held = 0;
    for (JsonNode r : post("/v1/accounts/acme/invites:scan", body, 200).path("results")) {
      held += r.path("held").asBoolean() ? 1 : 0;
    }
    return held;
  }

  /**
   * Issues tokens to try the demo with, valid for {@code ttl}: account tokens for the owner and
   * a member of acme and the owner of globex, and two service tokens bound to the demo's accounts
   * (role {@code meetings} for the media service, {@code decisions} for the training pipeline). Works on a seeded ledger
   * at every start, so a restarted demo gets fresh tokens without re-printing any secret.
   */
  public static Map<String, String> tokens(TokenStore store, Directory directory, Instant now,
      Duration ttl) {
    Map<String, String> out = new LinkedHashMap<>();
    Optional<Instant> expires = Optional.of(now.plus(ttl));
    String[][] users = {{"acme owner (alice)", "acme", "alice"},
      {"acme admin (carol)", "acme", "carol"},
      {"acme group admin (dave)", "acme", "dave"},
      {"acme member (bob)", "acme", "bob"}, {"globex owner (gina)", "globex", "gina"}};
    for (String[] u : users) {
      if (directory.account(u[1]).flatMap(a -> a.user(u[2])).isPresent()) {
        out.put(u[0], store.issue(TokenKind.ACCOUNT, "demo", Optional.of(u[1]),
            Optional.of(u[2]), List.of(), now, expires).secret());
      }
    }
    // Service tokens act in the demo's accounts, each with the event types its role needs: the
    // media service reports meetings and their content, the training pipeline only asks.
    List<String> accounts = directory.accountIds();
    out.put("recording + AI service", store.issue(TokenKind.SERVICE, "demo media",
        Optional.empty(), Optional.empty(), List.of("service.recording",
            "service.transcription", "service.ai_feature.meeting_summary",
            "service.ai_feature.smart_recording"), accounts, Optional.of(ServiceRole.MEETINGS),
        now, expires).secret());
    out.put("training pipeline service", store.issue(TokenKind.SERVICE, "demo training",
        Optional.empty(), Optional.empty(), List.of("ai.training", "product.improvement"),
        accounts, Optional.of(ServiceRole.DECISIONS), now, expires).secret());
    // The operator's own token is printed once at first start; the demo hands out one that
    // expires with the others, so every start can show every role.
    out.put("operator (demo)", store.issue(TokenKind.OPERATOR, "demo operator",
        Optional.empty(), Optional.empty(), List.of(), now, expires).secret());
    return out;
  }

  private ObjectNode event(String type) {
    clock = clock.plusSeconds(7);
    ObjectNode o = Json.object();
    o.put("type", type);
    o.put("at", clock.toString());
    pending.add(o);
    return o;
  }

  private void account(String account, String owner, String terms) {
    event("account.created").put("account", account).put("owner", owner);
    event("terms.accepted").put("account", account).put("terms", terms).put("by", owner);
  }

  private void user(String account, String user, String role, String group) {
    ObjectNode e = event("user.added").put("account", account).put("user", user)
        .put("role", role);
    if (group != null) {
      e.put("group", group);
    }
  }

  private void setting(String account, String scope, String key, boolean value, boolean locked,
      String by) {
    event("setting.set").put("account", account).put("scope", scope).put("key", key)
        .put("value", value).put("locked", locked).put("by", by);
  }

  private void meeting(String account, String meeting, String host, String... features) {
    ObjectNode e = event("meeting.started").put("account", account).put("meeting", meeting)
        .put("host", host);
    ArrayNode fs = e.putArray("features");
    for (String f : features) {
      fs.add(f);
    }
  }

  private void join(String meeting, String participant, String account) {
    ObjectNode e = event("participant.joined").put("meeting", meeting)
        .put("participant", participant);
    if (account != null) {
      e.put("account", account);
    }
  }

  private void ack(String meeting, String participant, String notice) {
    event("notice.acknowledged").put("meeting", meeting).put("participant", participant)
        .put("notice", notice);
  }

  private void content(String id, String category, String account, String meeting,
      String author, String... contributors) {
    ObjectNode e = event("content.created").put("content", id).put("category", category)
        .put("account", account);
    if (meeting != null) {
      e.put("meeting", meeting);
    }
    if (author != null) {
      e.put("author", author);
    }
    if (contributors.length > 0) {
      ArrayNode cs = e.putArray("contributors");
      for (String c : contributors) {
        cs.add(c);
      }
    }
  }

  private Seeded run(Instant now) {
    Random rnd = new Random(20240807);
    // Acme: recommended terms, AI companion on and locked, consents given.
    account("acme", "alice", "default");
    event("group.created").put("account", "acme").put("group", "sales");
    event("group.created").put("account", "acme").put("group", "engineering");
    user("acme", "carol", "admin", null);
    user("acme", "dave", "group_admin", "engineering");
    user("acme", "bob", "member", "engineering");
    user("acme", "erin", "member", "sales");
    setting("acme", "account", "ai_companion.enabled", true, true, "alice");
    setting("acme", "account", "ai_companion.meeting_summary", true, false, "alice");
    setting("acme", "account", "transcription.enabled", true, false, "alice");
    setting("acme", "account", "notice.require_agreement", true, true, "alice");
    setting("acme", "group:sales", "recording.cloud", false, true, "carol");
    setting("acme", "account", "diagnostics.optional", false, false, "alice");
    event("consent.granted").put("account", "acme").put("consent", "product_improvement")
        .put("by", "alice");
    event("consent.granted").put("account", "acme").put("consent", "ai_training")
        .put("by", "carol");
    // Globex: the August 2023 terms, livestream locked off, training consent withdrawn.
    account("globex", "gina", "example-2023-08-07");
    event("group.created").put("account", "globex").put("group", "support");
    user("globex", "gus", "admin", null);
    user("globex", "hana", "member", "support");
    setting("globex", "account", "livestream.enabled", false, true, "gina");
    setting("globex", "account", "ai_companion.enabled", true, false, "gina");
    setting("globex", "account", "ai_companion.smart_recording", true, false, "gina");
    event("consent.granted").put("account", "globex").put("consent", "ai_training")
        .put("by", "gina");
    // Initech: the March 2023 terms (the broad licence), later the recommended terms.
    account("initech", "ivan", "example-2023-03-31");
    user("initech", "jill", "member", null);
    setting("initech", "account", "livestream.enabled", true, false, "ivan");
    // Umbrella: the August 11 terms, transcription enabled but cloud recording off for a user.
    account("umbrella", "uma", "example-2023-08-11");
    user("umbrella", "vic", "member", null);
    setting("umbrella", "account", "transcription.enabled", true, false, "uma");
    flush();

    String[] categories = {"customer_content.audio", "customer_content.video",
      "customer_content.chat", "customer_content.transcript", "customer_content.recording",
      "customer_content.whiteboard", "customer_content.ai_summary",
      "customer_content.attachment"};
    String[][] hosts = {{"acme", "alice"}, {"acme", "bob"}, {"acme", "dave"},
      {"globex", "gina"}, {"globex", "hana"}, {"initech", "ivan"}, {"umbrella", "uma"}};
    String[][] featureSets = {{"recording.cloud", "transcription.enabled",
      "ai_companion.meeting_summary"}, {"recording.cloud"}, {"ai_companion.meeting_summary"},
      {"recording.cloud", "ai_companion.smart_recording"}, {}, {"livestream.enabled"},
      {"transcription.enabled"}};
    int contentCount = 0;
    List<String[]> contents = new ArrayList<>();
    for (int m = 0; m < 60; m++) {
      int h = m % hosts.length;
      String account = hosts[h][0];
      String host = hosts[h][1];
      String meeting = "m-" + account + "-" + (100 + m);
      meeting(account, meeting, host, featureSets[h]);
      int people = 2 + rnd.nextInt(5);
      for (int p = 0; p < people; p++) {
        String who = p == 0 && account.equals("acme") ? "erin" : "guest-" + m + "-" + p;
        // The last to join comes from another organisation: globex, or in every other meeting
        // northwind, which has no account here (a guest, external like any other: §3).
        join(meeting, who, p == people - 1 ? (m % 2 == 0 ? "globex" : "northwind") : null);
        if (featureSets[h].length > 0 && rnd.nextInt(3) > 0) {
          for (String f : featureSets[h]) {
            String notice = f.startsWith("recording") ? "recording"
                : f.startsWith("transcription") ? "transcription"
                : f.startsWith("livestream") ? "livestream" : "ai_companion";
            ack(meeting, who, notice);
          }
        }
        for (int c = 0; c < 8; c++) {
          String id = "c-" + meeting + "-" + p + "-" + c;
          String cat = categories[rnd.nextInt(categories.length)];
          boolean joint = rnd.nextInt(10) == 0;
          if (joint) {
            content(id, cat, account, meeting, who, "globex");
          } else {
            content(id, cat, account, meeting, who);
          }
          contents.add(new String[] {id, account});
          contentCount++;
        }
      }
      if (m < 50) {
        event("meeting.ended").put("meeting", meeting);
      }
      if (m == 30) {
        event("consent.withdrawn").put("account", "globex").put("consent", "ai_training")
            .put("by", "gus");
        event("terms.accepted").put("account", "initech").put("terms", "default")
            .put("by", "ivan");
      }
      if (pending.size() > 800) {
        flush();
      }
    }
    for (int i = 0; i < 500; i++) {
      String[] h = hosts[rnd.nextInt(hosts.length)];
      String id = "c-file-" + h[0] + "-" + i;
      content(id, i % 2 == 0 ? "customer_content.attachment" : "customer_content.poll", h[0],
          null, null);
      contents.add(new String[] {id, h[0]});
      contentCount++;
      if (pending.size() > 800) {
        flush();
      }
    }
    for (int i = 0; i < 300; i++) {
      String[] h = hosts[rnd.nextInt(hosts.length)];
      String id = "t-" + h[0] + "-" + i;
      content(id, i % 3 == 0 ? "service_generated.diagnostics" : "service_generated.telemetry",
          h[0], null, null);
      contents.add(new String[] {id, h[0]});
      contentCount++;
    }
    // Data rights (issue 18), so the console's data-rights page is not empty: acme keeps customer
    // content 90 days (longer than the demo's month, so no decision changes), engineering 60,
    // one hold on sales and one data request received (when the server keeps a register).
    event("setting.set").put("account", "acme").put("scope", "account")
        .put("key", "retention.days").put("value", 90).put("locked", false).put("by", "alice");
    event("setting.set").put("account", "acme").put("scope", "group:engineering")
        .put("key", "retention.days").put("value", 60).put("locked", false).put("by", "alice");
    event("legal_hold.placed").put("account", "acme").put("hold", "hold-1")
        .put("scope", "group:sales").put("matter", "Acme v. Initech (discovery)")
        .put("by", "alice");
    flush();
    ObjectNode dsr = Json.object().put("subject", "bob").put("kind", "export");
    postIfServed("/v1/accounts/acme/dsr", dsr);
    long decisions = decisions(rnd, contents, now);
    return new Seeded(events, contentCount, decisions, 0);
  }

  /** A month of decisions by the product services, for the transparency report. */
  private long decisions(Random rnd, List<String[]> contents, Instant now) {
    String[] purposes = {"service.provide", "service.recording", "service.transcription",
      "service.ai_feature.meeting_summary", "ai.training", "product.improvement",
      "analytics.load_balancing", "marketing", "safety.abuse_scanning"};
    long total = 0;
    for (int day = 29; day >= 0; day--) {
      Instant at = now.minus(day, ChronoUnit.DAYS).minusSeconds(60);
      for (String purpose : purposes) {
        ObjectNode body = Json.object();
        body.put("purpose", purpose);
        body.put("at", at.toString());
        ArrayNode reqs = body.putArray("requests");
        for (int i = 0; i < 40; i++) {
          reqs.add(contents.get(rnd.nextInt(contents.size()))[0]);
        }
        post("/v1/decisions:batch", body, 200);
        total += 40;
      }
    }
    return total;
  }

  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    ObjectNode body = Json.object();
    ArrayNode arr = body.putArray("events");
    pending.forEach(arr::add);
    JsonNode r = post("/v1/events", body, 200);
    if (r.path("rejected").asInt() != 0) {
      throw new IllegalStateException("the demo seed was rejected: " + r);
    }
    events += pending.size();
    pending.clear();
  }

  /** Posts expecting 201, accepting 503 from a server without the optional part it needs. */
  private void postIfServed(String path, JsonNode body) {
    try {
      post(path, body, 201);
    } catch (IllegalStateException e) {
      if (!String.valueOf(e.getMessage()).contains(" answered 503")) {
        throw e;
      }
    }
  }

  private JsonNode post(String path, JsonNode body, int expected) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + operator)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.line(body), StandardCharsets.UTF_8))
        .build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expected) {
        throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
      }
      return Json.parse(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach " + base, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
