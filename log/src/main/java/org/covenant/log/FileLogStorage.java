package org.covenant.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A log in a data directory's {@code log/} (static files a web server can publish): an append
 * writes bundles, tiles and {@code checkpoints/<size>} to temporary files, fsyncs them, renames
 * them into place and fsyncs their directories; only then does it replace {@code checkpoint} the
 * same way. That rename is the commit point. One writer per directory: a file lock at
 * {@code DIR/log.lock} keeps other processes out.
 */
final class FileLogStorage implements LogStorage {
  private static final int FSYNC_THREADS = 16;

  private final Path logDir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final ExecutorService fsyncPool;

  private FileLogStorage(Path logDir, FileChannel lockChannel, FileLock lock, boolean writer) {
    this.logDir = logDir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.fsyncPool = !writer ? null : Executors.newFixedThreadPool(FSYNC_THREADS, r -> {
      Thread t = new Thread(r, "covenant-log-fsync");
      t.setDaemon(true);
      return t;
    });
  }

  /** The writer's storage of {@code dataDir/log}, holding its lock. */
  static FileLogStorage writer(Path dataDir) {
    Path logDir = dataDir.resolve("log");
    FileChannel channel = null;
    try {
      for (Path p : AtomicFiles.createDirectories(logDir.resolve(TilePaths.CHECKPOINTS))) {
        AtomicFiles.fsyncDirectory(p);
      }
      channel = FileChannel.open(dataDir.resolve("log.lock"),
          java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          AtomicFiles.privateFile());
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new LogException("log_locked", "another writer holds `" + logDir + "`");
      }
      return new FileLogStorage(logDir, channel, lock, true);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new LogException("log_io", "cannot open the log in `" + logDir + "`", e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /** A reader's storage of {@code dataDir/log}: no lock, no writes. */
  static FileLogStorage reader(Path dataDir) {
    return new FileLogStorage(dataDir.resolve("log"), null, null, false);
  }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(logDir.resolve(path)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void initialize(byte[] checkpoint) throws IOException {
    Path checkpointFile = logDir.resolve(TilePaths.CHECKPOINT);
    if (!Files.exists(checkpointFile)) {
      AtomicFiles.write(logDir.resolve(TilePaths.checkpointAt(0)), checkpoint);
      AtomicFiles.write(checkpointFile, checkpoint);
    }
  }

  @Override
  public void commit(long from, long to, List<Write> files, byte[] checkpoint)
      throws IOException {
    List<AtomicFiles.Write> writes = new ArrayList<>(files.size());
    for (Write w : files) {
      writes.add(new AtomicFiles.Write(logDir.resolve(w.path()), w.data()));
    }
    // The kept copy (checkpoints/N) travels with the tiles: a crash before the commit leaves it
    // beyond the committed size, where recover() discards it.
    AtomicFiles.writeAll(writes, fsyncPool);
    try {
      AtomicFiles.write(logDir.resolve(TilePaths.CHECKPOINT), checkpoint);
    } catch (IOException | RuntimeException e) {
      throw new TiledLog.UncertainCommit("commit of tree size " + to + " failed", e);
    }
  }

  /**
   * Once a tile or bundle is full its partial versions may go (C2SP tlog-tiles "Partial Tiles").
   * Deleting them is housekeeping: a leftover partial is harmless, so failures are ignored.
   */
  @Override
  public void afterCommit(long start, long end) {
    int w = TilePaths.TILE_WIDTH;
    List<Path> dirs = new ArrayList<>();
    for (long b = start / w; b < end / w; b++) {
      dirs.add(logDir.resolve(TilePaths.entries(b, w) + ".p"));
    }
    for (int level = 0; level * 8 < 64; level++) {
      long before = start >>> (8 * level);
      long after = end >>> (8 * level);
      if (after == before) {
        break;
      }
      for (long t = before / w; t < after / w; t++) {
        dirs.add(logDir.resolve(TilePaths.tile(level, t, w) + ".p"));
      }
    }
    for (Path d : dirs) {
      try {
        AtomicFiles.deleteTree(d);
      } catch (IOException e) {
        // Harmless garbage; the next open or a later append does not depend on it.
      }
    }
  }

  /** Removes checkpoints a crash left signed but never committed (beyond {@code size}). */
  @Override
  public void recover(long size) throws IOException {
    Path dir = logDir.resolve(TilePaths.CHECKPOINTS);
    boolean removed = false;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.chars().allMatch(c -> c >= '0' && c <= '9')
            && name.length() < 19
            && Long.parseLong(name) > size) {
          Files.delete(p);
          removed = true;
        }
      }
    }
    if (removed) {
      AtomicFiles.fsyncDirectory(dir);
    }
  }

  @Override
  public String describe() {
    return logDir.toString();
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(logDir);
  }

  @Override
  public void close() {
    if (fsyncPool != null) {
      fsyncPool.shutdown();
      try {
        fsyncPool.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (lock != null) {
        lock.release();
      }
    } catch (IOException e) {
      throw new LogException("log_io", "cannot release the log lock", e);
    } finally {
      closeQuietly(lockChannel);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Closing the lock file cannot lose data; the lock dies with the channel either way.
    }
  }
}
