package org.covenant.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.state.ContentRecord;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.TermsLibrary;
import org.covenant.server.cluster.Members;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;

/**
 * Issue 16's per-member live heap (docs/BENCHMARKS.md, "Cluster (issue 16)"): a PostgreSQL
 * ledger (e.g. from {@code covenant bench scale --db URL --schema S}) opened as member i of N,
 * projecting the accounts it owns by rendezvous hashing ({@link Members#owner}, members
 * {@code m0 .. m(N-1)}) plus the replicated index, each in a fresh JVM; and, for comparison, the
 * whole projection ({@code --members 0}: {@link Ledger#open}, not sharded).
 *
 * <p>Usage: {@code java -Xmx3g -cp bench/target/benchmarks.jar
 * org.covenant.bench.ShardHeapBench --pg JDBC_URL --schema S [--max-members 3]} prints a
 * markdown table; {@code ... --members N --member I} measures one and prints one line.
 */
public final class ShardHeapBench {
  private static final TermsCatalog CATALOG = TermsLibrary.builtInCatalog();

  private ShardHeapBench() {}

  /** Runs the driver or one measurement. */
  public static void main(String[] args) throws Exception {
    String pg = null;
    String schema = "covenant_scale";
    int members = -1;
    int member = 0;
    int max = 3;
    String heap = "3g";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pg" -> pg = args[++i];
        case "--schema" -> schema = args[++i];
        case "--members" -> members = Integer.parseInt(args[++i]);
        case "--member" -> member = Integer.parseInt(args[++i]);
        case "--max-members" -> max = Integer.parseInt(args[++i]);
        case "--heap" -> heap = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (pg == null) {
      throw new IllegalArgumentException("--pg JDBC_URL is required");
    }
    if (members >= 0) {
      System.out.println(measure(LedgerConfig.postgres(pg).withSchema(schema), members, member));
      return;
    }
    System.out.println("| members | member | accounts owned | content owned | head | live heap "
        + "| ready, wall / CPU | decide p50 / p99 (owned content) |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    System.out.println(child(pg, schema, heap, 0, 0));
    for (int n = 1; n <= max; n++) {
      for (int i = 0; i < n; i++) {
        System.out.println(child(pg, schema, heap, n, i));
      }
    }
  }

  private static String child(String pg, String schema, String heap, int n, int i)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp",
        System.getProperty("java.class.path"), ShardHeapBench.class.getName(), "--pg", pg,
        "--schema", schema, "--members", Integer.toString(n), "--member", Integer.toString(i)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("measurement failed: " + out);
    }
    return out;
  }

  /** Opens member {@code member} of {@code members} (0: the whole projection); one table row. */
  static String measure(LedgerConfig.Postgres config, int members, int member) {
    long baseline = liveHeap();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    Predicate<String> owns;
    String self = "m" + member;
    if (members == 0) {
      owns = a -> true;
    } else {
      List<Members.Member> live = new ArrayList<>();
      for (int i = 0; i < members; i++) {
        live.add(new Members.Member("m" + i, "http://m" + i, false, Instant.EPOCH, 1000));
      }
      owns = a -> Members.owner(live, a).orElseThrow().id().equals(self);
    }
    try (Ledger l = members == 0 ? Ledger.open(config, CATALOG)
        : Ledger.openShard(config, CATALOG, owns)) {
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (processCpuNanos() - cpu0) / 1e9;
      long heap = liveHeap() - baseline;
      Snapshot s = l.snapshot();
      int accounts = 0;
      List<String> content = new ArrayList<>();
      for (String a : s.accountIds()) {
        if (owns.test(a)) {
          accounts++;
          for (ContentRecord c : s.contentOf(a, TimeKey.END)) {
            content.add(c.id());
          }
        }
      }
      String decide = content.isEmpty() ? "–" : latencies(s, content);
      return String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %,d | %.1f MB | %.1f s / %.1f s "
          + "| %s |", members == 0 ? "not sharded" : Integer.toString(members),
          members == 0 ? "–" : self, accounts, content.size(), l.head(), heap / 1e6, wall, cpu,
          decide);
    }
  }

  private static String latencies(Snapshot s, List<String> content) {
    DecisionEngine engine = DecisionEngine.create(CATALOG);
    SplittableRandom r = new SplittableRandom(7);
    List<Purpose> purposes = Vocabulary.purposes();
    Instant at = Instant.parse("2100-01-01T00:00:00Z");
    int n = 1 << 18;
    DecisionRequest[] reqs = new DecisionRequest[1 << 14];
    for (int i = 0; i < reqs.length; i++) {
      reqs[i] = new DecisionRequest(purposes.get(r.nextInt(purposes.size())),
          content.get(r.nextInt(content.size())), at);
    }
    long sink = 0;
    for (int i = 0; i < n; i++) {
      sink += engine.decide(s, reqs[i & (reqs.length - 1)]).evidence().size();
    }
    long[] ns = new long[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      sink += engine.decide(s, reqs[i & (reqs.length - 1)]).evidence().size();
      ns[i] = System.nanoTime() - t;
    }
    Arrays.sort(ns);
    return String.format(Locale.ROOT, "%,d / %,d ns%s", ns[n / 2], ns[(int) (n * 0.99)],
        sink == 42 ? " " : "");
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static long liveHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
