package org.covenant.core.event;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one rule for identifiers (account, user, group, meeting, participant, content ids, and
 * every other string an event carries), applied at every edge (API, {@code ledger import},
 * scenario files) and again by the ledger at its head, so that what one layer accepts every
 * other layer can store, log, export and replay byte for byte (docs/DECISIONS.md).
 *
 * <p>An identifier is valid when it is
 *
 * <ul>
 *   <li>1 to {@value #MAX_CODE_POINTS} Unicode code points long and not only white space;
 *   <li>well-formed UTF-16 (no lone surrogate: it could not be encoded as UTF-8);
 *   <li>in Normalization Form C (a non-NFC id is refused, never silently normalized, so that
 *       two spellings of one name cannot become two ids and an id survives byte for byte);
 *   <li>free of control characters (Unicode category Cc: NUL, new lines, DEL, C1), line and
 *       paragraph separators (U+2028, U+2029), bidirectional formatting characters (U+061C,
 *       U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), the byte order mark (U+FEFF) and
 *       noncharacters (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF).
 * </ul>
 *
 * <p>Lists of identifiers in one event (contributors, features) hold at most
 * {@value #MAX_LIST} items. With these bounds the largest event's transparency-log leaf is
 * far below the log's 65,535-byte limit: an id is at most 4 bytes per code point in UTF-8 and
 * in canonical JSON (only {@code "} and {@code \} are escaped, to 2 bytes), so at most
 * {@value #MAX_ID_LEAF_BYTES} bytes; {@code content.created} carries at most
 * {@value #MAX_IDS_PER_EVENT} ids, {@value #MAX_IDS_PER_EVENT} × {@value #MAX_ID_LEAF_BYTES} =
 * 35,840 bytes plus its field names and punctuation.
 */
public final class Identifiers {
  /** The longest identifier, in Unicode code points. */
  public static final int MAX_CODE_POINTS = 128;
  /** The most items in one list of identifiers (contributors, features). */
  public static final int MAX_LIST = 64;
  /** The most bytes one identifier takes in a canonical-JSON leaf: 4 per code point. */
  public static final int MAX_ID_LEAF_BYTES = 4 * MAX_CODE_POINTS;
  /**
   * The most identifiers one event carries: {@code content.created}'s content, category,
   * account, meeting, author and its contributors (the account plus {@value #MAX_LIST}).
   */
  public static final int MAX_IDS_PER_EVENT = 5 + MAX_LIST + 1;

  /**
   * What is wrong with one field of an event.
   *
   * @param field the field, e.g. {@code contributors[2]}
   * @param message why, without echoing the offending value (it may be huge or unprintable)
   */
  public record Violation(String field, String message) {
    /** Validates the fields. */
    public Violation {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }

  private Identifiers() {}

  /** Why {@code id} is not a valid identifier, or empty when it is. */
  public static Optional<String> problem(String id) {
    Objects.requireNonNull(id, "id");
    if (printableAscii(id)) {
      return Optional.empty();
    }
    if (id.isEmpty()) {
      return Optional.of("must not be empty");
    }
    int count = 0;
    boolean blank = true;
    boolean ascii = true;
    for (int i = 0; i < id.length(); ) {
      char ch = id.charAt(i);
      int cp;
      if (Character.isHighSurrogate(ch)) {
        if (i + 1 >= id.length() || !Character.isLowSurrogate(id.charAt(i + 1))) {
          return Optional.of("holds a lone surrogate at index " + i + ": not well-formed Unicode");
        }
        cp = Character.toCodePoint(ch, id.charAt(i + 1));
        i += 2;
      } else if (Character.isLowSurrogate(ch)) {
        return Optional.of("holds a lone surrogate at index " + i + ": not well-formed Unicode");
      } else {
        cp = ch;
        i++;
      }
      ascii &= cp < 0x80;
      count++;
      if (count > MAX_CODE_POINTS) {
        return Optional.of("is longer than " + MAX_CODE_POINTS + " code points");
      }
      String bad = forbidden(cp);
      if (bad != null) {
        return Optional.of(String.format("holds %s U+%04X at index %d", bad, cp, i - 1));
      }
      if (blank && !Character.isWhitespace(cp) && !Character.isSpaceChar(cp)) {
        blank = false;
      }
    }
    if (blank) {
      return Optional.of("must not be only white space");
    }
    // ASCII is always in NFC: only other ids pay for the check.
    if (!ascii && !Normalizer.isNormalized(id, Normalizer.Form.NFC)) {
      return Optional.of("is not in Unicode Normalization Form C (NFC); send it normalized");
    }
    return Optional.empty();
  }

  /**
   * True when {@code id} is 1 to {@value #MAX_CODE_POINTS} printable ASCII characters (U+0020 to
   * U+007E), not all spaces: such an id passes every rule of {@link #problem} (no control, no
   * surrogate, one code point per char, ASCII is NFC, and U+0020 is the only white space among
   * them). Almost every id is one; the general path's per-character look-ups were a tenth of an
   * import's validating thread (issue 15).
   */
  private static boolean printableAscii(String id) {
    int n = id.length();
    if (n == 0 || n > MAX_CODE_POINTS) {
      return false;
    }
    boolean blank = true;
    for (int i = 0; i < n; i++) {
      char ch = id.charAt(i);
      if (ch < 0x20 || ch > 0x7E) {
        return false;
      }
      blank &= ch == 0x20;
    }
    return !blank;
  }

  /** What kind of forbidden character {@code cp} is, or null. */
  private static String forbidden(int cp) {
    if (Character.getType(cp) == Character.CONTROL) {
      return "the control character";
    }
    if (cp == 0x2028 || cp == 0x2029) {
      return "the line or paragraph separator";
    }
    if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x2066 && cp <= 0x2069)) {
      return "the bidirectional formatting character";
    }
    if (cp == 0xFEFF) {
      return "the byte order mark";
    }
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
      return "the noncharacter";
    }
    return null;
  }

  /**
   * The first field of {@code event} that breaks the identifier rule, in the event's field
   * order, or empty when every field holds.
   */
  public static Optional<Violation> check(Event event) {
    Objects.requireNonNull(event, "event");
    for (Field f : fields(event)) {
      if (f.list != null) {
        if (f.list.size() > f.max) {
          return Optional.of(new Violation(f.name, "holds more than " + MAX_LIST + " items"));
        }
        for (String item : f.list) {
          Optional<String> p = problem(item);
          if (p.isPresent()) {
            return Optional.of(new Violation(f.name, "an item " + p.get()));
          }
        }
      } else {
        Optional<String> p = problem(f.value);
        if (p.isPresent()) {
          return Optional.of(new Violation(f.name, p.get()));
        }
      }
    }
    return Optional.empty();
  }

  private record Field(String name, String value, List<String> list, int max) {}

  private static List<Field> fields(Event event) {
    List<Field> out = new ArrayList<>();
    if (event instanceof Event.AccountCreated e) {
      one(out, "account", e.account());
      one(out, "owner", e.owner());
    } else if (event instanceof Event.TermsAccepted e) {
      one(out, "account", e.account());
      one(out, "terms", e.terms());
      one(out, "by", e.by());
    } else if (event instanceof Event.GroupCreated e) {
      one(out, "account", e.account());
      one(out, "group", e.group());
    } else if (event instanceof Event.UserAdded e) {
      one(out, "account", e.account());
      one(out, "user", e.user());
      e.group().ifPresent(g -> one(out, "group", g));
    } else if (event instanceof Event.SettingSet e) {
      one(out, "account", e.account());
      scope(out, e.scope());
      one(out, "key", e.key());
      one(out, "by", e.by());
    } else if (event instanceof Event.SettingCleared e) {
      one(out, "account", e.account());
      scope(out, e.scope());
      one(out, "key", e.key());
      one(out, "by", e.by());
    } else if (event instanceof Event.ConsentGranted e) {
      one(out, "account", e.account());
      one(out, "consent", e.consent());
      one(out, "by", e.by());
    } else if (event instanceof Event.ConsentWithdrawn e) {
      one(out, "account", e.account());
      one(out, "consent", e.consent());
      one(out, "by", e.by());
    } else if (event instanceof Event.MeetingStarted e) {
      one(out, "account", e.account());
      one(out, "meeting", e.meeting());
      one(out, "host", e.host());
      out.add(new Field("features", null, e.features(), MAX_LIST));
    } else if (event instanceof Event.MeetingFeature e) {
      one(out, "meeting", e.meeting());
      one(out, "feature", e.feature());
      one(out, "by", e.by());
    } else if (event instanceof Event.MeetingEnded e) {
      one(out, "meeting", e.meeting());
    } else if (event instanceof Event.ParticipantJoined e) {
      one(out, "meeting", e.meeting());
      one(out, "participant", e.participant());
      e.account().ifPresent(a -> one(out, "account", a));
    } else if (event instanceof Event.NoticeAcknowledged e) {
      one(out, "meeting", e.meeting());
      one(out, "participant", e.participant());
      one(out, "notice", e.notice());
    } else if (event instanceof Event.ParticipantLeft e) {
      one(out, "meeting", e.meeting());
      one(out, "participant", e.participant());
    } else if (event instanceof Event.ContentCreated e) {
      one(out, "content", e.content());
      one(out, "category", e.category());
      one(out, "account", e.account());
      e.meeting().ifPresent(m -> one(out, "meeting", m));
      e.author().ifPresent(a -> one(out, "author", a));
      // The record puts the account first: the client's list may hold MAX_LIST more.
      out.add(new Field("contributors", null, e.contributors(), MAX_LIST + 1));
    } else if (event instanceof Event.ValuedSettingSet e) {
      one(out, "account", e.account());
      scope(out, e.scope());
      one(out, "key", e.key());
      if (e.value() instanceof SettingValue.Codes c) {
        out.add(new Field("value", null, c.codes(), MAX_LIST));
      }
      one(out, "by", e.by());
    } else if (event instanceof Event.ContentDeleted e) {
      one(out, "content", e.content());
      one(out, "by", e.by());
    } else if (event instanceof Event.LegalHoldPlaced e) {
      one(out, "account", e.account());
      one(out, "hold", e.hold());
      if (e.scope().kind() != HoldScope.Kind.ACCOUNT) {
        one(out, "scope", e.scope().id());
      }
      one(out, "matter", e.matter());
      one(out, "by", e.by());
    } else if (event instanceof Event.LegalHoldReleased e) {
      one(out, "account", e.account());
      one(out, "hold", e.hold());
      one(out, "by", e.by());
    } else if (event instanceof Event.UserRemoved e) {
      one(out, "account", e.account());
      one(out, "user", e.user());
      one(out, "by", e.by());
    } else {
      throw new IllegalStateException("unhandled event " + event.type());
    }
    return out;
  }

  private static void one(List<Field> out, String name, String value) {
    out.add(new Field(name, value, null, 1));
  }

  private static void scope(List<Field> out, Scope scope) {
    if (scope.level() != Scope.Level.ACCOUNT) {
      one(out, "scope", scope.id());
    }
  }
}
