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
import org.covenant.format.AnswerJson;
import org.covenant.format.Json;
import org.covenant.server.auth.Caller;

/**
 * Meeting routes (ARCHITECTURE.md §6): an account's meetings, one meeting with who is present,
 * the notices a participant must see and whether they are held muted, joining and
 * acknowledging. Writes go through the ledger like every other event.
 */
final class MeetingRoutes {
  private final Clock clock;
  private final ServerConfig config;

  MeetingRoutes(Clock clock, ServerConfig config) {
    this.clock = clock;
    this.config = config;
  }

  List<Route> routes() {
    return List.of(
        Route.auth("GET", "/v1/accounts/{account}/meetings", this::meetings),
        Route.auth("GET", "/v1/meetings/{meeting}", this::meeting),
        Route.auth("GET", "/v1/meetings/{meeting}/notices", this::notices),
        Route.auth("POST", "/v1/meetings/{meeting}/participants", this::join),
        Route.auth("POST", "/v1/meetings/{meeting}/acknowledgements", this::acknowledge));
  }

  private Instant now() {
    return clock.instant();
  }

  private void meetings(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Namespace ns = Http.namespace(ctx);
    Snapshot s = ns.snapshot();
    ObjectNode out = Json.object();
    out.put("account", a.account());
    ArrayNode arr = out.putArray("meetings");
    for (String id : a.meetings()) {
      ns.directory().meeting(id).ifPresent(m -> arr.add(meetingJson(s, m, false)));
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
    long pos = LedgerRoutes.appendOne(ctx, new Event.NoticeAcknowledged(now(), m.meeting(), participant,
        notice), "notice");
    noticeAnswer(ctx, m, participant, pos);
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
