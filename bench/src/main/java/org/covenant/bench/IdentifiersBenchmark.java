package org.covenant.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.covenant.core.event.Event;
import org.covenant.core.event.Identifiers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the identifier rule (issue 12) costs per event, checked at the edge and again by the
 * ledger: a typical {@code content.created} (short ASCII ids, two contributors) and the worst
 * case the rule admits (70 ids of 128 four-byte code points). Single-threaded, ns per event. Run:
 * {@code java -jar bench/target/benchmarks.jar IdentifiersBenchmark -f 1 -wi 2 -i 3}.
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class IdentifiersBenchmark {
  private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");
  private final Event typical = new Event.ContentCreated(T, "c-chat-000123",
      "customer_content.chat", "acct-0042", Optional.of("m-0042-17"), Optional.of("user-7"),
      List.of("acct-0042", "acct-0099"));
  private final Event worst;

  /** Builds the worst-case event. */
  public IdentifiersBenchmark() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Identifiers.MAX_CODE_POINTS - 1; i++) {
      b.appendCodePoint(0x1F600 + i % 64);
    }
    String stem = b.toString();
    List<String> cs = new ArrayList<>();
    for (int i = 0; i < Identifiers.MAX_LIST; i++) {
      cs.add(stem.substring(0, stem.length() - 2) + Character.toString(0x1F300 + i));
    }
    worst = new Event.ContentCreated(T, stem + "X", "customer_content.chat", stem + "A",
        Optional.of(stem + "M"), Optional.of(stem + "H"), cs);
  }

  /** A typical event. */
  @Benchmark
  public Object typical() {
    return Identifiers.check(typical);
  }

  /** The largest event the rule admits. */
  @Benchmark
  public Object worstCase() {
    return Identifiers.check(worst);
  }
}
