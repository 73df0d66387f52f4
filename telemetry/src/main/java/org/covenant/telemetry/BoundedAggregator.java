package org.covenant.telemetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Aggregates one metric per region × hour-of-week cell with the account as privacy unit
 * (ISSUE 8: contribution bounding). For each account it sums its events per cell, keeps its
 * {@code maxCells} largest cells (ties: the higher cell index), clamps each kept sum to
 * {@code maxPerCell}, and adds the result to the cells together with one distinct account.
 * Choosing which cells to keep from the account's own data alone preserves the sensitivity bound:
 * removing or changing one account changes at most {@code maxCells} cells by at most
 * {@code maxPerCell} each.
 *
 * <p>The input must be clustered by account (the {@link IngestionGuard} makes it so; the CTEL
 * generator writes it so), which turns bounding into one streaming pass with a per-account scratch
 * row of {@code regions × 168} cells that stays in cache: no hash table, no sort. Rows are split at
 * account boundaries across threads.
 */
public final class BoundedAggregator {
  /** Receives each account's bounded contribution (tests: no account exceeds its bound). */
  @FunctionalInterface
  interface ContributionListener {
    void contributed(int account, int[] cells, long[] bounded, int n);
  }

  private BoundedAggregator() {}

  /** Aggregates {@code metric} over an accepted table (region codes = public region indexes). */
  public static BoundedSums aggregate(
      GuardResult guarded, Metric metric, int threads) {
    EventTable t = guarded.table(metric.type()).filter(x -> x.rows() > 0).orElse(new EventTable(metric.type(), List.of(
        Column.ints("account", TelemetryData.PSEUDONYMS, new int[0]),
        Column.bytes("region", "public_regions", new byte[0]),
        Column.ints("at", "", new int[0]),
        Column.ints(metric.field(), "", new int[0]))));
    if (guarded.spanSeconds() > Integer.MAX_VALUE - CellGrid.WEEK) {
      throw new TelemetryException("window_too_long", "span of " + guarded.spanSeconds() + " s");
    }
    return aggregate(metric.id(), t.require("account").ints(), t.require("region").bytes(),
        t.require("at").ints(), t.require(metric.field()).ints(), t.rows(), guarded.regions().size(),
        guarded.baseEpochSecond(), guarded.spanSeconds(), metric.bounds(), threads, null);
  }

  /**
   * The kernel over raw columns: {@code account} non-decreasing, {@code region} in
   * {@code [0, regions)}, {@code at} seconds from {@code baseEpochSecond} in
   * {@code [0, spanSeconds)}, {@code value} non-negative.
   */
  public static BoundedSums aggregate(
      String metric, int[] account, byte[] region, int[] at, int[] value, int rows, int regions,
      long baseEpochSecond, int spanSeconds, ContributionBounds bounds, int threads) {
    return aggregate(metric, account, region, at, value, rows, regions, baseEpochSecond,
        spanSeconds, bounds, threads, null);
  }

  static BoundedSums aggregate(
      String metric, int[] account, byte[] region, int[] at, int[] value, int rows, int regions,
      long baseEpochSecond, int spanSeconds, ContributionBounds bounds, int threads,
      ContributionListener listener) {
    if (spanSeconds <= 0 || spanSeconds > Integer.MAX_VALUE - CellGrid.WEEK) {
      throw new TelemetryException("window_too_long", "span of " + spanSeconds + " s");
    }
    // hour of the week of every hour since the base: one load per row instead of a % and a /
    // hour of the week of (base + at) = (offset/3600 + (at + offset%3600)/3600) mod 168
    int offset = CellGrid.offset(baseEpochSecond);
    int within = offset % 3600;
    int[] hourOfWeek = new int[(spanSeconds - 1 + within) / 3600 + 1];
    for (int h = 0; h < hourOfWeek.length; h++) {
      hourOfWeek[h] = (offset / 3600 + h) % CellGrid.HOURS;
    }
    int parts = Math.max(1, Math.min(threads, rows / 65_536 + 1));
    int[] cut = new int[parts + 1];
    cut[parts] = rows;
    for (int p = 1; p < parts; p++) {
      int c = (int) ((long) rows * p / parts);
      // move the cut to the start of an account run so each account lives in one part
      while (c > cut[p - 1] && c < rows && account[c] == account[c - 1]) {
        c++;
      }
      cut[p] = Math.max(c, cut[p - 1]);
    }
    Worker[] workers = new Worker[parts];
    for (int p = 0; p < parts; p++) {
      workers[p] = new Worker(account, region, at, value, cut[p], cut[p + 1], regions, within,
          hourOfWeek, bounds, listener);
    }
    if (parts == 1 || listener != null) {
      for (Worker w : workers) {
        w.run();
      }
    } else {
      List<Thread> running = new ArrayList<>();
      for (int p = 1; p < parts; p++) {
        Thread th = new Thread(workers[p], "aggregate-" + p);
        th.start();
        running.add(th);
      }
      workers[0].run();
      for (Thread th : running) {
        try {
          th.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TelemetryException("interrupted", "aggregation interrupted", e);
        }
      }
    }
    int cells = CellGrid.cells(regions);
    long[] bounded = new long[cells];
    long[] raw = new long[cells];
    int[] accounts = new int[cells];
    long seen = 0;
    long truncated = 0;
    long clamped = 0;
    for (Worker w : workers) {
      if (w.failure != null) {
        throw w.failure;
      }
      for (int c = 0; c < cells; c++) {
        bounded[c] += w.bounded[c];
        raw[c] += w.raw[c];
        accounts[c] += w.accounts[c];
      }
      seen += w.seen;
      truncated += w.truncated;
      clamped += w.clamped;
    }
    return new BoundedSums(metric, regions, bounded, raw, accounts, seen, truncated, clamped);
  }

  private static final class Worker implements Runnable {
    private final int[] account;
    private final byte[] region;
    private final int[] at;
    private final int[] value;
    private final int from;
    private final int to;
    private final int within;
    private final int[] hourOfWeek;
    private final int maxCells;
    private final long maxPerCell;
    private final ContributionListener listener;
    final long[] bounded;
    final long[] raw;
    final int[] accounts;
    private final long[] scratch;
    private final int[] mark;
    private final int[] touched;
    private final long[] keys;
    long seen;
    long truncated;
    long clamped;
    TelemetryException failure;

    Worker(int[] account, byte[] region, int[] at, int[] value, int from, int to, int regions,
        int within, int[] hourOfWeek, ContributionBounds b, ContributionListener listener) {
      this.account = account;
      this.region = region;
      this.at = at;
      this.value = value;
      this.from = from;
      this.to = to;
      this.within = within;
      this.hourOfWeek = hourOfWeek;
      this.maxCells = b.maxCells();
      this.maxPerCell = b.maxPerCell();
      this.listener = listener;
      int cells = CellGrid.cells(regions);
      this.bounded = new long[cells];
      this.raw = new long[cells];
      this.accounts = new int[cells];
      this.scratch = new long[cells];
      this.mark = new int[cells];
      // one spare slot: the branchless append writes before it knows whether to count
      this.touched = new int[cells + 1];
      this.keys = new long[cells];
    }

    @Override
    public void run() {
      try {
        scan();
      } catch (TelemetryException e) {
        failure = e;
      }
    }

    private void scan() {
      final int[] account = this.account;
      final byte[] region = this.region;
      final int[] at = this.at;
      final int[] value = this.value;
      final long[] scratch = this.scratch;
      final int[] mark = this.mark;
      final int[] touched = this.touched;
      final int within = this.within;
      final int[] hourOfWeek = this.hourOfWeek;
      int current = Integer.MIN_VALUE;
      int run = 0;
      int n = 0;
      for (int i = from; i < to; i++) {
        int a = account[i];
        if (a != current) {
          if (a < current) {
            throw new TelemetryException("not_clustered",
                "rows are not clustered by account at row " + i);
          }
          if (n > 0) {
            flush(current, n);
          }
          current = a;
          run++;
          n = 0;
          seen++;
        }
        int c = region[i] * CellGrid.HOURS + hourOfWeek[(at[i] + within) / 3600];
        // branchless "first time this account touches c": mark[c] <= run always, so
        // (mark[c] - run) >>> 31 is 1 exactly when c is new; a branch here mispredicts often
        touched[n] = c;
        n += (mark[c] - run) >>> 31;
        mark[c] = run;
        scratch[c] += value[i];
      }
      if (n > 0) {
        flush(current, n);
      }
    }

    /** Bounds the account's contribution and adds it; resets its scratch cells. */
    private void flush(int acct, int n) {
      int keep = n;
      if (n > maxCells) {
        truncated++;
        // order cells by (sum, cell index) and keep the largest maxCells
        for (int k = 0; k < n; k++) {
          int c = touched[k];
          keys[k] = (Math.min(scratch[c], (1L << 46) - 1) << 16) | c;
        }
        Arrays.sort(keys, 0, n);
        for (int k = 0; k < n; k++) {
          touched[k] = (int) (keys[n - 1 - k] & 0xFFFF);
        }
        keep = maxCells;
      }
      long[] contributed = listener == null ? null : new long[keep];
      for (int k = 0; k < n; k++) {
        int c = touched[k];
        long s = scratch[c];
        raw[c] += s;
        scratch[c] = 0;
        if (k < keep) {
          long b = s;
          if (b > maxPerCell) {
            b = maxPerCell;
            clamped++;
          }
          bounded[c] += b;
          accounts[c]++;
          if (contributed != null) {
            contributed[k] = b;
          }
        }
      }
      if (listener != null) {
        listener.contributed(acct, Arrays.copyOf(touched, keep), contributed, keep);
      }
    }
  }
}
