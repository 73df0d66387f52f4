package org.covenant.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.covenant.log.ConsistencyProof;
import org.covenant.log.InclusionProof;
import org.covenant.log.LogVerification;
import org.covenant.log.LogVerifier;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The transparency log (ISSUE 4, ARCHITECTURE.md §7) on a real disk: durable batched appends (every
 * batch fsynced and committed under a new signed checkpoint), a full {@link LogVerifier} audit, and
 * proof generation (from the log's right frontier and its bounded tile cache: a random leaf of
 * the 1M tree mostly misses the 256 cached tiles and reads and checks one, see {@link LogHeap}). Leaves are ledger-event-sized canonical JSON
 * (about 200 bytes). Targets: 200k leaves/s appended, 1M leaves/s verified, proofs in microseconds.
 * {@code append*} and {@code verify} scores are leaves/s (one operation = one leaf); proof scores
 * are µs per proof. Run: {@code java -jar bench/target/benchmarks.jar LogBenchmark -f 1 -wi 2 -i
 * 3}.
 */
@Fork(
    value = 1,
    jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class LogBenchmark {
  static final int BIG_BATCH = 10_000;
  static final int SMALL_BATCH = 1_000;
  static final int LOG_SIZE = 1_000_000;
  static final NoteSigner SIGNER = NoteSigner.generate("covenant.bench/log");

  /** About 200 bytes, the size of a canonical ledger event with pseudonymized people. */
  static byte[] leaf(long i) {
    return ("{\"account\":\"acct-"
            + (i % 9973)
            + "\",\"at\":\"2024-03-01T09:"
            + (i % 60)
            + ":00Z\",\"by\":\"h:9f2c4e1a7b3d5f60812a4c6e8b0d2f41\",\"consent\":\"ai_training\","
            + "\"seq\":"
            + i
            + ",\"type\":\"consent.granted\",\"v\":1}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static List<byte[]> leaves(long from, int count) {
    List<byte[]> out = new ArrayList<>(count);
    for (long i = from; i < from + count; i++) {
      out.add(leaf(i));
    }
    return out;
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  /** An open, growing log in a fresh directory. */
  @State(Scope.Benchmark)
  public static class Growing {
    Path dir;
    TiledLog log;
    List<byte[]> big;
    List<byte[]> small;

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("covenant-log-bench");
      log = TiledLog.open(dir, SIGNER);
      big = leaves(0, BIG_BATCH);
      small = leaves(0, SMALL_BATCH);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      log.close();
      delete(dir);
    }
  }

  /** A log of {@link #LOG_SIZE} leaves, built once. */
  @State(Scope.Benchmark)
  public static class Built {
    Path dir;
    TiledLog log;
    LogVerifier verifier;

    @Setup(Level.Trial)
    public void build() throws IOException {
      dir = Files.createTempDirectory("covenant-log-bench");
      log = TiledLog.open(dir, SIGNER);
      for (long i = 0; i < LOG_SIZE; i += 50_000) {
        log.append(leaves(i, 50_000));
      }
      verifier = LogVerifier.create(SIGNER.verifier());
      LogVerification v = verifier.verify(dir);
      if (!v.ok()) {
        throw new IllegalStateException("the benchmark log does not verify: " + v);
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      log.close();
      delete(dir);
    }
  }

  /** Durable appends of 10,000 leaves per commit: leaves/s. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(BIG_BATCH)
  public long appendBatch10000(Growing g) {
    return g.log.append(g.big);
  }

  /** Durable appends of 1,000 leaves per commit: leaves/s. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(SMALL_BATCH)
  public long appendBatch1000(Growing g) {
    return g.log.append(g.small);
  }

  /** A full audit of a 1M-leaf log from its files: leaves/s. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(LOG_SIZE)
  public LogVerification verify(Built b) {
    return b.verifier.verify(b.dir);
  }

  /** An inclusion proof for a random leaf in the 1M-leaf tree: µs per proof. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public InclusionProof inclusionProof(Built b) {
    return b.log.inclusionProof(ThreadLocalRandom.current().nextLong(LOG_SIZE), LOG_SIZE);
  }

  /** A consistency proof from a random earlier size to the 1M-leaf tree: µs per proof. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public ConsistencyProof consistencyProof(Built b) {
    return b.log.consistencyProof(1 + ThreadLocalRandom.current().nextLong(LOG_SIZE - 1), LOG_SIZE);
  }
}
