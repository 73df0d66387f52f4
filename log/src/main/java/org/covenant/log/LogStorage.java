package org.covenant.log;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link TiledLog} keeps its tlog-tiles files: the data directory's {@code log/} (the
 * default, {@link #files}) or a shared database, so that several servers serve one log and an
 * elected writer appends to it (docs/CLUSTER.md). Paths are relative to the log's root, as
 * {@link TilePaths} names them ({@code checkpoint}, {@code tile/0/000}, {@code checkpoints/12}).
 *
 * <p>A storage's {@link #commit} is the commit point of an append: after it returns, the new
 * checkpoint and every file it covers are durable; when it throws, the caller cannot tell whether
 * it committed and must {@link TiledLog#refresh()} (or reopen) before appending again.
 */
public interface LogStorage extends AutoCloseable {
  /** One file of an append. */
  record Write(String path, byte[] data) {}

  /** The stored bytes of {@code path}, empty when there is no such file. */
  Optional<byte[]> read(String path) throws IOException;

  /** Stores {@code checkpoint} as the log of size 0 unless a checkpoint is stored already. */
  void initialize(byte[] checkpoint) throws IOException;

  /**
   * Stores {@code files} and then commits {@code checkpoint}, the log of {@code to} leaves that
   * extends the committed log of {@code from} leaves.
   *
   * @throws LogException {@code log_fenced} when this writer may no longer write (another one
   *     took over, or the stored log is no longer of {@code from} leaves): nothing committed
   */
  void commit(long from, long to, List<Write> files, byte[] checkpoint) throws IOException;

  /** Housekeeping after a commit from {@code from} to {@code to} leaves; failures are ignored. */
  default void afterCommit(long from, long to) {}

  /** Housekeeping when a writer opens a log of {@code size} committed leaves. */
  default void recover(long size) throws IOException {}

  /** Where the log lives, for messages. */
  String describe();

  /** The data directory's {@code log/} directory, when the log is stored in files. */
  default Optional<java.nio.file.Path> directory() {
    return Optional.empty();
  }

  /** Releases what the storage holds (a writer's lock). */
  @Override
  void close();
}
