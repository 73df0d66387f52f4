package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.covenant.format.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scan eval} on a file training never saw scans the whole file ({@code --all}, or by
 * default), and only the held-out part of the file the model was trained on.
 */
class ScanEvalTest {
  private static final Path DEV = Path.of(System.getProperty("covenant.shared.dir"),
      "data", "spamassassin", "dev.jsonl.gz");

  @TempDir static Path tmp;
  static Path trainFile;
  static Path otherFile;
  static Path model;
  static int otherLines;

  /** Even lines of the dev corpus to train on, odd lines as "later mail" the model never saw. */
  @BeforeAll
  static void trainOnHalf() throws Exception {
    List<String> even = new ArrayList<>();
    List<String> odd = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(DEV)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        (even.size() == odd.size() ? even : odd).add(line);
      }
    }
    trainFile = tmp.resolve("older.jsonl");
    otherFile = tmp.resolve("newer.jsonl");
    Files.write(trainFile, even);
    Files.write(otherFile, odd.subList(0, 701));
    otherLines = 701;
    model = tmp.resolve("m.scan");
    assertThat(Main.run("scan", "train", "--data", trainFile.toString(), "--out",
        model.toString())).isZero();
  }

  @Test
  void all_scansEveryMessageOfAnotherFile_andPrintsTheConfusionCounts() throws Exception {
    JsonNode r = eval(0, "--model", model.toString(), "--data", otherFile.toString(), "--all");
    assertThat(r.path("part").asText()).isEqualTo("all");
    assertThat(r.path("n").asInt()).isEqualTo(otherLines);
    assertThat(r.path("tp").asInt() + r.path("fp").asInt() + r.path("tn").asInt()
        + r.path("fn").asInt()).isEqualTo(otherLines);
    // a model that learned anything flags most spam of the other half and little of its ham
    assertThat(r.path("recall").asDouble()).isGreaterThan(0.8);
    assertThat(r.path("fpr").asDouble()).isLessThan(0.05);
  }

  @Test
  void withoutAll_anotherFileIsStillScannedWhole() throws Exception {
    JsonNode r = eval(0, "--model", model.toString(), "--data", otherFile.toString());
    assertThat(r.path("part").asText()).isEqualTo("all");
    assertThat(r.path("n").asInt()).isEqualTo(otherLines);
  }

  @Test
  void onTheTrainingFile_onlyTheHeldOutPartIsScanned_andAllIsRefused() throws Exception {
    JsonNode r = eval(0, "--model", model.toString(), "--data", trainFile.toString());
    assertThat(r.path("part").asText()).isEqualTo("held_out");
    int lines = Files.readAllLines(trainFile).size();
    assertThat(r.path("n").asInt()).isBetween(lines / 10, lines * 3 / 10);

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run("scan", "eval", "--model", model.toString(), "--data",
          trainFile.toString(), "--all")).isEqualTo(2);
    } finally {
      System.setErr(old);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--all").contains("trained on");
  }

  private static JsonNode eval(int status, String... args) throws Exception {
    String[] full = new String[args.length + 2];
    full[0] = "scan";
    full[1] = "eval";
    System.arraycopy(args, 0, full, 2, args.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(full)).isEqualTo(status);
    } finally {
      System.setOut(old);
    }
    return Json.parse(out.toString(StandardCharsets.UTF_8).trim());
  }
}
