package org.covenant.format;

import java.util.List;
import org.covenant.core.event.Event;
import org.covenant.core.event.SettingValue;

/**
 * The writing half of {@link EventJson}: an event's row body ({@link #line}), its top-level
 * strings ({@link #strings}) and its RFC 8785 canonical form ({@link #canonical}), each written
 * straight from the record, without a Jackson tree (issue 15: the ledger writes every event).
 *
 * <p>Separate from the readers ({@link EventReader}, {@link EventScanner}) because it shares
 * nothing with them but the wire order of the fields, which {@link #fields} holds here once for
 * all three writers. Each writer handles only strings that need no escaping and throws
 * {@link Escape} otherwise, to fall back to the general path ({@link Json#line},
 * {@link CanonicalJson}), so its bytes are that path's.
 */
final class EventWriter {
  private EventWriter() {}

  /** Receives an event's fields in the order {@link EventCodec#toJson} puts them. */
  private interface Fields {
    void str(String name, String value);

    void bool(String name, boolean value);

    void number(String name, long value);

    void list(String name, List<String> values);
  }

  /** The fields of an event after {@code type} and {@code at}, in wire order. */
  private static void fields(Event event, Fields o) {
    if (event instanceof Event.AccountCreated e) {
      o.str("account", e.account());
      o.str("owner", e.owner());
    } else if (event instanceof Event.TermsAccepted e) {
      o.str("account", e.account());
      o.str("terms", e.terms());
      o.str("by", e.by());
    } else if (event instanceof Event.GroupCreated e) {
      o.str("account", e.account());
      o.str("group", e.group());
    } else if (event instanceof Event.UserAdded e) {
      o.str("account", e.account());
      o.str("user", e.user());
      o.str("role", e.role().id());
      if (e.group().isPresent()) {
        o.str("group", e.group().get());
      }
    } else if (event instanceof Event.SettingSet e) {
      o.str("account", e.account());
      o.str("scope", e.scope().toString());
      o.str("key", e.key());
      o.bool("value", e.value());
      o.bool("locked", e.locked());
      o.str("by", e.by());
    } else if (event instanceof Event.SettingCleared e) {
      o.str("account", e.account());
      o.str("scope", e.scope().toString());
      o.str("key", e.key());
      o.str("by", e.by());
    } else if (event instanceof Event.ConsentGranted e) {
      o.str("account", e.account());
      o.str("consent", e.consent());
      o.str("by", e.by());
    } else if (event instanceof Event.ConsentWithdrawn e) {
      o.str("account", e.account());
      o.str("consent", e.consent());
      o.str("by", e.by());
    } else if (event instanceof Event.MeetingStarted e) {
      o.str("account", e.account());
      o.str("meeting", e.meeting());
      o.str("host", e.host());
      o.list("features", e.features());
    } else if (event instanceof Event.MeetingFeature e) {
      o.str("meeting", e.meeting());
      o.str("feature", e.feature());
      o.bool("on", e.on());
      o.str("by", e.by());
    } else if (event instanceof Event.MeetingEnded e) {
      o.str("meeting", e.meeting());
    } else if (event instanceof Event.ParticipantJoined e) {
      o.str("meeting", e.meeting());
      o.str("participant", e.participant());
      if (e.account().isPresent()) {
        o.str("account", e.account().get());
      }
    } else if (event instanceof Event.NoticeAcknowledged e) {
      o.str("meeting", e.meeting());
      o.str("participant", e.participant());
      o.str("notice", e.notice());
    } else if (event instanceof Event.ParticipantLeft e) {
      o.str("meeting", e.meeting());
      o.str("participant", e.participant());
    } else if (event instanceof Event.ContentCreated e) {
      o.str("content", e.content());
      o.str("category", e.category());
      o.str("account", e.account());
      if (e.meeting().isPresent()) {
        o.str("meeting", e.meeting().get());
      }
      if (e.author().isPresent()) {
        o.str("author", e.author().get());
      }
      o.list("contributors", e.contributors());
    } else if (event instanceof Event.ValuedSettingSet e) {
      o.str("account", e.account());
      o.str("scope", e.scope().toString());
      o.str("key", e.key());
      if (e.value() instanceof SettingValue.Number n) {
        o.number("value", n.value());
      } else {
        o.list("value", ((SettingValue.Codes) e.value()).codes());
      }
      o.bool("locked", e.locked());
      o.str("by", e.by());
    } else if (event instanceof Event.ContentDeleted e) {
      o.str("content", e.content());
      o.str("by", e.by());
    } else if (event instanceof Event.LegalHoldPlaced e) {
      o.str("account", e.account());
      o.str("hold", e.hold());
      o.str("scope", e.scope().toString());
      o.str("matter", e.matter());
      o.str("by", e.by());
    } else if (event instanceof Event.LegalHoldReleased e) {
      o.str("account", e.account());
      o.str("hold", e.hold());
      o.str("by", e.by());
    } else if (event instanceof Event.UserRemoved e) {
      o.str("account", e.account());
      o.str("user", e.user());
      o.str("by", e.by());
    } else {
      throw new IllegalStateException("unhandled event " + event.type());
    }
  }

  /** Thrown inside a writer when a string needs escaping: the general path writes it. */
  private static final class Escape extends RuntimeException {
    private static final Escape INSTANCE = new Escape();

    private Escape() {
      super(null, null, false, false);
    }
  }

  /** True when every char may be written as is (no quote, backslash, control or surrogate). */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || (c >= 0xD800 && c <= 0xDFFF)) {
        return false;
      }
    }
    return true;
  }

  private static void quoted(StringBuilder out, String s) {
    if (!plain(s)) {
      throw Escape.INSTANCE;
    }
    out.append('"').append(s).append('"');
  }

  /**
   * The event's row body: exactly {@code Json.line(EventCodec.toJson(event))}, the stored form
   * (ARCHITECTURE.md §3), written without a tree.
   */
  static String line(Event event) {
    StringBuilder out = new StringBuilder(256);
    try {
      out.append("{\"type\":\"").append(event.type()).append("\",\"at\":\"");
      InstantText.append(event.at(), out);
      out.append('"');
      fields(event, new Fields() {
        @Override
        public void str(String name, String value) {
          out.append(",\"").append(name).append("\":");
          quoted(out, value);
        }

        @Override
        public void bool(String name, boolean value) {
          out.append(",\"").append(name).append("\":").append(value);
        }

        @Override
        public void number(String name, long value) {
          out.append(",\"").append(name).append("\":").append(value);
        }

        @Override
        public void list(String name, List<String> values) {
          out.append(",\"").append(name).append("\":[");
          for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
              out.append(',');
            }
            quoted(out, values.get(i));
          }
          out.append(']');
        }
      });
      out.append('}');
      return out.toString();
    } catch (Escape e) {
      return Json.line(EventCodec.toJson(event));
    }
  }

  /**
   * Shows {@code sink} the event's {@code type} and each top-level string field, in wire order
   * (its return value is ignored).
   */
  static void strings(Event event, EventJson.Rewrite sink) {
    sink.apply("type", event.type());
    fields(event, new Fields() {
      @Override
      public void str(String name, String value) {
        sink.apply(name, value);
      }

      @Override
      public void bool(String name, boolean value) {}

      @Override
      public void number(String name, long value) {}

      @Override
      public void list(String name, List<String> values) {}
    });
  }

  /**
   * Appends the RFC 8785 canonical form of the event's JSON, each top-level string field's value
   * replaced by {@code rewrite}: the same bytes as {@link CanonicalJson#canonicalize} of the
   * rewritten {@link EventCodec#toJson} (which it falls back to when a string needs escaping).
   */
  static void canonical(Event event, EventJson.Rewrite rewrite, StringBuilder out) {
    String[] names = new String[12];
    Object[] values = new Object[12];
    int[] count = {0};
    Fields collect = new Fields() {
      private void put(String name, Object value) {
        int n = count[0]++;
        names[n] = name;
        values[n] = value;
      }

      @Override
      public void str(String name, String value) {
        put(name, rewrite.apply(name, value));
      }

      @Override
      public void bool(String name, boolean value) {
        put(name, value);
      }

      @Override
      public void number(String name, long value) {
        put(name, value);
      }

      @Override
      public void list(String name, List<String> values) {
        put(name, values);
      }
    };
    StringBuilder at = new StringBuilder(30);
    InstantText.append(event.at(), at);
    collect.str("at", at.toString());
    collect.str("type", event.type());
    fields(event, collect);
    int n = count[0];
    // insertion sort by UTF-16 code units (String.compareTo), as RFC 8785 §3.2.3 asks
    for (int i = 1; i < n; i++) {
      for (int j = i; j > 0 && names[j - 1].compareTo(names[j]) > 0; j--) {
        String tn = names[j];
        names[j] = names[j - 1];
        names[j - 1] = tn;
        Object tv = values[j];
        values[j] = values[j - 1];
        values[j - 1] = tv;
      }
    }
    int start = out.length();
    try {
      out.append('{');
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append('"').append(names[i]).append("\":");
        Object v = values[i];
        if (v instanceof String str) {
          quoted(out, str);
        } else if (v instanceof Boolean b) {
          out.append(b.booleanValue());
        } else if (v instanceof Long l) {
          if (Math.abs(l) > (1L << 53) - 1) {
            throw Escape.INSTANCE;
          }
          out.append(l.longValue());
        } else {
          @SuppressWarnings("unchecked")
          List<String> list = (List<String>) v;
          out.append('[');
          for (int k = 0; k < list.size(); k++) {
            if (k > 0) {
              out.append(',');
            }
            quoted(out, list.get(k));
          }
          out.append(']');
        }
      }
      out.append('}');
    } catch (Escape e) {
      out.setLength(start);
      com.fasterxml.jackson.databind.node.ObjectNode o = EventCodec.toJson(event);
      for (int i = 0; i < n; i++) {
        if (values[i] instanceof String str && !names[i].equals("type")) {
          o.put(names[i], str);
        }
      }
      out.append(CanonicalJson.canonicalString(o));
    }
  }
}
