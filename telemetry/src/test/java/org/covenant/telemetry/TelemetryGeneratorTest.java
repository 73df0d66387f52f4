package org.covenant.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TelemetryGeneratorTest {
  private static final TelemetryGenerator GEN = TelemetryGenerator.create(RegionGraph.platform());

  @Test
  void makesExactlyNEvents_clusteredByAccount_deterministicBySeed() {
    TelemetryGenerator.Generated a = GEN.generate(TelemetryGenerator.Options.of(50_000, 3), StageProgress.none());
    TelemetryGenerator.Generated b = GEN.generate(TelemetryGenerator.Options.of(50_000, 3), StageProgress.none());
    TelemetryGenerator.Generated c = GEN.generate(TelemetryGenerator.Options.of(50_000, 4), StageProgress.none());
    assertThat(a.data().events()).isEqualTo(50_000);
    assertThat(a.data().clusteredByAccount()).isTrue();
    for (EventTable t : a.data().tables()) {
      int[] acc = t.require("account").ints();
      for (int i = 1; i < acc.length; i++) {
        assertThat(acc[i]).isGreaterThanOrEqualTo(acc[i - 1]);
      }
    }
    int[] ma = a.data().table("meeting.minutes").orElseThrow().require("minutes").ints();
    int[] mb = b.data().table("meeting.minutes").orElseThrow().require("minutes").ints();
    int[] mc = c.data().table("meeting.minutes").orElseThrow().require("minutes").ints();
    assertThat(Arrays.equals(ma, mb)).isTrue();
    assertThat(Arrays.equals(ma, mc)).isFalse();
    assertThat(a.settings()).isEqualTo(b.settings()).isNotEmpty();
  }

  @Test
  void regionsPeakInTheirOwnWorkingDay_andWeekendsAreQuiet() {
    TelemetryData d = GEN.generate(TelemetryGenerator.Options.of(200_000, 9), StageProgress.none()).data();
    EventTable t = d.table("meeting.minutes").orElseThrow();
    RegionGraph g = RegionGraph.platform();
    int tokyo = g.index("ap-northeast").orElseThrow();
    int newYork = g.index("us-east").orElseThrow();
    long[][] byHour = new long[g.size()][24];
    long weekday = 0;
    long weekend = 0;
    byte[] region = t.require("region").bytes();
    int[] at = t.require("at").ints();
    for (int i = 0; i < t.rows(); i++) {
      if (region[i] < 0 || region[i] >= g.size() || at[i] < 0 || at[i] >= d.spanSeconds()) {
        continue;
      }
      int how = CellGrid.hourOfWeek(d.baseEpochSecond() + at[i]);
      byHour[region[i]][how % 24]++;
      if (region[i] == newYork) {
        if (how / 24 < 5) {
          weekday++;
        } else {
          weekend++;
        }
      }
    }
    // Tokyo (UTC+9) works 00–09 UTC; New York (UTC−5 in early March) works 13–22 UTC
    assertThat(argmax(byHour[tokyo])).isBetween(0, 8);
    assertThat(argmax(byHour[newYork])).isBetween(13, 21);
    assertThat(weekend / 2.0).isLessThan(weekday / 5.0 * 0.3);
  }

  @Test
  void breakageIsSprinkled_andCaughtByTheGuard() {
    TelemetryGenerator.Generated g = GEN.generate(
        new TelemetryGenerator.Options(100_000, 1, 7, TelemetryGenerator.DEFAULT_START, 0.002, 0.05, 0.05),
        StageProgress.none());
    GuardResult r = IngestionGuard.create(SchemaCatalogue.platform(), RegionGraph.platform(), g.consent())
        .guard(g.data(), StageProgress.none());
    assertThat(r.quarantined()).isBetween(100L, 300L);
    for (String reason : new String[] {"unknown_type", "direct_identifier", "unexpected_field",
        "invalid_pseudonym", "missing_field", "unknown_value", "out_of_range", "optional_not_allowed"}) {
      assertThat(r.byReason().get(reason)).as(reason).isPositive();
    }
    assertThat(r.acceptedEvents() + r.quarantined() + r.dropped()).isEqualTo(100_000);
  }

  private static int argmax(long[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
