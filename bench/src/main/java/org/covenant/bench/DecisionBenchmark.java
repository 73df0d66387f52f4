package org.covenant.bench;

import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.state.Snapshot;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.TermsLibrary;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single decisions with full semantics (T_use and T_capture, settings with locks and parents,
 * consents at capture and use, contributors, notices, evidence) on a realistic snapshot of 10k
 * accounts and 1M content items, for random (purpose, content) pairs.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecisionBenchmark {
  @Param({"10000"})
  int accounts;

  @Param({"1000000"})
  int items;

  private DecisionEngine engine;
  private Snapshot snapshot;
  private DecisionRequest[] requests;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    TermsCatalog catalog = TermsLibrary.builtInCatalog();
    DemoLedger ledger = DemoLedger.build(catalog, accounts, items, 42);
    engine = DecisionEngine.create(catalog);
    snapshot = ledger.state.snapshot();
    SplittableRandom r = new SplittableRandom(7);
    requests = new DecisionRequest[1 << 16];
    Instant at = ledger.end;
    for (int i = 0; i < requests.length; i++) {
      Purpose p = Vocabulary.purposes().get(r.nextInt(Vocabulary.purposes().size()));
      requests[i] = new DecisionRequest(p, ledger.contents[r.nextInt(ledger.contents.length)], at);
    }
  }

  /** Throughput per thread (ops/s). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Decision decideThroughput() {
    DecisionRequest q = requests[next++ & (requests.length - 1)];
    return engine.decide(snapshot, q);
  }

  /** Latency distribution (p50, p99, …) per decision. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Decision decideLatency() {
    DecisionRequest q = requests[next++ & (requests.length - 1)];
    return engine.decide(snapshot, q);
  }
}
