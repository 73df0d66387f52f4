package org.covenant.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.training.BatchKernel;
import org.covenant.training.CorpusGenerator;
import org.covenant.training.LedgerIndex;

/**
 * The kernel's throughput per CPU-second of the evaluating threads, next to the wall-clock
 * figure: on a machine shared with other work (as ours is), threads wait for a core and
 * wall-clock throughput says more about the neighbours than about the kernel. Runs the same
 * corpus as {@link TrainingKernelBench}, on 1 and 2 threads.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.covenant.bench.TrainingKernelCpuTime [RECORDS]
 * </pre>
 */
public final class TrainingKernelCpuTime {
  private TrainingKernelCpuTime() {}

  /** Runs both orders and prints one line per (order, threads). */
  public static void main(String[] args) throws InterruptedException {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : TrainingKernelBench.RECORDS;
    for (String order : List.of("ACCOUNT", "RANDOM")) {
      BatchKernel.Plan plan = plan(records, order);
      for (int threads : new int[] {1, 2}) {
        run(plan, records, threads, 5);
        double[] r = run(plan, records, threads, 10);
        System.out.printf(Locale.ROOT,
            "order=%s threads=%d records/s(wall)=%.1fM records/cpu-s(per thread)=%.1fM "
                + "records/s(2 cores, from cpu time)=%.1fM%n",
            order, threads, r[0] / 1e6, r[1] / 1e6, 2 * r[1] / 1e6);
      }
    }
  }

  private static BatchKernel.Plan plan(int records, String order) {
    CorpusGenerator.Generated g = CorpusGenerator.generate(CorpusGenerator.Spec
        .of(records, records / 100, 7).withOrder(CorpusGenerator.Order.valueOf(order)));
    LedgerIndex.Builder b = LedgerIndex.builder(TermsLibrary.builtInCatalog());
    List<Event> events = g.events();
    for (int i = 0; i < events.size(); i++) {
      b.accept(new StoredEvent(i + 1, events.get(i), Optional.empty()));
    }
    BatchKernel kernel = ok(BatchKernel.compile(ok(b.build()),
        Vocabulary.purpose("ai.training").orElseThrow(),
        TimeKey.of(Instant.parse("2025-01-01T00:00:00Z"))));
    return ok(kernel.bind(g.corpus()));
  }

  /** {wall records/s over all threads, records per CPU-second of one thread}. */
  private static double[] run(BatchKernel.Plan plan, int records, int threads, int passes)
      throws InterruptedException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long[] cpu = new long[threads];
    Thread[] ts = new Thread[threads];
    long start = System.nanoTime();
    for (int k = 0; k < threads; k++) {
      int id = k;
      ts[k] = new Thread(() -> {
        short[] out = new short[records];
        long[] counts = new long[plan.outcomes().size()];
        long c0 = mx.getCurrentThreadCpuTime();
        for (int p = 0; p < passes; p++) {
          plan.evaluate(0, records, out, 0, counts);
        }
        cpu[id] = mx.getCurrentThreadCpuTime() - c0;
      });
      ts[k].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    double wall = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = 0;
    for (long c : cpu) {
      cpuSeconds += c / 1e9;
    }
    double total = (double) records * passes * threads;
    return new double[] {total / wall, total / cpuSeconds};
  }

  private static <T> T ok(Result<T> r) {
    if (r instanceof Result.Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException(((Result.Failed<T>) r).problems().toString());
  }
}
