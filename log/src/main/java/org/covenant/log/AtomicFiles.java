package org.covenant.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Crash-safe file replacement: write a temporary sibling, fsync it, rename it over the target and
 * fsync the directory. A reader sees the old file or the new one, never a torn one; after the
 * directory fsync the new one survives a power cut.
 */
final class AtomicFiles {
  private static final String TEMP_PREFIX = ".tmp-";

  /** One file to write. */
  record Write(Path target, byte[] data) {}

  private AtomicFiles() {}

  /** Writes one file durably. */
  static void write(Path target, byte[] data) throws IOException {
    writeAll(List.of(new Write(target, data)), null);
  }

  /**
   * Writes every file durably. The costly fsyncs run on {@code pool} when one is given: journaling
   * file systems commit concurrent fsyncs together, which is what makes batched appends fast. Every
   * file is durable and in place when this returns; on failure some may be.
   */
  static void writeAll(List<Write> writes, ExecutorService pool) throws IOException {
    Set<Path> dirs = new LinkedHashSet<>();
    for (Write w : writes) {
      dirs.addAll(createDirectories(w.target().getParent()));
      dirs.add(w.target().getParent());
    }
    List<Path> temps = new ArrayList<>(writes.size());
    List<IoTask> tasks = new ArrayList<>(writes.size());
    for (Write w : writes) {
      Path temp = w.target().resolveSibling(TEMP_PREFIX + w.target().getFileName());
      temps.add(temp);
      tasks.add(() -> writeSynced(temp, w.data()));
    }
    run(tasks, pool);
    for (int i = 0; i < writes.size(); i++) {
      Files.move(
          temps.get(i),
          writes.get(i).target(),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    }
    List<IoTask> syncs = new ArrayList<>(dirs.size());
    for (Path d : dirs) {
      syncs.add(() -> fsyncDirectory(d));
    }
    run(syncs, pool);
  }

  /** Fsyncs a directory so that renames and creations in it are durable (Linux, macOS). */
  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Creates {@code dir} and its missing ancestors; returns the parents of each created directory,
   * which must be fsynced for the creation to be durable.
   */
  static Collection<Path> createDirectories(Path dir) throws IOException {
    List<Path> created = new ArrayList<>();
    List<Path> missing = new ArrayList<>();
    // absolute, so that a relative directory (`--data k`) still has a parent to fsync
    for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.add(0, p);
    }
    for (Path p : missing) {
      try {
        Files.createDirectory(p, privateDir());
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(p)) {
          throw e;
        }
      }
      created.add(p.getParent());
    }
    return created;
  }

  private static final boolean POSIX =
      java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  /** Creates directories 0700: the data directory is the owner's only (docs/DECISIONS.md). */
  static java.nio.file.attribute.FileAttribute<?>[] privateDir() {
    return POSIX ? new java.nio.file.attribute.FileAttribute<?>[] {
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"))}
        : new java.nio.file.attribute.FileAttribute<?>[0];
  }

  /** Creates files 0600. */
  static java.nio.file.attribute.FileAttribute<?>[] privateFile() {
    return POSIX ? new java.nio.file.attribute.FileAttribute<?>[] {
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))}
        : new java.nio.file.attribute.FileAttribute<?>[0];
  }

  /** Deletes {@code dir} and everything under it; missing is fine. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = s.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      try {
        Files.delete(p);
      } catch (NoSuchFileException e) {
        // Already gone: the goal state.
      }
    }
  }

  private static void writeSynced(Path path, byte[] data) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            path,
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING),
            privateFile())) {
      ByteBuffer b = ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  @FunctionalInterface
  private interface IoTask {
    void run() throws IOException;
  }

  private static void run(List<IoTask> tasks, ExecutorService pool) throws IOException {
    if (pool == null || tasks.size() < 2) {
      for (IoTask t : tasks) {
        t.run();
      }
      return;
    }
    List<Future<Void>> futures = new ArrayList<>(tasks.size());
    for (IoTask t : tasks) {
      futures.add(
          pool.submit(
              () -> {
                t.run();
                return null;
              }));
    }
    IOException first = null;
    for (Future<Void> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first =
              e.getCause() instanceof IOException io
                  ? io
                  : new IOException(e.getCause().toString(), e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while writing log files", e);
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
