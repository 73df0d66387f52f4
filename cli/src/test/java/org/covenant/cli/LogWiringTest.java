package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.covenant.evidence.LedgerFeed;
import org.covenant.evidence.Pseudonyms;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.FileKeyStore;
import org.covenant.log.TiledLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI keeps a data directory's transparency log level with its ledger, as the server does
 * (ARCHITECTURE.md §7): after {@code ledger import} of each file of the shared conformance corpus
 * (one data directory per file: their accounts collide), {@code log verify} passes with one leaf
 * per ledger event, the leaves are the server feed's, one flipped byte in any tile or entry bundle
 * fails {@code log verify} naming the file, and erasing a person's salt leaves it green.
 */
class LogWiringTest {
  @TempDir Path tmp;

  /** What a CLI run printed and returned. */
  record Run(int exit, String out, String err) {
    JsonNode lastLine() {
      List<String> lines = out.lines().toList();
      return Json.parse(lines.get(lines.size() - 1));
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

  /** A data directory holding one imported conformance file, and its ledger head. */
  private record Imported(Path file, Path data, long head) {}

  /** One data directory per conformance file, imported once; tests that change it copy it. */
  private static List<Imported> imported;

  @BeforeAll
  static void importEveryFile(@TempDir Path shared) throws IOException {
    List<Imported> out = new ArrayList<>();
    for (Path f : corpus()) {
      Path data = shared.resolve(f.getFileName().toString().replace(".json", ""));
      Run r = cli("ledger", "import", "--data", data.toString(), f.toString());
      assertThat(r.exit()).as("%s: %s", f, r.err()).isZero();
      assertThat(r.err()).as(f.toString()).isEmpty();
      out.add(new Imported(f, data, r.lastLine().path("head").asLong()));
    }
    imported = List.copyOf(out);
  }

  private Imported copy(Imported im) throws IOException {
    Path to = tmp.resolve(im.data().getFileName());
    try (Stream<Path> s = Files.walk(im.data())) {
      for (Path p : s.toList()) {
        Path q = to.resolve(im.data().relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return new Imported(im.file(), to, im.head());
  }

  private static JsonNode verified(Path data) {
    Run v = cli("log", "verify", "--data", data.toString());
    assertThat(v.exit()).as("%s: %s %s", data, v.out(), v.err()).isZero();
    return v.lastLine();
  }

  private static List<byte[]> leaves(Path data) {
    try (TiledLog log = TiledLog.openReadOnly(data,
        FileKeyStore.load(data).orElseThrow().verifier())) {
      List<byte[]> out = new ArrayList<>();
      for (long i = 0; i < log.size(); i++) {
        out.add(log.leaf(i));
      }
      return out;
    }
  }

  @Test
  void importOfEveryConformanceFile_logsOneServerLeafPerEvent_andVerifies() throws IOException {
    assertThat(imported).hasSizeGreaterThanOrEqualTo(10);
    for (Imported im : imported) {
      Path f = im.file();
      assertThat(im.head()).as(f.toString()).isPositive();
      JsonNode v = verified(im.data());
      assertThat(v.path("size").asLong()).as(f.toString()).isEqualTo(im.head());
      assertThat(v.path("leaves").asLong()).as(f.toString()).isEqualTo(im.head());
      List<byte[]> leaves = leaves(im.data());
      List<byte[]> feed = FeedLeaves.derive(im.data(), tmp.resolve("feed-" + im.data()
          .getFileName()), TermsLibrary.builtInCatalog());
      assertThat(leaves).as(f.toString()).hasSameSizeAs(feed);
      for (int i = 0; i < leaves.size(); i++) {
        assertThat(leaves.get(i)).as("%s leaf %d", f, i).isEqualTo(feed.get(i));
        JsonNode leaf = Json.parse(new String(leaves.get(i), StandardCharsets.UTF_8));
        assertThat(leaf.path("type").asText()).isEqualTo(LedgerFeed.EVENT_LEAF);
        assertThat(leaf.path("position").asLong()).isEqualTo(i + 1);
        for (String personal : List.of("owner", "user", "by", "host", "participant", "author")) {
          JsonNode p = leaf.path("event").path(personal);
          if (!p.isMissingNode()) {
            assertThat(p.asText()).as("%s leaf %d %s", f, i, personal).startsWith("sha256:");
          }
        }
      }
      // importing again appends nothing, to the ledger or to the log
      Run again = cli("ledger", "import", "--data", im.data().toString(), f.toString());
      assertThat(again.lastLine().path("accepted").asLong()).isZero();
      assertThat(verified(im.data()).path("size").asLong()).isEqualTo(im.head());
    }
  }

  @Test
  void scenarioRunIntoAnEmptyDataDir_logsItsEvents() throws IOException {
    for (Path f : corpus().subList(0, 3)) {
      Path data = tmp.resolve("run-" + f.getFileName());
      Run run = cli("scenario", "run", "--quiet", "--data", data.toString(), f.toString());
      assertThat(run.exit()).as("%s: %s", f, run.err()).isZero();
      Run export = cli("ledger", "export", "--data", data.toString());
      long head = export.out().lines().count();
      assertThat(head).isPositive();
      assertThat(verified(data).path("size").asLong()).as(f.toString()).isEqualTo(head);
    }
  }

  @Test
  void flippedByte_inAnyTileOrBundle_failsVerify_namingTheFile() throws IOException {
    long seed = System.nanoTime();
    System.out.println("LogWiringTest flip seed " + seed);
    Random random = new Random(seed);
    int flipped = 0;
    for (Imported im : imported) {
      Path f = im.file();
      Path data = copy(im).data();
      List<Path> tiles;
      try (Stream<Path> s = Files.walk(data.resolve("log").resolve("tile"))) {
        tiles = s.filter(Files::isRegularFile).sorted().toList();
      }
      // an entry bundle and a level-0 hash tile at least
      assertThat(tiles).as(f.toString()).hasSizeGreaterThanOrEqualTo(2);
      for (Path tile : tiles) {
        byte[] original = Files.readAllBytes(tile);
        byte[] bad = original.clone();
        int at = random.nextInt(bad.length);
        bad[at] ^= (byte) (1 << random.nextInt(8));
        Files.write(tile, bad);
        Run v = cli("log", "verify", "--data", data.toString());
        assertThat(v.exit()).as("seed %d: %s byte %d: %s", seed, tile, at, v.out()).isEqualTo(1);
        assertThat(v.lastLine().path("file").asText()).as("seed %d: byte %d", seed, at)
            .isEqualTo(tile.toString());
        Files.write(tile, original);
        flipped++;
      }
      verified(data);
    }
    assertThat(flipped).isGreaterThanOrEqualTo(2 * imported.size());
  }

  @Test
  void ledgerLostBesideItsLog_everyOpenRefuses_namingBothSizesAndTheDirectory()
      throws IOException {
    Imported im = copy(imported.get(imported.size() - 1));
    List<byte[]> before = leaves(im.data());
    for (String f : new String[] {"ledger.db", "ledger.db-wal", "ledger.db-shm"}) {
      Files.deleteIfExists(im.data().resolve(f));
    }
    Run r = cli("ledger", "import", "--data", im.data().toString(), im.file().toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("ledger_behind_log").contains("holds 0 events")
        .contains("logs ledger position " + im.head()).contains(im.data().toString());
    // Refusing leaves the log as it was: the same leaves, and it still verifies.
    assertThat(leaves(im.data())).containsExactlyElementsOf(before);
    assertThat(verified(im.data()).path("size").asLong()).isEqualTo(before.size());
  }

  @Test
  void erasingAPersonsSalt_leavesVerifyGreen_andTheLeavesUntouched() throws IOException {
    for (Imported original : imported) {
      Imported im = copy(original);
      Path f = im.file();
      List<byte[]> before = leaves(im.data());
      // Opening folds the salts journal into salts.json.
      Pseudonyms pseudonyms = Pseudonyms.open(im.data());
      JsonNode salts = Json.parse(Files.readString(
          im.data().resolve("keys").resolve("salts.json"), StandardCharsets.UTF_8));
      String account = salts.path("accounts").fieldNames().next();
      String person = salts.path("accounts").path(account).fieldNames().next();
      assertThat(pseudonyms.erase(account, person)).isTrue();
      assertThat(im.data().resolve("keys").resolve("salts.jsonl")).doesNotExist();
      assertThat(Json.parse(Files.readString(im.data().resolve("keys").resolve("salts.json")))
          .path("accounts").path(account).has(person)).isFalse();
      assertThat(verified(im.data()).path("size").asLong()).isEqualTo(im.head());
      assertThat(leaves(im.data())).as(f.toString()).containsExactlyElementsOf(before);
      // the CLI reopening the directory neither relogs nor rewrites anything
      Run again = cli("ledger", "import", "--data", im.data().toString(), f.toString());
      assertThat(again.exit()).isZero();
      assertThat(verified(im.data()).path("size").asLong()).isEqualTo(im.head());
      assertThat(leaves(im.data())).containsExactlyElementsOf(before);
    }
  }

  @Test
  void whileAnotherProcessHoldsTheLog_importGoesToTheLedger_andTheNextOpenLogsIt()
      throws IOException {
    Path f = corpus().get(0);
    Path data = tmp.resolve("held");
    long head;
    // A live writer (the server, in production) holds the log's lock.
    try (TiledLog holder = TiledLog.open(data,
        FileKeyStore.loadOrCreate(data, FileKeyStore.DEFAULT_NAME))) {
      Run r = cli("ledger", "import", "--data", data.toString(), f.toString());
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.err()).contains("holds the log");
      head = r.lastLine().path("head").asLong();
      assertThat(holder.size()).isZero();
    }
    assertThat(verified(data).path("size").asLong()).isZero();
    // any later append path (here a scenario run, which finds the events) brings the log level
    Run run = cli("scenario", "run", "--quiet", "--data", data.toString(), f.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(verified(data).path("size").asLong()).isEqualTo(head);
  }
}
