package org.covenant.safety;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One invite in the review queue.
 *
 * @param invite the held invite
 * @param scan what the scanner said when it held it
 * @param status held, released or confirmed
 * @param reviewer who decided, or "" while held
 * @param verdict the final verdict: the scanner's while held, {@code clean} once released, the
 *     reviewer's ({@code spam} or {@code fraud}) once confirmed
 * @param heldAt when the scanner held it: the capture time a training round's consent-filtered
 *     dataset build judges the invite at
 * @param decidedAt when the reviewer decided (empty while held, and for decisions recorded
 *     before the time was kept)
 */
public record ReviewItem(Invite invite, ScanResult scan, ReviewStatus status, String reviewer,
    ScanVerdict verdict, Instant heldAt, Optional<Instant> decidedAt) {
  /** Requires every part; held items have no reviewer, decided ones have one. */
  public ReviewItem {
    Objects.requireNonNull(invite, "invite");
    Objects.requireNonNull(scan, "scan");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reviewer, "reviewer");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(heldAt, "heldAt");
    Objects.requireNonNull(decidedAt, "decidedAt");
    if (status == ReviewStatus.HELD && decidedAt.isPresent()) {
      throw new IllegalArgumentException("a held item has no decision time");
    }
    if ((status == ReviewStatus.HELD) != reviewer.isEmpty()) {
      throw new IllegalArgumentException("a held item has no reviewer, a decided one has one");
    }
    if (status == ReviewStatus.CONFIRMED && !verdict.flagged()) {
      throw new IllegalArgumentException("a confirmed item is spam or fraud");
    }
    if (status == ReviewStatus.RELEASED && verdict != ScanVerdict.CLEAN) {
      throw new IllegalArgumentException("a released item is clean");
    }
  }

  /** An item without a decision time (held, or decided before the time was kept). */
  public ReviewItem(Invite invite, ScanResult scan, ReviewStatus status, String reviewer,
      ScanVerdict verdict, Instant heldAt) {
    this(invite, scan, status, reviewer, verdict, heldAt, Optional.empty());
  }

  /** The content id of the invite, which is also the item's id. */
  public String contentId() {
    return invite.contentId();
  }
}
