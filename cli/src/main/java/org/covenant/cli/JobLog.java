package org.covenant.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.covenant.evidence.DataDirectory;
import org.covenant.server.cluster.ClusterDb;
import org.covenant.server.cluster.JobLeafQueue;
import org.covenant.store.LedgerConfig;
import org.covenant.training.BuildLog;

/**
 * Where a bulk job's one leaf goes: the data directory's own log, or with {@code --db} the
 * cluster's log, queued in PostgreSQL for its elected writer (docs/CLUSTER.md, "Job leaves").
 */
final class JobLog implements AutoCloseable {
  /** How long a CLI waits for the cluster's writer to log its leaf. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private final Path data;
  private final Optional<LedgerConfig.Postgres> db;
  private ClusterDb cluster;

  private JobLog(Path data, Optional<LedgerConfig.Postgres> db) {
    this.data = data;
    this.db = db;
  }

  static JobLog of(Path data, Optional<LedgerConfig.Postgres> db) {
    return new JobLog(data, db);
  }

  /** The cluster's log of the ledger in {@code db}: every leaf is queued for its writer. */
  static JobLog cluster(LedgerConfig.Postgres db) {
    // INVARIANT: with a database the data directory is never read.
    return new JobLog(null, Optional.of(db));
  }

  /** The dataset builder's view. */
  BuildLog buildLog() {
    if (db.isEmpty()) {
      return BuildLog.dataDir(data);
    }
    return leaf -> {
      DataDirectory.Appended a = append(leaf);
      return new BuildLog.Entry(a.index(), a.checkpointBefore(), a.checkpoint());
    };
  }

  /** Appends one leaf and says where it went. */
  synchronized DataDirectory.Appended append(byte[] leaf) {
    if (db.isEmpty()) {
      return DataDirectory.at(data).appendOne(leaf);
    }
    if (cluster == null) {
      cluster = ClusterDb.open(db.get());
    }
    return JobLeafQueue.append(cluster, leaf, WAIT);
  }

  @Override
  public synchronized void close() {
    if (cluster != null) {
      cluster.close();
    }
  }
}
