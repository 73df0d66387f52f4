package org.covenant.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogVerifierTest {
  private static final NoteSigner SIGNER = TiledLogTest.SIGNER;

  @TempDir Path dir;
  private LogVerifier verifier;

  @BeforeEach
  void buildLog() {
    // Sizes 1, 3, 303, 313, 813, 850: full and partial tiles and bundles at levels 0 and 1, and
    // partial tiles kept for earlier checkpoints (tile/0/003.p/45, tile/1/000.p/1).
    TiledLogTest.build(dir, 1, 2, 300, 10, 500, 37);
    verifier = LogVerifier.create(SIGNER.verifier());
  }

  @Test
  void untouchedLog_passes() {
    assertThat(verifier.verify(dir)).isEqualTo(new LogVerification.Passed(850, 850, 9, 7));
  }

  @Test
  void anySingleByteFlippedInAnyTileOrBundle_isDetectedAndNamed() throws IOException {
    Path tiles = dir.resolve("log/tile");
    List<String> files = TiledLogTest.filesUnder(tiles);
    assertThat(files)
        .contains("entries/000", "entries/003.p/45", "entries/003.p/82", "0/003.p/45", "1/000.p/3");
    long seed = 8785L;
    Random random = new Random(seed);
    int flips = 0;
    for (String name : files) {
      Path file = tiles.resolve(name);
      byte[] original = Files.readAllBytes(file);
      // First and last bytes (a length prefix, a hash's end), the middle, and a seeded one.
      List<Integer> positions =
          new ArrayList<>(List.of(0, original.length / 2, original.length - 1));
      positions.add(random.nextInt(original.length));
      for (int pos : positions) {
        byte[] bad = original.clone();
        bad[pos] ^= (byte) (1 << random.nextInt(8));
        Files.write(file, bad);
        LogVerification result = verifier.verify(dir);
        assertThat(result)
            .as("flip of byte %d of %s (seed %d)", pos, name, seed)
            .isInstanceOfSatisfying(
                LogVerification.Failed.class,
                f -> {
                  assertThat(f.file()).isEqualTo("tile/" + name);
                  assertThat(f.leafIndex()).isPresent();
                });
        flips++;
      }
      Files.write(file, original);
    }
    assertThat(flips).isEqualTo(4 * files.size());
    assertThat(verifier.verify(dir).ok()).isTrue();
  }

  @Test
  void flippedLeafByte_namesTheBundleAndTheLeaf() throws IOException {
    Path bundle = dir.resolve("log/tile/entries/001");
    byte[] b = Files.readAllBytes(bundle);
    // Entry 0 of bundle 1 is leaf 256; its data starts after the 2-byte length.
    b[2 + 3] ^= 0x01;
    Files.write(bundle, b);
    assertThat(verifier.verify(dir))
        .isInstanceOfSatisfying(
            LogVerification.Failed.class,
            f -> {
              assertThat(f.code()).isEqualTo("leaf_hash_mismatch");
              assertThat(f.file()).isEqualTo("tile/entries/001");
              assertThat(f.leafIndex()).isEqualTo(OptionalLong.of(256));
            });
  }

  @Test
  void flippedTileHash_namesTheTileAndTheLeaf() throws IOException {
    Path tile = dir.resolve("log/tile/0/002");
    byte[] b = Files.readAllBytes(tile);
    b[32 * 7 + 5] ^= 0x40;
    Files.write(tile, b);
    assertThat(verifier.verify(dir))
        .isEqualTo(
            new LogVerification.Failed(
                "tile_mismatch",
                "tile/0/002",
                OptionalLong.of(512 + 7),
                "the hash of leaf 519 differs from its entry bundle, which matches the root"));
  }

  @Test
  void missingTile_isNamed() throws IOException {
    Files.delete(dir.resolve("log/tile/1/000.p/3"));
    LogVerification result = verifier.verify(dir);
    assertThat(result).isInstanceOf(LogVerification.Failed.class);
    assertThat(((LogVerification.Failed) result).code()).isEqualTo("tile_missing");
    assertThat(((LogVerification.Failed) result).file()).isEqualTo("tile/1/000.p/3");
  }

  @Test
  void tamperedCheckpoint_failsItsSignature() throws IOException {
    Path cp = dir.resolve("log/checkpoint");
    Files.writeString(cp, Files.readString(cp).replace("\n850\n", "\n849\n"));
    assertThat(verifier.verify(dir))
        .isInstanceOfSatisfying(
            LogVerification.Failed.class,
            f -> {
              assertThat(f.code()).isEqualTo("invalid_signature");
              assertThat(f.file()).isEqualTo("checkpoint");
            });
  }

  @Test
  void forkedOldCheckpoint_signedByTheLogKey_isCaught() throws IOException {
    // A checkpoint of size 313 whose root is not the root of the first 313 leaves: the log
    // signed two incompatible histories, which is exactly what consistency checking exposes.
    SignedCheckpoint fork =
        SignedCheckpoint.sign(Checkpoint.of(SIGNER.name(), 313, TreeHasher.emptyRoot()), SIGNER);
    Files.writeString(dir.resolve("log/checkpoints/313"), fork.note());
    assertThat(verifier.verify(dir))
        .isInstanceOfSatisfying(
            LogVerification.Failed.class,
            f -> {
              assertThat(f.code()).isEqualTo("checkpoint_root_mismatch");
              assertThat(f.file()).isEqualTo("checkpoints/313");
            });
  }

  @Test
  void rewrittenHistory_bundlesAndTilesAgreeButNotWithTheSignedRoot() throws IOException {
    // Rebuild the whole log with one leaf changed, keep the old signed checkpoint.
    Path other = dir.resolveSibling(dir.getFileName() + "-other");
    try (TiledLog log = TiledLog.open(other, SIGNER)) {
      List<byte[]> leaves = TiledLogTest.leaves(0, 850);
      leaves.set(400, "rewritten".getBytes());
      log.append(leaves);
    }
    Files.copy(
        dir.resolve("log/checkpoint"),
        other.resolve("log/checkpoint"),
        StandardCopyOption.REPLACE_EXISTING);
    LogVerification result = verifier.verify(other);
    assertThat(result).isInstanceOf(LogVerification.Failed.class);
    assertThat(((LogVerification.Failed) result).code()).isEqualTo("root_mismatch");
  }

  @Test
  void wrongKey_cannotVerifyTheCheckpoint() {
    LogVerifier stranger = LogVerifier.create(NoteSigner.generate(SIGNER.name()).verifier());
    assertThat(stranger.verify(dir))
        .isInstanceOfSatisfying(
            LogVerification.Failed.class, f -> assertThat(f.code()).isEqualTo("unverified_note"));
  }

  @Test
  void missingLog_isNamed() {
    assertThat(verifier.verify(dir.resolve("nowhere")))
        .isInstanceOfSatisfying(
            LogVerification.Failed.class,
            f -> assertThat(f.code()).isEqualTo("checkpoint_missing"));
  }
}
