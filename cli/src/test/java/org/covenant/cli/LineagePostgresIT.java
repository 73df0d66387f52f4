package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.format.Json;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PgTestDatabase;
import org.covenant.training.DatasetManifest;
import org.covenant.training.LineageRegistry;
import org.covenant.training.ModelRegistryEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --db}, the lineage registry (dataset builds with their accounts, model versions,
 * withdrawal flags) lives in the ledger's PostgreSQL schema: a build recorded by one CLI on one
 * machine is seen, with its accounts, by another CLI with another (empty) data directory, which
 * registers a model on it and finds a withdrawal reaching it.
 */
class LineagePostgresIT {
  private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");

  @TempDir Path tmp;

  @Test
  void buildsModelsAndFlags_areSharedThroughPostgres() throws Exception {
    String url = PgTestDatabase.url();
    String schema = "covenant_lineage_" + UUID.randomUUID().toString().replace("-", "")
        .substring(0, 12);
    LedgerConfig.Postgres pg = LedgerConfig.postgres(url).withSchema(schema);
    try {
      Path ds = tmp.resolve("ds1");
      Files.createDirectories(ds);
      Files.writeString(ds.resolve(DatasetManifest.ACCOUNTS), "acme\t12\t3\nglobex\t0\t4\n");
      DatasetManifest m = new DatasetManifest("b-1", "ai.training", AT, 10,
          List.of("ai_training"), 100, 19, "sha256:00", 7, Json.object());
      LineageRegistry first = LineageRegistry.postgres(pg);
      first.recordBuild(m, ds);
      // the dataset directory may be gone: the accounts are in the database
      Files.delete(ds.resolve(DatasetManifest.ACCOUNTS));

      LineageRegistry second = LineageRegistry.postgres(pg);
      assertThat(second.builds()).extracting(LineageRegistry.BuildEntry::build)
          .containsExactly("b-1");
      assertThat(second.affected("acme").builds()).singleElement()
          .satisfies(s -> assertThat(s.owned()).isEqualTo(12));
      ModelRegistryEntry v1 = second.registerModel("summarizer", List.of("b-1"),
          tmp.resolve("m.model"), "sha256:11", List.of(), Optional.empty(), AT);
      assertThat(v1.version()).isEqualTo(1);
      List<LineageRegistry.Withdrawal> seen = first.sync(List.of(new StoredEvent(11,
          new Event.ConsentWithdrawn(AT.plusSeconds(60), "acme", "ai_training", "owner"),
          Optional.empty())));
      assertThat(seen).singleElement()
          .satisfies(w -> assertThat(w.flagged()).containsExactly("summarizer@1"));
      assertThat(second.model("summarizer", 1).orElseThrow().status())
          .isEqualTo(ModelRegistryEntry.RETRAIN_OR_UNLEARN);
      assertThat(second.scannedPosition()).isEqualTo(11);
      assertThat(second.registerModel("summarizer", List.of("b-1"), tmp.resolve("m2.model"),
          "sha256:22", List.of("acme"), Optional.of(1), AT).version()).isEqualTo(2);
      assertThat(first.model("summarizer", 1).orElseThrow().status())
          .isEqualTo(ModelRegistryEntry.SUPERSEDED);

    } finally {
      try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }
}
