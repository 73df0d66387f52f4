package org.covenant.safety;

import java.util.Objects;

/**
 * A webinar invite or reminder as the platform holds it: customer content of category
 * {@code customer_content.webinar_invite} (ARCHITECTURE.md §2), owned by an account.
 *
 * @param contentId the content id (global, ARCHITECTURE.md §3)
 * @param accountId the owning account
 * @param message the invite as a message
 */
public record Invite(String contentId, String accountId, Message message) {
  /** Requires every part and non-blank ids. */
  public Invite {
    Objects.requireNonNull(contentId, "contentId");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(message, "message");
    if (contentId.isBlank() || accountId.isBlank()) {
      throw new IllegalArgumentException("contentId and accountId must not be blank");
    }
  }
}
