package org.covenant.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadPlannerTest {
  private static final RegionGraph GRAPH = new RegionGraph(List.of(
      new RegionGraph.Region("east", ZoneId.of("UTC"), 1),
      new RegionGraph.Region("west", ZoneId.of("UTC"), 1),
      new RegionGraph.Region("far", ZoneId.of("UTC"), 1)),
      List.of(new RegionGraph.RegionLink("east", "west", 60), new RegionGraph.RegionLink("east", "far", 300)));

  /** east peaks at 9–10 UTC, west at 17–18; far is idle but too far away. */
  private static double[][] load() {
    double[][] l = new double[3][24];
    for (int h = 0; h < 24; h++) {
      l[0][h] = h == 9 || h == 10 ? 1000 : 400;
      l[1][h] = h == 17 || h == 18 ? 900 : 300;
      l[2][h] = 10;
    }
    return l;
  }

  @Test
  void shiftsPeaksToTheNeighbourWithinTheLatencyBound_withoutRaisingItsPeak() {
    LoadPlan plan = LoadPlanner.create(GRAPH, 0.2, 100, 1.0).plan(load());
    assertThat(plan.peakBefore(0)).isEqualTo(1000);
    // east gives 9–10 UTC load to west up to west's own peak (900): east drops to its base 400
    assertThat(plan.peakAfter(0)).isCloseTo(400, within(1e-6));
    assertThat(plan.peakAfter(1)).isCloseTo(900, within(1e-6));
    assertThat(plan.peakAfter(2)).isEqualTo(10);
    assertThat(plan.totalPeakAfter()).isLessThan(plan.totalPeakBefore());
    assertThat(plan.peakReduction()).isCloseTo((1910 - 1310) / 1910.0, within(1e-6));
    assertThat(plan.shifts()).allSatisfy(s -> {
      assertThat(s.latencyMs()).isLessThanOrEqualTo(100);
      assertThat(s.to()).isNotEqualTo("far");
    });
    assertThat(plan.shifts()).anySatisfy(s -> {
      assertThat(s.hour()).isEqualTo(9);
      assertThat(s.from()).isEqualTo("east");
      assertThat(s.to()).isEqualTo("west");
      assertThat(s.share()).isCloseTo(0.6, within(1e-6));
    });
    for (int r = 0; r < 3; r++) {
      double before = 0;
      double after = 0;
      for (int h = 0; h < 24; h++) {
        before += plan.load()[r][h];
        after += plan.after()[r][h];
        assertThat(plan.capacityAfter()[r][h]).isEqualTo((long) Math.ceil(plan.after()[r][h] * 1.2 - 1e-9));
      }
      assertThat(r == 2 ? after : 0).isEqualTo(r == 2 ? before : 0);
    }
    double total = 0;
    for (int r = 0; r < 3; r++) {
      for (int h = 0; h < 24; h++) {
        total += plan.after()[r][h] - plan.load()[r][h];
      }
    }
    assertThat(total).isCloseTo(0, within(1e-6));
  }

  @Test
  void maxShare_limitsWhatMoves() {
    LoadPlan plan = LoadPlanner.create(GRAPH, 0.2, 100, 0.1).plan(load());
    // at most 10% of east's 1000 may leave at its peak hours
    assertThat(plan.peakAfter(0)).isCloseTo(900, within(1e-6));
    assertThat(plan.shifts()).allSatisfy(s -> assertThat(s.share()).isLessThanOrEqualTo(0.1 + 1e-9));
  }

  @Test
  void noNeighbourWithinTheBound_noShift() {
    LoadPlan plan = LoadPlanner.create(GRAPH, 0.2, 50, 1.0).plan(load());
    assertThat(plan.shifts()).isEmpty();
    assertThat(plan.peakReduction()).isZero();
  }

  /**
   * Half of east's load belongs to accounts that allow east (and far) only: that half never
   * reaches west, so the plan forgoes part of the shift, and the rest still moves.
   */
  @Test
  void accountsThatDoNotAllowARegion_neverHaveTheirLoadMovedThere() {
    double[][] all = load();
    double[][] pinned = new double[3][24];
    double[][] free = new double[3][24];
    for (int r = 0; r < 3; r++) {
      for (int h = 0; h < 24; h++) {
        pinned[r][h] = r == 0 ? all[r][h] / 2 : 0;
        free[r][h] = all[r][h] - pinned[r][h];
      }
    }
    LoadPlanner planner = LoadPlanner.create(GRAPH, 0.2, 100, 1.0);
    LoadPlan unrestricted = planner.plan(List.of(LoadPlanner.LoadClass.unrestricted(all)));
    LoadPlan same = planner.plan(all);
    assertThat(same.after()).isDeepEqualTo(unrestricted.after());
    LoadPlan restricted = planner.plan(List.of(
        new LoadPlanner.LoadClass("east,far", new boolean[] {true, false, true}, pinned),
        LoadPlanner.LoadClass.unrestricted(free)));
    // East's free half is 500 at its peak: it may move 500 - (400 - 200) = 300 of it... but west
    // takes only up to its own peak; whatever happens, east keeps at least its pinned half.
    for (int h = 0; h < 24; h++) {
      assertThat(restricted.after()[0][h]).isGreaterThanOrEqualTo(pinned[0][h] - 1e-9);
      assertThat(restricted.after()[1][h]).isLessThanOrEqualTo(900 + 1e-9);
    }
    assertThat(restricted.peakAfter(0)).isCloseTo(500, within(1e-6));
    assertThat(unrestricted.peakAfter(0)).isCloseTo(400, within(1e-6));
    // West then uses the headroom east keeps (500 vs 400) for its own evening peak: the total
    // forgone is what the restriction costs after both passes, never negative.
    assertThat(restricted.totalPeakAfter())
        .isGreaterThanOrEqualTo(unrestricted.totalPeakAfter() - 1e-6);
    assertThat(restricted.totalPeakAfter()).isLessThan(restricted.totalPeakBefore());
    assertThat(restricted.shifts()).allSatisfy(s -> assertThat(s.to()).isNotEqualTo("far"));
    assertThat(restricted.shifts()).filteredOn(s -> s.from().equals("east")).allSatisfy(s -> {
      assertThat(s.to()).isEqualTo("west");
      assertThat(s.amount()).isLessThanOrEqualTo(free[0][s.hour()] + 1e-9);
    });
  }
}
