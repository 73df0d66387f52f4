package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench scale} says where its import's CPU went (issue 15): the generator's share of the
 * main thread apart, and on Linux every thread's CPU, the ledger's writer and the log's threads
 * among them, read before the close ends them.
 */
class BenchScaleTest {
  @TempDir Path tmp;

  @Test
  void theImportsCpuIsShownByThreadWithTheGeneratorAndTheCloseApart() {
    Path data = tmp.resolve("d");
    LogWiringTest.Run r = LogWiringTest.cli("bench", "scale", "--events", "3000", "--batch",
        "1000", "--no-open", "--data", data.toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(0);
    JsonNode j = r.lastLine();
    assertThat(j.path("events").asLong()).isEqualTo(3000);
    double main = j.path("import_main_thread_cpu_seconds").asDouble();
    assertThat(j.path("import_generator_cpu_seconds").isNumber()).isTrue();
    assertThat(j.path("import_generator_cpu_seconds").asDouble()).isBetween(0.0, main);
    assertThat(j.path("import_close_seconds").asDouble())
        .isBetween(0.0, j.path("import_seconds").asDouble());
    assertThat(j.path("import_close_main_thread_cpu_seconds").asDouble()).isBetween(0.0, main);
    JsonNode byThread = j.path("import_cpu_seconds_by_thread");
    assertThat(byThread.isObject()).isTrue();
    if (Files.isDirectory(Path.of("/proc/self/task"))) {
      // /proc names threads by their first 15 characters: covenant-ledger-writer, covenant-log-*.
      assertThat(byThread.has("covenant-ledger")).as("%s", byThread).isTrue();
      assertThat(byThread.has("covenant-log-le")).as("%s", byThread).isTrue();
    }
  }
}
