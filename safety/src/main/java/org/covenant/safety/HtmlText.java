package org.covenant.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Readable text and links of an HTML body: a single forgiving pass, no DOM.
 *
 * <p>Comments, {@code <script>} and {@code <style>} contents and markup are dropped, entities are
 * decoded, block-level tags become spaces (inline ones do not, so {@code fr<b>ee</b>} reads
 * "free" as a reader sees it), and every {@code <a href>} becomes a {@link Link} with the text it
 * encloses. A DOM parser would be more exact but is several times slower on the scanner's hot
 * path; malformed markup, which is common in spam, degrades to text, never to an error.
 */
final class HtmlText {
  private static final Set<String> BLOCK_TAGS =
      Set.of("br", "p", "div", "tr", "td", "th", "li", "ul", "ol", "table", "tbody", "h1", "h2",
          "h3", "h4", "h5", "h6", "title", "hr", "blockquote", "center", "body", "head", "html",
          "option", "form", "dd", "dt", "pre");
  private static final Map<String, Character> ENTITIES =
      Map.ofEntries(Map.entry("amp", '&'), Map.entry("lt", '<'), Map.entry("gt", '>'),
          Map.entry("quot", '"'), Map.entry("apos", '\''), Map.entry("nbsp", ' '),
          Map.entry("copy", '\u00a9'), Map.entry("reg", '\u00ae'), Map.entry("trade", '\u2122'),
          Map.entry("euro", '\u20ac'), Map.entry("pound", '\u00a3'), Map.entry("middot", '\u00b7'),
          Map.entry("bull", '\u2022'), Map.entry("mdash", '\u2014'), Map.entry("ndash", '\u2013'),
          Map.entry("laquo", '\u00ab'), Map.entry("raquo", '\u00bb'));

  /** What one HTML body yields. */
  record Result(String text, List<Link> links, int images) {}

  private HtmlText() {}

  static Result extract(String html) {
    StringBuilder out = new StringBuilder(html.length() / 2);
    List<Link> links = new ArrayList<>();
    int images = 0;
    String openHref = null;
    int anchorStart = 0;
    int n = html.length();
    int nextLt = -1;
    int nextAmp = -1;
    int i = 0;
    while (i < n) {
      char c = html.charAt(i);
      if (c == '<') {
        if (html.startsWith("<!--", i)) {
          int end = html.indexOf("-->", i + 4);
          i = end < 0 ? n : end + 3;
          continue;
        }
        int j = i + 1;
        boolean closing = j < n && html.charAt(j) == '/';
        if (closing) {
          j++;
        }
        int nameStart = j;
        while (j < n && Character.isLetterOrDigit(html.charAt(j))) {
          j++;
        }
        if (j == nameStart) {
          if (j < n && (html.charAt(j) == '!' || html.charAt(j) == '?')) {
            int end = html.indexOf('>', j);
            i = end < 0 ? n : end + 1;
          } else {
            out.append('<');
            i++;
          }
          continue;
        }
        String name = html.substring(nameStart, j).toLowerCase(Locale.ROOT);
        int tagEnd = tagEnd(html, j);
        if (!closing && (name.equals("script") || name.equals("style"))) {
          int end = indexOfIgnoreCase(html, "</" + name, tagEnd);
          i = end < 0 ? n : end;
          continue;
        }
        if (name.equals("a")) {
          if (openHref != null) {
            links.add(new Link(openHref, collapse(out, anchorStart)));
            openHref = null;
          }
          if (!closing) {
            String href = attribute(html, j, tagEnd, "href");
            if (href != null) {
              openHref = decodeEntities(href).trim();
              anchorStart = out.length();
            }
          }
        } else if (name.equals("img") && !closing) {
          images++;
        } else if (BLOCK_TAGS.contains(name)) {
          out.append(' ');
        }
        i = tagEnd;
      } else if (c == '&') {
        i = appendEntity(html, i, out);
      } else {
        // copy the run of text up to the next markup or entity in one append
        if (nextLt < i) {
          nextLt = html.indexOf('<', i);
          nextLt = nextLt < 0 ? n : nextLt;
        }
        if (nextAmp < i) {
          nextAmp = html.indexOf('&', i);
          nextAmp = nextAmp < 0 ? n : nextAmp;
        }
        int end = Math.min(nextLt, nextAmp);
        out.append(html, i, end);
        i = end;
      }
    }
    if (openHref != null) {
      links.add(new Link(openHref, collapse(out, anchorStart)));
    }
    return new Result(out.toString(), links, images);
  }

  /** The index just past the {@code >} that ends a tag whose name ends at {@code from}. */
  private static int tagEnd(String html, int from) {
    char quote = 0;
    for (int k = from; k < html.length(); k++) {
      char c = html.charAt(k);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return k + 1;
      } else if (c == '<') {
        // an unclosed tag: the next one starts here
        return k;
      }
    }
    return html.length();
  }

  private static String attribute(String html, int from, int to, String name) {
    int k = from;
    while (k < to) {
      int found = indexOfIgnoreCase(html, name, k);
      if (found < 0 || found >= to) {
        return null;
      }
      int before = found - 1;
      int after = found + name.length();
      k = after;
      if (before >= 0 && !Character.isWhitespace(html.charAt(before))) {
        continue;
      }
      while (after < to && Character.isWhitespace(html.charAt(after))) {
        after++;
      }
      if (after >= to || html.charAt(after) != '=') {
        continue;
      }
      after++;
      while (after < to && Character.isWhitespace(html.charAt(after))) {
        after++;
      }
      if (after >= to) {
        return "";
      }
      char q = html.charAt(after);
      if (q == '"' || q == '\'') {
        int end = html.indexOf(q, after + 1);
        return html.substring(after + 1, end < 0 || end > to ? to : end);
      }
      int end = after;
      while (end < to && !Character.isWhitespace(html.charAt(end)) && html.charAt(end) != '>') {
        end++;
      }
      return html.substring(after, end);
    }
    return null;
  }

  private static int appendEntity(String s, int amp, StringBuilder out) {
    int semi = -1;
    int limit = Math.min(s.length(), amp + 10);
    for (int k = amp + 1; k < limit; k++) {
      char c = s.charAt(k);
      if (c == ';') {
        semi = k;
        break;
      }
      if (!Character.isLetterOrDigit(c) && c != '#') {
        break;
      }
    }
    if (semi < 0) {
      out.append('&');
      return amp + 1;
    }
    String body = s.substring(amp + 1, semi);
    if (body.startsWith("#")) {
      try {
        int cp = body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X')
            ? Integer.parseInt(body.substring(2), 16)
            : Integer.parseInt(body.substring(1));
        if (Character.isValidCodePoint(cp)) {
          out.appendCodePoint(cp);
          return semi + 1;
        }
      } catch (NumberFormatException e) {
        // not a number: keep the text as written
      }
      out.append('&');
      return amp + 1;
    }
    Character ch = ENTITIES.get(body.toLowerCase(Locale.ROOT));
    if (ch == null) {
      out.append('&');
      return amp + 1;
    }
    out.append(ch.charValue());
    return semi + 1;
  }

  static String decodeEntities(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '&') {
        i = appendEntity(s, i, out);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String collapse(StringBuilder out, int from) {
    StringBuilder b = new StringBuilder(Math.max(0, out.length() - from));
    boolean space = false;
    for (int k = from; k < out.length(); k++) {
      char c = out.charAt(k);
      if (Character.isWhitespace(c) || c == '\u00a0') {
        space = b.length() > 0;
      } else {
        if (space) {
          b.append(' ');
          space = false;
        }
        b.append(c);
      }
    }
    return b.toString();
  }

  static int indexOfIgnoreCase(String s, String needle, int from) {
    int max = s.length() - needle.length();
    char first = Character.toLowerCase(needle.charAt(0));
    for (int k = Math.max(0, from); k <= max; k++) {
      if (Character.toLowerCase(s.charAt(k)) == first
          && s.regionMatches(true, k, needle, 0, needle.length())) {
        return k;
      }
    }
    return -1;
  }
}
