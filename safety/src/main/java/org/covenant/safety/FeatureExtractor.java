package org.covenant.safety;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.covenant.safety.FeatureVector.Namespace;

/**
 * Turns a {@link Message} into hashed features plus the link and header evidence the scanner
 * reports. Stateless and thread-safe; one pass over subject and body.
 *
 * <p>Features (their names are what {@link ScanResult#topFeatures()} shows):
 * <ul>
 *   <li>body tokens ({@code free}) and subject tokens ({@code subject:free}); a token is a run
 *       of letters, digits, {@code $ ' - _}, 2 to 24 long, case-folded; runs of {@code !} count
 *       as the token {@code !}; tokens of the From, To and X-Mailer headers and of link URLs
 *       ({@code from:}, {@code to:}, {@code mailer:}, {@code url:});
 *   <li>link domains ({@code link:x.example}), {@code link:ip}, {@code link:userinfo},
 *       {@code link:mismatch};
 *   <li>character 4-grams of subject and body ({@code chars:free}), letters and digits
 *       case-folded and other runs as one space, L2-normalised as a group of their own and
 *       weighted {@link ScanModel#CHAR_GRAM_WEIGHT} against the word tokens;
 *   <li>header facts: sender domain ({@code sender:x.example}), mailer, content type, charset,
 *       reply and list headers, priority headers, and every {@link HeaderAnomaly}
 *       ({@code anomaly:missing_date});
 *   <li>shape: HTML body, attachments, counts of links and words, share of all-caps words and of
 *       non-ASCII characters, all bucketed.
 * </ul>
 * Adjacent-token pairs were tried and dropped: same F1 on five held-out draws, 60 % slower.
 * Version 2 (issue 19) added the character n-grams and dropped the names of the headers
 * present and the Message-ID domain: those two described how each collection was gathered
 * (which relay, which mailing-list software), not the message, and made the model flag a new
 * kind of ham wholesale on the time split (docs/benchmarks/safety.md).
 * The feature set is versioned ({@link #VERSION}); a model records the version it was trained
 * with and refuses to score features of another.
 */
final class FeatureExtractor {
  /** Bumped whenever a change here would change the features of some message. */
  static final int VERSION = 2;

  private static final int SUBJECT = 0;
  private static final int BODY = 1;
  private static final int LITERAL = 2;
  private static final int BANG = Tokens.hash("!");
  /** Character n-grams: their length (at most 4: one long holds the window), how much they read. */
  static final int GRAM = 4;
  private static final int GRAM_TEXT_LIMIT = 4000;

  /** Everything extracted from one message. */
  record Extraction(FeatureVector vector, List<String> linkDomains, List<LinkMismatch> mismatches,
      boolean deceptiveLink, Set<HeaderAnomaly> anomalies, List<String> lures) {}

  private FeatureExtractor() {}

  static Extraction extract(Message m) {
    StringBuilder literals = new StringBuilder(256);
    FeatureVector v = new FeatureVector(new CharSequence[] {m.subject(), m.body(), literals},
        64 + m.body().length() / 5);
    Set<String> lures = new LinkedHashSet<>();
    TextStats subjectStats = tokenize(m.subject(), SUBJECT, Namespace.SUBJECT, v, lures);
    TextStats bodyStats = tokenize(m.body(), BODY, Namespace.BODY, v, lures);
    charGrams(m.subject(), SUBJECT, v);
    charGrams(m.body(), BODY, v);

    List<String> domains = new ArrayList<>();
    List<LinkMismatch> mismatches = new ArrayList<>();
    boolean ipLink = false;
    boolean userinfo = false;
    for (Link link : m.links()) {
      String host = link.host();
      if (host.isEmpty()) {
        continue;
      }
      String domain = Domains.registrable(host);
      if (!domains.contains(domain)) {
        domains.add(domain);
      }
      literal(v, literals, Namespace.LINK, domain, "");
      tokenizeLiteral(link.href(), Namespace.URL_TEXT, v, literals);
      if (Domains.isIpLiteral(host)) {
        ipLink = true;
      }
      if (authority(link.href()).indexOf('@') >= 0) {
        userinfo = true;
      }
      String shown = Domains.hostClaimedBy(link.anchorText());
      if (!shown.isEmpty() && !Domains.registrable(shown).equals(domain)) {
        mismatches.add(new LinkMismatch(link.href(), shown, host));
      }
    }
    if (ipLink) {
      literal(v, literals, Namespace.SHAPE, "link:ip");
    }
    if (userinfo) {
      literal(v, literals, Namespace.SHAPE, "link:userinfo");
    }
    if (!mismatches.isEmpty()) {
      literal(v, literals, Namespace.SHAPE, "link:mismatch");
    }

    Set<HeaderAnomaly> anomalies = HeaderAnomaly.of(m);
    if (!m.headers().isEmpty()) {
      headerFacts(m, v, literals);
      for (HeaderAnomaly a : anomalies) {
        literal(v, literals, Namespace.ANOMALY, a.code());
      }
    }
    if (m.htmlBody()) {
      literal(v, literals, Namespace.SHAPE, "shape:html");
    }
    if (m.attachments() > 0) {
      literal(v, literals, Namespace.SHAPE, "shape:attachments");
    }
    literal(v, literals, Namespace.SHAPE, "links:" + bucket(m.links().size()));
    literal(v, literals, Namespace.SHAPE, "length:" + bucket(bodyStats.tokens));
    if (bodyStats.tokens >= 10) {
      int pct = 100 * bodyStats.capsTokens / bodyStats.tokens;
      literal(v, literals, Namespace.SHAPE,
          "caps:" + (pct < 5 ? "low" : pct < 15 ? "some" : pct < 30 ? "many" : "most"));
    }
    int high = nonAscii(m.subject()) + nonAscii(m.body());
    int chars = m.subject().length() + m.body().length();
    if (chars > 0 && high * 10 > chars) {
      literal(v, literals, Namespace.SHAPE, high * 3 > chars ? "text:non_ascii_most"
          : "text:non_ascii_some");
    }
    if (subjectStats.tokens == 0) {
      literal(v, literals, Namespace.SHAPE, "subject:none");
    } else if (subjectStats.capsTokens * 2 > subjectStats.tokens) {
      literal(v, literals, Namespace.SHAPE, "subject:caps");
    }
    return new Extraction(v, domains, mismatches, ipLink || userinfo || !mismatches.isEmpty(),
        anomalies, List.copyOf(lures));
  }

  private static void headerFacts(Message m, FeatureVector v, StringBuilder literals) {
    String fromDomain = Domains.registrable(Domains.domainOfAddress(m.sender()));
    if (!fromDomain.isEmpty()) {
      literal(v, literals, Namespace.HEADER, "sender:" + fromDomain);
    }
    String mailer = m.header("X-Mailer").or(() -> m.header("User-Agent")).orElse("");
    literal(v, literals, Namespace.HEADER, "mailer:" + firstWord(mailer));
    tokenizeLiteral(mailer, Namespace.MAILER_TEXT, v, literals);
    tokenizeLiteral(m.header("From").orElse(""), Namespace.FROM_TEXT, v, literals);
    tokenizeLiteral(m.header("To").orElse(""), Namespace.TO_TEXT, v, literals);
    String contentType = m.header("Content-Type").orElse("");
    String type = MessageParser.mediaType(contentType);
    literal(v, literals, Namespace.HEADER, "ctype:" + (type.isEmpty() ? "none" : type));
    String charset = MessageParser.parameters(contentType).get("charset");
    if (charset != null) {
      literal(v, literals, Namespace.HEADER, "charset:" + charset.toLowerCase(Locale.ROOT));
    }
    if (m.header("In-Reply-To").isPresent() || m.header("References").isPresent()) {
      literal(v, literals, Namespace.HEADER, "has:reply");
    }
    if (m.header("List-Id").isPresent() || m.header("List-Unsubscribe").isPresent()
        || m.header("Mailing-List").isPresent()) {
      literal(v, literals, Namespace.HEADER, "has:list");
    }
    if (m.header("X-Priority").isPresent() || m.header("X-MSMail-Priority").isPresent()) {
      literal(v, literals, Namespace.HEADER, "has:priority");
    }
  }

  private record TextStats(int tokens, int capsTokens) {}

  private static TextStats tokenize(String text, int source, Namespace ns, FeatureVector v,
      Set<String> lures) {
    return tokenize(text.toCharArray(), 0, source, ns, v, lures);
  }

  /**
   * Tokenizes {@code text} (a char array: one virtual-call-free loop is most of the scanner's
   * time); names refer to {@code source} at {@code offset} + the index in {@code text}.
   */
  private static TextStats tokenize(char[] text, int offset, int source, Namespace ns,
      FeatureVector v, Set<String> lures) {
    int n = text.length;
    int tokens = 0;
    int caps = 0;
    int prev = 0;
    int prevPrev = 0;
    int seen = 0;
    int i = 0;
    while (i < n) {
      char c = text[i];
      if (Tokens.isTokenChar(c)) {
        int start = i;
        while (i < n && Tokens.isTokenChar(text[i])) {
          i++;
        }
        int end = i;
        while (start < end && Tokens.isEdgeJunk(text[start])) {
          start++;
        }
        while (end > start && Tokens.isEdgeJunk(text[end - 1])) {
          end--;
        }
        int len = end - start;
        if (len < Tokens.MIN_LENGTH || len > Tokens.MAX_LENGTH) {
          continue;
        }
        // one pass: the case-folded FNV-1a hash (as Tokens.hash) and whether it is in capitals
        int base = 0x811c9dc5;
        boolean upper = false;
        boolean lower = false;
        for (int k = start; k < end; k++) {
          char ch = text[k];
          if (ch >= 'A' && ch <= 'Z') {
            upper = true;
            ch = (char) (ch + 32);
          } else if (ch >= 'a' && ch <= 'z') {
            lower = true;
          } else if (ch >= 128) {
            char folded = Character.toLowerCase(ch);
            if (folded != ch) {
              upper = true;
            } else if (Character.isLowerCase(ch)) {
              lower = true;
            }
            ch = folded;
          }
          base = (base ^ ch) * 0x01000193;
        }
        v.add(Tokens.key(base, ns.seed()), ns, source, offset + start, offset + end);
        tokens++;
        if (len >= 3 && upper && !lower) {
          caps++;
        }
        if (lures != null && LureLexicon.endsPhrase(base)) {
          String lure = LureLexicon.phrase(base);
          if (lure == null && seen >= 1) {
            lure = LureLexicon.phrase(Tokens.pair(prev, base));
          }
          if (lure == null && seen >= 2) {
            lure = LureLexicon.phrase(Tokens.pair(Tokens.pair(prevPrev, prev), base));
          }
          if (lure != null) {
            lures.add(lure);
          }
        }
        prevPrev = prev;
        prev = base;
        seen++;
      } else if (c == '!') {
        int start = i;
        while (i < n && text[i] == '!') {
          i++;
        }
        v.add(Tokens.key(BANG, ns.seed()), ns, source, offset + start, offset + start + 1);
      } else {
        i++;
      }
    }
    return new TextStats(tokens, caps);
  }

  /**
   * Character {@link #GRAM}-grams of {@code text} (its first {@link #GRAM_TEXT_LIMIT} chars):
   * letters and digits case-folded, every run of other characters one space. They catch what
   * word tokens miss when spam changes its spelling ("v1agra", "fr ee", new compounds, words
   * glued by HTML).
   */
  private static void charGrams(String text, int source, FeatureVector v) {
    int n = GRAM;
    int limit = Math.min(text.length(), GRAM_TEXT_LIMIT);
    long reg = 0;
    int filled = 0;
    boolean space = true;
    int[] starts = new int[n];
    for (int i = 0; i < limit; i++) {
      char c = text.charAt(i);
      char folded;
      boolean word;
      if (c < 128) {
        // ASCII fast path: the same answers as Character's, without the table lookups
        word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
        folded = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
      } else {
        word = Character.isLetterOrDigit(c);
        folded = Character.toLowerCase(c);
      }
      if (word) {
        space = false;
      } else {
        if (space) {
          continue;
        }
        folded = ' ';
        space = true;
      }
      reg = (reg << 16) | folded;
      starts[filled % n] = i;
      filled++;
      if (filled >= n) {
        int h = Tokens.fmix((int) (reg ^ (reg >>> 32)) * 0x01000193 + n);
        int start = starts[filled % n];
        v.add(Tokens.key(h, Namespace.CHARS.seed()), Namespace.CHARS, source, start, i + 1);
      }
    }
  }

  private static int nonAscii(String s) {
    int count = 0;
    for (int k = 0; k < s.length(); k++) {
      if (s.charAt(k) >= 128) {
        count++;
      }
    }
    return count;
  }

  private static void tokenizeLiteral(String text, Namespace ns, FeatureVector v,
      StringBuilder literals) {
    int start = literals.length();
    literals.append(text);
    tokenize(text.toCharArray(), start, LITERAL, ns, v, null);
  }

  private static void literal(FeatureVector v, StringBuilder literals, Namespace ns,
      String name) {
    literal(v, literals, ns, name, "");
  }

  /** The literal feature {@code prefix + name} without building the string (hash ignores case). */
  private static void literal(FeatureVector v, StringBuilder literals, Namespace ns,
      String prefix, String name) {
    int start = literals.length();
    literals.append(prefix).append(name);
    int key = Tokens.key(Tokens.hash(literals, start, literals.length()), ns.seed());
    v.add(key, ns, LITERAL, start, literals.length());
  }

  private static String firstWord(String s) {
    String t = s.trim();
    int end = 0;
    while (end < t.length() && (Character.isLetterOrDigit(t.charAt(end))
        || t.charAt(end) == '-' || t.charAt(end) == '.')) {
      end++;
    }
    String w = t.substring(0, end).toLowerCase(Locale.ROOT);
    int dot = w.indexOf('.');
    // "Microsoft Outlook Express 6.00.2600" and "6.00.2800": keep the product, drop versions
    return w.isEmpty() ? "none" : dot > 0 ? w.substring(0, dot) : w;
  }

  private static String authority(String href) {
    int scheme = href.indexOf("://");
    if (scheme < 0) {
      return "";
    }
    int end = scheme + 3;
    while (end < href.length() && "/?#".indexOf(href.charAt(end)) < 0) {
      end++;
    }
    return href.substring(scheme + 3, end);
  }

  private static String bucket(int n) {
    if (n == 0) {
      return "0";
    }
    if (n == 1) {
      return "1";
    }
    int lo = Integer.highestOneBit(n);
    return lo >= 64 ? "64+" : lo + "-" + (2 * lo - 1);
  }
}
