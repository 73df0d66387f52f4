package org.covenant.log;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LogStorage} in a map, for tests that need many leaves fast or that count what the log
 * reads: it keeps every file and commits as the file storage does (files first, then the
 * checkpoint).
 */
final class MemoryLogStorage implements LogStorage {
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong tileReads = new AtomicLong();

  @Override
  public Optional<byte[]> read(String path) {
    reads.incrementAndGet();
    if (path.startsWith("tile/") && !path.startsWith("tile/entries/")) {
      tileReads.incrementAndGet();
    }
    return Optional.ofNullable(files.get(path)).map(byte[]::clone);
  }

  @Override
  public void initialize(byte[] checkpoint) {
    if (files.putIfAbsent(TilePaths.CHECKPOINT, checkpoint.clone()) == null) {
      files.put(TilePaths.checkpointAt(0), checkpoint.clone());
    }
  }

  @Override
  public void commit(long from, long to, List<Write> writes, byte[] checkpoint) {
    for (Write w : writes) {
      files.put(w.path(), w.data().clone());
    }
    files.put(TilePaths.CHECKPOINT, checkpoint.clone());
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public void close() {}

  /** Reads of any file so far. */
  long reads() {
    return reads.get();
  }

  /** Reads of hash tiles so far. */
  long tileReads() {
    return tileReads.get();
  }

  /** Replaces a stored file's bytes, as damage on disk would. */
  void put(String path, byte[] data) {
    files.put(path, data.clone());
  }

  /** A stored file's bytes. */
  byte[] get(String path) {
    return files.get(path).clone();
  }
}
