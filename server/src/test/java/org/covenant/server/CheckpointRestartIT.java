package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.covenant.evidence.ProjectionCheckpoints;
import org.covenant.format.TermsLibrary;
import org.covenant.store.LedgerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server over a data directory writes projection checkpoints in the background and at a clean
 * shutdown, and its next start loads the newest and replays only the tail, answering as before.
 */
class CheckpointRestartIT {
  private static Deployment.Opened open(Path dir) {
    return Deployment.open(dir, LedgerConfig.sqlite(dir), ServerConfig.defaults(0)
        .withFreshness(Duration.ofSeconds(5), Duration.ofMillis(100)),
        TermsLibrary.builtInCatalog(), Clock.systemUTC(),
        new ProjectionCheckpoints.Policy(5, Duration.ofHours(1), 1, Duration.ofMillis(100)));
  }

  private static List<String> checkpoints(Path dir) throws Exception {
    Path d = dir.resolve("checkpoints");
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void checkpointsAreWrittenAndTheNextStartReplaysOnlyTheTail(@TempDir Path dir)
      throws Exception {
    Deployment.Opened first = open(dir);
    String operator = first.operatorSecret().orElseThrow();
    String batch = null;
    String before;
    long head;
    try (CovenantServer server = first.server().start()) {
      TestClient op = new TestClient(server.url(), operator);
      Workspace.seed(op);
      long seeded = server.namespaces().main().ledger().head();
      // the background writer catches up with the log (every 5 events, checked every 100 ms)
      long deadline = System.currentTimeMillis() + 30_000;
      while (checkpoints(dir).isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(checkpoints(dir)).as("written in the background").isNotEmpty();
      assertThat(op.post("/v1/accounts/acme/consents/ai_training:grant", "{}").status())
          .isEqualTo(200);
      head = server.namespaces().main().ledger().head();
      assertThat(head).isGreaterThan(seeded);
      batch = "{\"purpose\":\"service.provide\",\"at\":\"" + java.time.Instant.now()
          + "\",\"requests\":[\"c-chat-1\",\"c-globex-rec\",\"nope\"]}";
      before = op.post("/v1/decisions:batch", batch).body();
    }
    assertThat(checkpoints(dir)).as("the clean shutdown wrote the head")
        .contains("projection-" + head + ".ckpt").hasSizeLessThanOrEqualTo(2);

    try (CovenantServer server = open(dir).server().start()) {
      assertThat(server.namespaces().main().ledger().startedFrom()).hasValueSatisfying(
          s -> assertThat(s).contains("projection-" + head + ".ckpt"));
      assertThat(server.namespaces().main().ledger().head()).isEqualTo(head);
      TestClient op = new TestClient(server.url(), operator);
      assertThat(op.post("/v1/decisions:batch", batch).body()).isEqualTo(before);
      // listings still hold what came before the checkpoint
      assertThat(op.get("/v1/accounts/acme/events?limit=1000").json().path("events").size())
          .isGreaterThan(0);
    }
  }
}
