package org.covenant.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.event.Event;
import org.covenant.core.state.NoticeState;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Feature;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.AnswerJson;
import org.covenant.format.Json;
import org.covenant.server.auth.Caller;

/**
 * Meeting routes (ARCHITECTURE.md §6): an account's meetings, one meeting with who is present,
 * the notices a participant must see and whether they are held muted, joining and
 * acknowledging. Writes go through the ledger like every other event.
 */
final class MeetingRoutes {
  /** The longest a participant token lives (docs/CONSOLE.md, "Participant view"). */
  static final long PARTICIPANT_TTL_MAX = 24 * 3600;
  /** How long a participant token lives unless the issuer says otherwise. */
  static final long PARTICIPANT_TTL_DEFAULT = 4 * 3600;

  private final Clock clock;
  private final ServerConfig config;
  private final org.covenant.server.auth.TokenStore tokens;

  MeetingRoutes(Clock clock, ServerConfig config, org.covenant.server.auth.TokenStore tokens) {
    this.clock = clock;
    this.config = config;
    this.tokens = tokens;
  }

  List<Route> routes() {
    return List.of(
        Route.auth("GET", "/v1/accounts/{account}/meetings", this::meetings),
        Route.auth("GET", "/v1/meetings/{meeting}", this::meeting),
        Route.auth("GET", "/v1/meetings/{meeting}/notices", this::notices),
        Route.auth("POST", "/v1/meetings/{meeting}/participants", this::join),
        Route.auth("POST", "/v1/meetings/{meeting}/acknowledgements", this::acknowledge),
        Route.auth("POST", "/v1/meetings/{meeting}/participant-tokens", this::participantToken));
  }

  private Instant now() {
    return clock.instant();
  }

  private void meetings(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Namespace ns = Http.namespace(ctx);
    Snapshot s = ns.snapshot();
    Optional<String> q = Http.stringParam(ctx, "q");
    if (q.isPresent() && q.get().length() > 200) {
      throw ServerException.invalid("q", "longer than 200 characters");
    }
    Optional<String> status = Http.stringParam(ctx, "status");
    if (status.isPresent() && !Set.of("live", "ended").contains(status.get())) {
      throw ServerException.invalid("status", "`" + status.get() + "` is not live or ended");
    }
    Optional<String> host = Http.stringParam(ctx, "host");
    Optional<Feature> feature = Http.stringParam(ctx, "feature").map(k -> Vocabulary.feature(k)
        .orElseThrow(() -> ServerException.invalid("feature", "no feature `" + k + "`")));
    long offset = Http.longParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    int limit = (int) Http.longParam(ctx, "limit", 200, 1, 200);
    String needle = q.map(x -> x.toLowerCase(java.util.Locale.ROOT)).orElse("");
    List<Directory.MeetingInfo> matched = new java.util.ArrayList<>();
    for (String id : a.meetings()) {
      Optional<Directory.MeetingInfo> m = ns.directory().meeting(id);
      if (m.isEmpty()) {
        continue;
      }
      Directory.MeetingInfo mi = m.get();
      boolean ended = s.meetingEnded(id, TimeKey.END).isPresent();
      if (status.isPresent() && status.get().equals("live") == ended) {
        continue;
      }
      if (host.isPresent() && !host.get().equals(mi.host())) {
        continue;
      }
      if (!needle.isEmpty() && !mi.meeting().toLowerCase(java.util.Locale.ROOT).contains(needle)
          && !mi.host().toLowerCase(java.util.Locale.ROOT).contains(needle)) {
        continue;
      }
      if (feature.isPresent() && !s.featuresUsed(id, TimeKey.END).contains(feature.get())) {
        continue;
      }
      matched.add(mi);
    }
    // Live meetings first, then the most recently started.
    matched.sort(java.util.Comparator
        .comparing((Directory.MeetingInfo m) -> s.meetingEnded(m.meeting(), TimeKey.END)
            .isPresent())
        .thenComparing(Directory.MeetingInfo::started, java.util.Comparator.reverseOrder())
        .thenComparing(Directory.MeetingInfo::meeting));
    ObjectNode out = Json.object();
    out.put("account", a.account());
    out.put("total", matched.size());
    out.put("offset", offset);
    out.put("limit", limit);
    ArrayNode arr = out.putArray("meetings");
    int from = (int) Math.min(offset, matched.size());
    int to = Math.min(matched.size(), from + limit);
    for (Directory.MeetingInfo m : matched.subList(from, to)) {
      arr.add(meetingJson(s, m, false));
    }
    if (to < matched.size()) {
      out.put("next_offset", to);
    } else {
      out.putNull("next_offset");
    }
    Http.json(ctx, 200, out);
  }

  private static ObjectNode meetingJson(Snapshot s, Directory.MeetingInfo m, boolean people) {
    ObjectNode o = Json.object();
    o.put("meeting", m.meeting());
    o.put("account", m.account());
    o.put("host", m.host());
    o.put("started", m.started().toString());
    List<String> present = s.presentParticipants(m.meeting(), TimeKey.END);
    o.put("live", !present.isEmpty());
    ArrayNode fs = o.putArray("features");
    for (Feature f : s.activeFeatures(m.meeting(), TimeKey.END)) {
      fs.add(f.key());
    }
    o.put("present", present.size());
    Optional<Instant> ended = s.meetingEnded(m.meeting(), TimeKey.END);
    if (ended.isPresent()) {
      o.put("ended", ended.get().toString());
    } else {
      o.putNull("ended");
    }
    ArrayNode used = o.putArray("features_used");
    for (Feature f : s.featuresUsed(m.meeting(), TimeKey.END)) {
      used.add(f.key());
    }
    // A feature on in a live meeting stays on when a setting changes later (it was on at start,
    // §6); the host's effective setting now says whether it could be turned on again, and
    // whether new meetings start with it.
    ArrayNode active = o.putArray("active");
    for (Feature f : s.activeFeatures(m.meeting(), TimeKey.END)) {
      ObjectNode x = active.addObject();
      x.put("feature", f.key());
      x.put("setting", f.setting().key());
      s.featureOnSince(m.meeting(), f, TimeKey.END).ifPresent(t -> x.put("on_since",
          t.toString()));
      x.set("host_setting_now", AnswerJson.setting(s.setting(m.account(),
          Optional.of(m.host()), f.setting(), TimeKey.END)));
    }
    if (people) {
      ArrayNode ps = o.putArray("participants");
      for (String p : present) {
        ObjectNode x = AnswerJson.notices(s.notices(m.meeting(), p, TimeKey.END));
        x.put("participant", p);
        x.put("host", p.equals(m.host()));
        organisation(x, s, m, p, TimeKey.END);
        ps.add(x);
      }
    }
    return o;
  }

  /**
   * Who the participant is with respect to the meeting (§3): {@code account}, the organisation
   * their last join named (the host: the meeting's account; null when none was named), which may
   * have no account here, and {@code external}. Whether that organisation has an account in this
   * ledger is not said: it would tell one tenant about another.
   */
  private static void organisation(ObjectNode o, Snapshot s, Directory.MeetingInfo m,
      String participant, long t) {
    Optional<String> account = participant.equals(m.host()) ? Optional.of(m.account())
        : s.participantAccount(m.meeting(), participant, t);
    if (account.isPresent()) {
      o.put("account", account.get());
    } else {
      o.putNull("account");
    }
    o.put("external", s.external(m.meeting(), participant, t));
  }

  private void meeting(Context ctx) {
    // Account users of the meeting's account and services (which enforce the mute) see who is
    // present, their notices and who is held muted.
    Directory.MeetingInfo m = Tenancy.meeting(ctx, ctx.pathParam("meeting"));
    Http.json(ctx, 200, meetingJson(Http.namespace(ctx).snapshot(), m, true));
  }

  private void notices(Context ctx) {
    String meeting = ctx.pathParam("meeting");
    String participant = Http.requiredParam(ctx, "participant");
    Instant at = Http.instantParam(ctx, "at").orElseGet(this::now);
    Tenancy.participantBound(ctx, meeting, participant, "participant");
    if (!(Http.caller(ctx) instanceof Caller.Operator)) {
      Tenancy.meeting(ctx, meeting);
    }
    // For the operator an unknown meeting answers "nothing shown, not muted", as a notices query
    // does (ARCHITECTURE.md §8); the others see only the meetings of the accounts they reach.
    Namespace ns = Http.namespace(ctx);
    Snapshot s = ns.snapshot();
    NoticeState n = s.notices(meeting, participant, TimeKey.of(at));
    ObjectNode o = AnswerJson.notices(n);
    o.put("meeting", meeting);
    o.put("participant", participant);
    Optional<Directory.MeetingInfo> m = ns.directory().meeting(meeting);
    if (m.isPresent()) {
      organisation(o, s, m.get(), participant, TimeKey.of(at));
    }
    o.put("at", at.toString());
    Http.json(ctx, 200, o);
  }

  private void join(Context ctx) {
    Directory.MeetingInfo m = Tenancy.meeting(ctx, ctx.pathParam("meeting"));
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("participant", "account"), "");
    String participant = Http.field("", () -> Json.str(body, "participant"));
    Optional<String> account = Http.field("", () -> Json.optStr(body, "account"));
    Tenancy.participantBound(ctx, m.meeting(), participant, "participant");
    long pos = LedgerRoutes.appendOne(ctx, new Event.ParticipantJoined(now(), m.meeting(), participant,
        account), "participant");
    noticeAnswer(ctx, m, participant, pos);
  }

  private void acknowledge(Context ctx) {
    Directory.MeetingInfo m = Tenancy.meeting(ctx, ctx.pathParam("meeting"));
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("participant", "notice"), "");
    String participant = Http.field("", () -> Json.str(body, "participant"));
    String notice = Http.field("", () -> Json.str(body, "notice"));
    Tenancy.participantBound(ctx, m.meeting(), participant, "participant");
    long pos = LedgerRoutes.appendOne(ctx, new Event.NoticeAcknowledged(now(), m.meeting(), participant,
        notice), "notice");
    noticeAnswer(ctx, m, participant, pos);
  }

  /**
   * Issues a participant token (docs/CONSOLE.md, "Participant view"): bound to this meeting and
   * one participant, with the organisation they join from, valid for at most
   * {@value #PARTICIPANT_TTL_MAX} seconds; it reads that participant's notices and joins,
   * acknowledges and leaves as them, and nothing else. Issued by an owner or admin of the
   * meeting's account, its host, or a meetings service of the account; the secret is shown once,
   * in the link too.
   */
  private void participantToken(Context ctx) {
    Directory.MeetingInfo m = Tenancy.meeting(ctx, ctx.pathParam("meeting"));
    Caller c = Http.caller(ctx);
    if (c instanceof Caller.AccountUser u) {
      Directory.AccountInfo a = Http.namespace(ctx).directory().account(m.account())
          .orElseThrow();
      if (!u.user().equals(m.host())) {
        Tenancy.requireAdmin(ctx, a);
      }
    } else if (c instanceof Caller.Service svc
        && svc.role() != org.covenant.server.auth.ServiceRole.MEETINGS) {
      throw ServerException.forbidden("Authorization", "a service token of role `"
          + svc.role().id() + "` may not issue participant tokens");
    } else if (!(c instanceof Caller.Operator) && !(c instanceof Caller.Service)) {
      throw ServerException.forbidden("Authorization", "this token may not issue participant "
          + "tokens");
    }
    if (!"main".equals(Http.namespace(ctx).id())) {
      throw ServerException.invalid(Namespaces.HEADER, "participant tokens act in the main "
          + "namespace only");
    }
    Snapshot s = Http.namespace(ctx).snapshot();
    if (s.meetingEnded(m.meeting(), TimeKey.END).isPresent()) {
      throw new ServerException("meeting_ended", 409, "meeting", "meeting `" + m.meeting()
          + "` has ended");
    }
    ObjectNode body = Http.object(ctx, config.maxBody());
    Http.only(body, Set.of("participant", "account", "ttl_seconds"), "");
    String participant = Http.field("", () -> Json.str(body, "participant"));
    EdgeRules.checkId(participant, "participant");
    Optional<String> organisation = Http.field("", () -> Json.optStr(body, "account"));
    organisation.ifPresent(o -> EdgeRules.checkId(o, "account"));
    long ttl = PARTICIPANT_TTL_DEFAULT;
    if (body.has("ttl_seconds")) {
      var t = body.get("ttl_seconds");
      if (!t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 60
          || t.asLong() > PARTICIPANT_TTL_MAX) {
        throw ServerException.invalid("ttl_seconds", "expected a whole number of seconds from "
            + "60 to " + PARTICIPANT_TTL_MAX);
      }
      ttl = t.asLong();
    }
    Instant now = now();
    org.covenant.server.auth.TokenStore.Issued issued = tokens.issueParticipant(
        "participant " + participant + " in " + m.meeting(), m.account(),
        new org.covenant.server.auth.ParticipantBinding(m.meeting(), participant, organisation),
        now, now.plusSeconds(ttl));
    ObjectNode out = org.covenant.server.auth.TokenStore.toJson(issued.token());
    out.put("secret", issued.secret());
    StringBuilder link = new StringBuilder("/participant.html?meeting=")
        .append(enc(m.meeting())).append("&participant=").append(enc(participant));
    organisation.ifPresent(o -> link.append("&account=").append(enc(o)));
    link.append("#token=").append(enc(issued.secret()));
    out.put("link", link.toString());
    Http.json(ctx, 201, out);
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  private void noticeAnswer(Context ctx, Directory.MeetingInfo m, String participant, long pos) {
    Snapshot s = Http.namespace(ctx).snapshot();
    NoticeState n = s.notices(m.meeting(), participant, TimeKey.END);
    ObjectNode o = AnswerJson.notices(n);
    o.put("position", pos);
    o.put("meeting", m.meeting());
    o.put("participant", participant);
    organisation(o, s, m, participant, TimeKey.END);
    Http.json(ctx, 200, o);
  }
}
