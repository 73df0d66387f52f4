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
import java.util.stream.Stream;

/**
 * The whole-tree verifier that {@link LogVerifier} replaced, kept as the reference for the
 * differential test ({@code StreamingLogVerifierTest}): it builds a {@link MerkleTree} of every
 * leaf (about 64 bytes per leaf).
 *
 * <p>Original description:
 * Audits a tiled log on disk from scratch, trusting nothing but the verifier key: it rehashes every
 * leaf from the entry bundles, rebuilds every tile hash from the level below, rebuilds the root and
 * compares it with the signed checkpoint, then checks every stored checkpoint's signature, its root
 * and its consistency with the next (RFC 9162 §2.1.4). It names the first bad file and leaf
 * (ARCHITECTURE.md §7; {@code covenant log verify}).
 *
 * <p>When a level-0 tile and its bundle disagree, the signed root decides which is bad: the side
 * that rebuilds the signed root is the good one. Bundles are hashed in parallel; memory is about 64
 * bytes per leaf. Thread-safe: each call works on its own state.
 */
final class MerkleLogVerifier {
  private static final int W = TilePaths.TILE_WIDTH;

  private final NoteVerifier verifier;
  private final int threads;

  private MerkleLogVerifier(NoteVerifier verifier, int threads) {
    this.verifier = verifier;
    this.threads = threads;
  }

  /** A verifier trusting {@code verifier}, hashing on every available core. */
  static MerkleLogVerifier create(NoteVerifier verifier) {
    return new MerkleLogVerifier(
        Objects.requireNonNull(verifier, "verifier"), Runtime.getRuntime().availableProcessors());
  }

  /** Verifies the log of {@code dataDir} (the files under {@code dataDir/log/}). */
  public LogVerification verify(Path dataDir) {
    Path logDir = dataDir.resolve("log");
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "covenant-log-verify");
              t.setDaemon(true);
              return t;
            });
    try {
      // A live writer may commit while we read, and then delete partial tiles that the
      // checkpoint we started from still needs: start over from the new checkpoint.
      for (int attempt = 1; ; attempt++) {
        Run run = new Run(logDir, pool);
        LogVerification result = run.verify();
        if (result.ok() || attempt == 3 || !run.checkpointChanged()) {
          return result;
        }
      }
    } catch (IOException e) {
      return fail("log_io", "", OptionalLong.empty(), "cannot read the log: " + e.getMessage());
    } finally {
      pool.shutdownNow();
    }
  }

  private static LogVerification.Failed fail(
      String code, String file, OptionalLong leaf, String message) {
    return new LogVerification.Failed(code, file, leaf, message);
  }

  private final class Run {
    private final Path logDir;
    private final ExecutorService pool;
    private final MerkleTree tree = MerkleTree.create();
    private long tilesChecked;
    private String startNote;

    Run(Path logDir, ExecutorService pool) {
      this.logDir = logDir;
      this.pool = pool;
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
      long size = latest.size();

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

    /**
     * Rebuilds the tree from the bundles, compares each level-0 tile, and checks the root. Returns
     * the first problem, or null.
     */
    private LogVerification.Failed rehashBundles(long size, Hash signedRoot) throws IOException {
      long bundles = (size + W - 1) / W;
      Deque<Future<LogVerifier.Bundle>> inFlight = new ArrayDeque<>();
      long nextToSubmit = 0;
      LogVerifier.Bundle firstMismatch = null;
      int window = threads * 16;
      for (long b = 0; b < bundles; b++) {
        while (nextToSubmit < bundles && inFlight.size() < window) {
          long index = nextToSubmit++;
          int width = (int) Math.min(W, size - index * W);
          inFlight.add(pool.submit(() -> LogVerifier.readBundle(logDir, index, width)));
        }
        LogVerifier.Bundle r = await(inFlight.removeFirst());
        if (r.problem() != null) {
          return r.problem();
        }
        if (r.tileProblem() != null) {
          return r.tileProblem();
        }
        tree.appendLeafHashes(r.leafHashes(), 0, r.width());
        tilesChecked++;
        if (r.tileMismatch() >= 0 && firstMismatch == null) {
          firstMismatch = r;
        }
      }
      Hash rebuilt = tree.root(size);
      return LogVerifier.rootProblem(rebuilt, signedRoot, firstMismatch, () -> levelZeroRoot(size));
    }

    /** The root the level-0 tiles alone rebuild (only needed to explain a mismatch). */
    private Hash levelZeroRoot(long size) throws IOException {
      MerkleTree fromTiles = MerkleTree.create();
      for (long t = 0; t * W < size; t++) {
        int width = (int) Math.min(W, size - t * W);
        byte[] tile = Files.readAllBytes(logDir.resolve(TilePaths.tile(0, t, width)));
        fromTiles.appendLeafHashes(tile, 0, width);
      }
      return fromTiles.root(size);
    }

    /** Compares every tile at levels 1 and up with the hashes rebuilt from the leaves. */
    private LogVerification.Failed compareUpperTiles(long size) throws IOException {
      for (int level = 1; 8 * level < 64; level++) {
        long count = size >>> (8 * level);
        if (count == 0) {
          break;
        }
        for (long t = 0; t * W < count; t++) {
          int width = (int) Math.min(W, count - t * W);
          LogVerification.Failed p = compareTile(level, t, width);
          if (p != null) {
            return p;
          }
        }
      }
      return null;
    }

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
      byte[] expected = new byte[width * Hash.SIZE];
      for (int i = 0; i < width; i++) {
        tree.copyNode(shift, t * W + i, expected, i * Hash.SIZE);
      }
      if (tile.length != expected.length) {
        return fail(
            "tile_mismatch",
            path,
            OptionalLong.of(firstLeaf),
            "hash tile has " + tile.length + " bytes, not " + expected.length);
      }
      int mismatch = Arrays.mismatch(tile, expected);
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
     * Checks every stored checkpoint: signature, size, root, consistency with the next one, and the
     * partial tiles and bundles the log must still serve for it (C2SP tlog-tiles).
     */
    private LogVerification checkHistory(SignedCheckpoint latest) throws IOException {
      long size = latest.size();
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
      sizes.sort(null);
      if (sizes.isEmpty() || sizes.get(sizes.size() - 1) != size) {
        return fail(
            "checkpoint_history_missing",
            TilePaths.checkpointAt(size),
            OptionalLong.empty(),
            "the latest checkpoint is not kept in " + TilePaths.CHECKPOINTS);
      }
      // Ed25519 verification costs about a millisecond on the JDK: spread it over the cores.
      List<Future<Checked<SignedCheckpoint>>> opening = new ArrayList<>(sizes.size());
      for (long s : sizes) {
        Path file = logDir.resolve(TilePaths.checkpointAt(s));
        opening.add(
            pool.submit(
                () ->
                    SignedCheckpoint.open(
                        Files.readString(file, StandardCharsets.UTF_8), verifier)));
      }
      SignedCheckpoint previous = null;
      for (int k = 0; k < sizes.size(); k++) {
        long s = sizes.get(k);
        String path = TilePaths.checkpointAt(s);
        Checked<SignedCheckpoint> opened = await(opening.get(k));
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
        if (!cp.root().equals(tree.root(s))) {
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
        if (previous != null) {
          ConsistencyProof proof = tree.consistencyProof(previous.size(), s);
          if (!proof.verify(previous.root(), cp.root())) {
            return fail(
                "checkpoint_inconsistent",
                path,
                OptionalLong.empty(),
                "not consistent with the checkpoint of size " + previous.size());
          }
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
      return new LogVerification.Passed(size, size, tilesChecked, sizes.size());
    }

    /** The partial tiles and bundle of tree size {@code s} not yet superseded by full ones. */
    private LogVerification.Failed checkPartials(long s, long size) throws IOException {
      for (int level = 0; 8 * level < 64; level++) {
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
      LogVerifier.Bundle r = LogVerifier.readBundle(logDir, t, width);
      if (r.problem() != null) {
        return r.problem();
      }
      for (int i = 0; i < width; i++) {
        if (!tree.leafHash(t * W + i).matches(r.leafHashes(), i * Hash.SIZE)) {
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
