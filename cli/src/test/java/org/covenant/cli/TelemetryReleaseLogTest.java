package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.covenant.log.FileKeyStore;
import org.covenant.log.TiledLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A telemetry release against a data directory is one more leaf of its transparency log. */
class TelemetryReleaseLogTest {
  @Test
  void aReleaseIsRecordedAsALogLeafAndTheLogStillVerifies(@TempDir Path tmp) {
    Path data = tmp.resolve("data");
    Path shared = Path.of(System.getProperty("covenant.shared.dir"));
    assertThat(Main.run("ledger", "import", "--data", data.toString(),
        shared.resolve("conformance/13-setting-levels.json").toString())).isZero();
    long before = size(data);
    Path ctel = tmp.resolve("t.ctel");
    assertThat(Main.run("telemetry", "generate", "--events", "20000", "--seed", "3", "--out",
        ctel.toString())).isZero();
    assertThat(Main.run("telemetry", "report", "--in", ctel.toString(), "--out",
        tmp.resolve("report").toString(), "--seed", "5", "--data", data.toString())).isZero();
    // One leaf per release: the generated accounts carry region settings, so the minutes are
    // also drawn per class of accounts with the same allowed regions; the one budget entry (and
    // its one leaf) lists the classes and charges their draws once (disjoint accounts).
    assertThat(size(data)).isEqualTo(before + 1);
    try (TiledLog log = TiledLog.openReadOnly(data, FileKeyStore.load(data).orElseThrow()
        .verifier())) {
      com.fasterxml.jackson.databind.JsonNode leaf = org.covenant.format.Json.parse(new String(
          log.leaf(before), java.nio.charset.StandardCharsets.UTF_8));
      assertThat(leaf.path("type").asText())
          .isEqualTo(org.covenant.evidence.JobLeaves.TELEMETRY_RELEASE);
      assertThat(leaf.path("classes").size()).as(leaf.toString()).isGreaterThan(1);
      java.util.List<String> perClass = new java.util.ArrayList<>();
      leaf.path("queries").forEach(q -> {
        if (q.path("perClass").asBoolean()) { // the leaf is the entry in camelCase
          perClass.add(q.path("metric").asText());
        }
      });
      assertThat(perClass).containsExactly("minutes", "minutes");
    }
    assertThat(Main.run("log", "verify", "--data", data.toString())).isZero();
  }

  private static long size(Path data) {
    try (TiledLog log = TiledLog.openReadOnly(data, FileKeyStore.load(data).orElseThrow()
        .verifier())) {
      return log.size();
    }
  }
}
