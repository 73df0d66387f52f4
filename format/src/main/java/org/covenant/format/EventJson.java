package org.covenant.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.event.Event;
import org.covenant.core.event.HoldScope;
import org.covenant.core.event.Scope;
import org.covenant.core.event.SettingValue;
import org.covenant.core.vocab.Role;

/**
 * The fast paths of an event's JSON, for the ledger's bulk reads and writes (issue 15): a
 * streaming reader that builds the event record straight from Jackson's tokens (no tree), and
 * writers of the row body and of the RFC 8785 canonical form straight from the record.
 *
 * <p>Each is exact by construction: it handles only the common, well-formed shape and hands
 * everything else to the general path it stands in for ({@link EventCodec#parse} over
 * {@link Json#parse}; {@link Json#line} of {@link EventCodec#toJson}; {@link CanonicalJson}),
 * so results and error messages are those of the general path. Pinned by {@code EventJsonTest}
 * (every event of seeded random ledgers and the corpus, and malformed variants, both ways).
 */
public final class EventJson {
  /**
   * Jackson's factory without duplicate detection (a field seen twice sends the body to the
   * general path, which detects it) and with a shared buffer pool rather than one per thread
   * (the per-thread look-up showed in replay profiles).
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.newConcurrentDequePool())
      .build();

  private EventJson() {}

  // Field ids: one bit each in a mask.
  private static final int TYPE = 0;
  private static final int AT = 1;
  private static final int ACCOUNT = 2;
  private static final int OWNER = 3;
  private static final int TERMS = 4;
  private static final int BY = 5;
  private static final int GROUP = 6;
  private static final int USER = 7;
  private static final int ROLE = 8;
  private static final int SCOPE = 9;
  private static final int KEY = 10;
  private static final int VALUE = 11;
  private static final int LOCKED = 12;
  private static final int CONSENT = 13;
  private static final int MEETING = 14;
  private static final int HOST = 15;
  private static final int FEATURES = 16;
  private static final int FEATURE = 17;
  private static final int ON = 18;
  private static final int PARTICIPANT = 19;
  private static final int NOTICE = 20;
  private static final int CONTENT = 21;
  private static final int CATEGORY = 22;
  private static final int AUTHOR = 23;
  private static final int CONTRIBUTORS = 24;
  private static final int HOLD = 25;
  private static final int MATTER = 26;
  private static final int FIELDS = 27;

  private static int id(String name) {
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

  /**
   * Reads one stored event's JSON, as {@code EventCodec.parse(Json.parse(json), Set.of())} does
   * (same event, same {@link FormatException} for bad input), without a tree for the common shape.
   */
  public static Event read(String json) {
    Event e;
    try (JsonParser p = FACTORY.createParser(json)) {
      e = fast(p);
    } catch (IOException | RuntimeException ignored) {
      // Malformed or unusual: the general path reads it, or names what is wrong.
      e = null;
    }
    return e != null ? e : EventCodec.parse(Json.parse(json), Set.of());
  }

  /**
   * As {@link #read(String)} of {@code new String(utf8, UTF_8)}: a row read as bytes, with no
   * string of the whole body made when it is ASCII (any other byte goes through the string, so
   * malformed UTF-8 reads exactly as the string decoder reads it).
   */
  public static Event read(byte[] utf8) {
    for (byte b : utf8) {
      if (b < 0) {
        return read(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    Event e;
    try {
      e = scan(utf8);
    } catch (RuntimeException ignored) {
      e = null;
    }
    if (e != null) {
      return e;
    }
    try (JsonParser p = FACTORY.createParser(utf8)) {
      e = fast(p);
    } catch (IOException | RuntimeException ignored) {
      e = null;
    }
    return e != null ? e : EventCodec.parse(
        Json.parse(new String(utf8, java.nio.charset.StandardCharsets.US_ASCII)), Set.of());
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
   * The event of an ASCII body in exactly the shape {@link #line} writes it, read byte by byte:
   * no whitespace, names and string values without escapes or control characters, whole
   * numbers of at most 18 digits without a leading zero, arrays of strings only. Null for
   * anything else, which {@link #fast} (Jackson) then reads: every body accepted here is JSON
   * that Jackson reads to the same fields (issue 15: a replay decodes every stored event).
   */
  private static Event scan(byte[] b) {
    int n = b.length;
    // Longer bodies go to Jackson, whose limits (string length) the general path applies.
    if (n < 2 || n > 1 << 16 || b[0] != '{' || b[n - 1] != '}') {
      return null;
    }
    String[] s = new String[FIELDS];
    List<String> features = null;
    List<String> contributors = null;
    List<String> codes = null;
    int present = 0;
    int bools = 0;
    long number = 0;
    int valueKind = 0;
    int i = 1;
    if (b[i] == '}') {
      return null; // no type
    }
    while (true) {
      // "name":
      if (b[i] != '"') {
        return null;
      }
      int from = ++i;
      while (i < n && b[i] != '"') {
        i++;
      }
      if (i >= n - 1 || b[i + 1] != ':') {
        return null;
      }
      int f = name(b, from, i);
      if (f < 0 || (present & (1 << f)) != 0) {
        return null;
      }
      present |= 1 << f;
      i += 2;
      byte c = b[i];
      switch (f) {
        case LOCKED, ON -> {
          int end = literal(b, i);
          if (end < 0) {
            return null;
          }
          if (c == 't') {
            bools |= 1 << f;
          }
          i = end;
        }
        case VALUE -> {
          if (c == 't' || c == 'f') {
            int end = literal(b, i);
            if (end < 0) {
              return null;
            }
            valueKind = 1;
            if (c == 't') {
              bools |= 1 << f;
            }
            i = end;
          } else if (c == '[') {
            codes = new ArrayList<>();
            i = array(b, i, codes);
            if (i < 0) {
              return null;
            }
            valueKind = 3;
          } else {
            // -?(0|[1-9][0-9]{0,17}), then ',' or '}'
            int j = i;
            boolean negative = c == '-';
            if (negative) {
              j++;
            }
            int start = j;
            long v = 0;
            while (j < n && b[j] >= '0' && b[j] <= '9') {
              v = v * 10 + (b[j] - '0');
              j++;
            }
            int digits = j - start;
            if (digits == 0 || digits > 18 || (digits > 1 && b[start] == '0')) {
              return null;
            }
            number = negative ? -v : v;
            valueKind = 2;
            i = j;
          }
        }
        case FEATURES, CONTRIBUTORS -> {
          if (c != '[') {
            return null;
          }
          List<String> list = new ArrayList<>();
          i = array(b, i, list);
          if (i < 0) {
            return null;
          }
          if (f == FEATURES) {
            features = list;
          } else {
            contributors = list;
          }
        }
        default -> {
          int end = string(b, i);
          if (end < 0) {
            return null;
          }
          String text = new String(b, i + 1, end - i - 2,
              java.nio.charset.StandardCharsets.ISO_8859_1);
          text.hashCode(); // as in fast: hashed here, on the decoding thread
          s[f] = text;
          i = end;
        }
      }
      // i is just past the value
      if (i >= n) {
        return null;
      }
      if (b[i] == ',') {
        i++;
        if (i >= n) {
          return null;
        }
        continue;
      }
      if (b[i] == '}' && i == n - 1) {
        break;
      }
      return null;
    }
    return build(s, features, contributors, codes, present, bools, number, valueKind);
  }

  /** The id of the field named by b[from, to), or -1. */
  private static int name(byte[] b, int from, int to) {
    int len = to - from;
    for (int f = 0; f < FIELDS; f++) {
      byte[] x = NAMES[f];
      if (x.length == len && x[0] == b[from]
          && java.util.Arrays.equals(x, 0, len, b, from, to)) {
        return f;
      }
    }
    return -1;
  }

  /**
   * Past a non-empty string starting with its quote at i: printable ASCII without a quote or a
   * backslash inside; -1 for anything else.
   */
  private static int string(byte[] b, int i) {
    int n = b.length;
    if (i >= n || b[i] != '"') {
      return -1;
    }
    int j = i + 1;
    while (j < n) {
      byte c = b[j];
      if (c == '"') {
        return j == i + 1 ? -1 : j + 1;
      }
      if (c < 0x20 || c == '\\') {
        return -1;
      }
      j++;
    }
    return -1;
  }

  /** Past {@code true} or {@code false} at i, or -1. */
  private static int literal(byte[] b, int i) {
    int n = b.length;
    if (i + 4 <= n && b[i] == 't' && b[i + 1] == 'r' && b[i + 2] == 'u' && b[i + 3] == 'e') {
      return i + 4;
    }
    if (i + 5 <= n && b[i] == 'f' && b[i + 1] == 'a' && b[i + 2] == 'l' && b[i + 3] == 's'
        && b[i + 4] == 'e') {
      return i + 5;
    }
    return -1;
  }

  /** Past an array of non-empty strings starting at i (its bracket), adding them; or -1. */
  private static int array(byte[] b, int i, List<String> out) {
    int n = b.length;
    int j = i + 1;
    if (j < n && b[j] == ']') {
      return j + 1;
    }
    while (true) {
      int end = string(b, j);
      if (end < 0) {
        return -1;
      }
      String text = new String(b, j + 1, end - j - 2, java.nio.charset.StandardCharsets.ISO_8859_1);
      text.hashCode();
      out.add(text);
      if (end >= n) {
        return -1;
      }
      if (b[end] == ']') {
        return end + 1;
      }
      if (b[end] != ',') {
        return -1;
      }
      j = end + 1;
    }
  }

  /** The event, or null when the text is anything but the common, valid shape. */
  private static Event fast(JsonParser p) throws IOException {
    String[] s = new String[FIELDS];
    List<String> features = null;
    List<String> contributors = null;
    List<String> codes = null;
    int present = 0;
    int bools = 0; // bit set: value of a boolean field
    long number = 0;
    int valueKind = 0; // 1 boolean, 2 whole number, 3 list
    {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (true) {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_OBJECT) {
          break;
        }
        if (t != JsonToken.FIELD_NAME) {
          return null;
        }
        int f = id(p.currentName());
        if (f < 0 || (present & (1 << f)) != 0) {
          return null;
        }
        present |= 1 << f;
        JsonToken v = p.nextToken();
        switch (f) {
          case LOCKED, ON -> {
            if (v == JsonToken.VALUE_TRUE) {
              bools |= 1 << f;
            } else if (v != JsonToken.VALUE_FALSE) {
              return null;
            }
          }
          case VALUE -> {
            if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
              valueKind = 1;
              if (v == JsonToken.VALUE_TRUE) {
                bools |= 1 << f;
              }
            } else if (v == JsonToken.VALUE_NUMBER_INT
                && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
              valueKind = 2;
              number = p.getLongValue();
            } else if (v == JsonToken.START_ARRAY) {
              valueKind = 3;
              codes = strings(p);
              if (codes == null) {
                return null;
              }
            } else {
              return null;
            }
          }
          case FEATURES, CONTRIBUTORS -> {
            if (v != JsonToken.START_ARRAY) {
              return null;
            }
            List<String> list = strings(p);
            if (list == null) {
              return null;
            }
            if (f == FEATURES) {
              features = list;
            } else {
              contributors = list;
            }
          }
          default -> {
            if (v != JsonToken.VALUE_STRING) {
              return null;
            }
            String text = p.getText();
            if (text.isEmpty()) {
              return null;
            }
            // The ids are hash keys of the projection: hash them here, where a replay decodes
            // (on its decoder threads), not on the thread that applies (String caches it).
            text.hashCode();
            s[f] = text;
          }
        }
      }
      if (p.nextToken() != null) {
        return null;
      }
    }
    return build(s, features, contributors, codes, present, bools, number, valueKind);
  }

  /**
   * The event of the fields read, or null unless they are exactly one type's: {@code s} the
   * string fields by id, {@code present} the fields seen, {@code bools} the true booleans,
   * {@code value} as {@code valueKind} says (1 boolean, 2 {@code number}, 3 {@code codes}).
   */
  private static Event build(String[] s, List<String> features, List<String> contributors,
      List<String> codes, int present, int bools, long number, int valueKind) {
    if ((present & (1 << TYPE)) == 0 || (present & (1 << AT)) == 0) {
      return null;
    }
    Instant at = InstantText.parse(s[AT]);
    if (at == null) {
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

  /** The rest of an array of non-empty strings, or null. */
  private static List<String> strings(JsonParser p) throws IOException {
    List<String> out = new ArrayList<>();
    while (true) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.END_ARRAY) {
        return out;
      }
      if (t != JsonToken.VALUE_STRING) {
        return null;
      }
      String text = p.getText();
      if (text.isEmpty()) {
        return null;
      }
      text.hashCode();
      out.add(text);
    }
  }

  /** Exactly {@link Instant#toString()}, without a formatter for the years 1000 to 9999. */
  public static String text(Instant at) {
    return InstantText.text(at);
  }

  /**
   * The event's row body: exactly {@code Json.line(EventCodec.toJson(event))}, the stored form
   * (ARCHITECTURE.md §3), written without a tree.
   */
  public static String line(Event event) {
    return EventWriter.line(event);
  }

  /** Rewrites a top-level string field's value (a pseudonym for a personal field, say). */
  @FunctionalInterface
  public interface Rewrite {
    /** The value to write for {@code field}, whose value is {@code value}. */
    String apply(String field, String value);
  }

  /**
   * Shows {@code sink} the event's {@code type} and each top-level string field, in wire order
   * (its return value is ignored).
   */
  public static void strings(Event event, Rewrite sink) {
    EventWriter.strings(event, sink);
  }

  /**
   * Appends the RFC 8785 canonical form of the event's JSON, each top-level string field's value
   * replaced by {@code rewrite}: the same bytes as {@link CanonicalJson#canonicalize} of the
   * rewritten {@link EventCodec#toJson} (which it falls back to when a string needs escaping).
   */
  public static void canonical(Event event, Rewrite rewrite, StringBuilder out) {
    EventWriter.canonical(event, rewrite, out);
  }
}
