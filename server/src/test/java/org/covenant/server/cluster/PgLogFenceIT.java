package org.covenant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.covenant.evidence.Pseudonyms;
import org.covenant.log.LogException;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.covenant.log.TilePaths;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The fence itself (issue 16: "a paused member that wakes up must not write with a stale epoch:
 * its writes are refused by the fence"), without processes or timing: writer A holds the log
 * lease at epoch e and has committed; its lease expires on the database's clock (as it does
 * while A is stopped) and B takes epoch e+1. A, which still believes it writes, then commits:
 * refused {@code log_fenced}, and nothing of its commit is stored (no tile, no entry bundle, no
 * kept checkpoint, {@code log_head} unchanged, no salt stored or erased), both before B has
 * written (only the epoch refuses it: A's commit extends the stored head exactly) and after. B
 * continues the tree, every checkpoint is consistent with the previous one, and B erases the
 * salt A could not.
 */
class PgLogFenceIT {
  private static final NoteSigner KEY = NoteSigner.generate("covenant.test/pg-fence");

  @Test
  void aWriterWhoseEpochWasTaken_isRefusedByTheFence_andNothingOfItsCommitIsStored()
      throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_fence");
    String keyText = KEY.verifier().keyText();
    try (ClusterDb db = ClusterDb.open(LedgerConfig.postgres(url).withSchema(schema))) {
      Lease lease = new Lease(db, ClusterNode.LOG_LEASE, Duration.ofMinutes(5));
      long e = lease.acquire("a", "http://a").orElseThrow();
      AtomicInteger aRefused = new AtomicInteger();
      AtomicInteger bRefused = new AtomicInteger();
      try (TiledLog a = TiledLog.open(new PgLogStorage(db, ClusterNode.LOG_LEASE, () -> e,
              keyText, aRefused::incrementAndGet), KEY);
          TiledLog reader = TiledLog.openReadOnly(new PgLogStorage(db, ClusterNode.LOG_LEASE,
              () -> 0, keyText, () -> { }), KEY.verifier())) {
        // 300 leaves: a full level-0 tile and a full entry bundle, then partial ones.
        a.append(leaves("a", 0, 300));
        Pseudonyms aSalts = Pseudonyms.over(PgBackings.salts(db, ClusterNode.LOG_LEASE,
            () -> e));
        String bob = aSalts.of("acme", "bob");
        assertThat(reader.refresh()).isEqualTo(300);

        // A pauses past its lease: expired on the database's clock. Even before anyone takes
        // it, A may not write.
        expire(url, schema);
        Map<String, StoredLogRows.Row> stored = StoredLogRows.read(url, schema);
        assertThatThrownBy(() -> a.append(leaves("a-stale", 300, 5)))
            .isInstanceOfSatisfying(LogException.class,
                x -> assertThat(x.code()).isEqualTo("log_fenced"))
            .hasMessageContaining("expired");
        assertThat(StoredLogRows.read(url, schema)).isEqualTo(stored);

        // B takes the lease: epoch e+1. B has not written yet, so A's commit would extend the
        // stored head exactly: only the epoch refuses it. Its 260 leaves would complete the
        // second level-0 tile and entry bundle and write a level-1 tile.
        long e1 = new Lease(db, ClusterNode.LOG_LEASE, Duration.ofMinutes(5))
            .acquire("b", "http://b").orElseThrow();
        assertThat(e1).isEqualTo(e + 1);
        assertThatThrownBy(() -> a.append(leaves("a-stale", 300, 260)))
            .isInstanceOfSatisfying(LogException.class,
                x -> assertThat(x.code()).isEqualTo("log_fenced"))
            .hasMessageContaining("epoch " + e + " refused")
            .hasMessageContaining("epoch " + e1);
        assertThat(StoredLogRows.read(url, schema)).as("nothing of the stale commit stored").isEqualTo(stored);
        assertThat(StoredLogRows.writtenAt(StoredLogRows.read(url, schema), e)).noneMatch(p -> p.startsWith(
            TilePaths.CHECKPOINTS + "/") && Long.parseLong(p.substring(p.lastIndexOf('/') + 1))
            > 300);
        // Nor a salt: a stale writer cannot store a salt the next writer would not use.
        assertThatThrownBy(() -> aSalts.of("acme", "zed"))
            .isInstanceOfSatisfying(LogException.class,
                x -> assertThat(x.code()).isEqualTo("log_fenced"));
        assertThat(salts(url, schema)).containsExactly("acme bob");
        assertThat(aRefused.get()).isEqualTo(2);
        // Nor erase one: its erasure would be marked done while the next writer keeps using
        // the salt it loaded; refused, the row stays for the writer that holds the lease.
        assertThatThrownBy(() -> aSalts.erase("acme", "bob"))
            .isInstanceOfSatisfying(LogException.class,
                x -> assertThat(x.code()).isEqualTo("log_fenced"));
        assertThat(salts(url, schema)).containsExactly("acme bob");

        // B continues the stored tree (A's 300 leaves), with A's salt.
        try (TiledLog b = TiledLog.open(new PgLogStorage(db, ClusterNode.LOG_LEASE, () -> e1,
            keyText, bRefused::incrementAndGet), KEY)) {
          assertThat(b.size()).isEqualTo(300);
          assertThat(Pseudonyms.over(PgBackings.salts(db, ClusterNode.LOG_LEASE, () -> e1))
              .of("acme", "bob")).isEqualTo(bob);
          b.append(leaves("b", 300, 40));
          assertThat(reader.refresh()).isEqualTo(340);
          org.covenant.log.Hash root340 = reader.checkpoint().root();

          // A again, now behind B's head too: refused by the fence, nothing stored.
          Map<String, StoredLogRows.Row> afterB = StoredLogRows.read(url, schema);
          assertThatThrownBy(() -> a.append(leaves("a-stale", 300, 260)))
              .isInstanceOfSatisfying(LogException.class,
                  x -> assertThat(x.code()).isEqualTo("log_fenced"));
          assertThat(StoredLogRows.read(url, schema)).isEqualTo(afterB);
          assertThat(aRefused.get()).isEqualTo(3);

          // B goes on; every leaf from 300 is B's, and the tree of 300 and of 340 are
          // prefixes of the final one.
          b.append(leaves("b", 340, 300));
          assertThat(bRefused.get()).isZero();
          assertThat(reader.refresh()).isEqualTo(640);
          for (long i = 0; i < 640; i++) {
            assertThat(new String(reader.leaf(i), StandardCharsets.UTF_8))
                .isEqualTo("{\"" + (i < 300 ? "a" : "b") + "\":" + i + "}");
          }
          assertThat(reader.root(340)).isEqualTo(root340);
          assertThat(reader.consistencyProof(300, 640).verify(reader.root(300),
              reader.checkpoint().root())).isTrue();
          // The writer that holds the lease erases the salt A could not.
          Pseudonyms bSalts = Pseudonyms.over(PgBackings.salts(db, ClusterNode.LOG_LEASE,
              () -> e1));
          assertThat(bSalts.of("acme", "bob")).isEqualTo(bob);
          assertThat(bSalts.erase("acme", "bob")).isTrue();
          assertThat(salts(url, schema)).isEmpty();
          Map<String, StoredLogRows.Row> end = StoredLogRows.read(url, schema);
          assertThat(end.get("log_head").epoch()).isEqualTo(e1);
          // Every row A's epoch still carries was there before its lease expired.
          for (String p : StoredLogRows.writtenAt(end, e)) {
            assertThat(stored).as(p).containsEntry(p, end.get(p));
          }
        }
      }
    } finally {
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private static List<byte[]> leaves(String who, long from, int count) {
    List<byte[]> out = new ArrayList<>(count);
    for (long i = from; i < from + count; i++) {
      out.add(("{\"" + who + "\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The lease's expiry moved into the past, as a holder stopped past it leaves it. */
  private static void expire(String url, String schema) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("UPDATE " + schema + ".cluster_lease SET expires = "
          + "clock_timestamp() - interval '1 second' WHERE name = '" + ClusterNode.LOG_LEASE
          + "'")).isEqualTo(1);
    }
  }

  /** Every {@code log_file} row by path, and {@code log_head} as path {@code log_head}. */
  private static List<String> salts(String url, String schema) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement("SELECT account || ' ' || person FROM "
            + schema + ".log_account_salt ORDER BY 1"); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
