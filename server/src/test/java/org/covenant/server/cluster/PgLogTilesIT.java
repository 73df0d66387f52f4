package org.covenant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.covenant.log.MerkleTree;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The cluster's log in PostgreSQL holds only its right edge and a few tiles in memory too: proofs
 * and older roots read full tiles from {@code log_file} rows, checked, and equal those of the full
 * in-memory tree; a reader refreshes across tile boundaries; a damaged row is named.
 */
class PgLogTilesIT {
  private static final NoteSigner KEY = NoteSigner.generate("covenant.test/pg-tiles");

  private static List<byte[]> leaves(long from, int count) {
    List<byte[]> out = new ArrayList<>(count);
    for (long i = from; i < from + count; i++) {
      out.add(("{\"leaf\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void proofsFromTileRows_equalTheFullTree_andADamagedRowIsNamed() {
    String schema = PgTestDatabase.fresh("covenant_logtiles");
    try (ClusterDb db = ClusterDb.open(LedgerConfig.postgres(PgTestDatabase.url())
        .withSchema(schema))) {
      long epoch = new Lease(db, ClusterNode.LOG_LEASE, Duration.ofMinutes(5))
          .acquire("writer", "http://writer").orElseThrow();
      String keyText = KEY.verifier().keyText();
      MerkleTree reference = MerkleTree.create();
      Random r = new Random(1606);
      try (TiledLog writer = TiledLog.open(
              new PgLogStorage(db, ClusterNode.LOG_LEASE, () -> epoch, keyText, () -> { }), KEY, 2);
          TiledLog reader = TiledLog.openReadOnly(
              new PgLogStorage(db, ClusterNode.LOG_LEASE, () -> 0, keyText, () -> { }),
              KEY.verifier(), 1)) {
        for (int batch : new int[] {1, 300, 20_000, 45_235, 1, 4_000, 555}) {
          long from = writer.size();
          List<byte[]> add = leaves(from, batch);
          writer.append(add);
          add.forEach(reference::append);
          assertThat(reader.refresh()).isEqualTo(writer.size());
          assertThat(reader.consistencyProof(from, reader.size())
              .verify(reader.root(from), reader.checkpoint().root())).isTrue();
          long n = reader.size();
          for (int s = 0; s < 15; s++) {
            long size = 1 + (long) (r.nextDouble() * n);
            long index = (long) (r.nextDouble() * size);
            long older = (long) (r.nextDouble() * size);
            assertThat(reader.root(size)).isEqualTo(reference.root(size));
            assertThat(reader.inclusionProof(index, size))
                .isEqualTo(reference.inclusionProof(index, size));
            assertThat(writer.consistencyProof(older, size))
                .isEqualTo(reference.consistencyProof(older, size));
          }
          assertThat(reader.footprint().cachedTiles()).isLessThanOrEqualTo(1);
          assertThat(writer.footprint().cachedTiles()).isLessThanOrEqualTo(2);
        }
      }
      // One flipped byte in the first level-0 tile's row.
      db.run("damage a tile", c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + db.table("log_file")
            + " SET data = set_byte(data, 0, get_byte(data, 0) # 1) "
            + "WHERE path = 'tile/0/000'")) {
          return ps.executeUpdate();
        }
      });
      try (TiledLog reader = TiledLog.openReadOnly(
          new PgLogStorage(db, ClusterNode.LOG_LEASE, () -> 0, keyText, () -> { }),
          KEY.verifier())) {
        assertThat(reader.size()).isEqualTo(reference.size());
        assertThatThrownBy(() -> reader.inclusionProof(7, reader.size()))
            .hasMessageStartingWith("log_corrupt")
            .hasMessageContaining(db.table("log_file") + "/tile/0/000` is corrupt");
        assertThat(reader.inclusionProof(70_000, reader.size()))
            .isEqualTo(reference.inclusionProof(70_000, reader.size()));
      }
    }
  }
}
