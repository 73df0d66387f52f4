package org.covenant.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.covenant.format.CanonicalJson;
import org.covenant.format.Json;

/**
 * The one leaf a bulk job logs (ARCHITECTURE.md §7: one leaf per job holding the Merkle root of
 * its manifest, not one per record), as RFC 8785 canonical JSON: a consent-filtered dataset
 * build, a public (licensed) corpus, and a private telemetry release's budget entry.
 */
public final class JobLeaves {
  /** The leaf type of a consent-filtered dataset build. */
  public static final String DATASET_BUILD = "dataset.build";
  /** The leaf type of a public corpus used as a dataset. */
  public static final String DATASET_PUBLIC = "dataset.public";
  /** The leaf type of a private telemetry release. */
  public static final String TELEMETRY_RELEASE = "telemetry.release";

  private JobLeaves() {}

  /**
   * A dataset build: what was asked (purpose, time, ledger position, policy revision), what it
   * read (the corpus's digest and size) and what it included (count, Merkle root, ids' digest).
   */
  public static byte[] datasetBuild(String build, String purpose, Instant at, long ledgerPosition,
      String policyRevision, String corpusSha256, long records, long included,
      String includedRoot, String includedIdsSha256) {
    ObjectNode leaf = Json.object();
    leaf.put("type", DATASET_BUILD);
    leaf.put("build", build);
    leaf.put("purpose", purpose);
    leaf.put("at", at.toString());
    leaf.put("ledger_position", ledgerPosition);
    leaf.put("policy_revision", policyRevision);
    leaf.put("corpus_sha256", corpusSha256);
    leaf.put("records", records);
    leaf.put("included", included);
    leaf.put("included_root", includedRoot);
    leaf.put("included_ids_sha256", includedIdsSha256);
    return CanonicalJson.canonicalize(leaf);
  }

  /** A public corpus under a license, every record included. */
  public static byte[] publicDataset(String build, String corpusSha256, String includedRoot,
      String license, long records) {
    ObjectNode leaf = Json.object();
    leaf.put("type", DATASET_PUBLIC);
    leaf.put("build", build);
    leaf.put("corpus_sha256", corpusSha256);
    leaf.put("included_root", includedRoot);
    leaf.put("license", license);
    leaf.put("records", records);
    return CanonicalJson.canonicalize(leaf);
  }

  /** A private release's budget entry (a record Jackson writes as an object), typed. */
  public static byte[] telemetryRelease(Object entry) {
    ObjectNode leaf = Json.MAPPER.valueToTree(entry);
    leaf.put("type", TELEMETRY_RELEASE);
    return CanonicalJson.canonicalize(leaf);
  }
}
