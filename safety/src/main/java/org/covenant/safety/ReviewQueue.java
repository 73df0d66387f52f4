package org.covenant.safety;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The review queue for flagged invites: the scanner holds, a reviewer releases or confirms, and
 * reviewed invites become labelled examples for the next training round only where
 * {@link TrainingDataGate} allows (ARCHITECTURE.md §5: no training on customer content
 * without consent).
 *
 * <p>Items are keyed by content id. Holding an already-known content id changes nothing and
 * returns the existing item; each item is reviewed once. Thread-safe (one lock per queue).
 */
public final class ReviewQueue {
  private final ReviewStore store;
  private final TrainingDataGate gate;

  private ReviewQueue(ReviewStore store, TrainingDataGate gate) {
    this.store = store;
    this.gate = gate;
  }

  /** A queue over {@code store} that asks {@code gate} before any training use. */
  public static ReviewQueue create(ReviewStore store, TrainingDataGate gate) {
    return new ReviewQueue(Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(gate, "gate"));
  }

  /**
   * Holds a flagged invite, scanned at {@code at}. A clean scan result is a caller bug
   * ({@link IllegalArgumentException}): only flagged invites are held.
   */
  public synchronized ReviewItem hold(Invite invite, ScanResult scan, Instant at) {
    if (!scan.verdict().flagged()) {
      throw new IllegalArgumentException("only spam or fraud is held, not clean");
    }
    Optional<ReviewItem> known = store.find(invite.contentId());
    if (known.isPresent()) {
      return known.get();
    }
    ReviewItem item = new ReviewItem(invite, scan, ReviewStatus.HELD, "", scan.verdict(), at);
    store.put(item);
    return item;
  }

  /** A reviewer found the invite legitimate: it is delivered and labelled ham. */
  public synchronized ReviewOutcome release(String contentId, String reviewer) {
    return decide(contentId, reviewer, ReviewStatus.RELEASED, ScanVerdict.CLEAN, Optional.empty());
  }

  /** As {@link #release(String, String)}, recording when the reviewer decided. */
  public synchronized ReviewOutcome release(String contentId, String reviewer, Instant at) {
    return decide(contentId, reviewer, ReviewStatus.RELEASED, ScanVerdict.CLEAN, Optional.of(at));
  }

  /** A reviewer confirmed the invite as {@code spam} or {@code fraud}: it stays blocked. */
  public synchronized ReviewOutcome confirm(String contentId, String reviewer, ScanVerdict verdict) {
    return confirm(contentId, reviewer, verdict, Optional.empty());
  }

  /** As {@link #confirm(String, String, ScanVerdict)}, recording when the reviewer decided. */
  public synchronized ReviewOutcome confirm(String contentId, String reviewer, ScanVerdict verdict,
      Instant at) {
    return confirm(contentId, reviewer, verdict, Optional.of(at));
  }

  private ReviewOutcome confirm(String contentId, String reviewer, ScanVerdict verdict,
      Optional<Instant> at) {
    if (!verdict.flagged()) {
      return new ReviewOutcome.Refused("bad_verdict",
          "confirm `" + contentId + "` as spam or fraud, not clean (release it instead)");
    }
    return decide(contentId, reviewer, ReviewStatus.CONFIRMED, verdict, at);
  }

  private ReviewOutcome decide(String contentId, String reviewer, ReviewStatus status,
      ScanVerdict verdict, Optional<Instant> at) {
    if (reviewer.isBlank()) {
      throw new IllegalArgumentException("reviewer is blank");
    }
    Optional<ReviewItem> found = store.find(contentId);
    if (found.isEmpty()) {
      return new ReviewOutcome.Refused("unknown_item", "no held invite `" + contentId + "`");
    }
    ReviewItem item = found.get();
    if (item.status() != ReviewStatus.HELD) {
      return new ReviewOutcome.Refused("already_reviewed",
          "invite `" + contentId + "` was already " + item.status().code() + " by `"
              + item.reviewer() + "`");
    }
    ReviewItem decided = new ReviewItem(item.invite(), item.scan(), status, reviewer, verdict,
        item.heldAt(), at);
    store.put(decided);
    return new ReviewOutcome.Applied(decided);
  }

  /** The item for {@code contentId}, if it was ever held. */
  public synchronized Optional<ReviewItem> item(String contentId) {
    return store.find(contentId);
  }

  /** The items still waiting for a reviewer, oldest first. */
  public synchronized List<ReviewItem> held() {
    List<ReviewItem> out = new ArrayList<>();
    for (ReviewItem i : store.all()) {
      if (i.status() == ReviewStatus.HELD) {
        out.add(i);
      }
    }
    return out;
  }

  /** The items a reviewer released or confirmed, in the order first held. */
  public synchronized List<ReviewItem> decided() {
    List<ReviewItem> out = new ArrayList<>();
    for (ReviewItem i : store.all()) {
      if (i.status() != ReviewStatus.HELD) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * The reviewed items the next training round may use, asking the gate for each now:
   * confirmed → {@link Label#SPAM}, released → {@link Label#HAM}.
   */
  public synchronized TrainingHarvest trainingExamples() {
    List<LabelledExample> examples = new ArrayList<>();
    TreeSet<String> accounts = new TreeSet<>();
    List<String> excluded = new ArrayList<>();
    for (ReviewItem i : store.all()) {
      if (i.status() == ReviewStatus.HELD) {
        continue;
      }
      if (!gate.mayLearnFrom(i.contentId())) {
        excluded.add(i.contentId());
        continue;
      }
      Label label = i.status() == ReviewStatus.CONFIRMED ? Label.SPAM : Label.HAM;
      examples.add(new LabelledExample(i.contentId(), i.invite().message(), label));
      accounts.add(i.invite().accountId());
    }
    return new TrainingHarvest(examples, accounts, excluded);
  }
}
