package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MessageParserTest {
  private final MessageParser parser = MessageParser.create();

  @Test
  void multipartAlternative_readsTheHtmlPart_withQuotedPrintableAndLinks() {
    String raw = """
        From sender@example.org  Thu Aug 22 13:17:22 2002
        Return-Path: <bounce@example.org>
        From: "Webinar Team" <Team@Example.ORG>
        Subject: =?iso-8859-1?q?Caf=E9_webinar?= =?utf-8?b?IHJlbWluZGVy?=
        Content-Type: multipart/alternative;
        \tboundary="XYZ"

        preamble
        --XYZ
        Content-Type: text/plain; charset=us-ascii

        Join us: http://plain.example.org/join.
        --XYZ
        Content-Type: text/html; charset="iso-8859-1"
        Content-Transfer-Encoding: quoted-printable

        <html><body><p>Caf=E9 &amp; talk</p><a href=3D"http://evil.example.net/x">www.bank.ex=
        ample.com</a><script>var hidden = "no";</script>fr<b>ee</b></body></html>
        --XYZ--
        epilogue
        """;
    Message m = parser.parse(raw);
    assertThat(m.sender()).isEqualTo("team@example.org");
    assertThat(m.subject()).isEqualTo("Café webinar reminder");
    assertThat(m.htmlBody()).isTrue();
    assertThat(m.body()).contains("Café & talk").contains("free").doesNotContain("hidden")
        .doesNotContain("plain.example.org");
    assertThat(m.links()).containsExactly(
        new Link("http://evil.example.net/x", "www.bank.example.com"));
    assertThat(m.header("return-path")).contains("<bounce@example.org>");
    assertThat(m.header("Content-Type").orElseThrow()).contains("boundary=\"XYZ\"");
  }

  @Test
  void multipartMixed_decodesBase64Text_countsAttachments_andReadsNestedMessages() {
    String body = Base64.getMimeEncoder().encodeToString(
        "Verify your password at https://login.example.com/now!".getBytes(StandardCharsets.UTF_8));
    String raw = "From: a@b.example\r\n"
        + "Subject: plain\r\n"
        + "Content-Type: multipart/mixed; boundary=outer\r\n"
        + "\r\n"
        + "--outer\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Transfer-Encoding: base64\r\n"
        + "\r\n"
        + body + "\r\n"
        + "--outer\r\n"
        + "Content-Type: application/octet-stream; name=x.exe\r\n"
        + "Content-Transfer-Encoding: base64\r\n"
        + "\r\n"
        + "TVqQAAMAAAAEAAAA\r\n"
        + "--outer\r\n"
        + "Content-Type: message/rfc822\r\n"
        + "\r\n"
        + "Subject: inner subject\r\n"
        + "\r\n"
        + "inner body text\r\n"
        + "--outer--\r\n";
    Message m = parser.parse(raw);
    assertThat(m.body()).contains("Verify your password").contains("inner subject")
        .contains("inner body text").doesNotContain("TVqQ");
    assertThat(m.attachments()).isEqualTo(1);
    assertThat(m.links()).extracting(Link::host).containsExactly("login.example.com");
    assertThat(m.htmlBody()).isFalse();
  }

  @Test
  void malformedMail_neverThrows_andKeepsWhatItCan() {
    String raw = "Subject: no end\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
        + "Content-Type: text/html\nContent-Transfer-Encoding: base64\n\n%%%not base64%%%\n"
        + "--b\nContent-Type: text/plain; charset=no-such-charset\n"
        + "Content-Transfer-Encoding: quoted-printable\n\nbroken =ZZ escape and =\nsoft break";
    Message m = parser.parse(raw);
    assertThat(m.subject()).isEqualTo("no end");
    assertThat(m.body()).contains("broken =ZZ escape and soft break");
    assertThat(parser.parse("").body()).isEmpty();
    assertThat(parser.parse("no headers at all\n\njust text").body()).contains("just text");
  }

  @Test
  void htmlWithoutContentType_isReadAsHtml_andEntitiesAreDecoded() {
    Message m = parser.parse("From: x@y.example\n\n<html><body>Price &lt; &#36;5 &#x41;"
        + "<a href='http://user@203.0.113.7/login'>Click</a><!-- <a href=\"http://c.example\">"
        + "--></body></html>");
    assertThat(m.htmlBody()).isTrue();
    assertThat(m.body()).contains("Price < $5 A");
    assertThat(m.links()).containsExactly(new Link("http://user@203.0.113.7/login", "Click"));
    assertThat(m.links().get(0).host()).isEqualTo("203.0.113.7");
  }

  @Test
  void foldedHeaders_areUnfolded_andAddressesExtracted() {
    Message m = parser.parse("From: Some One\n (comment) <ONE@Mail.Example.co.uk>\n"
        + "To: a@b.example,\n\tc@d.example\nSubject: a\n  folded subject\n\nbody");
    assertThat(m.sender()).isEqualTo("one@mail.example.co.uk");
    assertThat(m.subject()).isEqualTo("a folded subject");
    assertThat(m.header("to")).contains("a@b.example, c@d.example");
  }

  @Test
  void bareUrls_inPlainText_areLinks_inOrder() {
    Message m = parser.parse("Subject: s\n\nsee www.a.example, then http://www.b.example/x. and"
        + " (HTTPS://c.example) but not ftp://d.example or awww.e.example or xhttp://f.example");
    assertThat(m.links()).extracting(Link::href).containsExactly("www.a.example",
        "http://www.b.example/x", "HTTPS://c.example");
    assertThat(m.links()).allMatch(l -> l.anchorText().equals(l.href()));
  }
}
