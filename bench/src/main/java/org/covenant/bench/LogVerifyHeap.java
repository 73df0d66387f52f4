package org.covenant.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.covenant.log.FileKeyStore;
import org.covenant.log.LogVerification;
import org.covenant.log.LogVerifier;
import org.covenant.log.NoteSigner;
import org.covenant.log.TiledLog;

/**
 * The live heap and CPU of a full {@link LogVerifier} audit ({@code covenant log verify}): builds a
 * log of {@code N} leaves of ledger-event size in {@code DIR} (once, as {@link LogHeap}), then
 * verifies it twice in this JVM: once timed (process CPU per leaf, all hashing threads), once
 * while a sampler thread takes the used heap after a full GC every 200 ms, whose peak minus the
 * heap before is what the verifier holds. Uses only {@code LogVerifier.verify(Path)}, so the same
 * class measures an older log module on its class path.
 *
 * <p>Run: {@code java -Xmx2g -XX:+UseSerialGC -cp bench/target/benchmarks.jar
 * org.covenant.bench.LogVerifyHeap DIR 1000000}; prints one JSON line.
 */
public final class LogVerifyHeap {
  private LogVerifyHeap() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long n = Long.parseLong(args[1]);
    Files.createDirectories(dir);
    NoteSigner signer = FileKeyStore.loadOrCreate(dir, "covenant.bench/log");
    build(dir, signer, n);
    LogVerifier verifier = LogVerifier.create(signer.verifier());
    OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    // Warm-up and timed run.
    verifier.verify(dir);
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    LogVerification timed = verifier.verify(dir);
    long cpu = os.getProcessCpuTime() - cpu0;
    long wall = System.nanoTime() - wall0;
    long before = LogHeap.liveHeapAfterGc();
    AtomicLong peak = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    Thread sampler =
        new Thread(
            () -> {
              while (!done.get()) {
                System.gc();
                peak.accumulateAndGet(
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    sampler.start();
    LogVerification sampled = verifier.verify(dir);
    done.set(true);
    sampler.join();
    long size = sampled instanceof LogVerification.Passed p ? p.size() : -1;
    System.out.printf(Locale.ROOT, "{\"leaves\":%d,\"ok\":%b,\"heap_before\":%d,"
        + "\"peak_during_verify\":%d,\"held_bytes_per_leaf\":%.2f,\"cpu_ns_per_leaf\":%.0f,"
        + "\"wall_ms\":%d}%n", size, timed.ok() && sampled.ok(), before, peak.get(),
        (peak.get() - before) / (double) size, cpu / (double) size, wall / 1_000_000);
  }

  private static void build(Path dir, NoteSigner signer, long n) {
    try (TiledLog log = TiledLog.open(dir, signer)) {
      while (log.size() < n) {
        int batch = (int) Math.min(50_000, n - log.size());
        log.append(LogBenchmark.leaves(log.size(), batch));
      }
    }
  }
}
