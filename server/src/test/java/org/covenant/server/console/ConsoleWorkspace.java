package org.covenant.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.FileKeyStore;
import org.covenant.safety.Corpus;
import org.covenant.safety.CorpusRecord;
import org.covenant.safety.InviteScanner;
import org.covenant.safety.Label;
import org.covenant.safety.LabelledExample;
import org.covenant.safety.MessageParser;
import org.covenant.safety.ModelTrainer;
import org.covenant.safety.ScanModel;
import org.covenant.server.Deployment;
import org.covenant.server.ServerConfig;
import org.covenant.store.LedgerConfig;

/**
 * A server on a fresh data directory (SQLite ledger, transparency log, receipts) seeded through
 * the API with a realistic account: two groups, every role, locks at account and group level, the
 * diagnostics ceiling, a parent switched off for one user, consent given and withdrawn, terms
 * changed, a live meeting with recording and AI Companion where agreement is required, an ended
 * one, a few hundred content items and a few thousand decisions spread over three weeks.
 * Everything is dated relative to now, so the transparency report's default period covers it.
 */
final class ConsoleWorkspace implements AutoCloseable {
  static final String ACCOUNT = "acme";
  static final String LIVE_MEETING = "m-weekly";
  /** The organisation of the live meeting's guest: it has no account here. */
  static final String GUEST_ORGANISATION = "initrode";

  private final Path dir;
  private final Deployment.Opened opened;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String operator;
  final String owner;
  final String admin;
  final String groupAdmin;
  final String member;
  final String service;
  /** A raw message the server's scan model flags (the Reviews page holds it). */
  final String spamInvite;

  private ConsoleWorkspace(Path dir) {
    this.dir = dir;
    this.spamInvite = writeScanModel(dir);
    this.opened = Deployment.open(dir, LedgerConfig.sqlite(dir), ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
    opened.server().start();
    this.operator = opened.operatorSecret().orElseThrow();
    seed();
    this.owner = accountToken("alice");
    this.admin = accountToken("carol");
    this.groupAdmin = accountToken("dave");
    this.member = accountToken("bob");
    this.service = serviceToken();
    decisions();
  }

  /**
   * Trains a naive Bayes scan model on the shared corpus into {@code DIR/safety/scan.model},
   * where the server looks for it, and answers one spam message the model flags.
   */
  private static String writeScanModel(Path dir) {
    Corpus corpus = Corpus.read(Path.of(System.getProperty("covenant.shared.dir"), "data",
        "spamassassin", "dev.jsonl.gz"));
    MessageParser parser = MessageParser.create();
    List<LabelledExample> examples = new ArrayList<>();
    for (CorpusRecord r : corpus.records()) {
      examples.add(r.toExample(parser));
    }
    ScanModel model = ModelTrainer.create(ModelTrainer.Options.defaults())
        .train(examples, "spamassassin-dev-console");
    try {
      Files.createDirectories(dir.resolve("safety"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    model.write(dir.resolve("safety/scan.model"));
    InviteScanner scanner = InviteScanner.create(model);
    for (int i = 0; i < examples.size(); i++) {
      if (examples.get(i).label() == Label.SPAM
          && scanner.scan(examples.get(i).message()).verdict().flagged()) {
        return corpus.records().get(i).text();
      }
    }
    throw new IllegalStateException("the model flags no spam of the corpus");
  }

  /** Starts and seeds a workspace in a new temporary directory. */
  static ConsoleWorkspace start() {
    try {
      return new ConsoleWorkspace(Files.createTempDirectory("covenant-console-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return opened.server().url();
  }

  /** The transparency log's verifier key, as {@code covenant log key} prints it. */
  String verifierKey() {
    return FileKeyStore.load(dir).orElseThrow().verifier().keyText();
  }

  org.covenant.log.NoteVerifier verifier() {
    return FileKeyStore.load(dir).orElseThrow().verifier();
  }

  // ---- HTTP

  record Response(int status, String body) {
    JsonNode json() {
      return Json.parse(body);
    }
  }

  Response send(String method, String path, String token, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Response get(String path, String token) {
    return send("GET", path, token, null);
  }

  Response asOperator(String method, String path, String body) {
    return send(method, path, operator, body);
  }

  private JsonNode ok(Response r, int status) {
    if (r.status() != status) {
      throw new IllegalStateException("expected " + status + ", got " + r.status() + ": "
          + r.body());
    }
    return r.json();
  }

  // ---- seeding

  private final List<ObjectNode> events = new ArrayList<>();
  private final List<String[]> contents = new ArrayList<>();

  private ObjectNode event(String type, Instant at) {
    ObjectNode e = Json.object();
    e.put("type", type);
    e.put("at", at.toString());
    events.add(e);
    return e;
  }

  private void setting(Instant at, String scope, String key, boolean value, boolean locked,
      String by) {
    event("setting.set", at).put("account", ACCOUNT).put("scope", scope).put("key", key)
        .put("value", value).put("locked", locked).put("by", by);
  }

  private void content(Instant at, String id, String category, String meeting) {
    ObjectNode e = event("content.created", at).put("content", id).put("category", category)
        .put("account", ACCOUNT);
    if (meeting != null) {
      e.put("meeting", meeting);
    }
    contents.add(new String[] {id, category, at.toString(), meeting == null ? "" : meeting});
  }

  private void seed() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant base = now.minus(27, ChronoUnit.DAYS);
    event("account.created", base).put("account", ACCOUNT).put("owner", "alice");
    event("terms.accepted", base.plusSeconds(1)).put("account", ACCOUNT)
        .put("terms", "example-2023-08-07").put("by", "alice");
    event("group.created", base.plusSeconds(2)).put("account", ACCOUNT).put("group", "eng");
    event("group.created", base.plusSeconds(2)).put("account", ACCOUNT).put("group", "sales");
    event("user.added", base.plusSeconds(3)).put("account", ACCOUNT).put("user", "carol")
        .put("role", "admin");
    event("user.added", base.plusSeconds(3)).put("account", ACCOUNT).put("user", "dave")
        .put("role", "group_admin").put("group", "eng");
    event("user.added", base.plusSeconds(3)).put("account", ACCOUNT).put("user", "bob")
        .put("role", "member").put("group", "eng");
    event("user.added", base.plusSeconds(3)).put("account", ACCOUNT).put("user", "erin")
        .put("role", "member").put("group", "sales");
    Instant s = base.plusSeconds(60);
    setting(s, "account", "ai_companion.enabled", true, true, "alice");
    setting(s, "account", "ai_companion.meeting_summary", true, false, "alice");
    setting(s, "account", "notice.require_agreement", true, true, "alice");
    setting(s, "account", "transcription.enabled", true, false, "carol");
    setting(s, "group:eng", "diagnostics.optional", false, false, "dave");
    setting(s, "group:sales", "livestream.enabled", true, true, "carol");
    setting(s, "user:erin", "recording.cloud", false, false, "erin");
    event("consent.granted", base.plus(2, ChronoUnit.DAYS)).put("account", ACCOUNT)
        .put("consent", "product_improvement").put("by", "alice");
    event("terms.accepted", base.plus(5, ChronoUnit.DAYS)).put("account", ACCOUNT)
        .put("terms", "default").put("by", "alice");
    event("consent.withdrawn", base.plus(8, ChronoUnit.DAYS)).put("account", ACCOUNT)
        .put("consent", "product_improvement").put("by", "carol");

    // Content outside meetings, a few a day.
    String[] categories = {"customer_content.chat", "customer_content.attachment",
        "customer_content.whiteboard", "customer_content.poll", "service_generated.telemetry",
        "service_generated.diagnostics"};
    Random random = new Random(6);
    for (int i = 0; i < 320; i++) {
      Instant at = base.plusSeconds(3600 + (long) i * 6900 + random.nextInt(600));
      content(at, "c-" + i, categories[i % categories.length], null);
    }
    // An ended stand-up with recording and transcription, a day ago.
    Instant standup = now.minus(1, ChronoUnit.DAYS);
    ObjectNode st = event("meeting.started", standup).put("account", ACCOUNT)
        .put("meeting", "m-standup").put("host", "dave");
    ArrayNode sf = st.putArray("features");
    sf.add("recording.cloud");
    sf.add("transcription.enabled");
    event("participant.joined", standup.plusSeconds(30)).put("meeting", "m-standup")
        .put("participant", "bob");
    event("notice.acknowledged", standup.plusSeconds(40)).put("meeting", "m-standup")
        .put("participant", "bob").put("notice", "recording");
    event("notice.acknowledged", standup.plusSeconds(41)).put("meeting", "m-standup")
        .put("participant", "bob").put("notice", "transcription");
    for (int i = 0; i < 20; i++) {
      content(standup.plusSeconds(60 + i), "c-standup-" + i, i % 2 == 0
          ? "customer_content.recording" : "customer_content.transcript", "m-standup");
    }
    event("meeting.ended", standup.plus(15, ChronoUnit.MINUTES)).put("meeting", "m-standup");
    // The live weekly meeting: recording and AI summary on, agreement required.
    Instant weekly = now.minus(40, ChronoUnit.MINUTES);
    ObjectNode wk = event("meeting.started", weekly).put("account", ACCOUNT)
        .put("meeting", LIVE_MEETING).put("host", "alice");
    ArrayNode wf = wk.putArray("features");
    wf.add("recording.cloud");
    wf.add("ai_companion.meeting_summary");
    event("participant.joined", weekly.plusSeconds(20)).put("meeting", LIVE_MEETING)
        .put("participant", "bob").put("account", ACCOUNT);
    event("participant.joined", weekly.plusSeconds(25)).put("meeting", LIVE_MEETING)
        .put("participant", "carol").put("account", ACCOUNT);
    // A guest from an organisation with no account on the platform (ARCHITECTURE.md §3).
    event("participant.joined", weekly.plusSeconds(30)).put("meeting", LIVE_MEETING)
        .put("participant", "guest-7").put("account", GUEST_ORGANISATION);
    event("notice.acknowledged", weekly.plusSeconds(35)).put("meeting", LIVE_MEETING)
        .put("participant", "bob").put("notice", "recording");
    event("notice.acknowledged", weekly.plusSeconds(36)).put("meeting", LIVE_MEETING)
        .put("participant", "carol").put("notice", "recording");
    event("notice.acknowledged", weekly.plusSeconds(37)).put("meeting", LIVE_MEETING)
        .put("participant", "carol").put("notice", "ai_companion");
    for (int i = 0; i < 12; i++) {
      content(weekly.plusSeconds(120 + i * 60), "c-weekly-" + i, i % 3 == 0
          ? "customer_content.ai_summary" : "customer_content.recording", LIVE_MEETING);
    }
    // Another tenant, so the console's tenancy is exercised against something.
    event("account.created", base.plusSeconds(5)).put("account", "globex").put("owner", "gina");
    event("terms.accepted", base.plusSeconds(6)).put("account", "globex")
        .put("terms", "default").put("by", "gina");

    List<ObjectNode> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(e -> Instant.parse(e.path("at").asText())));
    ObjectNode body = Json.object();
    ArrayNode arr = body.putArray("events");
    sorted.forEach(arr::add);
    JsonNode r = ok(asOperator("POST", "/v1/events", Json.line(body)), 200);
    if (r.path("rejected").asInt() != 0) {
      throw new IllegalStateException("seed events rejected: " + r);
    }
  }

  private String accountToken(String user) {
    return ok(asOperator("POST", "/v1/tokens", "{\"kind\":\"account\",\"account\":\""
        + ACCOUNT + "\",\"user\":\"" + user + "\"}"), 201).path("secret").asText();
  }

  private String serviceToken() {
    return ok(asOperator("POST", "/v1/tokens", "{\"kind\":\"service\",\"name\":\"meetings\","
        + "\"purposes\":[\"service.provide\"],\"accounts\":[\"" + ACCOUNT + "\"],"
        + "\"role\":\"meetings\"}"), 201).path("secret").asText();
  }

  /** Product services asking about the content over the three weeks: the report's raw data. */
  private void decisions() {
    String[] purposes = {"service.provide", "service.recording",
        "service.ai_feature.meeting_summary", "service.transcription", "ai.training",
        "product.improvement", "marketing", "analytics.load_balancing", "safety.abuse_scanning"};
    Random random = new Random(9);
    Instant now = Instant.now();
    ObjectNode body = Json.object();
    ArrayNode reqs = body.putArray("requests");
    for (String[] c : contents) {
      Instant created = Instant.parse(c[2]);
      int asks = c[3].isEmpty() ? 8 : 12;
      for (int k = 0; k < asks; k++) {
        Instant at = created.plusSeconds(60 + random.nextInt(3 * 24 * 3600));
        if (at.isAfter(now)) {
          at = now.minusSeconds(1);
        }
        ObjectNode q = reqs.addObject();
        q.put("content", c[0]);
        q.put("purpose", purposes[random.nextInt(purposes.length)]);
        q.put("at", at.truncatedTo(ChronoUnit.SECONDS).toString());
      }
    }
    ok(asOperator("POST", "/v1/decisions:batch", Json.line(body)), 200);
  }

  @Override
  public void close() {
    opened.server().close();
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }

  /**
   * Runs the seeded workspace until interrupted and prints its URL and tokens: the way to look
   * at the console by hand while {@code covenant serve --demo} is not at hand.
   */
  public static void main(String[] args) throws InterruptedException {
    ConsoleWorkspace w = start();
    System.out.println("console   " + w.url() + "/");
    System.out.println("owner     alice  " + w.owner);
    System.out.println("admin     carol  " + w.admin);
    System.out.println("group_adm dave   " + w.groupAdmin);
    System.out.println("member    bob    " + w.member);
    System.out.println("service          " + w.service);
    System.out.println("vkey             " + w.verifierKey());
    System.out.println("participant " + w.url() + "/participant.html?meeting=" + LIVE_MEETING
        + "&participant=guest-42#token=" + w.service);
    Thread.currentThread().join();
  }
}
