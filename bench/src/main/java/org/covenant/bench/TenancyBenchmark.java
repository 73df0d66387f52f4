package org.covenant.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.server.Directory;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tenant isolation adds to a decision of an account or service token (issue 12): keeping
 * only the evidence positions of the caller's account, one lock-free look-up per position, over a
 * directory of {@code events} events in {@code accounts} accounts. A decision lists about five
 * positions; two threads check that concurrent decisions of one account do not contend.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class TenancyBenchmark {
  @Param({"200000"})
  int events;

  @Param({"1000"})
  int accounts;

  private Directory directory;
  private Directory.AccountInfo caller;
  private long[][] evidence;

  /** Builds the directory from accounts and content, in position order. */
  @Setup(Level.Trial)
  public void setUp() {
    // The benchmark only asks holds(); listings, which read events back, are not measured.
    org.covenant.core.state.GovernanceState state =
        org.covenant.core.state.GovernanceState.create(name -> true);
    directory = new Directory(positions -> {
      throw new UnsupportedOperationException("no store behind this benchmark's directory");
    }, state::snapshot);
    Instant at = Instant.parse("2030-01-01T00:00:00Z");
    List<StoredEvent> batch = new ArrayList<>();
    long position = 0;
    for (int a = 0; a < accounts; a++) {
      batch.add(new StoredEvent(++position, new Event.AccountCreated(at, "a" + a, "o" + a),
          Optional.empty()));
    }
    for (int i = 0; position < events; i++) {
      batch.add(new StoredEvent(++position, new Event.ContentCreated(at, "c" + i,
          "customer_content.chat", "a" + (i % accounts), Optional.empty(), Optional.empty(),
          List.of()), Optional.empty()));
    }
    for (StoredEvent s : batch) {
      state.apply(s.event());
    }
    caller = directory.account("a7").orElseThrow();
    // Decisions' evidence: three positions of the caller's account, two of others.
    evidence = new long[1024][];
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < evidence.length; i++) {
      long own = accounts + 8 + (long) accounts * r.nextInt(events / accounts - 2);
      evidence[i] = new long[] {8, own, own + accounts, own + 1, own + 2};
    }
  }

  /** Each thread's place in the list of decisions. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  /** The filter of one decision's evidence: five look-ups. */
  @Benchmark
  public int evidenceOfOneDecision(Cursor c) {
    long[] ev = evidence[c.next++ & (evidence.length - 1)];
    int kept = 0;
    for (long p : ev) {
      if (caller.holds(p)) {
        kept++;
      }
    }
    return kept;
  }

  /** The same from two threads at once, both for the same account. */
  @Benchmark
  @Threads(2)
  public int evidenceOfOneDecision2Threads(Cursor c) {
    return evidenceOfOneDecision(c);
  }
}
