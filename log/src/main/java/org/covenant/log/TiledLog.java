package org.covenant.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The transparency log of a data directory, published as static C2SP tlog-tiles files under {@code
 * DIR/log/} and signed with C2SP checkpoints (ARCHITECTURE.md §7), or kept in a shared database
 * that several servers serve and an elected writer appends to ({@link LogStorage}, docs/CLUSTER.md).
 *
 * <p>Durability: {@link #append} hands entry bundles, hash tiles and the new signed {@code
 * checkpoints/<size>} to its {@link LogStorage}, which makes them durable and then commits the new
 * {@code checkpoint} (in files: fsynced temporary files renamed into place, the checkpoint last;
 * in a database: one transaction). After a crash, {@link #open} takes the log size from {@code
 * checkpoint} and overwrites whatever a torn append left beyond it. So an append is atomic: all
 * its leaves or none.
 *
 * <p>Wiring to a ledger: the log may lag the ledger but never lead it. Append a ledger record's
 * leaf after the ledger commits it; on start, if {@link #size()} is below the ledger's count,
 * append the missing records' leaves (their canonical bytes are deterministic) before serving.
 *
 * <p>Thread-safety: one writer per storage (a file lock at {@code DIR/log.lock} keeps other
 * processes out; a database storage fences writers by lease), any number of concurrent readers.
 * Readers see the last committed checkpoint; {@link #refresh()} brings a log that another process
 * writes up to the stored one.
 *
 * <p>Memory: the log does not hold its tree. It keeps the right frontier ({@link Frontier}: the
 * partial, rightmost tile of each level with the perfect subtree hashes inside it, at most 8
 * tiles, so O(log n) hashes) and a bounded cache of recently used full tiles ({@link TileCache},
 * {@link #DEFAULT_TILE_CACHE} tiles unless told otherwise, about 16 KB each). The root of the
 * committed size comes from the frontier alone; a proof, an older root or a leaf hash reads the
 * full tiles it needs from the storage, checks each against its parent up to the frontier (so
 * against the signed checkpoint) and caches it; a tile that does not check is a {@code
 * log_corrupt} error naming its path, never used. Opening reads the checkpoint, the partial tiles
 * and the partial bundle: a handful of files whatever the size.
 */
public final class TiledLog implements AutoCloseable {
  private static final int W = TilePaths.TILE_WIDTH;

  /**
   * Full tiles kept in memory by default (each 256 hashes and the 255 nodes above them, 16,352
   * bytes: about 4 MB in all), unless the system property {@value #TILE_CACHE_PROPERTY} says
   * otherwise.
   */
  public static final int DEFAULT_TILE_CACHE = 256;

  /** The system property that sets the default tile cache size (a number of tiles, 0 or more). */
  public static final String TILE_CACHE_PROPERTY = "covenant.log.tileCache";

  /**
   * What readers see: the committed size, its checkpoint, the entries of the partial bundle and the
   * right edge of the tree.
   */
  private record State(SignedCheckpoint checkpoint, List<byte[]> partialEntries,
      Frontier frontier) {
    long size() {
      return checkpoint.size();
    }
  }

  /**
   * What the log holds in memory of its tree: the partial tiles of the frontier, the cached full
   * tiles and the hashes of both (each tile is a tree of 511 hashes).
   *
   * @param partialTiles the partial (rightmost) tiles kept until full, at most 8
   * @param cachedTiles full tiles in the cache, at most {@link #cacheCapacity}
   * @param cacheCapacity the cache's bound
   * @param hashes the 32-byte hashes of all of them
   */
  public record Footprint(int partialTiles, int cachedTiles, int cacheCapacity, long hashes) {}

  private final LogStorage storage;
  private final NoteSigner signer;
  private final NoteVerifier verifier;
  private final TileCache tiles;
  private volatile State state;
  private boolean broken;
  private boolean closed;

  private TiledLog(
      LogStorage storage, NoteSigner signer, NoteVerifier verifier, TileCache tiles, State state) {
    this.storage = storage;
    this.signer = signer;
    this.verifier = verifier;
    this.tiles = tiles;
    this.state = state;
  }

  /**
   * The tile cache size of logs opened without one: the system property {@value
   * #TILE_CACHE_PROPERTY} when set, else {@link #DEFAULT_TILE_CACHE}.
   *
   * @throws LogException {@code bad_config} when the property is not a number of tiles
   */
  public static int defaultTileCache() {
    String v = System.getProperty(TILE_CACHE_PROPERTY);
    if (v == null || v.isBlank()) {
      return DEFAULT_TILE_CACHE;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new LogException("bad_config", TILE_CACHE_PROPERTY + " is `" + v
        + "`, not a number of tiles (0 or more)");
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
    return open(FileLogStorage.writer(dataDir), signer, defaultTileCache());
  }

  /**
   * Opens the log kept in {@code storage} for writing, creating an empty signed log there on first
   * use; closing the log closes the storage (also when this fails).
   *
   * @throws LogException as {@link #open(Path, NoteSigner)}
   */
  public static TiledLog open(LogStorage storage, NoteSigner signer) {
    return open(storage, signer, defaultTileCache());
  }

  /**
   * As {@link #open(LogStorage, NoteSigner)}, keeping at most {@code tileCache} full tiles in
   * memory (0: none; every proof then reads its tiles).
   *
   * @throws LogException as {@link #open(Path, NoteSigner)}
   */
  public static TiledLog open(LogStorage storage, NoteSigner signer, int tileCache) {
    Objects.requireNonNull(signer, "signer");
    try {
      TileCache cache = new TileCache(storage, tileCache);
      SignedCheckpoint empty =
          SignedCheckpoint.sign(Checkpoint.of(signer.name(), 0, TreeHasher.emptyRoot()), signer);
      storage.initialize(empty.note().getBytes(StandardCharsets.UTF_8));
      State state = load(storage, signer.verifier());
      storage.recover(state.size());
      return new TiledLog(storage, signer, signer.verifier(), cache, state);
    } catch (IOException e) {
      storage.close();
      throw new LogException("log_io", "cannot open the log in `" + storage.describe() + "`", e);
    } catch (RuntimeException e) {
      storage.close();
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
    return openReadOnly(FileLogStorage.reader(dataDir), verifier, defaultTileCache());
  }

  /**
   * Opens the log kept in {@code storage} for reading only, checking its checkpoint with {@code
   * verifier}; {@link #refresh()} follows what a writer appends.
   *
   * @throws LogException {@code log_missing} when there is no checkpoint, and as {@link #open}
   */
  public static TiledLog openReadOnly(LogStorage storage, NoteVerifier verifier) {
    return openReadOnly(storage, verifier, defaultTileCache());
  }

  /**
   * As {@link #openReadOnly(LogStorage, NoteVerifier)}, keeping at most {@code tileCache} full
   * tiles in memory.
   *
   * @throws LogException as {@link #openReadOnly(LogStorage, NoteVerifier)}
   */
  public static TiledLog openReadOnly(LogStorage storage, NoteVerifier verifier, int tileCache) {
    Objects.requireNonNull(verifier, "verifier");
    TileCache cache = new TileCache(storage, tileCache);
    // A live writer may commit between our reading the checkpoint and its tiles, and delete a
    // partial tile we were about to read: then the checkpoint changed, and we start over.
    for (int attempt = 1; ; attempt++) {
      try {
        State state = load(storage, verifier);
        return new TiledLog(storage, null, verifier, cache, state);
      } catch (IOException e) {
        throw new LogException("log_io", "cannot read the log in `" + storage.describe() + "`", e);
      } catch (LogException e) {
        if (attempt == 3 || !e.code().equals("log_corrupt")) {
          throw e;
        }
      }
    }
  }

  /** The directory holding the served files ({@code DIR/log}), or the storage's name. */
  public Path directory() {
    return storage.directory().orElseGet(() -> Path.of(storage.describe()));
  }

  /** Where the log is kept, for messages (a directory, or a database table). */
  public String where() {
    return storage.describe();
  }

  /**
   * The stored bytes of a tlog-tiles file ({@code tile/0/000}, {@code tile/entries/000.p/5}),
   * empty when there is none: what {@code /log/tile/*} serves.
   *
   * @throws LogException {@code log_io} when the storage cannot be read
   */
  public Optional<byte[]> file(String path) {
    try {
      return storage.read(path);
    } catch (IOException e) {
      throw new LogException("log_io", "cannot read `" + path + "` of `" + where() + "`", e);
    }
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
   * Brings this view up to the log its storage holds (another process appended, or a failed
   * commit left it unsure), checking the stored checkpoint's signature and that the stored tree
   * extends the one in memory; clears a failed commit. Returns the committed size.
   *
   * @throws LogException {@code log_corrupt} when the stored log is not an extension of this one
   *     (a fork: never expected, since writers are fenced), {@code checkpoint_unverified}, {@code
   *     log_io}
   */
  public synchronized long refresh() {
    State old = state;
    try {
      SignedCheckpoint stored = readCheckpoint(storage, verifier);
      long size = stored.size();
      long from = old.size();
      if (size < from) {
        throw new LogException("log_corrupt", "the stored log of `" + where() + "` holds " + size
            + " leaves, fewer than the " + from + " already committed");
      }
      if (size == from && !broken) {
        return size;
      }
      // The stored right edge must rebuild the signed root; then the committed root must be the
      // root of its first `from` leaves, computed from stored tiles checked against that edge
      // (kept out of the cache until the new tree is known to extend the old one).
      Frontier frontier = frontierOf(storage, stored);
      if (!tiles.tree(frontier, false).root(from).equals(old.checkpoint().root())) {
        throw new LogException("log_corrupt", "the stored log of `" + where() + "` at size "
            + size + " does not extend the committed log of size " + from);
      }
      state = new State(stored, partialOf(storage, frontier), frontier);
      broken = false;
      return size;
    } catch (IOException e) {
      throw new LogException("log_io", "cannot read the log in `" + where() + "`", e);
    }
  }

  /**
   * Appends {@code leaves} durably as one commit and returns the index of the first one (the
   * previous size). Either every leaf is committed under a new signed checkpoint or, on failure,
   * none is. An empty list commits nothing and returns {@link #size()}.
   *
   * @throws LogException {@code leaf_too_large} for a leaf over 65535 bytes (nothing is written),
   *     {@code log_io} on disk failures, {@code read_only} on a read-only log, {@code
   *     log_needs_reopen} after a failure while committing (reopen to learn what committed),
   *     {@code log_fenced} when the storage refused this writer (another one took over)
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
    SignedCheckpoint next;
    List<byte[]> partial;
    Frontier.Extension grown;
    try {
      grown = old.frontier().extend(leaves);
      List<LogStorage.Write> writes = new ArrayList<>();
      partial = bundleWrites(old, leaves, start, end, writes);
      tileWrites(start, end, grown, writes);
      next = SignedCheckpoint.sign(
          Checkpoint.of(signer.name(), end, grown.frontier().root()), signer);
      writes.add(new LogStorage.Write(TilePaths.checkpointAt(end),
          next.note().getBytes(StandardCharsets.UTF_8)));
      storage.commit(start, end, writes, next.note().getBytes(StandardCharsets.UTF_8));
    } catch (UncertainCommit e) {
      // The new checkpoint may or may not be stored: only a reopen (or refresh) can tell.
      broken = true;
      throw new LogException("log_io", "commit of tree size " + end + " failed", e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof LogException le) {
        throw le;
      }
      throw new LogException("log_io", "append of " + leaves.size() + " leaves failed", e);
    }
    state = new State(next, partial, grown.frontier());
    tiles.admit(grown.completed());
    storage.afterCommit(start, end);
    return start;
  }

  /**
   * Thrown by a {@link LogStorage} whose commit failed at a point where it may have committed: the
   * log then needs a reopen or a {@link #refresh()} before the next append.
   */
  public static final class UncertainCommit extends IOException {
    private static final long serialVersionUID = 1L;

    /** The failure, with its cause. */
    public UncertainCommit(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The audit path of leaf {@code index} in the committed tree of {@code treeSize} leaves.
   *
   * @throws LogException {@code out_of_range} unless {@code 0 <= index < treeSize <= size()}
   */
  public InclusionProof inclusionProof(long index, long treeSize) {
    State s = requireCommitted(treeSize);
    checkRange(1, treeSize, s.size(), "tree size");
    checkRange(0, index, treeSize - 1, "leaf index");
    return tiles.tree(s.frontier(), true).inclusionProof(index, treeSize);
  }

  /**
   * The consistency proof from the committed tree of {@code fromSize} leaves to that of {@code
   * toSize}.
   *
   * @throws LogException {@code out_of_range} unless {@code 0 <= fromSize <= toSize <= size()}
   */
  public ConsistencyProof consistencyProof(long fromSize, long toSize) {
    State s = requireCommitted(toSize);
    checkRange(0, toSize, s.size(), "tree size");
    checkRange(0, fromSize, toSize, "first tree size");
    return tiles.tree(s.frontier(), true).consistencyProof(fromSize, toSize);
  }

  /**
   * The root of the committed tree of {@code treeSize} leaves: from memory for the committed size,
   * from O(log n) tile reads for an earlier one.
   *
   * @throws LogException {@code out_of_range} unless {@code 0 <= treeSize <= size()}, {@code
   *     log_corrupt} naming a stored tile that does not check
   */
  public Hash root(long treeSize) {
    State s = requireCommitted(treeSize);
    checkRange(0, treeSize, s.size(), "tree size");
    return tiles.tree(s.frontier(), true).root(treeSize);
  }

  /** The leaf hash at {@code index}, below {@link #size()}. */
  public Hash leafHash(long index) {
    State s = requireCommitted(index + 1);
    checkRange(0, index, s.size() - 1, "leaf index");
    return tiles.tree(s.frontier(), true).leafHash(index);
  }

  /** What this log holds in memory of its tree now (a structural measure, for tests and ops). */
  public Footprint footprint() {
    Frontier f = state.frontier();
    int cached = tiles.size();
    return new Footprint(f.tiles(), cached, tiles.capacity(),
        f.hashes() + (long) cached * Frontier.SLOTS);
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
    String file = TilePaths.entries(bundle, W);
    try {
      List<byte[]> entries = EntryBundle.decode(readExpected(storage, file, -1)).orThrow();
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
    String file = storage.describe() + "/" + TilePaths.entries(bundle, W);
    try {
      byte[] bytes = storage.read(TilePaths.entries(bundle, W)).orElseThrow(
          () -> new LogException("log_corrupt", "`" + file + "` is missing"));
      List<byte[]> entries = EntryBundle.decode(bytes).orThrow();
      if (entries.size() != W) {
        throw new LogException(
            "log_corrupt", "`" + file + "` holds " + entries.size() + " entries");
      }
      return entries;
    } catch (IOException e) {
      throw new LogException("log_io", "cannot read `" + file + "`", e);
    }
  }

  /**
   * Releases the writer lock and the fsync threads; proofs keep working as long as the storage
   * can still be read (files: always; a database: while its pool is open).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    storage.close();
  }

  private State requireCommitted(long treeSize) {
    State s = state;
    if (treeSize > s.size()) {
      throw new LogException("out_of_range", "tree size " + treeSize + " exceeds " + s.size());
    }
    return s;
  }

  private static void checkRange(long min, long value, long max, String what) {
    if (value < min || value > max) {
      throw new LogException(
          "out_of_range", what + " " + value + " is not in [" + min + ", " + max + "]");
    }
  }

  /** Adds the entry bundles that change; returns the entries of the new partial bundle. */
  private List<byte[]> bundleWrites(
      State old, List<byte[]> leaves, long start, long end, List<LogStorage.Write> out) {
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
      out.add(new LogStorage.Write(TilePaths.entries(b, width), EntryBundle.encode(entries)));
      if (width < W) {
        // Kept to rewrite this bundle on the next append: our own copies, whatever the caller
        // does with its arrays afterwards.
        partial = entries.stream().map(byte[]::clone).toList();
      }
    }
    return partial;
  }

  /**
   * Adds every hash tile, full or partial, whose content differs between the two sizes: the tiles
   * the append filled, and the new partial tile of every level that changed.
   */
  private static void tileWrites(
      long start, long end, Frontier.Extension grown, List<LogStorage.Write> out) {
    for (int level = 0; level < Frontier.LEVELS; level++) {
      int shift = 8 * level;
      long before = start >>> shift;
      long after = end >>> shift;
      if (after == before) {
        break; // nothing changes at this level, nor above it
      }
      for (Frontier.Completed c : grown.completed()) {
        if (c.level() == level) {
          out.add(new LogStorage.Write(TilePaths.tile(level, c.index(), W), c.tile()));
        }
      }
      int width = (int) (after % W);
      if (width > 0) {
        out.add(new LogStorage.Write(TilePaths.tile(level, after / W, width),
            grown.frontier().partialTile(level)));
      }
    }
  }

  /**
   * Loads the committed checkpoint and the right edge of its tree from the partial tiles (one per
   * level), checked against the checkpoint's root; no full tile is read.
   */
  private static State load(LogStorage storage, NoteVerifier verifier) throws IOException {
    SignedCheckpoint checkpoint = readCheckpoint(storage, verifier);
    Frontier frontier = frontierOf(storage, checkpoint);
    return new State(checkpoint, partialOf(storage, frontier), frontier);
  }

  /** The right edge of the tree of {@code checkpoint}, checked against its root. */
  private static Frontier frontierOf(LogStorage storage, SignedCheckpoint checkpoint)
      throws IOException {
    long size = checkpoint.size();
    int[] widths = Frontier.partialWidths(size);
    byte[][] partials = new byte[Frontier.LEVELS][];
    for (int level = 0; level < Frontier.LEVELS; level++) {
      if (widths[level] > 0) {
        partials[level] = readExpected(storage,
            TilePaths.tile(level, (size >>> (8 * level)) / W, widths[level]),
            widths[level] * Hash.SIZE);
      }
    }
    Frontier frontier = Frontier.load(size, partials);
    if (!frontier.root().equals(checkpoint.root())) {
      throw new LogException("log_corrupt", "the partial tiles of `" + storage.describe()
          + "` do not rebuild the root of tree size " + size);
    }
    return frontier;
  }

  private static SignedCheckpoint readCheckpoint(LogStorage storage, NoteVerifier verifier)
      throws IOException {
    String where = storage.describe() + "/" + TilePaths.CHECKPOINT;
    byte[] bytes = storage.read(TilePaths.CHECKPOINT).orElseThrow(
        () -> new LogException("log_missing", "no checkpoint in `" + storage.describe() + "`"));
    String note = new String(bytes, StandardCharsets.UTF_8);
    Checked<SignedCheckpoint> opened = SignedCheckpoint.open(note, verifier);
    if (opened instanceof Checked.Failed<SignedCheckpoint> f) {
      throw new LogException(
          "checkpoint_unverified",
          "`" + where + "` does not verify with `" + verifier.keyText() + "`: " + f.message());
    }
    SignedCheckpoint checkpoint = opened.orThrow();
    if (!checkpoint.checkpoint().origin().equals(verifier.name())) {
      throw new LogException(
          "checkpoint_unverified",
          "origin `" + checkpoint.checkpoint().origin() + "` is not the key name");
    }
    return checkpoint;
  }

  /** The entries of the partial bundle, checked against the leaf hashes of the right edge. */
  private static List<byte[]> partialOf(LogStorage storage, Frontier frontier)
      throws IOException {
    long size = frontier.size();
    int width = (int) (size % W);
    if (width == 0) {
      return List.of();
    }
    String file = TilePaths.entries(size / W, width);
    Checked<List<byte[]>> decoded = EntryBundle.decode(readExpected(storage, file, -1));
    if (!(decoded instanceof Checked.Ok<List<byte[]>> ok) || ok.value().size() != width) {
      throw new LogException("log_corrupt", "`" + file + "` is not a bundle of " + width);
    }
    TreeHasher hasher = TreeHasher.create();
    byte[] expected = new byte[Hash.SIZE];
    for (int i = 0; i < width; i++) {
      frontier.copyEdgeNode(0, size - width + i, expected, 0);
      if (!hasher.leafHash(ok.value().get(i)).equals(Hash.wrap(expected))) {
        throw new LogException("log_corrupt", "`" + file + "` entry " + i + " does not match");
      }
    }
    return List.copyOf(ok.value());
  }

  private static byte[] readExpected(LogStorage storage, String file, int length)
      throws IOException {
    byte[] data = storage.read(file).orElseThrow(() -> new LogException("log_corrupt",
        "`" + storage.describe() + "/" + file + "` is missing"));
    if (length >= 0 && data.length != length) {
      throw new LogException("log_corrupt", "`" + storage.describe() + "/" + file + "` has "
          + data.length + " bytes, expected " + length);
    }
    return data;
  }
}
