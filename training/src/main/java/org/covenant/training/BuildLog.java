package org.covenant.training;

import java.nio.file.Path;
import org.covenant.evidence.DataDirectory;

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
   * The transparency log of a data directory, taken for the one append as
   * {@link DataDirectory#appendOne} says (its lock policy for bulk jobs).
   *
   * @throws org.covenant.log.LogException when the log is held by another writer or damaged
   */
  static BuildLog dataDir(Path dataDir) {
    DataDirectory dir = DataDirectory.at(dataDir);
    return leaf -> {
      DataDirectory.Appended a = dir.appendOne(leaf);
      return new Entry(a.index(), a.checkpointBefore(), a.checkpoint());
    };
  }
}
