package org.covenant.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BoundedAggregatorTest {
  private static final int REGIONS = 4;
  private static final long BASE = TelemetryGenerator.DEFAULT_START.getEpochSecond();

  /** Random clustered rows: heavy accounts exceed both bounds. */
  private record Rows(int[] account, byte[] region, int[] at, int[] value) { }

  private static Rows rows(long seed, int n, int accounts) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] account = new int[n];
    byte[] region = new byte[n];
    int[] at = new int[n];
    int[] value = new int[n];
    for (int i = 0; i < n; i++) {
      // skewed: low account ids are heavy
      account[i] = (int) Math.min(accounts - 1, Math.floor(Math.pow(rnd.nextDouble(), 3) * accounts));
      region[i] = (byte) rnd.nextInt(REGIONS);
      at[i] = rnd.nextInt(CellGrid.WEEK * 2);
      value[i] = rnd.nextInt(500);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(account[x], account[y]));
    int[] a2 = new int[n];
    byte[] r2 = new byte[n];
    int[] t2 = new int[n];
    int[] v2 = new int[n];
    for (int i = 0; i < n; i++) {
      a2[i] = account[order[i]];
      r2[i] = region[order[i]];
      t2[i] = at[order[i]];
      v2[i] = value[order[i]];
    }
    return new Rows(a2, r2, t2, v2);
  }

  /** The definition, written the slow way: per account per cell sums, top maxCells, clamp. */
  private static BoundedSums reference(Rows r, ContributionBounds b) {
    Map<Integer, Map<Integer, Long>> per = new TreeMap<>();
    for (int i = 0; i < r.account().length; i++) {
      int cell = r.region()[i] * CellGrid.HOURS + CellGrid.hourOfWeek(BASE + r.at()[i]);
      per.computeIfAbsent(r.account()[i], k -> new HashMap<>()).merge(cell, (long) r.value()[i], Long::sum);
    }
    int cells = CellGrid.cells(REGIONS);
    long[] bounded = new long[cells];
    long[] raw = new long[cells];
    int[] accounts = new int[cells];
    for (Map<Integer, Long> m : per.values()) {
      List<Map.Entry<Integer, Long>> e = new ArrayList<>(m.entrySet());
      e.sort((x, y) -> x.getValue().equals(y.getValue())
          ? Integer.compare(y.getKey(), x.getKey()) : Long.compare(y.getValue(), x.getValue()));
      for (int k = 0; k < e.size(); k++) {
        raw[e.get(k).getKey()] += e.get(k).getValue();
        if (k < b.maxCells()) {
          bounded[e.get(k).getKey()] += Math.min(e.get(k).getValue(), b.maxPerCell());
          accounts[e.get(k).getKey()]++;
        }
      }
    }
    return new BoundedSums("m", REGIONS, bounded, raw, accounts, per.size(), 0, 0);
  }

  @Test
  void kernel_equalsTheDefinition_serialAndParallel() {
    Rows r = rows(1, 300_000, 500);
    ContributionBounds b = new ContributionBounds(20, 2_000);
    BoundedSums expected = reference(r, b);
    for (int threads : new int[] {1, 2, 3}) {
      BoundedSums got = BoundedAggregator.aggregate("m", r.account(), r.region(), r.at(), r.value(),
          r.account().length, REGIONS, BASE, 2 * CellGrid.WEEK, b, threads);
      assertThat(got.bounded()).as("threads %d", threads).isEqualTo(expected.bounded());
      assertThat(got.raw()).isEqualTo(expected.raw());
      assertThat(got.accounts()).isEqualTo(expected.accounts());
      assertThat(got.accountsSeen()).isEqualTo(expected.accountsSeen());
    }
  }

  @Test
  void noAccountContributionExceedsItsBound() {
    Rows r = rows(2, 200_000, 300);
    ContributionBounds b = new ContributionBounds(15, 700);
    long[] worstCells = {0};
    long[] worstValue = {0};
    int[] accountsSeen = {0};
    BoundedSums s = BoundedAggregator.aggregate("m", r.account(), r.region(), r.at(), r.value(),
        r.account().length, REGIONS, BASE, 2 * CellGrid.WEEK, b, 1, (account, cells, values, n) -> {
          accountsSeen[0]++;
          worstCells[0] = Math.max(worstCells[0], n);
          for (int k = 0; k < n; k++) {
            worstValue[0] = Math.max(worstValue[0], values[k]);
            assertThat(values[k]).isNotNegative();
          }
          assertThat(Arrays.stream(cells, 0, n).distinct().count()).isEqualTo(n);
        });
    assertThat(accountsSeen[0]).isEqualTo(300);
    assertThat(worstCells[0]).isEqualTo(15);
    assertThat(worstValue[0]).isEqualTo(700);
    assertThat(s.accountsTruncated()).isPositive();
    assertThat(s.cellsClamped()).isPositive();
    assertThat(s.boundedTotal()).isLessThan(s.rawTotal());
  }

  @Test
  void addingOneAccount_movesAtMostMaxCellsByAtMostMaxPerCell() {
    Rows r = rows(3, 50_000, 100);
    ContributionBounds b = new ContributionBounds(10, 900);
    BoundedSums without = BoundedAggregator.aggregate("m", r.account(), r.region(), r.at(), r.value(),
        r.account().length, REGIONS, BASE, 2 * CellGrid.WEEK, b, 1);
    // a new account (id above all others) with enormous activity everywhere
    int extra = 20_000;
    int n = r.account().length + extra;
    int[] a = Arrays.copyOf(r.account(), n);
    byte[] reg = Arrays.copyOf(r.region(), n);
    int[] at = Arrays.copyOf(r.at(), n);
    int[] v = Arrays.copyOf(r.value(), n);
    SplittableRandom rnd = new SplittableRandom(4);
    for (int i = r.account().length; i < n; i++) {
      a[i] = 1_000_000;
      reg[i] = (byte) rnd.nextInt(REGIONS);
      at[i] = rnd.nextInt(CellGrid.WEEK);
      v[i] = 1_000_000;
    }
    BoundedSums with = BoundedAggregator.aggregate("m", a, reg, at, v, n, REGIONS, BASE, 2 * CellGrid.WEEK, b, 2);
    int changed = 0;
    for (int c = 0; c < with.bounded().length; c++) {
      long d = with.bounded()[c] - without.bounded()[c];
      assertThat(d).isBetween(0L, 900L);
      assertThat(with.accounts()[c] - without.accounts()[c]).isBetween(0, 1);
      if (d != 0) {
        changed++;
      }
    }
    assertThat(changed).isEqualTo(10);
  }

  @Test
  void unclusteredRows_areABugNotASilentMisCount() {
    int[] account = {1, 2, 1};
    assertThatThrownBy(() -> BoundedAggregator.aggregate("m", account, new byte[3], new int[3],
        new int[] {1, 1, 1}, 3, 1, BASE, CellGrid.WEEK, new ContributionBounds(1, 1), 1))
        .isInstanceOfSatisfying(TelemetryException.class, e -> assertThat(e.code()).isEqualTo("not_clustered"));
  }

  @Test
  void hourOfWeek_isUtcMondayBased() {
    assertThat(CellGrid.hourOfWeek(TelemetryGenerator.DEFAULT_START.getEpochSecond())).isZero();
    assertThat(CellGrid.hourOfWeek(TelemetryGenerator.DEFAULT_START.getEpochSecond() + 3600 * 24 * 6 + 3600 * 23 + 59))
        .isEqualTo(167);
    assertThat(CellGrid.label(33)).isEqualTo("Tue 09");
  }
}
