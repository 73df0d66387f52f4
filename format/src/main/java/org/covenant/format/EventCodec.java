package org.covenant.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.covenant.core.event.Event;
import org.covenant.core.event.HoldScope;
import org.covenant.core.event.Scope;
import org.covenant.core.event.SettingValue;
import org.covenant.core.vocab.Role;

/**
 * Events to and from their JSON wire form (ARCHITECTURE.md §3). Parsing is strict: an unknown
 * type, a missing or mistyped field, an unknown field or a bad timestamp is a
 * {@link FormatException} naming the field. Unknown vocabulary items (a setting key, a category)
 * are not format errors: the ledger rejects them with their code.
 */
public final class EventCodec {
  private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
      Map.entry("account.created", Set.of("account", "owner")),
      Map.entry("terms.accepted", Set.of("account", "terms", "by")),
      Map.entry("group.created", Set.of("account", "group")),
      Map.entry("user.added", Set.of("account", "user", "role", "group")),
      Map.entry("setting.set", Set.of("account", "scope", "key", "value", "locked", "by")),
      Map.entry("setting.cleared", Set.of("account", "scope", "key", "by")),
      Map.entry("consent.granted", Set.of("account", "consent", "by")),
      Map.entry("consent.withdrawn", Set.of("account", "consent", "by")),
      Map.entry("meeting.started", Set.of("account", "meeting", "host", "features")),
      Map.entry("meeting.feature", Set.of("meeting", "feature", "on", "by")),
      Map.entry("meeting.ended", Set.of("meeting")),
      Map.entry("participant.joined", Set.of("meeting", "participant", "account")),
      Map.entry("notice.acknowledged", Set.of("meeting", "participant", "notice")),
      Map.entry("participant.left", Set.of("meeting", "participant")),
      Map.entry("content.created",
          Set.of("content", "category", "account", "meeting", "author", "contributors")),
      // docs/DATA-RIGHTS.md
      Map.entry("content.deleted", Set.of("content", "by")),
      Map.entry("legal_hold.placed", Set.of("account", "hold", "scope", "matter", "by")),
      Map.entry("legal_hold.released", Set.of("account", "hold", "by")),
      Map.entry("user.removed", Set.of("account", "user", "by")));

  private EventCodec() {}

  /** The event types, for help texts and documents. */
  public static Set<String> types() {
    return new java.util.TreeSet<>(FIELDS.keySet());
  }

  /**
   * Parses one event object. {@code extra} names fields allowed beside the event's own (a
   * scenario's {@code expect}, an API's {@code idempotency_key}).
   */
  public static Event parse(JsonNode node, Set<String> extra) {
    ObjectNode o = Json.obj(node, "");
    String type = Json.str(o, "type");
    Set<String> own = FIELDS.get(type);
    if (own == null) {
      throw new FormatException("type", "unknown event type `" + type + "` (one of "
          + String.join(", ", types()) + ")");
    }
    Set<String> allowed = new HashSet<>(own);
    allowed.add("type");
    allowed.add("at");
    allowed.addAll(extra);
    Json.onlyFields(o, allowed);
    var at = Json.instant(o, "at");
    return switch (type) {
      case "account.created" -> new Event.AccountCreated(at, Json.str(o, "account"),
          Json.str(o, "owner"));
      case "terms.accepted" -> new Event.TermsAccepted(at, Json.str(o, "account"),
          Json.str(o, "terms"), Json.str(o, "by"));
      case "group.created" -> new Event.GroupCreated(at, Json.str(o, "account"),
          Json.str(o, "group"));
      case "user.added" -> {
        String roleText = Json.str(o, "role");
        Role role = Role.of(roleText).filter(r -> r != Role.OWNER).orElseThrow(
            () -> new FormatException("role", "`" + roleText
                + "` is not admin, group_admin or member"));
        yield new Event.UserAdded(at, Json.str(o, "account"), Json.str(o, "user"), role,
            Json.optStr(o, "group"));
      }
      case "setting.set" -> settingSet(o, at);
      case "setting.cleared" -> new Event.SettingCleared(at, Json.str(o, "account"), scope(o),
          Json.str(o, "key"), Json.str(o, "by"));
      case "consent.granted" -> new Event.ConsentGranted(at, Json.str(o, "account"),
          Json.str(o, "consent"), Json.str(o, "by"));
      case "consent.withdrawn" -> new Event.ConsentWithdrawn(at, Json.str(o, "account"),
          Json.str(o, "consent"), Json.str(o, "by"));
      case "meeting.started" -> new Event.MeetingStarted(at, Json.str(o, "account"),
          Json.str(o, "meeting"), Json.str(o, "host"), Json.strings(o, "features", true));
      case "meeting.feature" -> new Event.MeetingFeature(at, Json.str(o, "meeting"),
          Json.str(o, "feature"), Json.bool(o, "on"), Json.str(o, "by"));
      case "meeting.ended" -> new Event.MeetingEnded(at, Json.str(o, "meeting"));
      case "participant.joined" -> new Event.ParticipantJoined(at, Json.str(o, "meeting"),
          Json.str(o, "participant"), Json.optStr(o, "account"));
      case "notice.acknowledged" -> new Event.NoticeAcknowledged(at, Json.str(o, "meeting"),
          Json.str(o, "participant"), Json.str(o, "notice"));
      case "participant.left" -> new Event.ParticipantLeft(at, Json.str(o, "meeting"),
          Json.str(o, "participant"));
      case "content.created" -> new Event.ContentCreated(at, Json.str(o, "content"),
          Json.str(o, "category"), Json.str(o, "account"), Json.optStr(o, "meeting"),
          Json.optStr(o, "author"), Json.strings(o, "contributors", false));
      case "content.deleted" -> new Event.ContentDeleted(at, Json.str(o, "content"),
          Json.str(o, "by"));
      case "legal_hold.placed" -> {
        String text = Json.str(o, "scope");
        HoldScope scope = HoldScope.parse(text).orElseThrow(() -> new FormatException("scope",
            "`" + text + "` is not `account`, `group:G`, `user:U` or `meeting:M`"));
        yield new Event.LegalHoldPlaced(at, Json.str(o, "account"), Json.str(o, "hold"), scope,
            Json.str(o, "matter"), Json.str(o, "by"));
      }
      case "legal_hold.released" -> new Event.LegalHoldReleased(at, Json.str(o, "account"),
          Json.str(o, "hold"), Json.str(o, "by"));
      case "user.removed" -> new Event.UserRemoved(at, Json.str(o, "account"),
          Json.str(o, "user"), Json.str(o, "by"));
      default -> throw new IllegalStateException("unhandled type " + type);
    };
  }

  /**
   * {@code setting.set}: a boolean value is a {@link Event.SettingSet}; a whole number or a list
   * of strings is a {@link Event.ValuedSettingSet} (docs/DATA-RIGHTS.md), whose fit to the key
   * the ledger checks ({@code invalid_value}).
   */
  private static Event settingSet(ObjectNode o, java.time.Instant at) {
    JsonNode v = o.get("value");
    if (v != null && (v.isNumber() || v.isArray())) {
      SettingValue value;
      if (v.isArray()) {
        value = new SettingValue.Codes(Json.strings(o, "value", true));
      } else if (v.canConvertToLong() && v.isIntegralNumber()) {
        value = new SettingValue.Number(v.asLong());
      } else {
        throw new FormatException("value", "expected a whole number, got " + v.asText());
      }
      return new Event.ValuedSettingSet(at, Json.str(o, "account"), scope(o),
          Json.str(o, "key"), value, Json.optBool(o, "locked").orElse(false),
          Json.str(o, "by"));
    }
    if (v != null && !v.isNull() && !v.isBoolean()) {
      throw new FormatException("value", "expected true or false, a whole number or a list "
          + "of strings, got " + Json.kind(v));
    }
    return new Event.SettingSet(at, Json.str(o, "account"), scope(o),
        Json.str(o, "key"), Json.bool(o, "value"), Json.optBool(o, "locked").orElse(false),
        Json.str(o, "by"));
  }

  private static Scope scope(ObjectNode o) {
    String s = Json.str(o, "scope");
    return Scope.parse(s).orElseThrow(() -> new FormatException("scope",
        "`" + s + "` is not `account`, `group:G` or `user:U`"));
  }

  /** The wire form of an event (the inverse of {@link #parse}). */
  public static ObjectNode toJson(Event event) {
    ObjectNode o = Json.object();
    o.put("type", event.type());
    o.put("at", event.at().toString());
    if (event instanceof Event.AccountCreated e) {
      o.put("account", e.account()).put("owner", e.owner());
    } else if (event instanceof Event.TermsAccepted e) {
      o.put("account", e.account()).put("terms", e.terms()).put("by", e.by());
    } else if (event instanceof Event.GroupCreated e) {
      o.put("account", e.account()).put("group", e.group());
    } else if (event instanceof Event.UserAdded e) {
      o.put("account", e.account()).put("user", e.user()).put("role", e.role().id());
      e.group().ifPresent(g -> o.put("group", g));
    } else if (event instanceof Event.SettingSet e) {
      o.put("account", e.account()).put("scope", e.scope().toString()).put("key", e.key())
          .put("value", e.value()).put("locked", e.locked()).put("by", e.by());
    } else if (event instanceof Event.SettingCleared e) {
      o.put("account", e.account()).put("scope", e.scope().toString()).put("key", e.key())
          .put("by", e.by());
    } else if (event instanceof Event.ConsentGranted e) {
      o.put("account", e.account()).put("consent", e.consent()).put("by", e.by());
    } else if (event instanceof Event.ConsentWithdrawn e) {
      o.put("account", e.account()).put("consent", e.consent()).put("by", e.by());
    } else if (event instanceof Event.MeetingStarted e) {
      o.put("account", e.account()).put("meeting", e.meeting()).put("host", e.host());
      ArrayNode fs = o.putArray("features");
      e.features().forEach(fs::add);
    } else if (event instanceof Event.MeetingFeature e) {
      o.put("meeting", e.meeting()).put("feature", e.feature()).put("on", e.on())
          .put("by", e.by());
    } else if (event instanceof Event.MeetingEnded e) {
      o.put("meeting", e.meeting());
    } else if (event instanceof Event.ParticipantJoined e) {
      o.put("meeting", e.meeting()).put("participant", e.participant());
      e.account().ifPresent(a -> o.put("account", a));
    } else if (event instanceof Event.NoticeAcknowledged e) {
      o.put("meeting", e.meeting()).put("participant", e.participant())
          .put("notice", e.notice());
    } else if (event instanceof Event.ParticipantLeft e) {
      o.put("meeting", e.meeting()).put("participant", e.participant());
    } else if (event instanceof Event.ContentCreated e) {
      o.put("content", e.content()).put("category", e.category()).put("account", e.account());
      e.meeting().ifPresent(m -> o.put("meeting", m));
      e.author().ifPresent(a -> o.put("author", a));
      ArrayNode cs = o.putArray("contributors");
      e.contributors().forEach(cs::add);
    } else if (event instanceof Event.ValuedSettingSet e) {
      o.put("account", e.account()).put("scope", e.scope().toString()).put("key", e.key());
      if (e.value() instanceof SettingValue.Number n) {
        // As an int when it fits (every accepted value does): a parsed leaf reads it back as
        // an int node, and the start-up cross-check compares nodes.
        if (n.value() == (int) n.value()) {
          o.put("value", (int) n.value());
        } else {
          o.put("value", n.value());
        }
      } else {
        ArrayNode vs = o.putArray("value");
        ((SettingValue.Codes) e.value()).codes().forEach(vs::add);
      }
      o.put("locked", e.locked()).put("by", e.by());
    } else if (event instanceof Event.ContentDeleted e) {
      o.put("content", e.content()).put("by", e.by());
    } else if (event instanceof Event.LegalHoldPlaced e) {
      o.put("account", e.account()).put("hold", e.hold()).put("scope", e.scope().toString())
          .put("matter", e.matter()).put("by", e.by());
    } else if (event instanceof Event.LegalHoldReleased e) {
      o.put("account", e.account()).put("hold", e.hold()).put("by", e.by());
    } else if (event instanceof Event.UserRemoved e) {
      o.put("account", e.account()).put("user", e.user()).put("by", e.by());
    } else {
      throw new IllegalStateException("unhandled event " + event.type());
    }
    return o;
  }
}
