package org.covenant.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.covenant.log.FileKeyStore;
import org.covenant.log.InclusionProof;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;

/**
 * The live heap a writer's {@link TiledLog} holds for its tree: builds a log of {@code N} leaves
 * of ledger-event size in {@code DIR} (once), then, in this JVM, measures the used heap after a
 * full GC before opening it and after opening it and serving random inclusion proofs over the
 * whole log (which fills the tile cache). Uses only the log's stable public API, so the same
 * class measures an older build of the log module on its class path.
 *
 * <p>Run: {@code java -Xmx2g -XX:+UseSerialGC -cp bench/target/benchmarks.jar
 * org.covenant.bench.LogHeap DIR 1000000 [proofs]}; prints one JSON line.
 */
public final class LogHeap {
  private LogHeap() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long n = Long.parseLong(args[1]);
    int proofs = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    Files.createDirectories(dir);
    // A fixed key per directory: the log is reopened with the key that signed it.
    NoteSigner signer = FileKeyStore.loadOrCreate(dir, "covenant.bench/log");
    build(dir, signer, n);
    long before = liveHeap();
    long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    TiledLog log = TiledLog.open(dir, signer);
    long openCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
    Random r = new Random(1);
    long size = log.size();
    long pathHashes = 0;
    long cpu1 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    for (int i = 0; i < proofs; i++) {
      InclusionProof p = log.inclusionProof((long) (r.nextDouble() * size), size);
      pathHashes += p.path().size();
    }
    long proofCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu1;
    // Receipts prove recent leaves: the last 10,000, whose tiles the cache holds.
    long cpu2 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    for (int i = 0; i < proofs; i++) {
      long index = size - 1 - (long) (r.nextDouble() * Math.min(size, 10_000));
      pathHashes += log.inclusionProof(index, size).path().size();
    }
    long recentCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu2;
    long after = liveHeap();
    String footprint = footprint(log);
    System.out.printf(Locale.ROOT, "{\"leaves\":%d,\"heap_before\":%d,\"heap_after\":%d,"
        + "\"bytes_per_leaf\":%.2f,\"open_cpu_ms\":%.1f,\"random_proof_cpu_us\":%.1f,"
        + "\"recent_proof_cpu_us\":%.1f,"
        + "\"path_hashes\":%d,\"footprint\":\"%s\"}%n", size, before, after,
        (after - before) / (double) size, openCpu / 1e6, proofs == 0 ? 0 : proofCpu / 1e3 / proofs,
        proofs == 0 ? 0 : recentCpu / 1e3 / proofs,
        pathHashes, footprint);
    // Keeps the log reachable until after the measurement.
    log.close();
  }

  /**
   * Appends leaves until the log of {@code dir} has {@code n}; a frame of its own, so nothing of
   * the writer stays reachable from {@code main}'s locals.
   */
  private static void build(Path dir, NoteSigner signer, long n) {
    try (TiledLog log = TiledLog.open(dir, signer)) {
      while (log.size() < n) {
        int batch = (int) Math.min(50_000, n - log.size());
        log.append(LogBenchmark.leaves(log.size(), batch));
      }
    }
  }

  /** {@code TiledLog.footprint()} where the log has it (not in builds before it). */
  private static String footprint(TiledLog log) {
    try {
      return String.valueOf(TiledLog.class.getMethod("footprint").invoke(log));
    } catch (ReflectiveOperationException e) {
      return "none";
    }
  }

  static long liveHeapAfterGc() throws InterruptedException {
    return liveHeap();
  }

  private static long liveHeap() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
