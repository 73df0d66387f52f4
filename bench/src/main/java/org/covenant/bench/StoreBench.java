package org.covenant.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.covenant.core.event.Event;
import org.covenant.core.spi.EventStore;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.TermsLibrary;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.covenant.store.PostgresEventStore;
import org.covenant.store.SqliteEventStore;

/**
 * The durable ledger's figures (docs/benchmarks/store.md), a wall-clock harness rather than JMH
 * because every operation waits on a disk sync or a database round trip:
 *
 * <ul>
 *   <li>durable appends per second through {@link Ledger}: one event per append, batches of
 *       100, and 8 threads appending single events at once (group commit);
 *   <li>bulk load of N events through the {@link EventStore} port (10,000 per transaction);
 *   <li>projection rebuild: {@link Ledger#open} replaying N events, and the heap it then holds.
 * </ul>
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar org.covenant.bench.StoreBench
 * [--events N] [--dir DIR] [--pg JDBC_URL] [--only sqlite|pg]}. PostgreSQL work happens in a
 * fresh schema that is dropped afterwards.
 */
public final class StoreBench {
  private static final TermsCatalog CATALOG = TermsLibrary.builtInCatalog();

  private StoreBench() {}

  /** Runs the harness and prints markdown table rows. */
  public static void main(String[] args) throws Exception {
    int events = 1_000_000;
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    String pg = null;
    String only = "";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--pg" -> pg = args[++i];
        case "--only" -> only = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    System.out.println("| store | measurement | result |");
    System.out.println("|---|---|---|");
    if (!only.equals("pg")) {
      Path root = Files.createTempDirectory(dir, "covenant-bench-");
      try {
        int[] n = {0};
        runAll("SQLite", () -> LedgerConfig.sqlite(root.resolve("d" + n[0]++)), events);
      } finally {
        delete(root);
      }
    }
    if (pg != null && !only.equals("sqlite")) {
      String schema = "covenant_bench_" + UUID.randomUUID().toString().substring(0, 8);
      LedgerConfig.Postgres base = LedgerConfig.postgres(pg);
      int[] n = {0};
      List<String> schemas = new ArrayList<>();
      try {
        runAll("PostgreSQL", () -> {
          String s = schema + "_" + n[0]++;
          schemas.add(s);
          return base.withSchema(s);
        }, events);
      } finally {
        try (Connection c = DriverManager.getConnection(pg); Statement st = c.createStatement()) {
          for (String s : schemas) {
            st.execute("DROP SCHEMA IF EXISTS " + s + " CASCADE");
          }
        }
      }
    }
  }

  private interface Configs {
    LedgerConfig next();
  }

  private static void runAll(String name, Configs configs, int events) throws Exception {
    single(name, configs.next(), 300, 1500);
    batched(name, configs.next(), 100, 10, 100);
    concurrent(name, configs.next(), 8, 400);
    rebuild(name, configs.next(), events);
  }

  private static void single(String name, LedgerConfig config, int warmup, int n) {
    StoreWorkload w = StoreWorkload.create("s", 1);
    try (Ledger l = Ledger.open(config, CATALOG)) {
      for (int i = 0; i < warmup; i++) {
        must(l.append(Append.of(w.next())));
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        must(l.append(Append.of(w.next())));
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      row(name, "durable appends, 1 event each, 1 thread (" + n + ")",
          String.format(Locale.ROOT, "%,.0f appends/s (%.2f ms each)", n / secs,
              secs * 1000 / n));
    }
  }

  private static void batched(String name, LedgerConfig config, int size, int warmup,
      int batches) {
    StoreWorkload w = StoreWorkload.create("b", 2);
    try (Ledger l = Ledger.open(config, CATALOG)) {
      for (int i = 0; i < warmup; i++) {
        l.append(w.next(size).stream().map(Append::of).toList()).forEach(StoreBench::must);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        l.append(w.next(size).stream().map(Append::of).toList()).forEach(StoreBench::must);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      row(name, "durable appends, batches of " + size + ", 1 thread (" + batches + " batches)",
          String.format(Locale.ROOT, "%,.0f events/s (%.2f ms per batch)",
              (double) size * batches / secs, secs * 1000 / batches));
    }
  }

  private static void concurrent(String name, LedgerConfig config, int threads, int each)
      throws Exception {
    try (Ledger l = Ledger.open(config, CATALOG)) {
      AtomicLong commits = new AtomicLong();
      l.onAppended(batch -> commits.incrementAndGet());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        // Each thread has its own accounts and every event the same instant, so the events
        // interleave freely and all stay valid.
        List<StoreWorkload> ws = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          ws.add(StoreWorkload.frozen("t" + t + "-", 10 + t));
        }
        List<List<Event>> streams = new ArrayList<>();
        for (StoreWorkload w : ws) {
          streams.add(w.next(each));
        }
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (List<Event> s : streams) {
          fs.add(pool.submit(() -> {
            for (Event e : s) {
              must(l.append(Append.of(e)));
            }
            return null;
          }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long total = (long) threads * each;
        row(name, "durable appends, 1 event each, " + threads + " threads (group commit, "
                + total + ")",
            String.format(Locale.ROOT, "%,.0f appends/s, %.1f appends per commit",
                total / secs, (double) l.head() / Math.max(1, commits.get())));
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static void rebuild(String name, LedgerConfig config, int events) {
    StoreWorkload w = StoreWorkload.create("r", 3);
    long t0 = System.nanoTime();
    try (EventStore store = open(config)) {
      long head = 0;
      int chunk = 10_000;
      while (head < events) {
        int size = (int) Math.min(chunk, events - head);
        List<StoredEvent> batch = new ArrayList<>(size);
        for (Event e : w.next(size)) {
          batch.add(StoredEvent.of(head + batch.size() + 1, e));
        }
        head = store.append(head, unseen -> batch);
      }
    }
    double load = (System.nanoTime() - t0) / 1e9;
    row(name, String.format(Locale.ROOT, "bulk load through the port, %,d events, 10,000 per "
        + "transaction", events), String.format(Locale.ROOT, "%.1f s (%,.0f events/s)", load,
        events / load));
    System.gc();
    long before = usedHeap();
    long t1 = System.nanoTime();
    try (Ledger l = Ledger.open(config, CATALOG)) {
      double secs = (System.nanoTime() - t1) / 1e9;
      if (l.head() != events) {
        throw new IllegalStateException("rebuilt " + l.head() + " of " + events);
      }
      System.gc();
      long heap = usedHeap() - before;
      row(name, String.format(Locale.ROOT, "projection rebuild on open, %,d events", events),
          String.format(Locale.ROOT, "%.1f s (%,.0f events/s), %,d MB heap held", secs,
              events / secs, heap >> 20));
      long t2 = System.nanoTime();
      int n = 1_000_000;
      long sum = 0;
      for (int i = 0; i < n; i++) {
        sum += l.snapshot(1 + (i % events)).position();
      }
      double ns = (System.nanoTime() - t2) / (double) n;
      row(name, "snapshot at a past position, warm (see StoreSnapshotBenchmark)",
          String.format(Locale.ROOT, "%.0f ns (checksum %d)", ns, sum % 10));
    }
  }

  private static EventStore open(LedgerConfig config) {
    if (config instanceof LedgerConfig.Sqlite s) {
      return SqliteEventStore.open(s);
    }
    return PostgresEventStore.open((LedgerConfig.Postgres) config);
  }

  private static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static void must(AppendResult r) {
    if (!(r instanceof AppendResult.Accepted)) {
      throw new IllegalStateException("workload event not accepted: " + r);
    }
  }

  private static void row(String store, String what, String result) {
    System.out.println("| " + store + " | " + what + " | " + result + " |");
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
