package org.covenant.safety;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.covenant.core.Sha256;

/**
 * The record of one scan batch, handed to {@link ScanDecisionLog}: one decision for purpose
 * {@value #PURPOSE} over every invite of the batch, with a manifest digest so that the
 * transparency log holds one leaf per batch, not one per invite (ARCHITECTURE.md §7, bulk jobs).
 *
 * @param batchId the caller's id for the batch
 * @param purpose always {@value #PURPOSE}
 * @param model the lineage of the model used ({@link ModelInfo#dataset()})
 * @param entries one entry per scanned invite, in scan order
 * @param manifestSha256 lowercase hex SHA-256 of the manifest: for each entry the line
 *     {@code contentId TAB accountId TAB verdict TAB score(6 decimals) LF}
 */
public record ScanBatch(String batchId, String purpose, String model, List<Entry> entries,
    String manifestSha256) {
  /** The purpose every scan is a use for (ARCHITECTURE.md §2). */
  public static final String PURPOSE = "safety.abuse_scanning";

  /**
   * One scanned invite.
   *
   * @param contentId the invite's content id
   * @param accountId the owning account
   * @param verdict the verdict
   * @param score the spam probability
   */
  public record Entry(String contentId, String accountId, ScanVerdict verdict, double score) {
    /** Requires every part. */
    public Entry {
      Objects.requireNonNull(contentId, "contentId");
      Objects.requireNonNull(accountId, "accountId");
      Objects.requireNonNull(verdict, "verdict");
    }
  }

  /** Copies the entries; requires the digest to match them. */
  public ScanBatch {
    Objects.requireNonNull(batchId, "batchId");
    Objects.requireNonNull(model, "model");
    if (!PURPOSE.equals(purpose)) {
      throw new IllegalArgumentException("purpose must be " + PURPOSE);
    }
    entries = List.copyOf(entries);
    if (!manifest(entries).equals(manifestSha256)) {
      throw new IllegalArgumentException("manifest digest does not match the entries");
    }
  }

  /** A batch with its manifest digest computed. */
  public static ScanBatch of(String batchId, String model, List<Entry> entries) {
    return new ScanBatch(batchId, PURPOSE, model, entries, manifest(entries));
  }

  /** The number of entries with {@code verdict}. */
  public long count(ScanVerdict verdict) {
    return entries.stream().filter(e -> e.verdict() == verdict).count();
  }

  private static String manifest(List<Entry> entries) {
    MessageDigest sha = Sha256.newDigest();
    for (Entry e : entries) {
      String line = e.contentId() + "\t" + e.accountId() + "\t" + e.verdict().code() + "\t"
          + String.format(Locale.ROOT, "%.6f", e.score()) + "\n";
      sha.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return Sha256.hex(sha);
  }
}
