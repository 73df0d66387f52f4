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
 * org.covenant.bench.ShardHeapBench --pg JDBC_URL --schema S [--max-members 3] [--heap 3g]
 * [--moves-only | --heap-only]} prints markdown tables (the heap of each member, then the time
 * each member that stays takes to reshard when a member joins or leaves, with the accounts it
 * gains and loses); {@code ... --members N --member I [--reshard-to M]} measures one and prints
 * one line.
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
    int reshardTo = -1;
    boolean movesOnly = false;
    boolean heapOnly = false;
    String heap = "3g";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pg" -> pg = args[++i];
        case "--schema" -> schema = args[++i];
        case "--members" -> members = Integer.parseInt(args[++i]);
        case "--member" -> member = Integer.parseInt(args[++i]);
        case "--max-members" -> max = Integer.parseInt(args[++i]);
        case "--heap" -> heap = args[++i];
        case "--reshard-to" -> reshardTo = Integer.parseInt(args[++i]);
        case "--moves-only" -> movesOnly = true;
        case "--heap-only" -> heapOnly = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (pg == null) {
      throw new IllegalArgumentException("--pg JDBC_URL is required");
    }
    if (members >= 0 && reshardTo > 0) {
      System.out.println(reshard(LedgerConfig.postgres(pg).withSchema(schema), members,
          reshardTo, member));
      return;
    }
    if (members >= 0) {
      System.out.println(measure(LedgerConfig.postgres(pg).withSchema(schema), members, member));
      return;
    }
    if (!movesOnly) {
      System.out.println("| members | member | accounts owned | content owned | head "
          + "| live heap | per event | ready, wall / CPU + PostgreSQL CPU "
          + "| decide p50 / p99 (owned content) |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      System.out.println(child(pg, schema, heap, 0, 0, -1));
      for (int n = 1; n <= max; n++) {
        for (int i = 0; i < n; i++) {
          System.out.println(child(pg, schema, heap, n, i, -1));
        }
      }
      System.out.println();
    }
    if (heapOnly) {
      return;
    }
    System.out.println("| move | member | accounts before → after | gained / lost "
        + "| reshard, wall / CPU | live heap after |");
    System.out.println("|---|---|---|---|---|---|");
    // Every member that is in the cluster before and after the move moves (the one that joins
    // opens, the one that leaves closes).
    for (int[] move : new int[][] {{1, 2}, {2, 3}, {3, 2}, {2, 1}}) {
      for (int i = 0; i < Math.min(move[0], move[1]); i++) {
        System.out.println(child(pg, schema, heap, move[0], i, move[1]));
      }
    }
  }

  private static String child(String pg, String schema, String heap, int n, int i, int to)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp",
        System.getProperty("java.class.path"), ShardHeapBench.class.getName(), "--pg", pg,
        "--schema", schema, "--members", Integer.toString(n), "--member", Integer.toString(i)));
    if (to > 0) {
      cmd.addAll(List.of("--reshard-to", Integer.toString(to)));
    }
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("measurement failed: " + out);
    }
    return out;
  }

  private static Predicate<String> owns(int members, String self) {
    List<Members.Member> live = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      live.add(new Members.Member("m" + i, "http://m" + i, false, Instant.EPOCH, 1000));
    }
    return a -> Members.owner(live, a).orElseThrow().id().equals(self);
  }

  /**
   * Opens member {@code member} of {@code from}, then times its {@link Ledger#reshard} to the
   * ownership of {@code to} members (a member joins or leaves); one table row.
   */
  static String reshard(LedgerConfig.Postgres config, int from, int to, int member) {
    String self = "m" + member;
    Predicate<String> before = owns(from, self);
    Predicate<String> after = owns(to, self);
    long baseline = liveHeap();
    try (Ledger l = Ledger.openShard(config, CATALOG, before)) {
      int was = 0;
      int now = 0;
      int gained = 0;
      int lost = 0;
      for (String a : l.snapshot().accountIds()) {
        was += before.test(a) ? 1 : 0;
        now += after.test(a) ? 1 : 0;
        gained += after.test(a) && !before.test(a) ? 1 : 0;
        lost += before.test(a) && !after.test(a) ? 1 : 0;
      }
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      l.reshard(after);
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (processCpuNanos() - cpu0) / 1e9;
      long heap = liveHeap() - baseline;
      return String.format(Locale.ROOT, "| %d → %d members | %s | %,d → %,d | %,d / %,d "
          + "| %.2f s / %.2f s | %.1f MB |", from, to, self, was, now, gained, lost, wall, cpu,
          heap / 1e6);
    }
  }

  /**
   * Opens member {@code member} of {@code members} (0: the whole projection); one table row. The
   * CPU column is this JVM's, then PostgreSQL's for the ledger's connections (their backends'
   * CPU as the kernel counts it: same machine only; 0 when they cannot be read).
   */
  static String measure(LedgerConfig.Postgres config, int members, int member) {
    String app = "shardheap-" + ProcessHandle.current().pid();
    LedgerConfig.Postgres tagged = new LedgerConfig.Postgres(config.jdbcUrl()
        + (config.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=" + app,
        config.schema(), config.poolSize(), config.connectTimeout());
    long baseline = liveHeap();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    Predicate<String> owns;
    String self = "m" + member;
    owns = members == 0 ? a -> true : owns(members, self);
    try (Ledger l = members == 0 ? Ledger.open(tagged, CATALOG)
        : Ledger.openShard(tagged, CATALOG, owns)) {
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (processCpuNanos() - cpu0) / 1e9;
      double pgCpu = backendCpuSeconds(config.jdbcUrl(), app);
      long heap = liveHeap() - baseline;
      // Shown before the decisions: listing the owned content below calls contentOf once per
      // account, which at 10M events (10,000 accounts, 2.9M items) takes longer than the open.
      System.err.printf(Locale.ROOT, "opened: %d members, %s: head %,d, live heap %.1f MB "
          + "(%.1f B/event), ready %.1f s wall / %.1f s CPU + PostgreSQL %.1f s%n", members,
          self, l.head(), heap / 1e6, (double) heap / Math.max(1, l.head()), wall, cpu, pgCpu);
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
      return String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %,d | %.1f MB | %.1f B "
          + "| %.1f s / %.1f s + %.1f s | %s |",
          members == 0 ? "not sharded" : Integer.toString(members),
          members == 0 ? "–" : self, accounts, content.size(), l.head(), heap / 1e6,
          (double) heap / Math.max(1, l.head()), wall, cpu, pgCpu, decide);
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

  /**
   * The CPU seconds PostgreSQL's backends of the connections named {@code app} have used, from
   * {@code /proc/PID/stat} (the database on this machine); 0 when they cannot be read.
   */
  private static double backendCpuSeconds(String url, String app) {
    long ticks = 0;
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
        java.sql.PreparedStatement ps = c.prepareStatement(
            "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
      ps.setString(1, app);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String stat = java.nio.file.Files.readString(
              java.nio.file.Path.of("/proc", Integer.toString(rs.getInt(1)), "stat"));
          // Fields after the command's closing parenthesis: utime and stime are the 12th, 13th.
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
      }
    } catch (java.sql.SQLException | java.io.IOException | RuntimeException e) {
      return 0;
    }
    return ticks / 100.0;
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
