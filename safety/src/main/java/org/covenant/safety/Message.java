package org.covenant.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A webinar invite or reminder seen as an e-mail-like message: the input of the scanner.
 *
 * <p>Built by {@link MessageParser#parse(String)} from raw RFC 5322 / MIME text, or directly with
 * {@link #of(String, String, String, List)} for invites the platform composes itself (then there
 * are no headers and header anomalies are not judged). Text fields are decoded (transfer
 * encodings, charsets, HTML tags and entities removed); no field is ever null.
 *
 * @param headers top-level headers in arrival order
 * @param sender the From address (lowercase {@code local@domain}), or empty when missing
 * @param subject the decoded subject, or empty
 * @param body the readable text of the chosen text parts
 * @param links the links of the body, in order
 * @param htmlBody whether any body part was HTML
 * @param attachments the number of non-text parts
 */
public record Message(
    List<Header> headers,
    String sender,
    String subject,
    String body,
    List<Link> links,
    boolean htmlBody,
    int attachments) {

  /** Copies the lists and checks that nothing is null and counts are not negative. */
  public Message {
    headers = List.copyOf(headers);
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(body, "body");
    links = List.copyOf(links);
    if (attachments < 0) {
      throw new IllegalArgumentException("attachments is negative: " + attachments);
    }
  }

  /** An invite composed by the platform: no headers, plain-text body, the given links. */
  public static Message of(String sender, String subject, String body, List<Link> links) {
    return new Message(List.of(), sender, subject, body, links, false, 0);
  }

  /** The value of the first header named {@code name} (case-insensitive), if any. */
  public Optional<String> header(String name) {
    for (Header h : headers) {
      if (h.is(name)) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }

  /** The values of every header named {@code name} (case-insensitive), in arrival order. */
  public List<String> headers(String name) {
    List<String> values = new ArrayList<>();
    for (Header h : headers) {
      if (h.is(name)) {
        values.add(h.value());
      }
    }
    return values;
  }
}
