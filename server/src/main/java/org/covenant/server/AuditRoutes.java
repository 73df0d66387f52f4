package org.covenant.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.core.spi.StoredEvent;
import org.covenant.format.EventCodec;
import org.covenant.format.Json;

/**
 * {@code GET /v1/accounts/{account}/audit}: an account's governance history, a page at a time,
 * with the transparency log entry of each change the log already holds (docs/CONSOLE.md,
 * "Audit").
 */
final class AuditRoutes {
  private final Optional<org.covenant.evidence.LedgerFeed> feed;

  AuditRoutes(Optional<org.covenant.evidence.LedgerFeed> feed) {
    this.feed = feed;
  }

  List<Route> routes() {
    return List.of(Route.auth("GET", "/v1/accounts/{account}/audit", this::audit));
  }

  /** The kinds of governance change the audit history lists ({@link Directory#auditKind}). */
  static final Set<String> AUDIT_KINDS = Set.of("setting", "consent", "terms", "hold",
      "membership");
  /** Audit events read from the store at a time while filtering. */
  private static final int AUDIT_CHUNK = 256;

  /**
   * The account's governance changes, newest first (docs/CONSOLE.md, "Audit"): settings,
   * consents, terms, holds and membership, filtered by kind, by who made (or, for membership, is
   * the subject of) the change, by setting level and by time, a page at a time; each with its
   * ledger position and, where the transparency log already holds it, its log entry.
   */
  private void audit(Context ctx) {
    Directory.AccountInfo a = Tenancy.account(ctx, ctx.pathParam("account"), false);
    Tenancy.requireAdmin(ctx, a);
    Set<String> kinds = new java.util.TreeSet<>();
    Optional<String> kindParam = Http.stringParam(ctx, "kind");
    if (kindParam.isPresent()) {
      for (String k : kindParam.get().split(",", -1)) {
        if (!AUDIT_KINDS.contains(k)) {
          throw ServerException.invalid("kind", "`" + k + "` is not one of "
              + new java.util.TreeSet<>(AUDIT_KINDS));
        }
        kinds.add(k);
      }
    }
    Optional<String> who = Http.stringParam(ctx, "who");
    if (who.isPresent() && who.get().length() > 200) {
      throw ServerException.invalid("who", "longer than 200 characters");
    }
    Optional<Scope.Level> level = Http.stringParam(ctx, "level").map(l -> switch (l) {
      case "account" -> Scope.Level.ACCOUNT;
      case "group" -> Scope.Level.GROUP;
      case "user" -> Scope.Level.USER;
      default -> throw ServerException.invalid("level", "`" + l
          + "` is not account, group or user");
    });
    Optional<Instant> from = Http.instantParam(ctx, "from");
    Optional<Instant> to = Http.instantParam(ctx, "to");
    if (from.isPresent() && to.isPresent() && to.get().isBefore(from.get())) {
      throw ServerException.invalid("to", "is before `from`");
    }
    long before = Http.longParam(ctx, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    int limit = (int) Http.longParam(ctx, "limit", 50, 1, 200);
    long[] all = a.auditPositions();
    int end = all.length;
    while (end > 0 && all[end - 1] >= before) {
      end--;
    }
    List<StoredEvent> found = new ArrayList<>();
    boolean more = false;
    scan:
    while (end > 0) {
      int start = Math.max(0, end - AUDIT_CHUNK);
      List<StoredEvent> chunk = a.read(java.util.Arrays.copyOfRange(all, start, end));
      for (int i = chunk.size() - 1; i >= 0; i--) {
        StoredEvent e = chunk.get(i);
        if (!auditMatches(e.event(), kinds, who, level, from, to)) {
          continue;
        }
        if (found.size() == limit) {
          more = true;
          break scan;
        }
        found.add(e);
      }
      end = start;
    }
    boolean logged = feed.isPresent() && "main".equals(Http.namespace(ctx).id());
    ObjectNode out = Json.object();
    out.put("account", a.account());
    ArrayNode items = out.putArray("items");
    for (StoredEvent e : found) {
      ObjectNode o = items.addObject();
      o.put("position", e.position());
      o.put("at", e.event().at().toString());
      o.put("type", e.event().type());
      o.put("kind", Directory.auditKind(e.event()).orElseThrow());
      actorOf(e.event()).ifPresentOrElse(x -> o.put("by", x), () -> o.putNull("by"));
      subjectOf(e.event()).ifPresentOrElse(x -> o.put("subject", x),
          () -> o.putNull("subject"));
      o.put("level", levelOf(e.event()).name().toLowerCase(java.util.Locale.ROOT));
      o.set("event", EventCodec.toJson(e.event()));
      java.util.OptionalLong entry = logged ? feed.get().leafIndexOf(e.position())
          : java.util.OptionalLong.empty();
      if (entry.isPresent()) {
        o.put("log_entry", entry.getAsLong());
      } else {
        o.putNull("log_entry");
      }
    }
    if (more) {
      out.put("next", found.get(found.size() - 1).position());
    } else {
      out.putNull("next");
    }
    Http.json(ctx, 200, out);
  }

  private static boolean auditMatches(Event e, Set<String> kinds, Optional<String> who,
      Optional<Scope.Level> level, Optional<Instant> from, Optional<Instant> to) {
    Optional<String> kind = Directory.auditKind(e);
    if (kind.isEmpty() || (!kinds.isEmpty() && !kinds.contains(kind.get()))) {
      return false;
    }
    if (who.isPresent() && !who.equals(actorOf(e)) && !who.equals(subjectOf(e))) {
      return false;
    }
    if (level.isPresent() && levelOf(e) != level.get()) {
      return false;
    }
    if (from.isPresent() && e.at().isBefore(from.get())) {
      return false;
    }
    return to.isEmpty() || e.at().isBefore(to.get());
  }

  /** Who made a governance change, where the event says. */
  private static Optional<String> actorOf(Event e) {
    if (e instanceof Event.SettingSet x) {
      return Optional.of(x.by());
    } else if (e instanceof Event.SettingCleared x) {
      return Optional.of(x.by());
    } else if (e instanceof Event.ConsentGranted x) {
      return Optional.of(x.by());
    } else if (e instanceof Event.ConsentWithdrawn x) {
      return Optional.of(x.by());
    } else if (e instanceof Event.TermsAccepted x) {
      return Optional.of(x.by());
    }
    return Optional.empty();
  }

  /** Whom a membership change is about: the owner an account starts with, a user added. */
  private static Optional<String> subjectOf(Event e) {
    if (e instanceof Event.AccountCreated x) {
      return Optional.of(x.owner());
    } else if (e instanceof Event.UserAdded x) {
      return Optional.of(x.user());
    } else if (e instanceof Event.GroupCreated x) {
      return Optional.of(x.group());
    } else if (e instanceof Event.SettingSet x && x.scope().level() != Scope.Level.ACCOUNT) {
      return Optional.of(x.scope().id());
    } else if (e instanceof Event.SettingCleared x && x.scope().level() != Scope.Level.ACCOUNT) {
      return Optional.of(x.scope().id());
    }
    return Optional.empty();
  }

  /**
   * The level a change applies at: a setting's scope; a group created is at group level, a user
   * added at user level; consents, terms and the rest at account level.
   */
  private static Scope.Level levelOf(Event e) {
    if (e instanceof Event.SettingSet x) {
      return x.scope().level();
    } else if (e instanceof Event.SettingCleared x) {
      return x.scope().level();
    } else if (e instanceof Event.GroupCreated) {
      return Scope.Level.GROUP;
    } else if (e instanceof Event.UserAdded) {
      return Scope.Level.USER;
    }
    return Scope.Level.ACCOUNT;
  }
}
