package org.covenant.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.state.Snapshot;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.TermsLibrary;
import org.covenant.store.Append;
import org.covenant.store.InMemoryEventStore;
import org.covenant.store.Ledger;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading a snapshot from a warm {@link Ledger}: at the head, at a past position (the as-of
 * query), and a snapshot followed by one decision, over a ledger of {@code events} events.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class StoreSnapshotBenchmark {
  @Param({"200000"})
  int events;

  private Ledger ledger;
  private DecisionEngine engine;
  private String[] contents;
  private int next;
  private final Instant end = Instant.parse("2030-01-01T00:00:00Z");

  /** Builds the ledger through {@link Ledger#append}, 10,000 events per batch. */
  @Setup(Level.Trial)
  public void setUp() {
    TermsCatalog catalog = TermsLibrary.builtInCatalog();
    ledger = Ledger.over(InMemoryEventStore.create(), catalog);
    engine = DecisionEngine.create(catalog);
    StoreWorkload w = StoreWorkload.create("j", 7);
    List<String> ids = new ArrayList<>();
    for (int done = 0; done < events; done += 10_000) {
      List<Event> batch = w.next(Math.min(10_000, events - done));
      for (Event e : batch) {
        if (e instanceof Event.ContentCreated c) {
          ids.add(c.content());
        }
      }
      ledger.append(batch.stream().map(Append::of).toList());
    }
    if (ledger.head() != events) {
      throw new IllegalStateException("workload rejected events: head " + ledger.head());
    }
    contents = ids.toArray(new String[0]);
  }

  /** Closes the ledger. */
  @TearDown(Level.Trial)
  public void tearDown() {
    ledger.close();
  }

  /** The projection at the head. */
  @Benchmark
  public Snapshot snapshotAtHead() {
    return ledger.snapshot();
  }

  /** The projection at a past position. */
  @Benchmark
  public Snapshot snapshotAtPastPosition() {
    next = (next + 7919) % events;
    return ledger.snapshot(next + 1);
  }

  /** A snapshot at the head, then one decision on it. */
  @Benchmark
  public Decision snapshotThenDecide() {
    next = (next + 7919) % contents.length;
    return engine.decide(ledger.snapshot(), new DecisionRequest(
        Vocabulary.purpose("ai.training").orElseThrow(), contents[next], end));
  }
}
