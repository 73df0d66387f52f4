package org.covenant.safety;

import java.util.Objects;

/**
 * A link whose visible text names one domain while it leads to another, compared by
 * registrable domain ({@code www.bank.example} and {@code login.bank.example} match).
 *
 * @param href the link target as written
 * @param shownHost the host the anchor text claims
 * @param actualHost the host the link leads to
 */
public record LinkMismatch(String href, String shownHost, String actualHost) {
  /** Requires every part. */
  public LinkMismatch {
    Objects.requireNonNull(href, "href");
    Objects.requireNonNull(shownHost, "shownHost");
    Objects.requireNonNull(actualHost, "actualHost");
  }
}
