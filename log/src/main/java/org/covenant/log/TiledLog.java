package org.covenant.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The transparency log of a data directory, published as static C2SP tlog-tiles files under {@code
 * DIR/log/} and signed with C2SP checkpoints (ARCHITECTURE.md §7).
 *
 * <p>Durability: {@link #append} writes entry bundles, hash tiles and the new signed {@code
 * checkpoints/<size>} to temporary files, fsyncs them, renames them into place and fsyncs their
 * directories; only then does it replace {@code checkpoint} the same way. That rename is the commit
 * point: after a crash, {@link #open} takes the log size from {@code checkpoint} and overwrites
 * whatever a torn append left beyond it. So an append is atomic: all its leaves or none.
 *
 * <p>Wiring to a ledger: the log may lag the ledger but never lead it. Append a ledger record's
 * leaf after the ledger commits it; on start, if {@link #size()} is below the ledger's count,
 * append the missing records' leaves (their canonical bytes are deterministic) before serving.
 *
 * <p>Thread-safety: one writer per directory (a file lock at {@code DIR/log.lock} keeps other
 * processes out), any number of concurrent readers. Readers see the last committed checkpoint.
 * Proofs come from an in-memory copy of every complete subtree hash (about 64 bytes per leaf).
 */
public final class TiledLog implements AutoCloseable {
  private static final int W = TilePaths.TILE_WIDTH;
  private static final int FSYNC_THREADS = 16;

  /** What readers see: the committed size, its checkpoint and the entries of the partial bundle. */
  private record State(SignedCheckpoint checkpoint, List<byte[]> partialEntries) {
    long size() {
      return checkpoint.size();
    }
  }

  private final Path logDir;
  private final NoteSigner signer;
  private final NoteVerifier verifier;
  private final MerkleTree tree;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final ExecutorService fsyncPool;
  private volatile State state;
  private boolean broken;
  private boolean closed;

  private TiledLog(
      Path logDir,
      NoteSigner signer,
      NoteVerifier verifier,
      MerkleTree tree,
      State state,
      FileChannel lockChannel,
      FileLock lock) {
    this.logDir = logDir;
    this.signer = signer;
    this.verifier = verifier;
    this.tree = tree;
    this.state = state;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.fsyncPool =
        signer == null
            ? null
            : Executors.newFixedThreadPool(
                FSYNC_THREADS,
                r -> {
                  Thread t = new Thread(r, "covenant-log-fsync");
                  t.setDaemon(true);
                  return t;
                });
  }

  /**
   * Opens the log of {@code dataDir} for writing, creating an empty signed log on first use. The
   * log's origin is the signer's key name.
   *
   * @throws LogException {@code log_locked} when another process holds the log, {@code
   *     checkpoint_unverified} when the stored checkpoint is not signed by {@code signer}, {@code
   *     log_corrupt} when the tiles do not rebuild the checkpoint's root (run {@code covenant log
   *     verify}), {@code log_io} on disk failures
   */
  public static TiledLog open(Path dataDir, NoteSigner signer) {
    Objects.requireNonNull(signer, "signer");
    Path logDir = dataDir.resolve("log");
    FileChannel channel = null;
    FileLock lock = null;
    try {
      for (Path p : AtomicFiles.createDirectories(logDir.resolve(TilePaths.CHECKPOINTS))) {
        AtomicFiles.fsyncDirectory(p);
      }
      channel =
          FileChannel.open(
              dataDir.resolve("log.lock"),
              java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
              AtomicFiles.privateFile());
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new LogException("log_locked", "another writer holds `" + logDir + "`");
      }
      Path checkpointFile = logDir.resolve(TilePaths.CHECKPOINT);
      if (!Files.exists(checkpointFile)) {
        SignedCheckpoint empty =
            SignedCheckpoint.sign(Checkpoint.of(signer.name(), 0, TreeHasher.emptyRoot()), signer);
        byte[] note = empty.note().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(logDir.resolve(TilePaths.checkpointAt(0)), note);
        AtomicFiles.write(checkpointFile, note);
      }
      MerkleTree tree = MerkleTree.create();
      State state = load(logDir, signer.verifier(), tree);
      discardCheckpointsBeyond(logDir, state.size());
      return new TiledLog(logDir, signer, signer.verifier(), tree, state, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new LogException("log_io", "cannot open the log in `" + logDir + "`", e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /**
   * Opens the log of {@code dataDir} for reading only (no lock, no writes), checking its checkpoint
   * with {@code verifier}. A live writer may append meanwhile; this view stays at the checkpoint it
   * loaded.
   *
   * @throws LogException {@code log_missing} when there is no checkpoint, and as {@link #open}
   */
  public static TiledLog openReadOnly(Path dataDir, NoteVerifier verifier) {
    Objects.requireNonNull(verifier, "verifier");
    Path logDir = dataDir.resolve("log");
    if (!Files.exists(logDir.resolve(TilePaths.CHECKPOINT))) {
      throw new LogException("log_missing", "no checkpoint in `" + logDir + "`");
    }
    // A live writer may commit between our reading the checkpoint and its tiles, and delete a
    // partial tile we were about to read: then the checkpoint changed, and we start over.
    for (int attempt = 1; ; attempt++) {
      try {
        MerkleTree tree = MerkleTree.create();
        State state = load(logDir, verifier, tree);
        return new TiledLog(logDir, null, verifier, tree, state, null, null);
      } catch (IOException e) {
        throw new LogException("log_io", "cannot read the log in `" + logDir + "`", e);
      } catch (LogException e) {
        if (attempt == 3 || !e.code().equals("log_corrupt")) {
          throw e;
        }
      }
    }
  }

  /** The directory holding the served files ({@code DIR/log}). */
  public Path directory() {
    return logDir;
  }

  /** The key that signs (or, read-only, verifies) this log's checkpoints. */
  public NoteVerifier verifier() {
    return verifier;
  }

  /** The committed number of leaves, the size of {@link #checkpoint()}. */
  public long size() {
    return state.size();
  }

  /** The latest committed signed checkpoint. */
  public SignedCheckpoint checkpoint() {
    return state.checkpoint();
  }

  /**
   * Appends {@code leaves} durably as one commit and returns the index of the first one (the
   * previous size). Either every leaf is committed under a new signed checkpoint or, on failure,
   * none is. An empty list commits nothing and returns {@link #size()}.
   *
   * @throws LogException {@code leaf_too_large} for a leaf over 65535 bytes (nothing is written),
   *     {@code log_io} on disk failures, {@code read_only} on a read-only log, {@code
   *     log_needs_reopen} after a failure while committing (reopen to learn what committed)
   */
  public synchronized long append(List<byte[]> leaves) {
    if (signer == null) {
      throw new LogException("read_only", "this log was opened read-only");
    }
    if (closed) {
      throw new LogException("log_closed", "this log is closed");
    }
    if (broken) {
      throw new LogException("log_needs_reopen", "a commit failed; reopen the log");
    }
    for (byte[] leaf : leaves) {
      if (leaf.length > EntryBundle.MAX_ENTRY) {
        throw new LogException(
            "leaf_too_large", "a leaf of " + leaf.length + " bytes exceeds 65535");
      }
    }
    State old = state;
    long start = old.size();
    if (leaves.isEmpty()) {
      return start;
    }
    long end = start + leaves.size();
    List<AtomicFiles.Write> writes;
    SignedCheckpoint next;
    List<byte[]> partial;
    try {
      for (byte[] leaf : leaves) {
        tree.append(leaf);
      }
      writes = new ArrayList<>();
      partial = bundleWrites(old, leaves, start, end, writes);
      tileWrites(start, end, writes);
      next = SignedCheckpoint.sign(Checkpoint.of(signer.name(), end, tree.root(end)), signer);
      // The kept copy is not the commit point, so it can travel with the tiles: a crash before
      // the commit leaves it beyond the committed size, where open() discards it.
      writes.add(
          new AtomicFiles.Write(
              logDir.resolve(TilePaths.checkpointAt(end)),
              next.note().getBytes(StandardCharsets.UTF_8)));
      AtomicFiles.writeAll(writes, fsyncPool);
    } catch (IOException | RuntimeException e) {
      tree.truncate(start);
      if (e instanceof LogException le) {
        throw le;
      }
      throw new LogException("log_io", "append of " + leaves.size() + " leaves failed", e);
    }
    try {
      AtomicFiles.write(
          logDir.resolve(TilePaths.CHECKPOINT), next.note().getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      // The new checkpoint may or may not be on disk: only a reopen can tell.
      broken = true;
      throw new LogException("log_io", "commit of tree size " + end + " failed", e);
    }
    state = new State(next, partial);
    deleteSupersededPartials(start, end);
    return start;
  }

  /**
   * The audit path of leaf {@code index} in the committed tree of {@code treeSize} leaves.
   *
   * @throws LogException {@code out_of_range} unless {@code 0 <= index < treeSize <= size()}
   */
  public InclusionProof inclusionProof(long index, long treeSize) {
    requireCommitted(treeSize);
    return tree.inclusionProof(index, treeSize);
  }

  /**
   * The consistency proof from the committed tree of {@code fromSize} leaves to that of {@code
   * toSize}.
   *
   * @throws LogException {@code out_of_range} unless {@code 0 <= fromSize <= toSize <= size()}
   */
  public ConsistencyProof consistencyProof(long fromSize, long toSize) {
    requireCommitted(toSize);
    return tree.consistencyProof(fromSize, toSize);
  }

  /** The root of the committed tree of {@code treeSize} leaves. */
  public Hash root(long treeSize) {
    requireCommitted(treeSize);
    return tree.root(treeSize);
  }

  /** The leaf hash at {@code index}, below {@link #size()}. */
  public Hash leafHash(long index) {
    requireCommitted(index + 1);
    return tree.leafHash(index);
  }

  /**
   * The leaf data at {@code index}, read from its entry bundle.
   *
   * @throws LogException {@code out_of_range} unless {@code 0 <= index < size()}, {@code
   *     log_corrupt} when the bundle does not decode, {@code log_io} when it cannot be read
   */
  public byte[] leaf(long index) {
    State s = state;
    if (index < 0 || index >= s.size()) {
      throw new LogException("out_of_range", "leaf " + index + " is not below " + s.size());
    }
    long bundle = index / W;
    int pos = (int) (index % W);
    if (bundle == s.size() / W) {
      return s.partialEntries().get(pos).clone();
    }
    Path file = logDir.resolve(TilePaths.entries(bundle, W));
    try {
      List<byte[]> entries = EntryBundle.decode(Files.readAllBytes(file)).orThrow();
      if (entries.size() != W) {
        throw new LogException(
            "log_corrupt", "`" + file + "` holds " + entries.size() + " entries");
      }
      return entries.get(pos);
    } catch (IOException e) {
      throw new LogException("log_io", "cannot read `" + file + "`", e);
    }
  }

  /**
   * The leaves of entry bundle {@code bundle} (leaves {@code bundle * 256} onwards): 256 for a
   * full bundle, fewer for the last, partial one; one file read instead of one per leaf.
   */
  public List<byte[]> bundle(long bundle) {
    State s = state;
    long full = s.size() / W;
    if (bundle < 0 || bundle > full || (bundle == full && s.size() % W == 0)) {
      throw new LogException("out_of_range", "bundle " + bundle + " is not in a log of "
          + s.size() + " leaves");
    }
    if (bundle == full) {
      List<byte[]> out = new java.util.ArrayList<>();
      for (byte[] b : s.partialEntries()) {
        out.add(b.clone());
      }
      return out;
    }
    Path file = logDir.resolve(TilePaths.entries(bundle, W));
    try {
      List<byte[]> entries = EntryBundle.decode(Files.readAllBytes(file)).orThrow();
      if (entries.size() != W) {
        throw new LogException(
            "log_corrupt", "`" + file + "` holds " + entries.size() + " entries");
      }
      return entries;
    } catch (IOException e) {
      throw new LogException("log_io", "cannot read `" + file + "`", e);
    }
  }

  /** Releases the writer lock and the fsync threads; proofs keep working from memory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
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

  private void requireCommitted(long treeSize) {
    long size = state.size();
    if (treeSize > size) {
      throw new LogException("out_of_range", "tree size " + treeSize + " exceeds " + size);
    }
  }

  /** Adds the entry bundles that change; returns the entries of the new partial bundle. */
  private List<byte[]> bundleWrites(
      State old, List<byte[]> leaves, long start, long end, List<AtomicFiles.Write> out) {
    List<byte[]> partial = List.of();
    for (long b = start / W; b <= (end - 1) / W; b++) {
      long from = b * W;
      long to = Math.min(from + W, end);
      List<byte[]> entries = new ArrayList<>((int) (to - from));
      for (long i = from; i < to; i++) {
        entries.add(
            i < start ? old.partialEntries().get((int) (i - from)) : leaves.get((int) (i - start)));
      }
      int width = (int) (to - from);
      out.add(
          new AtomicFiles.Write(
              logDir.resolve(TilePaths.entries(b, width)), EntryBundle.encode(entries)));
      if (width < W) {
        // Kept to rewrite this bundle on the next append: our own copies, whatever the caller
        // does with its arrays afterwards.
        partial = entries.stream().map(byte[]::clone).toList();
      }
    }
    return partial;
  }

  /** Adds every hash tile, full or partial, whose content differs between the two sizes. */
  private void tileWrites(long start, long end, List<AtomicFiles.Write> out) {
    for (int level = 0; level * 8 < 64; level++) {
      int shift = 8 * level;
      long before = start >>> shift;
      long after = end >>> shift;
      if (after == before) {
        break; // nothing changes at this level, nor above it
      }
      for (long t = before / W; t <= (after - 1) / W; t++) {
        int width = (int) Math.min(W, after - t * W);
        byte[] data = new byte[width * Hash.SIZE];
        for (int i = 0; i < width; i++) {
          tree.copyNode(shift, t * W + i, data, i * Hash.SIZE);
        }
        out.add(new AtomicFiles.Write(logDir.resolve(TilePaths.tile(level, t, width)), data));
      }
    }
  }

  /**
   * Once a tile or bundle is full its partial versions may go (C2SP tlog-tiles "Partial Tiles").
   * Deleting them is housekeeping: a leftover partial is harmless, so failures are ignored.
   */
  private void deleteSupersededPartials(long start, long end) {
    List<Path> dirs = new ArrayList<>();
    for (long b = start / W; b < end / W; b++) {
      dirs.add(logDir.resolve(TilePaths.entries(b, W) + ".p"));
    }
    for (int level = 0; level * 8 < 64; level++) {
      long before = start >>> (8 * level);
      long after = end >>> (8 * level);
      if (after == before) {
        break;
      }
      for (long t = before / W; t < after / W; t++) {
        dirs.add(logDir.resolve(TilePaths.tile(level, t, W) + ".p"));
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

  /** Loads the committed checkpoint and rebuilds the in-memory tree from the level-0 tiles. */
  private static State load(Path logDir, NoteVerifier verifier, MerkleTree tree)
      throws IOException {
    Path checkpointFile = logDir.resolve(TilePaths.CHECKPOINT);
    String note = Files.readString(checkpointFile, StandardCharsets.UTF_8);
    Checked<SignedCheckpoint> opened = SignedCheckpoint.open(note, verifier);
    if (opened instanceof Checked.Failed<SignedCheckpoint> f) {
      throw new LogException(
          "checkpoint_unverified",
          "`"
              + checkpointFile
              + "` does not verify with `"
              + verifier.keyText()
              + "`: "
              + f.message());
    }
    SignedCheckpoint checkpoint = opened.orThrow();
    if (!checkpoint.checkpoint().origin().equals(verifier.name())) {
      throw new LogException(
          "checkpoint_unverified",
          "origin `" + checkpoint.checkpoint().origin() + "` is not the key name");
    }
    long size = checkpoint.size();
    for (long t = 0; t * W < size; t++) {
      int width = (int) Math.min(W, size - t * W);
      Path file = logDir.resolve(TilePaths.tile(0, t, width));
      byte[] hashes = readExpected(file, width * Hash.SIZE);
      tree.appendLeafHashes(hashes, 0, width);
    }
    if (!tree.root(size).equals(checkpoint.root())) {
      throw new LogException(
          "log_corrupt", "the level-0 tiles do not rebuild the root of tree size " + size);
    }
    List<byte[]> partial = List.of();
    int width = (int) (size % W);
    if (width > 0) {
      Path file = logDir.resolve(TilePaths.entries(size / W, width));
      Checked<List<byte[]>> decoded = EntryBundle.decode(readExpected(file, -1));
      if (!(decoded instanceof Checked.Ok<List<byte[]>> ok) || ok.value().size() != width) {
        throw new LogException("log_corrupt", "`" + file + "` is not a bundle of " + width);
      }
      TreeHasher hasher = TreeHasher.create();
      for (int i = 0; i < width; i++) {
        if (!hasher.leafHash(ok.value().get(i)).equals(tree.leafHash(size - width + i))) {
          throw new LogException("log_corrupt", "`" + file + "` entry " + i + " does not match");
        }
      }
      partial = List.copyOf(ok.value());
    }
    return new State(checkpoint, partial);
  }

  private static byte[] readExpected(Path file, int length) throws IOException {
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new LogException("log_corrupt", "`" + file + "` is missing", e);
    }
    if (length >= 0 && data.length != length) {
      throw new LogException(
          "log_corrupt", "`" + file + "` has " + data.length + " bytes, expected " + length);
    }
    return data;
  }

  /** Removes checkpoints a crash left signed but never committed (beyond {@code size}). */
  private static void discardCheckpointsBeyond(Path logDir, long size) throws IOException {
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
