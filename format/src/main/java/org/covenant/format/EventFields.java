package org.covenant.format;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.event.HoldScope;
import org.covenant.core.event.Scope;
import org.covenant.core.event.SettingValue;
import org.covenant.core.vocab.Role;

/**
 * The fields of a stored event as the fast readers see them: each known field name's id (one
 * bit each in a mask), looked up by string or by ASCII bytes, and {@link #build}, which makes the
 * event record of the fields read, or null unless they are exactly one type's shape.
 *
 * <p>Separate from the two readers ({@link EventScanner} over bytes, {@link EventReader} over
 * Jackson's tokens) because both fill the same table and end in the same {@link #build}: the
 * rules of which fields make which event are written once, here.
 */
final class EventFields {
  private EventFields() {}

  // Field ids: one bit each in a mask.
  static final int TYPE = 0;
  static final int AT = 1;
  static final int ACCOUNT = 2;
  static final int OWNER = 3;
  static final int TERMS = 4;
  static final int BY = 5;
  static final int GROUP = 6;
  static final int USER = 7;
  static final int ROLE = 8;
  static final int SCOPE = 9;
  static final int KEY = 10;
  static final int VALUE = 11;
  static final int LOCKED = 12;
  static final int CONSENT = 13;
  static final int MEETING = 14;
  static final int HOST = 15;
  static final int FEATURES = 16;
  static final int FEATURE = 17;
  static final int ON = 18;
  static final int PARTICIPANT = 19;
  static final int NOTICE = 20;
  static final int CONTENT = 21;
  static final int CATEGORY = 22;
  static final int AUTHOR = 23;
  static final int CONTRIBUTORS = 24;
  static final int HOLD = 25;
  static final int MATTER = 26;
  static final int FIELDS = 27;

  /** The id of the field called {@code name}, or -1. */
  static int id(String name) {
    return switch (name) {
      case "type" -> TYPE;
      case "at" -> AT;
      case "account" -> ACCOUNT;
      case "owner" -> OWNER;
      case "terms" -> TERMS;
      case "by" -> BY;
      case "group" -> GROUP;
      case "user" -> USER;
      case "role" -> ROLE;
      case "scope" -> SCOPE;
      case "key" -> KEY;
      case "value" -> VALUE;
      case "locked" -> LOCKED;
      case "consent" -> CONSENT;
      case "meeting" -> MEETING;
      case "host" -> HOST;
      case "features" -> FEATURES;
      case "feature" -> FEATURE;
      case "on" -> ON;
      case "participant" -> PARTICIPANT;
      case "notice" -> NOTICE;
      case "content" -> CONTENT;
      case "category" -> CATEGORY;
      case "author" -> AUTHOR;
      case "contributors" -> CONTRIBUTORS;
      case "hold" -> HOLD;
      case "matter" -> MATTER;
      default -> -1;
    };
  }

  private static int mask(int... ids) {
    int m = 0;
    for (int i : ids) {
      m |= 1 << i;
    }
    return m;
  }

  /** Each field's name as ASCII bytes, by id. */
  private static final byte[][] NAMES = {
    bytes("type"), bytes("at"), bytes("account"), bytes("owner"), bytes("terms"), bytes("by"),
    bytes("group"), bytes("user"), bytes("role"), bytes("scope"), bytes("key"), bytes("value"),
    bytes("locked"), bytes("consent"), bytes("meeting"), bytes("host"), bytes("features"),
    bytes("feature"), bytes("on"), bytes("participant"), bytes("notice"), bytes("content"),
    bytes("category"), bytes("author"), bytes("contributors"), bytes("hold"), bytes("matter"),
  };

  private static byte[] bytes(String name) {
    return name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * The id of the field named by b[from, to), or -1: picked by the name's length and first byte
   * (and one more byte where two names share both), then compared byte by byte (issue 15: a
   * linear search with {@code Arrays.equals} per candidate was a tenth of a replay's decoding).
   */
  static int name(byte[] b, int from, int to) {
    int len = to - from;
    if (len < 2 || len > 12) {
      return -1;
    }
    byte c = b[from];
    int f = switch (len) {
      case 2 -> c == 'a' ? AT : c == 'b' ? BY : c == 'o' ? ON : -1;
      case 3 -> c == 'k' ? KEY : -1;
      case 4 -> switch (c) {
        case 't' -> TYPE;
        case 'u' -> USER;
        case 'r' -> ROLE;
        case 'h' -> b[from + 2] == 's' ? HOST : HOLD;
        default -> -1;
      };
      case 5 -> switch (c) {
        case 'o' -> OWNER;
        case 't' -> TERMS;
        case 'g' -> GROUP;
        case 's' -> SCOPE;
        case 'v' -> VALUE;
        default -> -1;
      };
      case 6 -> switch (c) {
        case 'l' -> LOCKED;
        case 'n' -> NOTICE;
        case 'a' -> AUTHOR;
        case 'm' -> MATTER;
        default -> -1;
      };
      case 7 -> switch (c) {
        case 'a' -> ACCOUNT;
        case 'c' -> b[from + 3] == 's' ? CONSENT : CONTENT;
        case 'm' -> MEETING;
        case 'f' -> FEATURE;
        default -> -1;
      };
      case 8 -> c == 'f' ? FEATURES : c == 'c' ? CATEGORY : -1;
      case 11 -> c == 'p' ? PARTICIPANT : -1;
      case 12 -> c == 'c' ? CONTRIBUTORS : -1;
      default -> -1;
    };
    if (f < 0) {
      return -1;
    }
    byte[] x = NAMES[f];
    if (x.length != len) {
      return -1;
    }
    for (int i = 1; i < len; i++) {
      if (x[i] != b[from + i]) {
        return -1;
      }
    }
    return f;
  }

  /**
   * The event of the fields read, or null unless they are exactly one type's: {@code s} the
   * string fields by id ({@code at} not among them: read by {@link InstantText#parse}, null
   * when absent or not in the common shape), {@code present} the fields seen, {@code bools} the true booleans,
   * {@code value} as {@code valueKind} says (1 boolean, 2 {@code number}, 3 {@code codes}).
   */
  static Event build(String[] s, Instant at, List<String> features, List<String> contributors,
      List<String> codes, int present, int bools, long number, int valueKind) {
    if ((present & (1 << TYPE)) == 0 || at == null) {
      return null;
    }
    String type = s[TYPE];
    switch (type) {
      case "account.created" -> {
        return exactly(present, mask(ACCOUNT, OWNER), 0)
            ? new Event.AccountCreated(at, s[ACCOUNT], s[OWNER]) : null;
      }
      case "terms.accepted" -> {
        return exactly(present, mask(ACCOUNT, TERMS, BY), 0)
            ? new Event.TermsAccepted(at, s[ACCOUNT], s[TERMS], s[BY]) : null;
      }
      case "group.created" -> {
        return exactly(present, mask(ACCOUNT, GROUP), 0)
            ? new Event.GroupCreated(at, s[ACCOUNT], s[GROUP]) : null;
      }
      case "user.added" -> {
        if (!exactly(present, mask(ACCOUNT, USER, ROLE), mask(GROUP))) {
          return null;
        }
        Optional<Role> role = Role.of(s[ROLE]).filter(r -> r != Role.OWNER);
        return role.isEmpty() ? null : new Event.UserAdded(at, s[ACCOUNT], s[USER], role.get(),
            Optional.ofNullable(s[GROUP]));
      }
      case "setting.set" -> {
        if (!exactly(present, mask(ACCOUNT, SCOPE, KEY, VALUE, BY), mask(LOCKED))) {
          return null;
        }
        Optional<Scope> scope = Scope.parse(s[SCOPE]);
        if (scope.isEmpty()) {
          return null;
        }
        boolean locked = (bools & (1 << LOCKED)) != 0;
        return switch (valueKind) {
          case 1 -> new Event.SettingSet(at, s[ACCOUNT], scope.get(), s[KEY],
              (bools & (1 << VALUE)) != 0, locked, s[BY]);
          case 2 -> new Event.ValuedSettingSet(at, s[ACCOUNT], scope.get(), s[KEY],
              new SettingValue.Number(number), locked, s[BY]);
          case 3 -> new Event.ValuedSettingSet(at, s[ACCOUNT], scope.get(), s[KEY],
              new SettingValue.Codes(codes), locked, s[BY]);
          default -> null;
        };
      }
      case "setting.cleared" -> {
        if (!exactly(present, mask(ACCOUNT, SCOPE, KEY, BY), 0)) {
          return null;
        }
        Optional<Scope> scope = Scope.parse(s[SCOPE]);
        return scope.isEmpty() ? null
            : new Event.SettingCleared(at, s[ACCOUNT], scope.get(), s[KEY], s[BY]);
      }
      case "consent.granted" -> {
        return exactly(present, mask(ACCOUNT, CONSENT, BY), 0)
            ? new Event.ConsentGranted(at, s[ACCOUNT], s[CONSENT], s[BY]) : null;
      }
      case "consent.withdrawn" -> {
        return exactly(present, mask(ACCOUNT, CONSENT, BY), 0)
            ? new Event.ConsentWithdrawn(at, s[ACCOUNT], s[CONSENT], s[BY]) : null;
      }
      case "meeting.started" -> {
        return exactly(present, mask(ACCOUNT, MEETING, HOST, FEATURES), 0)
            ? new Event.MeetingStarted(at, s[ACCOUNT], s[MEETING], s[HOST], features) : null;
      }
      case "meeting.feature" -> {
        return exactly(present, mask(MEETING, FEATURE, ON, BY), 0)
            ? new Event.MeetingFeature(at, s[MEETING], s[FEATURE], (bools & (1 << ON)) != 0,
                s[BY]) : null;
      }
      case "meeting.ended" -> {
        return exactly(present, mask(MEETING), 0) ? new Event.MeetingEnded(at, s[MEETING]) : null;
      }
      case "participant.joined" -> {
        return exactly(present, mask(MEETING, PARTICIPANT), mask(ACCOUNT))
            ? new Event.ParticipantJoined(at, s[MEETING], s[PARTICIPANT],
                Optional.ofNullable(s[ACCOUNT])) : null;
      }
      case "notice.acknowledged" -> {
        return exactly(present, mask(MEETING, PARTICIPANT, NOTICE), 0)
            ? new Event.NoticeAcknowledged(at, s[MEETING], s[PARTICIPANT], s[NOTICE]) : null;
      }
      case "participant.left" -> {
        return exactly(present, mask(MEETING, PARTICIPANT), 0)
            ? new Event.ParticipantLeft(at, s[MEETING], s[PARTICIPANT]) : null;
      }
      case "content.created" -> {
        if (!exactly(present, mask(CONTENT, CATEGORY, ACCOUNT),
            mask(MEETING, AUTHOR, CONTRIBUTORS))) {
          return null;
        }
        return new Event.ContentCreated(at, s[CONTENT], s[CATEGORY], s[ACCOUNT],
            Optional.ofNullable(s[MEETING]), Optional.ofNullable(s[AUTHOR]),
            contributors == null ? List.of() : contributors);
      }
      case "content.deleted" -> {
        return exactly(present, mask(CONTENT, BY), 0)
            ? new Event.ContentDeleted(at, s[CONTENT], s[BY]) : null;
      }
      case "legal_hold.placed" -> {
        if (!exactly(present, mask(ACCOUNT, HOLD, SCOPE, MATTER, BY), 0)) {
          return null;
        }
        Optional<HoldScope> scope = HoldScope.parse(s[SCOPE]);
        return scope.isEmpty() ? null : new Event.LegalHoldPlaced(at, s[ACCOUNT], s[HOLD],
            scope.get(), s[MATTER], s[BY]);
      }
      case "legal_hold.released" -> {
        return exactly(present, mask(ACCOUNT, HOLD, BY), 0)
            ? new Event.LegalHoldReleased(at, s[ACCOUNT], s[HOLD], s[BY]) : null;
      }
      case "user.removed" -> {
        return exactly(present, mask(ACCOUNT, USER, BY), 0)
            ? new Event.UserRemoved(at, s[ACCOUNT], s[USER], s[BY]) : null;
      }
      default -> {
        return null;
      }
    }
  }

  /** Every required field present and nothing beside them, {@code type} and {@code at}. */
  private static boolean exactly(int present, int required, int optional) {
    int own = required | mask(TYPE, AT);
    return (present & own) == own && (present & ~(own | optional)) == 0;
  }

  /**
   * The event types ({@link EventCodec#types}, the one list of them), as constants: a scanned
   * body's type is one of these.
   */
  private static final String[] TYPES = EventCodec.types().toArray(new String[0]);

  private static final byte[][] TYPE_BYTES = java.util.Arrays.stream(TYPES)
      .map(EventFields::bytes).toArray(byte[][]::new);

  /**
   * The constant of {@link #TYPES} equal to the ASCII bytes [from, to), or null: the scanner
   * then makes a string of them as of any other field. Every event's type is one of a few
   * names, so a replay need not make (and hash, and drop) a string of it per event.
   */
  static String typeName(byte[] b, int from, int to) {
    int len = to - from;
    for (int t = 0; t < TYPES.length; t++) {
      byte[] x = TYPE_BYTES[t];
      if (x.length == len && x[len - 1] == b[to - 1]
          && java.util.Arrays.equals(x, 0, len, b, from, to)) {
        return TYPES[t];
      }
    }
    return null;
  }
}
