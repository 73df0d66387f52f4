package org.covenant.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.state.Snapshot;
import org.covenant.core.terms.Reason;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.TermsLibrary;

/**
 * What one decision costs on {@link DecisionBenchmark}'s snapshot (10k accounts, 1M items by
 * default), in one thread: CPU time, bytes allocated (the thread's allocation counter), and
 * p50/p99 of the wall time per decision (all three over the same timed loop), plus a checksum of every answer's fields (verdict,
 * reasons, basis, clauses, obligations, evidence, revision), so that two builds can be compared
 * on the same requests. Run it with an older build's jar first on the class path to measure that
 * build's engine with this harness:
 *
 * <pre>
 * java -Xmx4g -cp bench/target/benchmarks.jar org.covenant.bench.DecisionCost 10000 1000000
 * java -Xmx4g -cp OLD/benchmarks.jar:bench/target/benchmarks.jar org.covenant.bench.DecisionCost
 * </pre>
 */
public final class DecisionCost {
  private static final int SAMPLES = 1 << 20;

  private DecisionCost() {}

  /** Arguments: accounts, items, rounds (defaults 10000, 1000000, 5). */
  public static void main(String[] args) {
    int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int items = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    TermsCatalog catalog = TermsLibrary.builtInCatalog();
    DemoLedger ledger = DemoLedger.build(catalog, accounts, items, 42);
    DecisionEngine engine = DecisionEngine.create(catalog);
    Snapshot snapshot = ledger.state.snapshot();
    SplittableRandom r = new SplittableRandom(7);
    DecisionRequest[] requests = new DecisionRequest[1 << 16];
    for (int i = 0; i < requests.length; i++) {
      Purpose p = Vocabulary.purposes().get(r.nextInt(Vocabulary.purposes().size()));
      requests[i] = new DecisionRequest(p, ledger.contents[r.nextInt(ledger.contents.length)],
          ledger.end);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) threads;
    long self = Thread.currentThread().getId();
    long[] ns = new long[SAMPLES];
    for (int round = 0; round < rounds; round++) {
      long checksum = 0;
      for (int i = 0; i < SAMPLES; i++) {
        checksum = checksum * 31 + digest(engine.decide(snapshot, requests[i & 0xFFFF]));
      }
      long cpu0 = threads.getCurrentThreadCpuTime();
      long bytes0 = alloc.getThreadAllocatedBytes(self);
      for (int i = 0; i < SAMPLES; i++) {
        long t0 = System.nanoTime();
        Decision d = engine.decide(snapshot, requests[i & 0xFFFF]);
        ns[i] = System.nanoTime() - t0;
        checksum += d.evidence().size();
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      long bytes = alloc.getThreadAllocatedBytes(self) - bytes0;
      Arrays.sort(ns);
      System.out.printf("{\"round\":%d,\"cpu_ns_per_decision\":%d,\"bytes_per_decision\":%.1f,"
          + "\"p50_ns\":%d,\"p90_ns\":%d,\"p99_ns\":%d,\"checksum\":%d,\"load_average\":%.2f}%n",
          round, cpu / SAMPLES, (double) bytes / SAMPLES, ns[SAMPLES / 2],
          ns[(int) (SAMPLES * 0.9)], ns[(int) (SAMPLES * 0.99)], checksum,
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /** A digest of every field, stable across JVMs (no identity hash codes). */
  private static long digest(Decision d) {
    long h = d.verdict().ordinal();
    for (Reason x : d.reasons()) {
      h = h * 31 + x.ordinal();
    }
    h = h * 31 + d.basis().map(b -> b.ordinal() + 1).orElse(0);
    for (String c : d.clauses()) {
      h = h * 31 + c.hashCode();
    }
    h = h * 31 + d.obligations().toString().hashCode();
    for (long e : d.evidence()) {
      h = h * 31 + e;
    }
    return h * 31 + d.policyRevision().hashCode();
  }
}
