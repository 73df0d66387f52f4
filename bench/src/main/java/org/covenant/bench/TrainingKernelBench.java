package org.covenant.bench;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.training.BatchKernel;
import org.covenant.training.CorpusGenerator;
import org.covenant.training.LedgerIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The training batch kernel's throughput, in records per second (one operation = one record):
 * a generated corpus of {@value #RECORDS} records over {@value #ACCOUNTS} accounts (Zipf sizes,
 * multi-party meetings, external contributors) and its ledger, decided for {@code ai.training}.
 * {@code order=ACCOUNT} is a corpus grouped by account, {@code RANDOM} a shuffled one.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar TrainingKernelBench -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TrainingKernelBench {
  static final int RECORDS = 4_000_000;
  static final int ACCOUNTS = 40_000;

  @Param({"ACCOUNT", "RANDOM"})
  public String order;

  BatchKernel.Plan plan;

  /** Per-thread output buffers: the kernel writes one outcome id per record. */
  @State(Scope.Thread)
  public static class Buffers {
    short[] out;
    long[] counts;

    @Setup(Level.Trial)
    public void setup(TrainingKernelBench b) {
      out = new short[RECORDS];
      counts = new long[b.plan.outcomes().size()];
    }
  }

  @Setup(Level.Trial)
  public void setup() {
    CorpusGenerator.Generated g = CorpusGenerator.generate(CorpusGenerator.Spec
        .of(RECORDS, ACCOUNTS, 7).withOrder(CorpusGenerator.Order.valueOf(order)));
    LedgerIndex.Builder b = LedgerIndex.builder(TermsLibrary.builtInCatalog());
    List<Event> events = g.events();
    for (int i = 0; i < events.size(); i++) {
      b.accept(new StoredEvent(i + 1, events.get(i), Optional.empty()));
    }
    LedgerIndex index = ok(b.build());
    BatchKernel kernel = ok(BatchKernel.compile(index,
        Vocabulary.purpose("ai.training").orElseThrow(),
        TimeKey.of(Instant.parse("2025-01-01T00:00:00Z"))));
    plan = ok(kernel.bind(g.corpus()));
  }

  private static <T> T ok(Result<T> r) {
    if (r instanceof Result.Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException(((Result.Failed<T>) r).problems().toString());
  }

  /** One thread over the whole corpus. */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(RECORDS)
  public short oneThread(Buffers buf) {
    plan.evaluate(0, RECORDS, buf.out, 0, buf.counts);
    return buf.out[RECORDS - 1];
  }

  /** Two threads, each over the whole corpus (the score is their sum: 2 cores' throughput). */
  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(RECORDS)
  public short twoThreads(Buffers buf) {
    plan.evaluate(0, RECORDS, buf.out, 0, buf.counts);
    return buf.out[RECORDS - 1];
  }

  /** The build's own path: chunks handed to a pool of two threads, fresh output array. */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(RECORDS)
  public long evaluateAll() {
    return plan.evaluateAll(2, done -> {}).counts()[0];
  }
}
