package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.covenant.format.Json;
import org.covenant.format.TermsLibrary;
import org.covenant.log.FileKeyStore;
import org.covenant.log.TiledLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledger import} of a file larger than one batch (issue 15): a rejected event inside a
 * batch is reported by its index with its code and the rest of the batch is stored; importing
 * again adds nothing; the log, fed in the background while the next batch is committed, holds
 * exactly the leaves the ledger's events give when derived afresh from the store.
 */
class LedgerImportBatchTest {
  private static final int EVENTS = 25_001;
  private static final int BAD = 15_000;

  @TempDir Path tmp;

  private Path file() throws Exception {
    StringBuilder sb = new StringBuilder("{\"events\":[");
    sb.append("{\"type\":\"account.created\",\"at\":\"2024-01-01T00:00:00Z\",\"account\":"
        + "\"acme\",\"owner\":\"alice\"}");
    for (int i = 1; i < EVENTS; i++) {
      sb.append(',');
      if (i == BAD) {
        sb.append("{\"type\":\"user.added\",\"at\":\"2024-01-01T00:00:01Z\",\"account\":"
            + "\"nobody\",\"user\":\"x\",\"role\":\"member\"}");
      } else if (i % 2 == 0) {
        sb.append("{\"type\":\"group.created\",\"at\":\"2024-01-01T00:00:01Z\",\"account\":"
            + "\"acme\",\"group\":\"g").append(i).append("\"}");
      } else {
        sb.append("{\"type\":\"user.added\",\"at\":\"2024-01-01T00:00:01Z\",\"account\":"
            + "\"acme\",\"user\":\"u").append(i).append("\",\"role\":\"member\"}");
      }
    }
    sb.append("],\"queries\":[]}");
    Path f = tmp.resolve("big.json");
    Files.writeString(f, sb, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void aRejectedEventInsideABatch_isNamed_theRestIsStored_andReimportAddsNothing()
      throws Exception {
    Path data = tmp.resolve("data");
    Path f = file();
    LogWiringTest.Run r = LogWiringTest.cli("ledger", "import", "--data", data.toString(),
        f.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> rejected = r.out().lines()
        .filter(l -> l.contains("\"outcome\":\"rejected\"")).map(Json::parse).toList();
    assertThat(rejected).hasSize(1);
    assertThat(rejected.get(0).path("event").asInt()).isEqualTo(BAD);
    assertThat(rejected.get(0).path("code").asText()).isEqualTo("unknown_account");
    assertThat(rejected.get(0).path("message").asText()).contains("nobody");
    JsonNode summary = r.lastLine();
    assertThat(summary.path("accepted").asInt()).isEqualTo(EVENTS - 1);
    assertThat(summary.path("head").asInt()).isEqualTo(EVENTS - 1);

    LogWiringTest.Run again = LogWiringTest.cli("ledger", "import", "--data", data.toString(),
        f.toString());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.lastLine().path("accepted").asInt()).isZero();
    assertThat(again.lastLine().path("duplicates").asInt()).isEqualTo(EVENTS - 1);
    assertThat(again.lastLine().path("rejected").asInt()).isEqualTo(1);
    assertThat(again.lastLine().path("head").asInt()).isEqualTo(EVENTS - 1);

    LogWiringTest.Run verify = LogWiringTest.cli("log", "verify", "--data", data.toString());
    assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.lastLine().path("size").asInt()).isEqualTo(EVENTS - 1);
    // the leaves written from the just-committed batches equal those derived from the store
    List<byte[]> fresh = FeedLeaves.derive(data, tmp.resolve("scratch"),
        TermsLibrary.builtInCatalog());
    List<byte[]> logged = new ArrayList<>();
    try (TiledLog log = TiledLog.openReadOnly(data,
        FileKeyStore.load(data).orElseThrow().verifier())) {
      for (long i = 0; i < log.size(); i++) {
        logged.add(log.leaf(i));
      }
    }
    assertThat(logged).hasSize(EVENTS - 1);
    for (int i = 0; i < logged.size(); i++) {
      assertThat(new String(logged.get(i), StandardCharsets.UTF_8)).as("leaf %d", i)
          .isEqualTo(new String(fresh.get(i), StandardCharsets.UTF_8));
    }
  }
}
