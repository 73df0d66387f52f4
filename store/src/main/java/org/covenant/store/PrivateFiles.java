package org.covenant.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Owner-only modes for what Covenant keeps in a data directory (docs/DECISIONS.md, "Input at the
 * edge"): directories 0700, files 0600. The ledger holds consent events, so another local user
 * must not read it, its WAL or the decision counts. The JVM cannot set a umask, so files are
 * created with these modes where Covenant creates them, and {@link #secureTree} fixes a whole data
 * directory on every start (files made by older versions or other tools lose every group and
 * other permission). On file
 * systems without POSIX permissions this does nothing.
 */
public final class PrivateFiles {
  /** {@code rwx------}. */
  public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  /** {@code rw-------}. */
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /** The attributes that create a file 0600 (none without POSIX). */
  public static FileAttribute<?>[] fileAttributes() {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  /** Creates {@code dir} and its missing parents, each new one 0700. */
  public static void createDirectories(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      return;
    }
    if (abs.getParent() != null) {
      createDirectories(abs.getParent());
    }
    try {
      if (POSIX) {
        Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIR));
      } else {
        Files.createDirectory(abs);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(abs)) {
        throw e;
      }
    }
  }

  /** Creates {@code file} empty and 0600 when it does not exist. */
  public static void createFile(Path file) throws IOException {
    try {
      Files.createFile(file, fileAttributes());
    } catch (FileAlreadyExistsException e) {
      // Kept as it is; secureTree fixes its mode.
    }
  }

  /**
   * Takes every permission of the group and of others from every directory and regular file
   * under {@code root} (itself included): 0755 becomes 0700, 0644 becomes 0600. The owner's own
   * bits are kept (a directory the owner made read-only stays so). Symbolic links are not
   * followed.
   *
   * @throws UncheckedIOException when a mode cannot be set (the data directory is not ours)
   */
  public static void secureTree(Path root) {
    if (!POSIX || !Files.isDirectory(root)) {
      return;
    }
    // One lstat per entry, whose mode is the one checked (a data directory holds a log of tens
    // of thousands of tiles, and this runs on every start).
    try {
      PosixFileAttributes a = Files.readAttributes(root, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (a.isDirectory()) { // a link to a directory is not followed
        secureDirectory(root, a, root);
      }
    } catch (NoSuchFileException e) {
      // Removed meanwhile: nothing to protect.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the data directory " + root, e);
    }
  }

  /**
   * What {@link #secureTreeBeside} left to a thread of its own: {@link #await} before anything
   * under the tree is served.
   */
  public static final class Pending {
    private final Thread thread;
    private volatile RuntimeException failure;

    private Pending(Thread thread) {
      this.thread = thread;
    }

    /**
     * Waits until the whole tree is private.
     *
     * @throws UncheckedIOException as {@link #secureTree} throws it, when a mode could not be set
     */
    public void await() {
      if (thread == null) {
        return;
      }
      boolean interrupted = false;
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the tree must be private before this returns
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      RuntimeException f = failure;
      if (f != null) {
        throw f;
      }
    }
  }

  /** Called with each directory before it is listed; tests make it fail or wait. */
  static volatile java.util.function.Consumer<Path> beforeListing = p -> {};

  /**
   * As {@link #secureTree}, in two parts: {@code root} itself and the files directly in it now
   * (a SQLite ledger's file must be 0600 before SQLite makes its WAL beside it, with its mode),
   * its subdirectories on a thread of its own, begun here. The log's tiles (hundreds of
   * thousands at 50M events, an {@code lstat} each, ≈ 9 % of a start's main thread, issue 15)
   * are then checked beside a start's restore, which only reads. The rule: whoever calls this
   * calls {@link Pending#await} before anything under the tree is served or written, and a
   * failure there fails the start as {@link #secureTree}'s would have.
   *
   * @throws UncheckedIOException when a mode of the first part cannot be set
   */
  public static Pending secureTreeBeside(Path root) {
    if (!POSIX || !Files.isDirectory(root)) {
      return new Pending(null);
    }
    List<Path> later = new ArrayList<>();
    try {
      PosixFileAttributes a = Files.readAttributes(root, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (!a.isDirectory()) {
        return new Pending(null);
      }
      secureLevel(root, a, root, (p, e) -> later.add(p));
    } catch (NoSuchFileException e) {
      return new Pending(null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the data directory " + root, e);
    }
    if (later.isEmpty()) {
      return new Pending(null);
    }
    Pending[] self = new Pending[1];
    Thread t = new Thread(() -> {
      try {
        for (Path p : later) {
          secureTree(p);
        }
      } catch (RuntimeException e) {
        self[0].failure = e;
      }
    }, "private-files");
    t.setDaemon(true);
    self[0] = new Pending(t);
    t.start();
    return self[0];
  }

  private static void secureDirectory(Path dir, PosixFileAttributes attrs, Path root)
      throws IOException {
    secureLevel(dir, attrs, root, (p, a) -> secureDirectory(p, a, root));
  }

  /** What {@link #secureLevel} does with a subdirectory it finds. */
  private interface Subdirectory {
    void visit(Path dir, PosixFileAttributes attrs) throws IOException;
  }

  /**
   * Makes {@code dir} and the regular files directly in it private, and hands each
   * subdirectory, with the attributes read for it, to {@code sub}: {@link #secureDirectory}
   * descends at once, {@link #secureTreeBeside} keeps them for its thread.
   */
  private static void secureLevel(Path dir, PosixFileAttributes attrs, Path root,
      Subdirectory sub) throws IOException {
    secure(dir, attrs);
    beforeListing.accept(dir);
    try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        PosixFileAttributes a;
        try {
          a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue; // removed meanwhile (a temp file)
        }
        if (a.isDirectory()) {
          sub.visit(p, a);
        } else if (a.isRegularFile()) {
          secure(p, a);
        }
      }
    } catch (NoSuchFileException e) {
      // Removed meanwhile.
    } catch (java.nio.file.DirectoryIteratorException e) {
      throw new UncheckedIOException("cannot read the data directory " + root, e.getCause());
    }
  }

  private static void secure(Path p, PosixFileAttributes attrs) {
    Set<PosixFilePermission> owner = ownerBits(attrs.permissions());
    if (owner.equals(attrs.permissions())) {
      return;
    }
    try {
      Files.setPosixFilePermissions(p, owner);
    } catch (NoSuchFileException e) {
      // Removed meanwhile (a temp file): nothing to protect.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + p + " private (0700/0600)", e);
    }
  }

  private static Set<PosixFilePermission> ownerBits(Set<PosixFilePermission> mode) {
    Set<PosixFilePermission> owner = java.util.EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission x : mode) {
      if (x == PosixFilePermission.OWNER_READ || x == PosixFilePermission.OWNER_WRITE
          || x == PosixFilePermission.OWNER_EXECUTE) {
        owner.add(x);
      }
    }
    return owner;
  }

}
