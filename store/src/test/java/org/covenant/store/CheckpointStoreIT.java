package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint storage round trips, in files and in PostgreSQL (a table of the ledger's schema, so
 * that every server of the database reads the same checkpoints): bytes come back as written,
 * newest first, and only the newest two are kept.
 */
class CheckpointStoreIT {

  private static byte[] body(long position) {
    byte[] b = new byte[100_000 + (int) position];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 31 + position);
    }
    return b;
  }

  private static void roundTrip(CheckpointStore a, CheckpointStore b) throws IOException {
    assertThat(a.list()).isEmpty();
    for (long p : new long[] {10, 30, 20, 40}) {
      a.write(p, out -> out.write(body(p)));
    }
    // another reader (another server of the same database) sees the same two, newest first
    List<CheckpointStore.Stored> seen = b.list();
    assertThat(seen).extracting(CheckpointStore.Stored::position).containsExactly(40L, 30L);
    for (CheckpointStore.Stored s : seen) {
      try (InputStream in = s.open()) {
        assertThat(in.readAllBytes()).isEqualTo(body(s.position()));
      }
    }
    // the same position again replaces it
    a.write(40, out -> out.write("again".getBytes(StandardCharsets.UTF_8)));
    try (InputStream in = b.list().get(0).open()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("again");
    }
  }

  @Test
  void filesRoundTrip(@TempDir Path dir) throws IOException {
    try (CheckpointStore a = CheckpointStore.files(dir.resolve("checkpoints"));
        CheckpointStore b = CheckpointStore.files(dir.resolve("checkpoints"))) {
      roundTrip(a, b);
    }
  }

  @Test
  void postgresRoundTrip() throws IOException {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_ckpt");
    LedgerConfig.Postgres config = LedgerConfig.postgres(url).withSchema(schema);
    try (CheckpointStore a = CheckpointStore.postgres(config);
        CheckpointStore b = CheckpointStore.postgres(config)) {
      roundTrip(a, b);
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /**
   * A server with lz4 stores the bodies compressed with it, not its default pglz (three times
   * the server's CPU for a large checkpoint); the bytes read back are the same, and a row
   * written before with pglz still reads.
   */
  @Test
  void postgresCompressesBodiesWithLz4() throws Exception {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_ckpt");
    LedgerConfig.Postgres config = LedgerConfig.postgres(url).withSchema(schema);
    byte[] big = new byte[400_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) ("checkpoint ".charAt(i % 11) + i / 4096);
    }
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
        java.sql.Statement st = c.createStatement()) {
      try (java.sql.ResultSet rs = st.executeQuery("SELECT 'lz4' = ANY(enumvals) FROM "
          + "pg_settings WHERE name = 'default_toast_compression'")) {
        // CI's PostgreSQL (16) has lz4: a server without it fails here rather than skipping
        // the test out of CI unnoticed.
        assertThat(rs.next() && rs.getBoolean(1)).as("this PostgreSQL offers lz4").isTrue();
      }
      try (CheckpointStore a = CheckpointStore.postgres(config)) {
        // Before: a row as an earlier Covenant wrote it, with the server's default.
        st.execute("INSERT INTO " + schema + ".projection_checkpoint (position, body) "
            + "VALUES (5, decode('" + java.util.HexFormat.of().formatHex(big) + "', 'hex'))");
        a.write(7, out -> out.write(big));
        try (java.sql.ResultSet rs = st.executeQuery("SELECT position, "
            + "pg_column_compression(body) FROM " + schema + ".projection_checkpoint "
            + "ORDER BY position")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(2)).isEqualTo("pglz");
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(7);
          assertThat(rs.getString(2)).isEqualTo("lz4");
        }
        for (CheckpointStore.Stored s : a.list()) {
          try (InputStream in = s.open()) {
            assertThat(in.readAllBytes()).isEqualTo(big);
          }
        }
      }
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /**
   * Member checkpoints (docs/CLUSTER.md, "Checkpoints"): two members may checkpoint the same
   * position; each keeps its own newest two; a member lists its own first; a table of the first
   * version (keyed by position alone) is moved to the member key, its rows no member's.
   */
  @Test
  void membersKeepTheirOwnNewestTwo() throws IOException {
    String url = PgTestDatabase.url();
    String schema = PgTestDatabase.fresh("covenant_mckpt");
    LedgerConfig.Postgres config = LedgerConfig.postgres(url).withSchema(schema);
    try {
      PgTestDatabase.admin(url, "CREATE SCHEMA IF NOT EXISTS " + schema);
      PgTestDatabase.admin(url, "CREATE TABLE " + schema + ".member_checkpoint (position BIGINT "
          + "PRIMARY KEY, written_at TIMESTAMPTZ NOT NULL DEFAULT now(), body BYTEA NOT NULL)");
      PgTestDatabase.admin(url, "INSERT INTO " + schema + ".member_checkpoint (position, body) "
          + "VALUES (5, '\\x00')");
      try (CheckpointStore m1 = CheckpointStore.members(config, "m1");
          CheckpointStore m2 = CheckpointStore.members(config, "m2")) {
        for (long p : new long[] {10, 30, 20}) {
          m1.write(p, out -> out.write(body(p)));
        }
        m2.write(30, out -> out.write(body(31)));
        m2.write(50, out -> out.write(body(50)));
        List<CheckpointStore.Stored> seen = m1.list();
        assertThat(seen).extracting(CheckpointStore.Stored::position)
            .containsExactly(30L, 20L, 50L, 30L, 5L);
        assertThat(seen).extracting(CheckpointStore.Stored::mine)
            .containsExactly(true, true, false, false, false);
        try (InputStream in = seen.get(0).open()) {
          assertThat(in.readAllBytes()).isEqualTo(body(30));
        }
        try (InputStream in = seen.get(3).open()) {
          assertThat(in.readAllBytes()).as("m2's at the same position").isEqualTo(body(31));
        }
        assertThat(m2.list()).extracting(CheckpointStore.Stored::mine)
            .containsExactly(true, true, false, false, false);
      }
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
