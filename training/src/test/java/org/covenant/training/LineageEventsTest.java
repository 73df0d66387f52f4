package org.covenant.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.covenant.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenLineage run events go to the file and, when configured, to an HTTP endpoint. */
class LineageEventsTest {
  @TempDir Path dir;

  @Test
  void events_areWrittenAndPosted_asOpenLineageRunEvents() throws IOException {
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/lineage", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(201, -1);
      ex.close();
    });
    server.createContext("/broken", ex -> {
      ex.sendResponseHeaders(500, -1);
      ex.close();
    });
    server.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/lineage");
      Path file = dir.resolve("ol.jsonl");
      LineageEvents events = LineageEvents.create(file, Optional.of(url));
      String json = events.modelTrained("m", 3, List.of("b1", "b2"), Instant.parse(
          "2025-01-01T00:00:00Z"));
      assertThat(bodies).containsExactly(json);
      JsonNode e = Json.parse(json);
      assertThat(e.path("eventType").asText()).isEqualTo("COMPLETE");
      assertThat(e.path("eventTime").asText()).isEqualTo("2025-01-01T00:00:00Z");
      assertThat(e.path("job").path("namespace").asText()).isEqualTo("covenant");
      assertThat(e.path("inputs").get(1).path("name").asText()).isEqualTo("dataset/b2");
      assertThat(e.path("outputs").get(0).path("name").asText()).isEqualTo("model/m/3");
      assertThat(e.path("run").path("facets").path("covenant_model").path("version").asInt())
          .isEqualTo(3);
      assertThat(Files.readAllLines(file)).containsExactly(json);

      LineageEvents failing = LineageEvents.create(file, Optional.of(URI.create(
          "http://127.0.0.1:" + server.getAddress().getPort() + "/broken")));
      assertThatThrownBy(() -> failing.modelUnlearned("m", 3, 4, "acct", Instant.EPOCH))
          .isInstanceOf(TrainingException.class).hasMessageContaining("answered 500");
      // The event is kept in the file even when the endpoint refuses it.
      assertThat(Files.readAllLines(file)).hasSize(2);
    } finally {
      server.stop(0);
    }
  }
}
