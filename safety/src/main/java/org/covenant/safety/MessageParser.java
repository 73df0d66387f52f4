package org.covenant.safety;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses raw RFC 5322 / MIME text (as mail arrives, optionally preceded by an mbox {@code From }
 * line) into a {@link Message}. JDK only, one pass per part, never throws on malformed input:
 * spam is often malformed on purpose, and what cannot be decoded is kept as written.
 *
 * <p>Handled: folded headers, RFC 2047 encoded words (B and Q), nested {@code multipart/*}
 * (for {@code multipart/alternative} the last text alternative, the richest, is read),
 * {@code message/rfc822} parts, {@code quoted-printable} and {@code base64} transfer encodings,
 * charsets known to the JDK (unknown ones read as ISO-8859-1), and HTML bodies (through a
 * tag-stripping pass that also collects links with their anchor text). Bare URLs in plain text
 * become links whose anchor text is the URL itself. Nesting is limited to
 * {@value #MAX_DEPTH} levels, and body text to {@value #MAX_TEXT} characters.
 */
public final class MessageParser {
  static final int MAX_DEPTH = 8;
  static final int MAX_TEXT = 200_000;
  private static final int MAX_PARTS = 100;

  private MessageParser() {}

  /** A parser; it holds no state and may be shared between threads. */
  public static MessageParser create() {
    return new MessageParser();
  }

  /** Parses one raw message; never returns null and never throws on malformed mail. */
  public Message parse(String raw) {
    int start = 0;
    if (raw.startsWith("From ")) {
      int nl = raw.indexOf('\n');
      start = nl < 0 ? raw.length() : nl + 1;
    }
    List<Header> headers = new ArrayList<>();
    int bodyStart = readHeaders(raw, start, headers);
    Collector c = new Collector();
    walk(headers, raw.substring(bodyStart), 0, c);
    String from = first(headers, "From");
    String subject = first(headers, "Subject");
    return new Message(headers, address(from), subject.trim(), c.text.toString(), c.links, c.html,
        c.attachments);
  }

  /** The mailbox address in a From-like header value, lowercase, or "" when it has none. */
  static String address(String value) {
    int lt = value.lastIndexOf('<');
    int gt = value.lastIndexOf('>');
    if (lt >= 0 && gt > lt) {
      return value.substring(lt + 1, gt).trim().toLowerCase(Locale.ROOT);
    }
    for (String word : value.split("[\\s,;()\"]+")) {
      if (word.indexOf('@') > 0) {
        return word.toLowerCase(Locale.ROOT);
      }
    }
    return "";
  }

  private static String first(List<Header> headers, String name) {
    for (Header h : headers) {
      if (h.is(name)) {
        return h.value();
      }
    }
    return "";
  }

  /** Reads the header block at {@code pos} into {@code out}; returns where the body starts. */
  static int readHeaders(String s, int pos, List<Header> out) {
    String name = null;
    StringBuilder value = new StringBuilder();
    int i = pos;
    while (i < s.length()) {
      int nl = s.indexOf('\n', i);
      int lineEnd = nl < 0 ? s.length() : nl;
      int next = nl < 0 ? s.length() : nl + 1;
      int contentEnd = lineEnd > i && s.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
      if (contentEnd == i) {
        flush(name, value, out);
        return next;
      }
      char c0 = s.charAt(i);
      if ((c0 == ' ' || c0 == '\t') && name != null) {
        // RFC 5322 §2.2.3 unfolding, with the run of folding white space read as one space
        int text = i;
        while (text < contentEnd && (s.charAt(text) == ' ' || s.charAt(text) == '\t')) {
          text++;
        }
        value.append(' ').append(s, text, contentEnd);
        i = next;
        continue;
      }
      int colon = s.indexOf(':', i);
      if (colon < 0 || colon >= contentEnd || colon == i || !isFieldName(s, i, colon)) {
        // not a header line: the header block ended without the blank line
        flush(name, value, out);
        return i;
      }
      flush(name, value, out);
      name = s.substring(i, colon).trim();
      value.setLength(0);
      value.append(s, colon + 1, contentEnd);
      i = next;
    }
    flush(name, value, out);
    return s.length();
  }

  private static boolean isFieldName(String s, int from, int to) {
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (c <= ' ' || c > '~') {
        // tolerate "Name :" as some mailers write it
        return c == ' ' && s.substring(k, to).isBlank() && k > from;
      }
    }
    return true;
  }

  private static void flush(String name, StringBuilder value, List<Header> out) {
    if (name != null && !name.isBlank()) {
      out.add(new Header(name, decodeWords(value.toString().trim())));
    }
  }

  private static void walk(List<Header> headers, String body, int depth, Collector c) {
    if (depth > MAX_DEPTH || c.parts++ > MAX_PARTS || c.text.length() >= MAX_TEXT) {
      return;
    }
    String contentType = first(headers, "Content-Type");
    String type = mediaType(contentType);
    Map<String, String> params = parameters(contentType);
    String encoding = first(headers, "Content-Transfer-Encoding").trim().toLowerCase(Locale.ROOT);
    if (type.startsWith("multipart/") && params.containsKey("boundary")) {
      List<String> parts = splitMultipart(body, params.get("boundary"));
      if (type.equals("multipart/alternative")) {
        walkAlternative(parts, depth, c);
      } else {
        for (String part : parts) {
          walkPart(part, depth, c);
        }
      }
    } else if (type.equals("message/rfc822")) {
      List<Header> inner = new ArrayList<>();
      int innerBody = readHeaders(body, 0, inner);
      String innerSubject = first(inner, "Subject");
      if (!innerSubject.isEmpty()) {
        c.appendText(innerSubject);
      }
      walk(inner, body.substring(innerBody), depth + 1, c);
    } else if (type.isEmpty() || type.startsWith("text/") || type.startsWith("multipart/")) {
      String text = decodeBody(body, encoding, params.get("charset"));
      // mail without a Content-Type that is HTML renders as HTML in most clients
      if (type.equals("text/html") || (!type.equals("text/plain") && looksLikeHtml(text))) {
        HtmlText.Result r = HtmlText.extract(text);
        c.html = true;
        c.appendText(r.text());
        c.links.addAll(r.links());
      } else {
        c.appendText(text);
        plainLinks(text, c.links);
      }
    } else {
      c.attachments++;
    }
  }

  private static void walkPart(String part, int depth, Collector c) {
    List<Header> ph = new ArrayList<>();
    int b = readHeaders(part, 0, ph);
    walk(ph, part.substring(b), depth + 1, c);
  }

  private static void walkAlternative(List<String> parts, int depth, Collector c) {
    // RFC 2046 §5.1.4: alternatives are in increasing order of faithfulness; read the last one
    // that is text (or a multipart holding text), which is what a mail client shows.
    for (int k = parts.size() - 1; k >= 0; k--) {
      List<Header> ph = new ArrayList<>();
      int b = readHeaders(parts.get(k), 0, ph);
      String t = mediaType(first(ph, "Content-Type"));
      if (t.isEmpty() || t.startsWith("text/") || t.startsWith("multipart/")) {
        walk(ph, parts.get(k).substring(b), depth + 1, c);
        return;
      }
    }
  }

  private static boolean looksLikeHtml(String text) {
    int limit = Math.min(text.length(), 2048);
    String head = text.substring(0, limit).toLowerCase(Locale.ROOT);
    return head.contains("<html") || head.contains("<body") || head.contains("<a href")
        || head.contains("<table") || head.contains("<p>") || head.contains("<br");
  }

  static List<String> splitMultipart(String body, String boundary) {
    String delimiter = "--" + boundary;
    List<String> parts = new ArrayList<>();
    int partStart = -1;
    int i = 0;
    while (i <= body.length()) {
      int nl = body.indexOf('\n', i);
      int lineEnd = nl < 0 ? body.length() : nl;
      if (body.startsWith(delimiter, i)) {
        boolean last = body.startsWith("--", i + delimiter.length());
        if (partStart >= 0) {
          int end = i;
          // the CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1)
          if (end > partStart && body.charAt(end - 1) == '\n') {
            end--;
            if (end > partStart && body.charAt(end - 1) == '\r') {
              end--;
            }
          }
          parts.add(body.substring(partStart, Math.max(partStart, end)));
          if (parts.size() >= MAX_PARTS) {
            return parts;
          }
        }
        if (last) {
          return parts;
        }
        partStart = nl < 0 ? body.length() : nl + 1;
      }
      if (nl < 0) {
        break;
      }
      i = lineEnd + 1;
    }
    if (partStart >= 0 && partStart < body.length()) {
      // no closing delimiter: keep what came
      parts.add(body.substring(partStart));
    }
    return parts;
  }

  static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    String t = semi < 0 ? contentType : contentType.substring(0, semi);
    return t.trim().toLowerCase(Locale.ROOT);
  }

  static Map<String, String> parameters(String contentType) {
    Map<String, String> params = new HashMap<>();
    int i = contentType.indexOf(';');
    while (i >= 0 && i < contentType.length()) {
      int eq = contentType.indexOf('=', i + 1);
      if (eq < 0) {
        break;
      }
      String name = contentType.substring(i + 1, eq).trim().toLowerCase(Locale.ROOT);
      int v = eq + 1;
      while (v < contentType.length() && contentType.charAt(v) == ' ') {
        v++;
      }
      String value;
      int next;
      if (v < contentType.length() && contentType.charAt(v) == '"') {
        int close = contentType.indexOf('"', v + 1);
        value = close < 0 ? contentType.substring(v + 1) : contentType.substring(v + 1, close);
        next = close < 0 ? -1 : contentType.indexOf(';', close);
      } else {
        int semi = contentType.indexOf(';', v);
        value = (semi < 0 ? contentType.substring(v) : contentType.substring(v, semi)).trim();
        next = semi;
      }
      params.putIfAbsent(name, value);
      i = next;
    }
    return params;
  }

  static String decodeBody(String body, String encoding, String charset) {
    byte[] bytes;
    if (encoding.equals("base64")) {
      bytes = base64(body);
    } else if (encoding.equals("quoted-printable")) {
      bytes = quotedPrintable(body, false);
    } else {
      return body;
    }
    return new String(bytes, charset(charset));
  }

  static Charset charset(String name) {
    if (name == null || name.isBlank()) {
      return StandardCharsets.ISO_8859_1;
    }
    try {
      return Charset.forName(name.trim());
    } catch (IllegalArgumentException e) {
      // IllegalCharsetNameException and UnsupportedCharsetException: read bytes as Latin-1
      return StandardCharsets.ISO_8859_1;
    }
  }

  static byte[] base64(String s) {
    StringBuilder clean = new StringBuilder(s.length());
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '=') {
        break;
      }
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
          || c == '/') {
        clean.append(c);
      }
    }
    int rem = clean.length() % 4;
    if (rem == 1) {
      clean.setLength(clean.length() - 1);
    } else if (rem > 1) {
      clean.append(rem == 2 ? "==" : "=");
    }
    return Base64.getDecoder().decode(clean.toString());
  }

  /** RFC 2045 §6.7 decoding; {@code underscoreIsSpace} for RFC 2047 Q words. */
  static byte[] quotedPrintable(String s, boolean underscoreIsSpace) {
    int n = s.length();
    // a plain array, not ByteArrayOutputStream, whose every write takes a lock
    byte[] out = new byte[n + 16];
    int size = 0;
    for (int k = 0; k < n; k++) {
      if (size + 4 > out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      char c = s.charAt(k);
      if (c == '=') {
        if (k + 1 < n && s.charAt(k + 1) == '\n') {
          k++;
          continue;
        }
        if (k + 2 < n && s.charAt(k + 1) == '\r' && s.charAt(k + 2) == '\n') {
          k += 2;
          continue;
        }
        if (k + 2 < n) {
          int hi = Character.digit(s.charAt(k + 1), 16);
          int lo = Character.digit(s.charAt(k + 2), 16);
          if (hi >= 0 && lo >= 0) {
            out[size++] = (byte) ((hi << 4) | lo);
            k += 2;
            continue;
          }
        }
        out[size++] = '=';
      } else if (c == '_' && underscoreIsSpace) {
        out[size++] = ' ';
      } else if (c < 256) {
        out[size++] = (byte) c;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
          out[size++] = x;
        }
      }
    }
    return Arrays.copyOf(out, size);
  }

  /** Decodes RFC 2047 encoded words; whitespace between two encoded words is dropped. */
  static String decodeWords(String value) {
    if (!value.contains("=?")) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    int i = 0;
    int lastWordEnd = -1;
    while (i < value.length()) {
      int start = value.indexOf("=?", i);
      if (start < 0) {
        out.append(value, i, value.length());
        break;
      }
      int q1 = value.indexOf('?', start + 2);
      int q2 = q1 < 0 ? -1 : value.indexOf('?', q1 + 1);
      int end = q2 < 0 ? -1 : value.indexOf("?=", q2 + 1);
      if (q1 < 0 || q2 != q1 + 2 || end < 0) {
        out.append(value, i, start + 2);
        i = start + 2;
        continue;
      }
      String between = value.substring(i, start);
      if (!(lastWordEnd == i && between.isBlank())) {
        out.append(between);
      }
      String cs = value.substring(start + 2, q1);
      int star = cs.indexOf('*');
      if (star >= 0) {
        cs = cs.substring(0, star);
      }
      char enc = Character.toUpperCase(value.charAt(q1 + 1));
      String text = value.substring(q2 + 1, end);
      byte[] bytes = enc == 'B' ? base64(text) : quotedPrintable(text, true);
      out.append(new String(bytes, charset(cs)));
      i = end + 2;
      lastWordEnd = i;
    }
    return out.toString();
  }

  /**
   * Bare {@code http://}, {@code https://} and {@code www.} URLs in plain text, in order. Found
   * with {@link String#indexOf(String, int)} (vectorised in the JDK) rather than a char loop.
   */
  static void plainLinks(String text, List<Link> links) {
    int n = text.length();
    int scheme = text.indexOf("://");
    int www = nextWww(text, 0);
    int from = 0;
    while (scheme >= 0 || www >= 0) {
      int start;
      if (scheme >= 0 && (www < 0 || schemeStart(text, scheme) <= www)) {
        start = schemeStart(text, scheme);
        if (start < 0 || start < from) {
          scheme = text.indexOf("://", scheme + 3);
          continue;
        }
      } else {
        start = www;
        if (start < from || (start > 0 && Character.isLetterOrDigit(text.charAt(start - 1)))) {
          www = nextWww(text, www + 4);
          continue;
        }
      }
      int end = start;
      while (end < n && !Character.isWhitespace(text.charAt(end))
          && "<>\"'()[]{}".indexOf(text.charAt(end)) < 0) {
        end++;
      }
      int stop = end;
      while (stop > start && ".,;:!?".indexOf(text.charAt(stop - 1)) >= 0) {
        stop--;
      }
      String href = text.substring(start, stop);
      links.add(new Link(href, href));
      from = end;
      if (scheme >= 0 && scheme < end) {
        scheme = text.indexOf("://", end);
      }
      if (www >= 0 && www < end) {
        www = nextWww(text, end);
      }
    }
  }

  /** Where the {@code http} or {@code https} before {@code ://} at {@code colon} starts, or -1. */
  private static int schemeStart(String text, int colon) {
    int start;
    if (colon >= 5 && text.regionMatches(true, colon - 5, "https", 0, 5)) {
      start = colon - 5;
    } else if (colon >= 4 && text.regionMatches(true, colon - 4, "http", 0, 4)) {
      start = colon - 4;
    } else {
      return -1;
    }
    return start > 0 && Character.isLetterOrDigit(text.charAt(start - 1)) ? -1 : start;
  }

  private static int nextWww(String text, int from) {
    int lower = text.indexOf("www.", from);
    int upper = text.indexOf("WWW.", from);
    return lower < 0 ? upper : upper < 0 ? lower : Math.min(lower, upper);
  }

  private static final class Collector {
    final StringBuilder text = new StringBuilder();
    final List<Link> links = new ArrayList<>();
    boolean html;
    int attachments;
    int parts;

    void appendText(String t) {
      if (text.length() > 0) {
        text.append('\n');
      }
      int room = MAX_TEXT - text.length();
      text.append(t, 0, Math.min(t.length(), Math.max(0, room)));
    }
  }
}
