package org.covenant.safety;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Screens batches of invites: scans each with the {@link InviteScanner}, holds the flagged ones
 * in the {@link ReviewQueue}, and records the batch as one decision for
 * {@code safety.abuse_scanning} in the {@link ScanDecisionLog} (ARCHITECTURE.md §5, §7).
 * The decision is recorded before the call returns, so no verdict is acted on unlogged.
 */
public final class InviteScreening {
  private final InviteScanner scanner;
  private final ReviewQueue queue;
  private final ScanDecisionLog log;

  private InviteScreening(InviteScanner scanner, ReviewQueue queue, ScanDecisionLog log) {
    this.scanner = scanner;
    this.queue = queue;
    this.log = log;
  }

  /** A screening service over the given scanner, queue and log. */
  public static InviteScreening create(InviteScanner scanner, ReviewQueue queue,
      ScanDecisionLog log) {
    return new InviteScreening(Objects.requireNonNull(scanner, "scanner"),
        Objects.requireNonNull(queue, "queue"), Objects.requireNonNull(log, "log"));
  }

  /**
   * The results of one batch, in invite order, and the batch record that was logged.
   *
   * @param results one scan result per invite
   * @param batch the logged batch
   */
  public record Screened(List<ScanResult> results, ScanBatch batch) {
    /** Copies the results. */
    public Screened {
      results = List.copyOf(results);
      Objects.requireNonNull(batch, "batch");
    }
  }

  /** Scans, holds and logs one batch named {@code batchId}, screened at {@code at}. */
  public Screened screen(String batchId, List<Invite> invites, Instant at) {
    List<ScanResult> results = new ArrayList<>(invites.size());
    List<ScanBatch.Entry> entries = new ArrayList<>(invites.size());
    for (Invite invite : invites) {
      ScanResult r = scanner.scan(invite.message());
      results.add(r);
      entries.add(new ScanBatch.Entry(invite.contentId(), invite.accountId(), r.verdict(),
          r.score()));
    }
    ScanBatch batch = ScanBatch.of(batchId, scanner.model().info().dataset(), entries);
    log.recordBatch(batch);
    for (int k = 0; k < invites.size(); k++) {
      if (results.get(k).verdict().flagged()) {
        queue.hold(invites.get(k), results.get(k), at);
      }
    }
    return new Screened(results, batch);
  }
}
