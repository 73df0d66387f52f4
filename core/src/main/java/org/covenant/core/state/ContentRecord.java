package org.covenant.core.state;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.covenant.core.vocab.Category;

/**
 * A registered content item as the ledger holds it (ARCHITECTURE.md §3 {@code content.created}).
 *
 * @param id global content id
 * @param category its category
 * @param account the owning account for customer content; the account named on the record
 * @param meeting the meeting it was captured in, if any
 * @param author who produced it, if known
 * @param contributors every contributing account, the owning account first
 * @param at capture time
 * @param position ledger position of its {@code content.created}
 */
public record ContentRecord(
    String id,
    Category category,
    String account,
    Optional<String> meeting,
    Optional<String> author,
    List<String> contributors,
    Instant at,
    long position) {
  /** Validates and copies. */
  public ContentRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(meeting, "meeting");
    Objects.requireNonNull(author, "author");
    contributors = List.copyOf(contributors);
    Objects.requireNonNull(at, "at");
  }
}
