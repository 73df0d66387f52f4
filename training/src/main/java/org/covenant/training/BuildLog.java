package org.covenant.training;

import java.nio.file.Path;
import java.util.List;
import org.covenant.log.FileKeyStore;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;

/**
 * Where a dataset build logs its one leaf (ARCHITECTURE.md §7: bulk jobs log one leaf per job
 * holding the Merkle root of their manifest, not one per record).
 */
public interface BuildLog {
  /**
   * A committed leaf.
   *
   * @param index the leaf's index in the log
   * @param checkpointBefore the signed checkpoint the build saw (the log state it is consistent
   *     with), as C2SP signed-note text
   * @param checkpoint the signed checkpoint that commits the leaf
   */
  record Entry(long index, String checkpointBefore, String checkpoint) {}

  /** Appends one leaf durably and returns where it is. */
  Entry append(byte[] leaf);

  /**
   * The transparency log of a data directory ({@code DIR/log}, key in {@code DIR/keys}), opened
   * for the one append and closed again so that other writers can take it.
   *
   * @throws org.covenant.log.LogException when the log is held by another writer or damaged
   */
  static BuildLog dataDir(Path dataDir) {
    return leaf -> {
      NoteSigner signer = FileKeyStore.loadOrCreate(dataDir, FileKeyStore.DEFAULT_NAME);
      try (TiledLog log = TiledLog.open(dataDir, signer)) {
        String before = log.checkpoint().note();
        long index = log.append(List.of(leaf));
        return new Entry(index, before, log.checkpoint().note());
      }
    };
  }
}
