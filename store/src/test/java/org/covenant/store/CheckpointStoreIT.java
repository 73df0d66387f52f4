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
}
