package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.Verdict;
import org.covenant.core.terms.Basis;
import org.covenant.core.terms.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogTest {
  private static final Instant T = Instant.parse("2030-03-01T10:15:00Z");
  private static final Decision ALLOW = new Decision(Verdict.ALLOW, List.of(),
      Optional.of(Basis.LICENSE), List.of("default#provide"), List.of(), List.of(3L), "r1");
  private static final Decision DENY = new Decision(Verdict.DENY,
      List.of(Reason.CONSENT_MISSING, Reason.NO_PERMITTING_CLAUSE), Optional.empty(),
      List.of("default#training"), List.of(), List.of(3L), "r1");

  @Test
  void report_countsUsesAndRefusals_perAccountAndPeriod() {
    DecisionLog log = DecisionLog.inMemory();
    log.record("acme", T, "service.provide", ALLOW, 3);
    log.record("acme", T, "ai.training", DENY, 2);
    log.record("globex", T, "service.provide", ALLOW, 5);
    log.record("acme", T.plusSeconds(86_400 * 40), "service.provide", ALLOW, 7);
    JsonNode r = log.report("acme", T.minusSeconds(3600), T.plusSeconds(3600));
    assertThat(r.path("allowed").asLong()).isEqualTo(3);
    assertThat(r.path("denied").asLong()).isEqualTo(2);
    assertThat(r.path("uses").get(0).path("basis").asText()).isEqualTo("license");
    assertThat(r.path("uses").get(0).path("clauses").get(0).asText())
        .isEqualTo("default#provide");
    assertThat(r.path("refusals").get(0).path("reason").asText()).isEqualTo("consent_missing");
    assertThat(r.path("series").get(0).path("hour").asText()).isEqualTo("2030-03-01T10:00:00Z");
  }

  @Test
  void series_countsUsesOfPlatformOwnedDataApart_fromUsesOfCustomerContent() {
    DecisionLog log = DecisionLog.inMemory();
    Decision owned = new Decision(Verdict.ALLOW, List.of(), Optional.of(Basis.OWNERSHIP),
        List.of("default#telemetry"), List.of(), List.of(4L), "r1");
    log.record("acme", T, "marketing", owned, 4);
    log.record("acme", T, "marketing", ALLOW, 1);
    log.record("acme", T, "marketing", DENY, 2);
    JsonNode point = log.report("acme", T.minusSeconds(3600), T.plusSeconds(3600))
        .path("series").get(0);
    assertThat(point.path("purpose").asText()).isEqualTo("marketing");
    assertThat(point.path("allowed").asLong()).isEqualTo(5);
    assertThat(point.path("allowed_platform_owned").asLong()).isEqualTo(4);
    assertThat(point.path("denied").asLong()).isEqualTo(2);
  }

  /**
   * A report over a shared backing while this server's flush runs: the flush must not land
   * between the report's read of the stored lines and its read of the unflushed remainder, or
   * the counts it moves are in neither. The backing starts a flush from inside the report's read
   * and gives it 300 ms to finish (it takes microseconds when nothing holds it back).
   */
  @Test
  void report_duringAFlush_countsEveryDecisionOnce() throws Exception {
    List<String> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicReference<DecisionLog> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
    DecisionLog log = DecisionLog.over(new DecisionLog.Backing() {
      @Override
      public List<String> lines() {
        List<String> before = List.copyOf(stored);
        if (armed.getAndSet(false)) {
          Thread flusher = new Thread(() -> self.get().flush(T));
          flusher.start();
          try {
            flusher.join(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return before;
      }

      @Override
      public void append(List<String> lines, DecisionLog.Flush summary) {
        stored.addAll(lines);
      }
    });
    self.set(log);
    log.record("acme", T, "service.provide", ALLOW, 2);
    log.flush(T);
    log.record("acme", T, "service.provide", ALLOW, 5);
    armed.set(true);
    JsonNode r = log.report("acme", T.minusSeconds(3600), T.plusSeconds(3600));
    assertThat(r.path("allowed").asLong()).isEqualTo(7);
    // And after the flush has run, the same seven, now all from the stored lines.
    for (int i = 0; i < 50 && stored.size() < 2; i++) {
      Thread.sleep(20);
    }
    assertThat(stored).hasSize(2);
    assertThat(log.report("acme", T.minusSeconds(3600), T.plusSeconds(3600))
        .path("allowed").asLong()).isEqualTo(7);
  }

  @Test
  void flushedCounts_areReplayedOnOpen_andFlushedOnce(@TempDir Path dir) {
    DecisionLog log = DecisionLog.open(dir);
    log.record("acme", T, "service.provide", ALLOW, 4);
    assertThat(log.flush(T).orElseThrow().decisions()).isEqualTo(4);
    assertThat(log.flush(T)).isEmpty();
    log.record("acme", T, "service.provide", ALLOW, 1);
    assertThat(log.flush(T).orElseThrow().decisions()).isEqualTo(1);
    DecisionLog again = DecisionLog.open(dir);
    assertThat(again.report("acme", T.minusSeconds(60), T.plusSeconds(60)).path("allowed")
        .asLong()).isEqualTo(5);
    assertThat(again.flush(T)).isEmpty();
  }
}
