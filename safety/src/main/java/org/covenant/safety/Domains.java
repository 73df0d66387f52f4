package org.covenant.safety;

import java.util.Locale;
import java.util.Set;

/** Host and domain extraction for links and addresses (no DNS, no public suffix list). */
final class Domains {
  // Second-level labels under which a ccTLD registers names (example.co.uk): enough for the
  // registrable-domain comparison without shipping the whole public suffix list.
  private static final Set<String> SECOND_LEVEL =
      Set.of("co", "com", "net", "org", "gov", "ac", "edu", "or", "ne", "go", "gob", "mil");

  // "report.pdf" in link text is a file name, not a claimed domain
  private static final Set<String> FILE_EXTENSIONS =
      Set.of("htm", "html", "php", "asp", "aspx", "jpg", "gif", "png", "pdf", "exe", "zip", "doc",
          "txt", "cgi", "jsp");

  private Domains() {}

  /** The lowercase host of a URL written in a message, or "" for mailto:, relative or odd ones. */
  static String hostOfUrl(String url) {
    String s = url.trim();
    int start;
    if (startsWithIgnoreCase(s, "http://")) {
      start = 7;
    } else if (startsWithIgnoreCase(s, "https://")) {
      start = 8;
    } else if (startsWithIgnoreCase(s, "ftp://")) {
      start = 6;
    } else if (startsWithIgnoreCase(s, "www.")) {
      start = 0;
    } else if (startsWithIgnoreCase(s, "//")) {
      start = 2;
    } else {
      return "";
    }
    int end = start;
    while (end < s.length()) {
      char c = s.charAt(end);
      if (c == '/' || c == '?' || c == '#' || c == '\\' || Character.isWhitespace(c)) {
        break;
      }
      end++;
    }
    String authority = s.substring(start, end);
    // userinfo is the classic disguise: http://bank.example@evil.example/ goes to evil.example
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      return close > 0 ? authority.substring(0, close + 1).toLowerCase(Locale.ROOT) : "";
    }
    int colon = authority.indexOf(':');
    if (colon >= 0) {
      authority = authority.substring(0, colon);
    }
    while (authority.endsWith(".")) {
      authority = authority.substring(0, authority.length() - 1);
    }
    return authority.toLowerCase(Locale.ROOT);
  }

  /** The domain of an address ({@code a@b.example} → {@code b.example}), or "". */
  static String domainOfAddress(String address) {
    int at = address.lastIndexOf('@');
    if (at < 0 || at == address.length() - 1) {
      return "";
    }
    String d = address.substring(at + 1).trim();
    int end = 0;
    while (end < d.length()) {
      char c = d.charAt(end);
      if (c == '>' || c == ' ' || c == ')' || c == ';' || c == ',') {
        break;
      }
      end++;
    }
    d = d.substring(0, end);
    while (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    return d.toLowerCase(Locale.ROOT);
  }

  /** The registrable part of a host: the last two labels, three under a ccTLD second level. */
  static String registrable(String host) {
    if (host.isEmpty() || isIpLiteral(host)) {
      return host;
    }
    int last = host.lastIndexOf('.');
    if (last <= 0) {
      return host;
    }
    int second = host.lastIndexOf('.', last - 1);
    if (second < 0) {
      return host;
    }
    String tld = host.substring(last + 1);
    String sld = host.substring(second + 1, last);
    if (tld.length() == 2 && SECOND_LEVEL.contains(sld)) {
      int third = host.lastIndexOf('.', second - 1);
      return host.substring(third + 1);
    }
    return host.substring(second + 1);
  }

  /** Whether a host is a numeric IPv4 address or a bracketed IPv6 literal. */
  static boolean isIpLiteral(String host) {
    if (host.startsWith("[")) {
      return true;
    }
    int dots = 0;
    if (host.isEmpty()) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c == '.') {
        dots++;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return dots == 3;
  }

  /**
   * The host a link's visible text claims, or "" when the text does not look like an address.
   * Text counts as an address when it is one URL-like word ({@code www.bank.example},
   * {@code https://bank.example/login}, {@code bank.example}), or contains a word starting with
   * {@code http://}, {@code https://} or {@code www.}.
   */
  static String hostClaimedBy(String anchorText) {
    String t = anchorText.trim();
    if (t.isEmpty()) {
      return "";
    }
    boolean oneWord = true;
    for (int i = 0; i < t.length(); i++) {
      if (Character.isWhitespace(t.charAt(i))) {
        oneWord = false;
        break;
      }
    }
    if (oneWord) {
      String host = hostOfUrl(t);
      if (!host.isEmpty()) {
        return host;
      }
      return looksLikeBareDomain(t) ? stripTrailingPunctuation(t).toLowerCase(Locale.ROOT) : "";
    }
    int i = 0;
    int n = t.length();
    while (i < n) {
      while (i < n && Character.isWhitespace(t.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !Character.isWhitespace(t.charAt(i))) {
        i++;
      }
      if (t.regionMatches(true, start, "http://", 0, 7)
          || t.regionMatches(true, start, "https://", 0, 8)
          || t.regionMatches(true, start, "www.", 0, 4)) {
        String host = hostOfUrl(t.substring(start, i));
        if (!host.isEmpty()) {
          return host;
        }
      }
    }
    return "";
  }

  private static boolean looksLikeBareDomain(String word) {
    String w = stripTrailingPunctuation(word);
    int last = w.lastIndexOf('.');
    if (last <= 0 || last == w.length() - 1) {
      return false;
    }
    String tld = w.substring(last + 1);
    if (tld.length() < 2 || tld.length() > 18) {
      return false;
    }
    for (int i = 0; i < tld.length(); i++) {
      if (!Character.isLetter(tld.charAt(i))) {
        return false;
      }
    }
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-')) {
        return false;
      }
    }
    return !FILE_EXTENSIONS.contains(tld.toLowerCase(Locale.ROOT));
  }

  private static String stripTrailingPunctuation(String w) {
    int end = w.length();
    while (end > 0 && ".,;:!?)".indexOf(w.charAt(end - 1)) >= 0) {
      end--;
    }
    return w.substring(0, end);
  }

  private static boolean startsWithIgnoreCase(String s, String prefix) {
    return s.regionMatches(true, 0, prefix, 0, prefix.length());
  }
}
