package org.covenant.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reviews telemetry schemas so that customer content and direct identifiers never enter telemetry
 * (ARCHITECTURE.md §2: service-generated data belongs to the platform; customer content does not).
 * Checks, each giving one {@link SchemaReview.Finding} per offending field:
 *
 * <ul>
 *   <li>the type: free strings, text, json and bytes can carry content ({@code free_text}), a URL can
 *       carry a path ({@code url_with_path}), email, ip, phone and name are direct identifiers;
 *   <li>the name: a string-valued field named like content (chat, title, subject, file name, path,
 *       url, transcript…) is {@code customer_content}; any field named like a direct identifier
 *       (email, phone, ip, first/last/display name…) is {@code direct_identifier}, whatever its type
 *       (an IPv4 address fits an int), unless the name ends in a count-like word;
 *   <li>bounds: an int without both bounds is {@code unbounded_number}; an enum with more than
 *       {@value #MAX_ENUM_VALUES} values, or values that are not short tokens, is {@code unbounded_enum};
 *   <li>the event: a {@code customer_content.*} category is {@code customer_content_category}; the
 *       privacy unit {@code account} (a pseudonym) and the instant {@code at} must be declared.
 * </ul>
 *
 * The review is deliberately conservative: a false positive costs a rename, a false negative leaks.
 */
public final class SchemaReviewer {
  /** Enums longer than this are open vocabularies in disguise. */
  public static final int MAX_ENUM_VALUES = 256;

  private static final Pattern TOKEN = Pattern.compile("[a-z0-9][a-z0-9_.+-]{0,47}");
  private static final Set<String> CONTENT_WORDS = Set.of(
      "chat", "message", "messages", "msg", "text", "title", "subject", "topic", "transcript",
      "caption", "captions", "subtitle", "summary", "description", "comment", "comments", "note",
      "notes", "body", "content", "question", "answer", "poll", "agenda", "file", "filename",
      "files", "path", "url", "uri", "link", "href", "attachment", "whiteboard", "invite",
      "recording", "query", "search", "prompt", "document");
  private static final Set<String> IDENTIFIER_WORDS = Set.of(
      "email", "mail", "emailaddress", "phone", "mobile", "msisdn", "telephone", "tel", "ip",
      "ipv4", "ipv6", "ipaddr", "ipaddress", "mac", "ssn", "passport", "street", "postcode",
      "zipcode", "username", "firstname", "lastname", "fullname", "displayname", "login",
      "birthday", "birthdate", "dob", "imei", "geo", "latitude", "longitude", "gps");
  private static final Set<String> NAME_QUALIFIERS =
      Set.of("first", "last", "full", "display", "user", "given", "family", "real", "screen",
          "contact", "host", "participant", "attendee", "sender", "owner", "person");
  private static final Set<String> TITLE_QUALIFIERS = Set.of("meeting", "room", "channel",
      "webinar", "file", "group", "workspace", "event", "breakout", "session", "folder");
  private static final Set<String> COUNT_WORDS =
      Set.of("count", "total", "num", "number", "pct", "ratio", "len", "length", "size", "changed");

  private SchemaReviewer() {}

  /** A reviewer; stateless. */
  public static SchemaReviewer create() {
    return new SchemaReviewer();
  }

  /** Reviews every schema of {@code catalogue}. */
  public SchemaReview review(SchemaCatalogue catalogue) {
    List<SchemaReview.Finding> problems = new ArrayList<>();
    for (EventSchema s : catalogue.schemas()) {
      problems.addAll(review(s));
    }
    return new SchemaReview(catalogue.name(), catalogue.schemas().size(), problems);
  }

  /** The problems of one schema, in field order, event-level problems first. */
  public List<SchemaReview.Finding> review(EventSchema s) {
    List<SchemaReview.Finding> out = new ArrayList<>();
    String t = s.type();
    if (s.category().startsWith("customer_content.")) {
      out.add(new SchemaReview.Finding(t, "", "customer_content_category",
          "event type `" + t + "` declares customer content category `" + s.category()
              + "`: telemetry is service-generated data only"));
    }
    if (s.field("account").map(f -> f.type() != FieldType.PSEUDONYM || !f.required()).orElse(true)) {
      out.add(new SchemaReview.Finding(t, "account", "missing_privacy_unit",
          "event type `" + t + "` must declare a required pseudonym field `account` (the privacy unit)"));
    }
    if (s.field("at").map(f -> f.type() != FieldType.TIMESTAMP || !f.required()).orElse(true)) {
      out.add(new SchemaReview.Finding(t, "at", "missing_timestamp",
          "event type `" + t + "` must declare a required timestamp field `at`"));
    }
    for (FieldSpec f : s.fields()) {
      field(t, f).ifPresent(out::add);
    }
    return out;
  }

  private java.util.Optional<SchemaReview.Finding> field(String t, FieldSpec f) {
    String n = f.name();
    List<String> words = words(n);
    String q = "field `" + n + "` of `" + t + "`";
    switch (f.type()) {
      case EMAIL, IP, PHONE, NAME:
        return problem(t, n, "direct_identifier",
            q + " has type `" + f.type().id() + "`, a direct identifier");
      case URL:
        return problem(t, n, "url_with_path",
            q + " is a url: its path and query can carry file names and meeting links");
      case STRING, TEXT, JSON, BYTES:
        String kind = contentWord(words);
        if (kind != null) {
          return problem(t, n, "customer_content",
              q + " is free " + f.type().id() + " named `" + kind + "`: it can carry customer content");
        }
        return problem(t, n, "free_text",
            q + " has type `" + f.type().id() + "`: free text can carry customer content; use an enum");
      default:
        break;
    }
    String ident = identifierWord(words);
    if (ident != null) {
      return problem(t, n, "direct_identifier",
          q + " is named like a direct identifier (`" + ident + "`)");
    }
    if (!f.type().numeric()) {
      String kind = contentWord(words);
      if (kind != null) {
        return problem(t, n, "customer_content",
            q + " is named like customer content (`" + kind + "`)");
      }
    }
    if (f.type() == FieldType.INT && !f.bounded()) {
      return problem(t, n, "unbounded_number",
          q + " is an int without both `min` and `max` within 32 bits: bounds are needed to bound"
              + " contributions and keep identifiers out");
    }
    if (f.type() == FieldType.ENUM) {
      if (f.values().size() > MAX_ENUM_VALUES) {
        return problem(t, n, "unbounded_enum",
            q + " declares " + f.values().size() + " values, more than " + MAX_ENUM_VALUES);
      }
      for (String v : f.values()) {
        if (!TOKEN.matcher(v).matches()) {
          return problem(t, n, "unbounded_enum",
              q + " declares value `" + v + "`, not a short lowercase token");
        }
      }
    }
    return java.util.Optional.empty();
  }

  private static java.util.Optional<SchemaReview.Finding> problem(
      String t, String field, String code, String reason) {
    return java.util.Optional.of(new SchemaReview.Finding(t, field, code, reason));
  }

  private static String identifierWord(List<String> words) {
    if (words.isEmpty() || COUNT_WORDS.contains(words.get(words.size() - 1))) {
      return null;
    }
    String joined = String.join("", words);
    if (IDENTIFIER_WORDS.contains(joined)) {
      return joined;
    }
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (IDENTIFIER_WORDS.contains(w)) {
        return w;
      }
      // "name" alone or qualified by a person word (display_name, host_name) names a person
      if (w.equals("name") && (words.size() == 1 || i > 0 && NAME_QUALIFIERS.contains(words.get(i - 1)))) {
        return i > 0 ? words.get(i - 1) + "_name" : "name";
      }
      if (i + 1 < words.size() && IDENTIFIER_WORDS.contains(w + words.get(i + 1))) {
        return w + "_" + words.get(i + 1);
      }
    }
    return null;
  }

  private static String contentWord(List<String> words) {
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (CONTENT_WORDS.contains(w)) {
        return w;
      }
      // a meeting, room or file name is chosen by the customer: a title
      if (w.equals("name") && i > 0 && TITLE_QUALIFIERS.contains(words.get(i - 1))) {
        return words.get(i - 1) + "_name";
      }
    }
    return null;
  }

  /** {@code hostEmail}, {@code host_email}, {@code host-email} → [host, email]. */
  static List<String> words(String name) {
    String spaced = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2");
    List<String> out = new ArrayList<>();
    for (String w : spaced.toLowerCase(Locale.ROOT).split("[_.\\-]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }
}
