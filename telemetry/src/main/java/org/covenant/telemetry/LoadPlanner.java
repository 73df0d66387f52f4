package org.covenant.telemetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Plans capacity and rebalancing from a private release of meeting minutes (ISSUE 8, load plan).
 *
 * <p>Regions are taken in order of falling peak. For each, a binary search finds the lowest level T
 * such that, in every hour, the load above T can move to neighbours within the latency bound without
 * raising any neighbour above its own current peak, and without moving more than {@code maxShare} of
 * the hour's load; the excess is then assigned to those neighbours, nearest first. Because no
 * neighbour's peak ever rises, each region's peak only falls and the sum of peaks (the capacity to
 * provision) falls by exactly the reductions found. A second pass lets regions use the headroom that
 * the first pass lowered.
 */
public final class LoadPlanner {
  private final RegionGraph graph;
  private final double headroom;
  private final int latencyBoundMs;
  private final double maxShare;

  private LoadPlanner(RegionGraph graph, double headroom, int latencyBoundMs, double maxShare) {
    if (headroom < 0 || maxShare < 0 || maxShare > 1 || latencyBoundMs < 0) {
      throw new IllegalArgumentException("headroom >= 0, 0 <= maxShare <= 1, latency bound >= 0");
    }
    this.graph = graph;
    this.headroom = headroom;
    this.latencyBoundMs = latencyBoundMs;
    this.maxShare = maxShare;
  }

  /** A planner over {@code graph}. */
  public static LoadPlanner create(
      RegionGraph graph, double headroom, int latencyBoundMs, double maxShare) {
    return new LoadPlanner(graph, headroom, latencyBoundMs, maxShare);
  }

  /**
   * Hour-of-day load per region from a release of {@code minutes}: for each UTC hour, the busiest
   * day's participant-minutes / 60, averaged over the weeks the data spans; suppressed and negative
   * cells count as 0.
   */
  public static double[][] hourlyLoad(Release.MetricRelease minutes, int regions, double weeks) {
    double[][] load = new double[regions][24];
    for (int r = 0; r < regions; r++) {
      for (int how = 0; how < CellGrid.HOURS; how++) {
        int c = r * CellGrid.HOURS + how;
        double v = minutes.suppressed()[c] ? 0 : Math.max(0, minutes.sum()[c]) / 60.0 / weeks;
        load[r][how % 24] = Math.max(load[r][how % 24], v);
      }
    }
    return load;
  }

  /**
   * The load of the accounts that allow the same regions (issue 18, {@code data_regions.allowed}):
   * it may only move to a region in {@code allowed}.
   *
   * @param name what the class is called in reports (e.g. {@code eu-central,eu-west})
   * @param allowed per region index, whether these accounts allow it
   * @param load [region][24 UTC hours] of these accounts
   */
  public record LoadClass(String name, boolean[] allowed, double[][] load) {
    /** Validates. */
    public LoadClass {
      java.util.Objects.requireNonNull(name, "name");
      allowed = allowed.clone();
      load = copy(load);
    }

    /** Accounts that allow every region. */
    public static LoadClass unrestricted(double[][] load) {
      boolean[] all = new boolean[load.length];
      Arrays.fill(all, true);
      return new LoadClass("all", all, load);
    }
  }

  /** The plan for {@code load} ([region][24 UTC hours], concurrent participants). */
  public LoadPlan plan(double[][] load) {
    return plan(List.of(LoadClass.unrestricted(load)));
  }

  /**
   * The plan for the sum of {@code classes}, moving each class's load only to regions it allows
   * (issue 18): a region its accounts do not allow never receives their load, so a restriction
   * can only forgo shift, never break it.
   */
  public LoadPlan plan(List<LoadClass> classes) {
    int n = graph.size();
    int m = classes.size();
    double[][] load = new double[n][24];
    for (LoadClass c : classes) {
      if (c.load().length != n || c.allowed().length != n) {
        throw new IllegalArgumentException("one load row and one allowed flag per region");
      }
      for (int r = 0; r < n; r++) {
        for (int h = 0; h < 24; h++) {
          load[r][h] += c.load()[r][h];
        }
      }
    }
    int[][] lat = graph.latencies();
    double[][] after = copy(load);
    double[][][] part = new double[m][][];
    for (int c = 0; c < m; c++) {
      part[c] = copy(classes.get(c).load());
    }
    double[][][][] flow = new double[m][n][n][24];
    for (int pass = 0; pass < 2; pass++) {
      Integer[] order = new Integer[n];
      for (int r = 0; r < n; r++) {
        order[r] = r;
      }
      Arrays.sort(order, Comparator.comparingDouble((Integer r) -> -max(after[r])));
      for (int r : order) {
        lower(r, classes, after, part, flow, lat);
      }
    }
    List<LoadPlan.Shift> shifts = new ArrayList<>();
    List<String> ids = graph.ids();
    for (int h = 0; h < 24; h++) {
      for (int from = 0; from < n; from++) {
        for (int to = 0; to < n; to++) {
          double f = 0;
          for (int c = 0; c < m; c++) {
            f += Math.max(0, flow[c][from][to][h] - flow[c][to][from][h]);
          }
          double back = 0;
          for (int c = 0; c < m; c++) {
            back += Math.max(0, flow[c][to][from][h] - flow[c][from][to][h]);
          }
          f -= Math.min(f, back);
          if (f > 1e-9 && load[from][h] > 0) {
            shifts.add(new LoadPlan.Shift(h, ids.get(from), ids.get(to), lat[from][to],
                f / load[from][h], f));
          }
        }
      }
    }
    return new LoadPlan(ids, headroom, latencyBoundMs, maxShare, copy(load), after,
        capacity(load), capacity(after), shifts);
  }

  private void lower(int r, List<LoadClass> classes, double[][] after, double[][][] part,
      double[][][][] flow, int[][] lat) {
    int n = after.length;
    int m = classes.size();
    List<Integer> near = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      if (k != r && lat[r][k] > 0 && lat[r][k] <= latencyBoundMs) {
        near.add(k);
      }
    }
    if (near.isEmpty()) {
      return;
    }
    near.sort(Comparator.comparingInt(k -> lat[r][k]));
    double[] peaks = new double[n];
    for (int k = 0; k < n; k++) {
      peaks[k] = max(after[k]);
    }
    // What each class may still move out of r in each hour, and where it may go.
    double[][] movableOf = new double[m][24];
    double[] absorb = new double[24];
    double[] movable = new double[24];
    for (int h = 0; h < 24; h++) {
      double any = 0;
      for (int k : near) {
        any += Math.max(0, peaks[k] - after[k][h]);
      }
      absorb[h] = any;
      for (int c = 0; c < m; c++) {
        double out = 0;
        for (int k = 0; k < n; k++) {
          out += flow[c][r][k][h];
        }
        double room = 0;
        for (int k : near) {
          if (classes.get(c).allowed()[k]) {
            room += Math.max(0, peaks[k] - after[k][h]);
          }
        }
        movableOf[c][h] = Math.min(part[c][r][h],
            Math.max(0, maxShare * classes.get(c).load()[r][h] - out));
        movable[h] += Math.min(movableOf[c][h], room);
      }
    }
    double hi = peaks[r];
    double lo = 0;
    if (!feasible(lo, after[r], absorb, movable)) {
      for (int it = 0; it < 60; it++) {
        double mid = (lo + hi) / 2;
        if (feasible(mid, after[r], absorb, movable)) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
    } else {
      hi = lo;
    }
    double target = hi;
    // Restricted classes first: they have fewer places to go.
    Integer[] byFreedom = new Integer[m];
    for (int c = 0; c < m; c++) {
      byFreedom[c] = c;
    }
    Arrays.sort(byFreedom, Comparator.comparingInt(c -> count(classes.get(c).allowed())));
    for (int h = 0; h < 24; h++) {
      double excess = after[r][h] - target;
      for (int c : byFreedom) {
        double left = movableOf[c][h];
        for (int k : near) {
          if (excess <= 1e-12 || left <= 1e-12) {
            break;
          }
          // INVARIANT: a class's load goes only to regions its accounts allow.
          if (!classes.get(c).allowed()[k]) {
            continue;
          }
          double room = Math.max(0, peaks[k] - after[k][h]);
          double d = Math.min(Math.min(room, excess), left);
          if (d > 0) {
            after[k][h] += d;
            after[r][h] -= d;
            part[c][k][h] += d;
            part[c][r][h] -= d;
            flow[c][r][k][h] += d;
            excess -= d;
            left -= d;
          }
        }
      }
    }
  }

  private static int count(boolean[] b) {
    int n = 0;
    for (boolean x : b) {
      n += x ? 1 : 0;
    }
    return n;
  }

  private static boolean feasible(double t, double[] a, double[] absorb, double[] movable) {
    for (int h = 0; h < a.length; h++) {
      double excess = a[h] - t;
      if (excess > 0 && (excess > absorb[h] + 1e-9 || excess > movable[h] + 1e-9)) {
        return false;
      }
    }
    return true;
  }

  private long[][] capacity(double[][] load) {
    long[][] c = new long[load.length][24];
    for (int r = 0; r < load.length; r++) {
      for (int h = 0; h < 24; h++) {
        c[r][h] = (long) Math.ceil(load[r][h] * (1 + headroom) - 1e-9);
      }
    }
    return c;
  }

  private static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  private static double max(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }
}
