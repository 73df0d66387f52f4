package org.covenant.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.covenant.bench.peers.ConsentWorkload;
import org.covenant.bench.peers.Contestant;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Covenant and the engines people would pick instead, side by side on one consent rule ("AI
 * training on customer content only if the owning account consented before capture and the
 * feature is on, with a lock at account level"), on the same generated requests
 * ({@link ConsentWorkload}, seed 21). Before any timing, each trial decides every request and
 * stops with {@link Contestant.AnswerMismatch} if one answer differs from Covenant's.
 *
 * <p>Per decision: {@code SampleTime} gives p50 and p99, {@code Throughput} decisions per second
 * on one thread; the CPU time of the measuring thread per decision ({@link ThreadMXBean}) is
 * printed as {@code cpu-per-op} after each throughput trial.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar PeerDecisionBenchmark -foe true
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
public class PeerDecisionBenchmark {
  /** Seed of the workload: the same requests for every engine. */
  static final long SEED = 21;
  /** Requests per workload (cycled through during timing). */
  static final int REQUESTS = 1 << 15;

  @Param({"covenant-full", "covenant-rule", "easy-rules", "easy-rules+lookups", "jcasbin",
      "drools", "cel", "cedar"})
  public String engine;

  @Param({"2000"})
  public int accounts;

  private Contestant.Decider decider;
  private int next;

  /** CPU time of the measuring thread over the measurement iterations. */
  @State(Scope.Thread)
  public static class Cpu {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long ops;
    private long start;
    private long cpu;
    private long measuredOps;

    @Setup(Level.Iteration)
    public void begin() {
      ops = 0;
      start = mx.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void end(IterationParams p) {
      long used = mx.getCurrentThreadCpuTime() - start;
      if (p.getType() == IterationType.MEASUREMENT) {
        cpu += used;
        measuredOps += ops;
      }
    }

    @TearDown(Level.Trial)
    public void report(PeerDecisionBenchmark b) {
      if (measuredOps > 0) {
        System.out.printf(Locale.ROOT, "%ncpu-per-op engine=%s %.1f ns (%d ops, load average"
            + " %.2f)%n", b.engine, (double) cpu / measuredOps, measuredOps,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      }
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    Contestant c = Contestant.of(engine);
    ConsentWorkload w = ConsentWorkload.generate(accounts, REQUESTS, SEED);
    boolean[] covenant = Contestant.covenantRuleAnswers(w);
    decider = c.open(w);
    // INVARIANT: no engine is timed before it gave Covenant's answers on every request.
    int allows = c.check(decider, w, covenant);
    System.out.printf(Locale.ROOT, "%nanswers engine=%s: all %d equal to %s (%d allow, %d deny;"
        + " %d ledger events)%n", engine, w.size(), c.covenant() ? "the model" : "covenant-rule",
        allows, w.size() - allows, w.eventCount());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    decider.close();
  }

  /** Decisions per second on one thread. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public boolean throughput(Cpu cpu) {
    cpu.ops++;
    return decider.decide(next++ & (REQUESTS - 1));
  }

  /** The latency distribution of one decision (p50, p99). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public boolean latency() {
    return decider.decide(next++ & (REQUESTS - 1));
  }
}
