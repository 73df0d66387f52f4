package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persisted ledger answers exactly as the in-memory engine: for every file of the shared
 * conformance corpus and of our own, {@code ledger import --data DIR FILE} then
 * {@code scenario run --data DIR FILE} prints the same lines as {@code scenario run FILE}; and
 * {@code ledger export}, {@code decide} and bad input behave as documented.
 */
class LedgerConformanceTest {
  @TempDir Path tmp;

  /** What a CLI run printed and returned. */
  record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  static Run cli(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  static List<Path> corpus() throws IOException {
    Path dir = Path.of(System.getProperty("covenant.shared.dir", "../../shared"), "conformance");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** conformance/scenarios/**.json: our own corpus, subdirectories (data-rights/) included. */
  static List<Path> own() throws IOException {
    Path dir = Path.of("..", "conformance", "scenarios");
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".json"))
          .filter(f -> !dir.relativize(f).toString().startsWith("terms")).sorted().toList();
    }
  }

  @Test
  void importThenRunWithData_printsWhatTheInMemoryRunPrints_forEveryConformanceFile()
      throws IOException {
    List<Path> files = new ArrayList<>(corpus());
    assertThat(files).hasSizeGreaterThanOrEqualTo(17);
    files.addAll(own());
    for (Path f : files) {
      Run memory = cli("scenario", "run", f.toString());
      Path data = tmp.resolve(f.getFileName().toString().replace(".json", ""));
      Run imported = cli("ledger", "import", "--data", data.toString(), f.toString());
      assertThat(imported.exit()).as("%s import: %s", f, imported.err()).isZero();
      assertThat(imported.lines().get(imported.lines().size() - 1))
          .contains("\"duplicates\":0");
      Run persisted = cli("scenario", "run", "--data", data.toString(), f.toString());
      assertThat(persisted.exit()).as("%s: %s", f, persisted.err()).isEqualTo(memory.exit());
      assertThat(persisted.lines()).as(f.toString()).isEqualTo(memory.lines());
      assertThat(persisted.lines().get(persisted.lines().size() - 1)).endsWith(" 0 failed");
    }
  }

  @Test
  void scenarioRunOnAnEmptyDataDir_persistsTheEvents_andExportListsThem() throws IOException {
    Path f = corpus().get(0);
    Path data = tmp.resolve("fresh");
    Run memory = cli("scenario", "run", f.toString());
    Run first = cli("scenario", "run", "--data", data.toString(), f.toString());
    assertThat(first.lines()).isEqualTo(memory.lines());
    Run export = cli("ledger", "export", "--data", data.toString());
    assertThat(export.exit()).isZero();
    List<String> lines = export.lines();
    assertThat(lines).isNotEmpty();
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).startsWith("{\"position\":" + (i + 1) + ",\"type\":");
    }
    Run after = cli("ledger", "export", "--data", data.toString(), "--after",
        Integer.toString(lines.size() - 1));
    assertThat(after.lines()).containsExactly(lines.get(lines.size() - 1));
    // the second run finds the events in the ledger and answers the same
    Run second = cli("scenario", "run", "--data", data.toString(), f.toString());
    assertThat(second.lines()).isEqualTo(memory.lines());
  }

  @Test
  void decide_answersFromTheLedger_asOfAt() throws IOException {
    Path f = corpus().stream().filter(p -> p.getFileName().toString().startsWith("01-"))
        .findFirst().orElseThrow();
    Path data = tmp.resolve("decide");
    cli("ledger", "import", "--data", data.toString(), f.toString());
    Run early = cli("decide", "--data", data.toString(), "--purpose", "service.provide",
        "--content", "c-bob-audio", "--at", "2000-01-01T00:00:00Z");
    assertThat(early.exit()).isZero();
    assertThat(early.out()).contains("\"verdict\":\"deny\"")
        .contains("\"reason\":\"unknown_content\"");
    Run later = cli("decide", "--data", data.toString(), "--purpose", "service.provide",
        "--content", "c-bob-audio", "--at", "2030-01-01T00:00:00Z");
    assertThat(later.out()).contains("\"verdict\":\"allow\"");
  }

  @Test
  void badInput_isExitTwoWithAClearMessage() throws IOException {
    Path data = tmp.resolve("bad");
    Run purpose = cli("decide", "--data", data.toString(), "--purpose", "world.domination",
        "--content", "x");
    assertThat(purpose.exit()).isEqualTo(2);
    assertThat(purpose.err()).contains("unknown purpose `world.domination`");
    Run at = cli("decide", "--data", data.toString(), "--purpose", "ai.training", "--content",
        "x", "--at", "yesterday");
    assertThat(at.exit()).isEqualTo(2);
    assertThat(at.err()).contains("RFC 3339");
    Run neither = cli("ledger", "export");
    assertThat(neither.exit()).isEqualTo(2);
    assertThat(neither.err()).contains("--data DIR or --db");
    Path junk = Files.createDirectories(tmp.resolve("junk"));
    Files.writeString(junk.resolve("ledger.db"), "not a database at all, just words\n".repeat(99));
    Run corrupt = cli("ledger", "export", "--data", junk.toString());
    assertThat(corrupt.exit()).isEqualTo(2);
    assertThat(corrupt.err()).contains("not a Covenant ledger");
    assertThat(Files.readString(junk.resolve("ledger.db"))).startsWith("not a database");
  }
}
