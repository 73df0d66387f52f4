package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DocumentTable} on SQLite, PostgreSQL and in memory: per-scope first-put order kept by
 * replacing puts, scopes apart, durable across reopening, and an unreachable database is
 * {@code store_unavailable}.
 */
class DocumentTableIT {
  @Test
  void sqlite_keepsOrderAndDocumentsAcrossReopening(@TempDir Path dir) throws Exception {
    LedgerConfig config = LedgerConfig.sqlite(dir);
    try (DocumentTable t = DocumentTable.open(config, "reviews")) {
      fill(t);
    }
    assertThat(Files.isRegularFile(dir.resolve("reviews.db"))).isTrue();
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertThat(Files.getPosixFilePermissions(dir.resolve("reviews.db")))
          .isEqualTo(PrivateFiles.FILE);
    }
    try (DocumentTable t = DocumentTable.open(config, "reviews")) {
      check(t);
    }
  }

  @Test
  void postgres_keepsOrderAndDocumentsAcrossReopening() {
    LedgerConfig.Postgres config = LedgerConfig.postgres(PgTestDatabase.url())
        .withSchema(PgTestDatabase.fresh("covenant_doc"));
    try (DocumentTable t = DocumentTable.open(config, "reviews")) {
      fill(t);
    }
    try (DocumentTable t = DocumentTable.open(config, "reviews")) {
      check(t);
    }
  }

  @Test
  void memory_behavesTheSameWhileOpen() {
    try (DocumentTable t = DocumentTable.open(LedgerConfig.memory(), "reviews")) {
      fill(t);
      check(t);
    }
  }

  @Test
  void unreachablePostgres_isStoreUnavailable() {
    LedgerConfig.Postgres config = LedgerConfig.postgres(
        "jdbc:postgresql://127.0.0.1:1/none?user=nobody").withSchema("covenant_doc_down")
        .withConnectTimeout(Duration.ofMillis(300));
    assertThatThrownBy(() -> DocumentTable.open(config, "reviews"))
        .isInstanceOf(StoreException.class)
        .extracting(e -> ((StoreException) e).code()).isEqualTo(StoreException.UNAVAILABLE);
  }

  private static void fill(DocumentTable t) {
    t.put("acme", "c-2", "{\"v\":1}");
    t.put("globex", "c-9", "{\"g\":1}");
    t.put("acme", "c-1", "{\"v\":2}");
    t.put("acme", "c-2", "{\"v\":3}");
  }

  private static void check(DocumentTable t) {
    assertThat(t.all("acme")).containsExactly("{\"v\":3}", "{\"v\":2}");
    assertThat(t.all("globex")).containsExactly("{\"g\":1}");
    assertThat(t.all("initech")).isEmpty();
    assertThat(t.scopes()).containsExactly("acme", "globex");
    assertThat(t.find("acme", "c-1")).contains("{\"v\":2}");
    assertThat(t.find("globex", "c-1")).isEmpty();
  }
}
