package org.covenant.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Audits a tiled log on disk from scratch, trusting nothing but the verifier key: it rehashes every
 * leaf from the entry bundles, rebuilds every tile hash from the level below, rebuilds the root and
 * compares it with the signed checkpoint, then checks every stored checkpoint's signature, its root
 * and its consistency with the next (RFC 9162 §2.1.4). It names the first bad file and leaf
 * (ARCHITECTURE.md §7; {@code covenant log verify}).
 *
 * <p>Streaming: bundles and tiles are read in order and the tree is rebuilt as its right edge (at
 * most 64 hashes) plus one buffer of 256 hashes per tile level; each upper tile is compared as
 * the leaves complete it, each kept checkpoint's root is taken as the leaves reach its size. The
 * memory held does not grow with the log: about 100 KB plus the bundles hashed in flight (16 per
 * core) and 40 bytes per kept checkpoint. {@link MerkleTree} stays the reference the tests
 * compare it with.
 *
 * <p>When a level-0 tile and its bundle disagree, the signed root decides which is bad: the side
 * that rebuilds the signed root is the good one. Bundles are hashed in parallel. Thread-safe: each
 * call works on its own state.
 */
public final class LogVerifier {
  private static final int W = TilePaths.TILE_WIDTH;

  private final NoteVerifier verifier;
  private final int threads;

  private LogVerifier(NoteVerifier verifier, int threads) {
    this.verifier = verifier;
    this.threads = threads;
  }

  /** A verifier trusting {@code verifier}, hashing on every available core. */
  public static LogVerifier create(NoteVerifier verifier) {
    return new LogVerifier(
        Objects.requireNonNull(verifier, "verifier"), Runtime.getRuntime().availableProcessors());
  }

  /** Verifies the log of {@code dataDir} (the files under {@code dataDir/log/}). */
  public LogVerification verify(Path dataDir) {
    return verify(dataDir, null);
  }

  /**
   * Verifies the log of {@code dataDir}, calling {@code progress} (when not null) with the number
   * of leaves rehashed so far after each entry bundle, from the calling thread.
   */
  public LogVerification verify(Path dataDir, LongConsumer progress) {
    return run(dataDir, progress).result();
  }

  /** What a run found and the most hashes it held at once (the memory bound, for tests). */
  record Outcome(LogVerification result, long hashesHeld) {}

  Outcome run(Path dataDir, LongConsumer progress) {
    Path logDir = dataDir.resolve("log");
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "covenant-log-verify");
              t.setDaemon(true);
              return t;
            });
    long held = 0;
    try {
      // A live writer may commit while we read, and then delete partial tiles that the
      // checkpoint we started from still needs: start over from the new checkpoint.
      for (int attempt = 1; ; attempt++) {
        Run run = new Run(logDir, pool, progress);
        LogVerification result = run.verify();
        held = Math.max(held, run.hashesHeld());
        if (result.ok() || attempt == 3 || !run.checkpointChanged()) {
          return new Outcome(result, held);
        }
      }
    } catch (IOException e) {
      return new Outcome(
          fail("log_io", "", OptionalLong.empty(), "cannot read the log: " + e.getMessage()),
          held);
    } finally {
      pool.shutdownNow();
    }
  }

  private static LogVerification.Failed fail(
      String code, String file, OptionalLong leaf, String message) {
    return new LogVerification.Failed(code, file, leaf, message);
  }

  /** The root the level-0 tiles alone rebuild (only needed to explain a mismatch). */
  @FunctionalInterface
  interface LevelZeroRoot {
    /** Reads the level-0 tiles and rebuilds their root. */
    Hash get() throws IOException;
  }

  /**
   * What the leaves' rebuilt root says against the signed root, given the first bundle whose
   * level-0 tile differs (null: none): null when all agree; else the file to blame (the signed
   * root decides between a bundle and its tile) with its message. Shared with the whole-tree
   * reference verifier of the tests.
   */
  static LogVerification.Failed rootProblem(Hash rebuilt, Hash signedRoot, Bundle firstMismatch,
      LevelZeroRoot levelZeroRoot) throws IOException {
    if (rebuilt.equals(signedRoot)) {
      if (firstMismatch != null) {
        long leaf = firstMismatch.index() * W + firstMismatch.tileMismatch();
        return fail(
            "tile_mismatch",
            TilePaths.tile(0, firstMismatch.index(), firstMismatch.width()),
            OptionalLong.of(leaf),
            "the hash of leaf "
                + leaf
                + " differs from its entry bundle, which matches the root");
      }
      return null;
    }
    if (firstMismatch != null) {
      long leaf = firstMismatch.index() * W + firstMismatch.tileMismatch();
      boolean tilesRebuildRoot = levelZeroRoot.get().equals(signedRoot);
      return fail(
          "leaf_hash_mismatch",
          TilePaths.entries(firstMismatch.index(), firstMismatch.width()),
          OptionalLong.of(leaf),
          "leaf "
              + leaf
              + " does not hash to its level-0 tile entry"
              + (tilesRebuildRoot
                  ? ", which matches the signed root"
                  : " nor to the signed root"));
    }
    return fail(
        "root_mismatch",
        TilePaths.CHECKPOINT,
        OptionalLong.empty(),
        "bundles and tiles agree but rebuild root "
            + rebuilt.base64()
            + ", not the signed "
            + signedRoot.base64());
  }

  /**
   * Reads bundle {@code index} of {@code width} leaves and its level-0 tile from {@code logDir}.
   */
  static Bundle readBundle(Path logDir, long index, int width) throws IOException {
    String bundlePath = TilePaths.entries(index, width);
    String tilePath = TilePaths.tile(0, index, width);
    long first = index * W;
    byte[] bundle;
    try {
      bundle = Files.readAllBytes(logDir.resolve(bundlePath));
    } catch (NoSuchFileException e) {
      return new Bundle(
          index,
          width,
          null,
          fail("bundle_missing", bundlePath, OptionalLong.of(first), "entry bundle is missing"),
          -1,
          null);
    }
    byte[] hashes = new byte[width * Hash.SIZE];
    int n = EntryBundle.leafHashes(bundle, width, TreeHasher.local(), hashes);
    if (n != width) {
      return new Bundle(
          index,
          width,
          null,
          fail(
              "malformed_bundle",
              bundlePath,
              OptionalLong.of(first),
              n < 0
                  ? "entry bundle does not decode into " + width + " entries"
                  : "entry bundle holds " + n + " entries, not " + width),
          -1,
          null);
    }
    byte[] tile;
    try {
      tile = Files.readAllBytes(logDir.resolve(tilePath));
    } catch (NoSuchFileException e) {
      return new Bundle(
          index,
          width,
          hashes,
          null,
          -1,
          fail("tile_missing", tilePath, OptionalLong.of(first), "hash tile is missing"));
    }
    if (tile.length != hashes.length) {
      return new Bundle(
          index,
          width,
          hashes,
          null,
          -1,
          fail(
              "tile_mismatch",
              tilePath,
              OptionalLong.of(first),
              "hash tile has " + tile.length + " bytes, not " + hashes.length));
    }
    int mismatch = Arrays.mismatch(tile, hashes);
    return new Bundle(index, width, hashes, null, mismatch < 0 ? -1 : mismatch / Hash.SIZE, null);
  }

  /**
   * The outcome of reading and hashing one bundle and its level-0 tile: the leaf hashes (null
   * when the bundle is missing or malformed, {@code problem} then says why), the first leaf whose
   * tile entry differs ({@code -1}: none) and a problem of the tile itself. Shared with the
   * whole-tree reference verifier of the tests.
   */
  record Bundle(
      long index,
      int width,
      byte[] leafHashes,
      LogVerification.Failed problem,
      int tileMismatch,
      LogVerification.Failed tileProblem) {}

  /**
   * The right edge of the tree being rebuilt from its leaves, in order: the roots of the perfect
   * subtrees of the leaves so far (one per set bit of the count, at most 64 hashes). Each node of
   * a tile height (a multiple of 8) is handed to {@code sink} as it completes.
   */
  static final class Edge {
    private final byte[] stack = new byte[64 * Hash.SIZE];
    private final TreeHasher hasher = TreeHasher.local();
    private final NodeSink sink;
    private long count;
    private int depth;

    Edge(NodeSink sink) {
      this.sink = sink;
    }

    /** Called with each completed node of height {@code 8 * level}, index {@code index}. */
    interface NodeSink {
      void node(int level, long index, byte[] hashes, int off) throws IOException;
    }

    long count() {
      return count;
    }

    /** Hashes held: the stack. */
    static int hashes() {
      return 64;
    }

    void append(byte[] leafHashes, int off) throws IOException {
      System.arraycopy(leafHashes, off, stack, depth * Hash.SIZE, Hash.SIZE);
      depth++;
      if (sink != null) {
        sink.node(0, count, leafHashes, off);
      }
      long n = count;
      for (int h = 1; (n & 1) == 1; h++, n >>>= 1) {
        depth--;
        int left = (depth - 1) * Hash.SIZE;
        hasher.nodeHash(stack, left, stack, depth * Hash.SIZE, stack, left);
        if (sink != null && h % 8 == 0) {
          sink.node(h / 8, ((count + 1) >>> h) - 1, stack, left);
        }
      }
      count++;
    }

    /** The Merkle tree head of the leaves so far (RFC 9162 §2.1.1). */
    Hash root() {
      if (depth == 0) {
        return TreeHasher.emptyRoot();
      }
      byte[] acc = Arrays.copyOfRange(stack, (depth - 1) * Hash.SIZE, depth * Hash.SIZE);
      for (int i = depth - 2; i >= 0; i--) {
        hasher.nodeHash(stack, i * Hash.SIZE, acc, 0, acc, 0);
      }
      return Hash.wrap(acc);
    }
  }

  private final class Run {
    private final Path logDir;
    private final ExecutorService pool;
    private final LongConsumer progress;
    // Per tile level, the hashes of its current tile as they complete: slot i holds node i of the
    // tile. Level 0 is the leaf hashes.
    private final byte[][] tiles = new byte[Frontier.LEVELS][W * Hash.SIZE];
    private final LogVerification.Failed[] upperProblems =
        new LogVerification.Failed[Frontier.LEVELS];
    private final Edge edge = new Edge(this::node);
    private long[] historySizes = new long[0];
    private Hash[] historyRoots = new Hash[0];
    private int nextHistory;
    private long size;
    private long tilesChecked;
    private long maxInFlightHashes;
    private String startNote;

    Run(Path logDir, ExecutorService pool, LongConsumer progress) {
      this.logDir = logDir;
      this.pool = pool;
      this.progress = progress;
    }

    /** Hashes held at the peak: the edge, the tile buffers and the bundles in flight. */
    long hashesHeld() {
      return Edge.hashes() + (long) Frontier.LEVELS * W + maxInFlightHashes;
    }

    boolean checkpointChanged() {
      try {
        return startNote != null
            && !startNote.equals(
                Files.readString(logDir.resolve(TilePaths.CHECKPOINT), StandardCharsets.UTF_8));
      } catch (IOException e) {
        return false;
      }
    }

    LogVerification verify() throws IOException {
      Path cpFile = logDir.resolve(TilePaths.CHECKPOINT);
      if (!Files.exists(cpFile)) {
        return fail(
            "checkpoint_missing", TilePaths.CHECKPOINT, OptionalLong.empty(), "no checkpoint");
      }
      startNote = Files.readString(cpFile, StandardCharsets.UTF_8);
      Checked<SignedCheckpoint> opened = SignedCheckpoint.open(startNote, verifier);
      if (opened instanceof Checked.Failed<SignedCheckpoint> f) {
        return fail(f.code(), TilePaths.CHECKPOINT, OptionalLong.empty(), f.message());
      }
      SignedCheckpoint latest = opened.orThrow();
      if (!latest.checkpoint().origin().equals(verifier.name())) {
        return fail(
            "checkpoint_origin_mismatch",
            TilePaths.CHECKPOINT,
            OptionalLong.empty(),
            "origin `" + latest.checkpoint().origin() + "` is not `" + verifier.name() + "`");
      }
      size = latest.size();
      historySizes = historySizes(size);
      historyRoots = new Hash[historySizes.length];
      recordHistoryRoots();

      LogVerification.Failed problem = rehashBundles(size, latest.root());
      if (problem != null) {
        return problem;
      }
      problem = compareUpperTiles(size);
      if (problem != null) {
        return problem;
      }
      return checkHistory(latest);
    }

    /** The sizes of the kept checkpoints up to {@code size}, ascending. */
    private long[] historySizes(long size) throws IOException {
      Path dir = logDir.resolve(TilePaths.CHECKPOINTS);
      List<Long> sizes = new ArrayList<>();
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path p : (Iterable<Path>) files::iterator) {
            String name = p.getFileName().toString();
            if (!name.isEmpty()
                && name.length() < 19
                && name.chars().allMatch(c -> c >= '0' && c <= '9')
                && (name.length() == 1 || name.charAt(0) != '0')) {
              long s = Long.parseLong(name);
              // Beyond the latest: signed by an append that crashed before committing; ignored.
              if (s <= size) {
                sizes.add(s);
              }
            }
          }
        }
      }
      return sizes.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** Records the root of every kept checkpoint size the edge has just reached. */
    private void recordHistoryRoots() {
      while (nextHistory < historySizes.length && historySizes[nextHistory] == edge.count()) {
        historyRoots[nextHistory++] = edge.root();
      }
    }

    /** A completed node of a tile height: into its level's buffer; a full upper tile is compared. */
    private void node(int level, long index, byte[] hashes, int off) throws IOException {
      int i = (int) (index % W);
      System.arraycopy(hashes, off, tiles[level], i * Hash.SIZE, Hash.SIZE);
      if (level > 0 && i == W - 1 && upperProblems[level] == null) {
        upperProblems[level] = compareTile(level, index / W, W);
      }
    }

    /**
     * Rebuilds the tree's edge from the bundles, compares each level-0 tile (and, as they
     * complete, the full upper tiles), and checks the root. Returns the first problem, or null.
     */
    private LogVerification.Failed rehashBundles(long size, Hash signedRoot) throws IOException {
      long bundles = (size + W - 1) / W;
      Deque<Future<Bundle>> inFlight = new ArrayDeque<>();
      long nextToSubmit = 0;
      Bundle firstMismatch = null;
      int window = threads * 16;
      for (long b = 0; b < bundles; b++) {
        while (nextToSubmit < bundles && inFlight.size() < window) {
          long index = nextToSubmit++;
          int width = (int) Math.min(W, size - index * W);
          inFlight.add(pool.submit(() -> readBundle(logDir, index, width)));
        }
        maxInFlightHashes = Math.max(maxInFlightHashes, (long) inFlight.size() * W);
        Bundle r = await(inFlight.removeFirst());
        if (r.problem() != null) {
          return r.problem();
        }
        if (r.tileProblem() != null) {
          return r.tileProblem();
        }
        for (int i = 0; i < r.width(); i++) {
          edge.append(r.leafHashes(), i * Hash.SIZE);
          recordHistoryRoots();
        }
        tilesChecked++;
        if (r.tileMismatch() >= 0 && firstMismatch == null) {
          firstMismatch = r;
        }
        if (progress != null) {
          progress.accept(edge.count());
        }
      }
      Hash rebuilt = edge.root();
      return rootProblem(rebuilt, signedRoot, firstMismatch, () -> levelZeroRoot(size));
    }

    /** The root the level-0 tiles alone rebuild (only needed to explain a mismatch). */
    private Hash levelZeroRoot(long size) throws IOException {
      Edge fromTiles = new Edge(null);
      for (long t = 0; t * W < size; t++) {
        int width = (int) Math.min(W, size - t * W);
        byte[] tile = Files.readAllBytes(logDir.resolve(TilePaths.tile(0, t, width)));
        for (int i = 0; i < width; i++) {
          fromTiles.append(tile, i * Hash.SIZE);
        }
      }
      return fromTiles.root();
    }

    /**
     * The first problem among the tiles at levels 1 and up, lowest level first: the full ones were
     * compared as the stream completed them, the partial ones are compared now.
     */
    private LogVerification.Failed compareUpperTiles(long size) throws IOException {
      for (int level = 1; level < Frontier.LEVELS; level++) {
        long count = size >>> (8 * level);
        if (count == 0) {
          break;
        }
        if (upperProblems[level] != null) {
          return upperProblems[level];
        }
        int width = (int) (count % W);
        if (width != 0) {
          LogVerification.Failed p = compareTile(level, count / W, width);
          if (p != null) {
            return p;
          }
        }
      }
      return null;
    }

    /**
     * Compares tile {@code t} of {@code level} with the first {@code width} hashes of that level's
     * buffer, which holds that tile's rebuilt hashes when called.
     */
    private LogVerification.Failed compareTile(int level, long t, int width) throws IOException {
      String path = TilePaths.tile(level, t, width);
      int shift = 8 * level;
      long firstLeaf = (t * W) << shift;
      byte[] tile;
      try {
        tile = Files.readAllBytes(logDir.resolve(path));
      } catch (NoSuchFileException e) {
        return fail("tile_missing", path, OptionalLong.of(firstLeaf), "hash tile is missing");
      }
      tilesChecked++;
      int expectedLength = width * Hash.SIZE;
      if (tile.length != expectedLength) {
        return fail(
            "tile_mismatch",
            path,
            OptionalLong.of(firstLeaf),
            "hash tile has " + tile.length + " bytes, not " + expectedLength);
      }
      int mismatch = Arrays.mismatch(tile, 0, expectedLength, tiles[level], 0, expectedLength);
      if (mismatch >= 0) {
        long leaf = (t * W + mismatch / Hash.SIZE) << shift;
        return fail(
            "tile_mismatch",
            path,
            OptionalLong.of(leaf),
            "hash " + (mismatch / Hash.SIZE) + " differs from the one rebuilt from the leaves");
      }
      return null;
    }

    /**
     * Checks every stored checkpoint: signature, size, its root against the root the stream
     * rebuilt at that size, and the partial tiles and bundles the log must still serve for it
     * (C2SP tlog-tiles). Consistency between kept checkpoints (RFC 9162 §2.1.4) follows: every
     * root was rebuilt from one sequence of leaves, each a prefix of the next.
     */
    private LogVerification checkHistory(SignedCheckpoint latest) throws IOException {
      long size = latest.size();
      long[] sizes = historySizes;
      if (sizes.length == 0 || sizes[sizes.length - 1] != size) {
        return fail(
            "checkpoint_history_missing",
            TilePaths.checkpointAt(size),
            OptionalLong.empty(),
            "the latest checkpoint is not kept in " + TilePaths.CHECKPOINTS);
      }
      // Ed25519 verification costs about a millisecond on the JDK: spread it over the cores, a
      // bounded window at a time.
      Deque<Future<Checked<SignedCheckpoint>>> opening = new ArrayDeque<>();
      int window = threads * 16;
      int submitted = 0;
      SignedCheckpoint previous = null;
      for (int k = 0; k < sizes.length; k++) {
        while (submitted < sizes.length && opening.size() < window) {
          Path file = logDir.resolve(TilePaths.checkpointAt(sizes[submitted++]));
          opening.add(
              pool.submit(
                  () ->
                      SignedCheckpoint.open(
                          Files.readString(file, StandardCharsets.UTF_8), verifier)));
        }
        long s = sizes[k];
        String path = TilePaths.checkpointAt(s);
        Checked<SignedCheckpoint> opened = await(opening.removeFirst());
        if (opened instanceof Checked.Failed<SignedCheckpoint> f) {
          return fail(f.code(), path, OptionalLong.empty(), f.message());
        }
        SignedCheckpoint cp = opened.orThrow();
        if (cp.size() != s) {
          return fail(
              "checkpoint_size_mismatch",
              path,
              OptionalLong.empty(),
              "the file of size " + s + " holds a checkpoint of size " + cp.size());
        }
        if (!cp.root().equals(historyRoots[k])) {
          return fail(
              "checkpoint_root_mismatch",
              path,
              OptionalLong.empty(),
              "signed root "
                  + cp.root().base64()
                  + " is not the root of the first "
                  + s
                  + " leaves");
        }
        if (s < size) {
          LogVerification.Failed p = checkPartials(s, size);
          if (p != null) {
            return p;
          }
        }
        previous = cp;
      }
      if (!previous.root().equals(latest.root())) {
        return fail(
            "checkpoint_root_mismatch",
            TilePaths.checkpointAt(size),
            OptionalLong.empty(),
            "differs from the latest checkpoint");
      }
      return new LogVerification.Passed(size, size, tilesChecked, sizes.length);
    }

    /**
     * The partial tiles and bundle of tree size {@code s} not yet superseded by full ones: each is
     * a prefix of the latest partial tile of its level, which the buffers still hold.
     */
    private LogVerification.Failed checkPartials(long s, long size) throws IOException {
      for (int level = 0; level < Frontier.LEVELS; level++) {
        int shift = 8 * level;
        long count = s >>> shift;
        if (count == 0) {
          break;
        }
        int width = (int) (count % W);
        long t = count / W;
        if (width == 0 || (size >>> shift) >= (t + 1) * W) {
          continue;
        }
        LogVerification.Failed p = compareTile(level, t, width);
        if (p != null) {
          return p;
        }
        if (level == 0) {
          p = comparePartialBundle(t, width);
          if (p != null) {
            return p;
          }
        }
      }
      return null;
    }

    private LogVerification.Failed comparePartialBundle(long t, int width) throws IOException {
      Bundle r = readBundle(logDir, t, width);
      if (r.problem() != null) {
        return r.problem();
      }
      for (int i = 0; i < width; i++) {
        if (Arrays.mismatch(
                tiles[0], i * Hash.SIZE, (i + 1) * Hash.SIZE,
                r.leafHashes(), i * Hash.SIZE, (i + 1) * Hash.SIZE)
            >= 0) {
          long leaf = t * W + i;
          return fail(
              "leaf_hash_mismatch",
              TilePaths.entries(t, width),
              OptionalLong.of(leaf),
              "leaf " + leaf + " differs from the same leaf in the latest bundle");
        }
      }
      return null;
    }

    private <T> T await(Future<T> f) throws IOException {
      try {
        return f.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw new LogException("verify_failed", "a parallel check failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }
}
