package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.covenant.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledger import} applies the edge's rules (issue 12): history is the operator's, but not
 * more than 5 s past this machine's clock; an invalid identifier is invalid input naming the event
 * and field, and nothing of the file is imported.
 */
class LedgerImportEdgeTest {
  @TempDir Path tmp;

  private Path file(String events) throws Exception {
    Path f = tmp.resolve("s-" + System.nanoTime() + ".json");
    Files.writeString(f, "{\"events\":[" + events + "],\"queries\":[]}", StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void anEventFromTheFuture_isRejectedClockSkew_andThePastIsImported() throws Exception {
    Path data = tmp.resolve("d1");
    Path f = file("{\"type\":\"account.created\",\"at\":\"2024-01-01T00:00:00Z\",\"account\":"
        + "\"acme\",\"owner\":\"alice\"},{\"type\":\"group.created\",\"at\":\""
        + Instant.now().plusSeconds(3600) + "\",\"account\":\"acme\",\"group\":\"later\"}");
    LogWiringTest.Run r = LogWiringTest.cli("ledger", "import", "--data", data.toString(),
        f.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode rejected = Json.parse(r.out().lines().filter(l -> l.contains("\"rejected\""))
        .findFirst().orElseThrow());
    assertThat(rejected.path("code").asText()).isEqualTo("clock_skew");
    assertThat(rejected.path("event").asInt()).isEqualTo(1);
    LogWiringTest.Run export = LogWiringTest.cli("ledger", "export", "--data", data.toString());
    assertThat(export.out().lines().count()).isEqualTo(1);
  }

  @Test
  void anInvalidId_isInvalidInputNamingEventAndField() throws Exception {
    Path data = tmp.resolve("d2");
    Path f = file("{\"type\":\"account.created\",\"at\":\"2024-01-01T00:00:00Z\",\"account\":"
        + "\"acme\",\"owner\":\"alice\"},{\"type\":\"user.added\",\"at\":"
        + "\"2024-01-01T00:00:01Z\",\"account\":\"acme\",\"user\":\"cafe\\u0301\",\"role\":"
        + "\"member\"}");
    LogWiringTest.Run r = LogWiringTest.cli("ledger", "import", "--data", data.toString(),
        f.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("user").contains("NFC").contains("events[1]");
  }
}
