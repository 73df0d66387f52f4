package org.covenant.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.covenant.evidence.DataDirectory;
import org.covenant.evidence.JobLeaves;
import org.covenant.evidence.LedgerFeed;
import org.covenant.format.Json;
import org.covenant.log.LogException;

/**
 * A bulk job's one leaf (a dataset build, a public corpus, a telemetry release: {@link
 * JobLeaves}) given to the cluster's log from a CLI with {@code --db} (docs/CLUSTER.md, "Job
 * leaves"): the CLI queues it in {@code job_leaf} and waits; the elected writer logs it at its next
 * tick and stores where it went (index, checkpoint before, checkpoint after). The salt erasure
 * queue ({@code salt_erasure}) works the same way. Only job leaf types are accepted, so no one with
 * database access can slip a ledger-event leaf past the writer's feed; anything else is marked
 * refused ({@code leaf_index = -1}).
 */
public final class JobLeafQueue {
  /** The leaf types the writer logs from the queue. */
  static final Set<String> TYPES = Set.of(JobLeaves.DATASET_BUILD, JobLeaves.DATASET_PUBLIC,
      JobLeaves.TELEMETRY_RELEASE);

  private JobLeafQueue() {}

  /**
   * Queues {@code leaf} and waits up to {@code wait} for the writer to log it.
   *
   * @throws LogException {@code log_unavailable} when no writer logged it in time (the request
   *     is withdrawn unless the writer took it meanwhile, so it is never logged later without the
   *     caller knowing); {@code leaf_refused} when the writer refused its type
   */
  public static DataDirectory.Appended append(ClusterDb db, byte[] leaf, Duration wait) {
    long row = db.run("queue a job leaf", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + db.table("job_leaf")
          + " (leaf, requested) VALUES (?, clock_timestamp()) RETURNING id")) {
        ps.setBytes(1, leaf);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
    long end = System.nanoTime() + wait.toNanos();
    while (true) {
      Optional<DataDirectory.Appended> done = read(db, row);
      if (done.isPresent()) {
        if (done.get().index() < 0) {
          throw new LogException("leaf_refused", "the log's writer refused the queued leaf "
              + "(not a job leaf: " + String.join(", ", TYPES) + ")");
        }
        return done.get();
      }
      if (System.nanoTime() > end) {
        int withdrawn = db.run("withdraw a job leaf", c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + db.table("job_leaf")
              + " WHERE id = ? AND leaf_index IS NULL")) {
            ps.setLong(1, row);
            return ps.executeUpdate();
          }
        });
        if (withdrawn == 0) {
          continue; // the writer logged it just now: read where
        }
        throw new LogException("log_unavailable", "no log writer (a `covenant serve --db … "
            + "--log-key …` member) logged the leaf within " + wait.toSeconds() + " s; nothing "
            + "was logged. Start a member with the log key, or retry");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LogException("log_unavailable", "interrupted while waiting for the log writer");
      }
    }
  }

  private static Optional<DataDirectory.Appended> read(ClusterDb db, long row) {
    return db.run("read a job leaf", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT leaf_index, checkpoint_before, "
          + "checkpoint FROM " + db.table("job_leaf") + " WHERE id = ?")) {
        ps.setLong(1, row);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<DataDirectory.Appended>empty();
          }
          long index = rs.getLong(1);
          return rs.wasNull() ? Optional.<DataDirectory.Appended>empty()
              : Optional.of(new DataDirectory.Appended(index, rs.getString(2), rs.getString(3)));
        }
      }
    });
  }

  /**
   * Logs the queued job leaves (writer only), oldest first. A leaf is marked after its commit: a
   * writer that dies in between leaves it to be logged again by the next (a duplicate leaf, never
   * a missing one, as for decision summaries).
   */
  static void logQueued(ClusterDb db, LedgerFeed f) {
    record Queued(long id, byte[] leaf) {}
    List<Queued> pending = db.run("list job leaves", c -> {
      List<Queued> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, leaf FROM "
          + db.table("job_leaf") + " WHERE leaf_index IS NULL ORDER BY id LIMIT 100");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Queued(rs.getLong(1), rs.getBytes(2)));
        }
      }
      return out;
    });
    for (Queued q : pending) {
      DataDirectory.Appended a = jobLeaf(q.leaf()) ? f.appendJobLeaf(q.leaf())
          : new DataDirectory.Appended(-1, null, null);
      db.run("mark a job leaf logged", c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + db.table("job_leaf")
            + " SET leaf_index = ?, checkpoint_before = ?, checkpoint = ? WHERE id = ?")) {
          ps.setLong(1, a.index());
          ps.setString(2, a.checkpointBefore());
          ps.setString(3, a.checkpoint());
          ps.setLong(4, q.id());
          return ps.executeUpdate();
        }
      });
    }
  }

  private static boolean jobLeaf(byte[] leaf) {
    try {
      JsonNode j = Json.parse(new String(leaf, StandardCharsets.UTF_8));
      return j.isObject() && TYPES.contains(j.path("type").asText());
    } catch (RuntimeException e) {
      return false;
    }
  }
}
