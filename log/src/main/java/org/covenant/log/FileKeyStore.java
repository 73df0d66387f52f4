package org.covenant.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The log's signing key in a data directory, at {@code DIR/keys/log.key} (mode 600, its directory
 * 700), generated on first use and loaded afterwards (ARCHITECTURE.md §7). The key lives outside
 * {@code DIR/log/}, which is served as static files; it never belongs in a repository. The file
 * holds the signer key text ({@link NoteSigner#keyText()}) and a newline.
 */
public final class FileKeyStore {
  /** The key name (and checkpoint origin) given to a key generated without one. */
  public static final String DEFAULT_NAME = "covenant.local/log";

  private FileKeyStore() {}

  /** Where the key of {@code dataDir} lives. */
  public static Path keyFile(Path dataDir) {
    return dataDir.resolve("keys").resolve("log.key");
  }

  /**
   * The signing key of {@code dataDir}, generated under {@code nameIfNew} when there is none.
   * Creation is atomic: two processes starting together end up with the same key.
   *
   * @throws LogException {@code key_io} when the file cannot be read or written, {@code bad_key}
   *     when it exists but does not hold a signer key
   */
  public static NoteSigner loadOrCreate(Path dataDir, String nameIfNew) {
    Optional<NoteSigner> existing = load(dataDir);
    if (existing.isPresent()) {
      return existing.get();
    }
    NoteSigner fresh = NoteSigner.generate(nameIfNew);
    Path file = keyFile(dataDir);
    Path dir = file.getParent();
    try {
      for (Path p : AtomicFiles.createDirectories(dir)) {
        AtomicFiles.fsyncDirectory(p);
      }
      restrict(dir, "rwx------");
      Path temp = Files.createTempFile(dir, ".tmp-log.key", "");
      try {
        restrict(temp, "rw-------");
        Files.writeString(temp, fresh.keyText() + "\n", StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        // A hard link never replaces an existing file: whoever links first owns the key.
        Files.createLink(file, temp);
        AtomicFiles.fsyncDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        return load(dataDir).orElseThrow(() -> new LogException("key_io", "key file vanished"));
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new LogException("key_io", "cannot create the log key in `" + dir + "`", e);
    }
    return fresh;
  }

  /**
   * The signing key of {@code dataDir}, if one was created.
   *
   * @throws LogException {@code key_io} when the file cannot be read, {@code bad_key} when it does
   *     not hold a signer key
   */
  public static Optional<NoteSigner> load(Path dataDir) {
    Path file = keyFile(dataDir);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new LogException("key_io", "cannot read `" + file + "`", e);
    }
    Checked<NoteSigner> parsed = NoteSigner.parse(text);
    if (parsed instanceof Checked.Failed<NoteSigner> f) {
      // The message must not echo the file: it holds a secret.
      throw new LogException(
          "bad_key", "`" + file + "` does not hold a signer key (" + f.code() + ")");
    }
    return Optional.of(parsed.orThrow());
  }

  private static void restrict(Path p, String perms) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (Windows): its default ACLs are all there is to rely on.
    }
  }
}
