package org.covenant.safety;

import java.util.Objects;

/**
 * A link found in an invite: where it points and what the reader is shown.
 *
 * <p>A link found as a bare URL in plain text has its own URL as anchor text. The scanner
 * compares the domain written in {@link #anchorText()} (if any) with the domain of
 * {@link #href()}: a mismatch is a phishing signal (see {@link InviteScanner}).
 *
 * @param href the target as written (not normalized)
 * @param anchorText the visible text of the link, whitespace-collapsed, possibly empty
 */
public record Link(String href, String anchorText) {
  /** Validates that both parts are present. */
  public Link {
    Objects.requireNonNull(href, "href");
    Objects.requireNonNull(anchorText, "anchorText");
  }

  /** The lowercase host of {@link #href()}, or empty when it has none (mailto:, relative). */
  public String host() {
    return Domains.hostOfUrl(href);
  }
}
