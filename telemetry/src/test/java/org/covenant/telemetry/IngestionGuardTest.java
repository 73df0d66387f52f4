package org.covenant.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestionGuardTest {
  private static final long BASE = TelemetryGenerator.DEFAULT_START.getEpochSecond();
  private static final String A1 = "a-00000000000000a1";
  private static final String A2 = "a-00000000000000a2";
  private static final String U1 = "u-00000000000000b1";
  private static final String U2 = "u-00000000000000b2";

  private static Map<String, List<String>> dicts() {
    Map<String, List<String>> d = new LinkedHashMap<>();
    d.put(TelemetryData.PSEUDONYMS, List.of(A1, A2, U1, U2, "jane@example.com", "Bob Smith"));
    d.put(TelemetryData.REGIONS, List.of("eu-west", "us-east", "moon-1"));
    d.put("titles", List.of("Q3 layoffs", "call me at +1 415 555 0100"));
    d.put("transport", List.of("udp", "carrier-pigeon"));
    return d;
  }

  private static GuardResult guard(EventTable t, DiagnosticsConsent consent) {
    TelemetryData data = new TelemetryData(BASE, CellGrid.WEEK, true, dicts(), List.of(t));
    return IngestionGuard.create(SchemaCatalogue.platform(), RegionGraph.platform(), consent)
        .guard(data, StageProgress.none());
  }

  @Test
  void eachBrokenRow_isQuarantinedUnderItsFirstReason_andNeverAggregated() {
    // rows: 0 ok, 1 title (content), 2 title that is a phone number, 3 minutes out of range,
    //       4 unknown region, 5 missing minutes, 6 instant outside the window, 7 ok
    EventTable t = new EventTable("meeting.minutes", List.of(
        Column.ints("account", TelemetryData.PSEUDONYMS, new int[] {0, 0, 0, 0, 1, 1, 1, 1}),
        Column.bytes("region", TelemetryData.REGIONS, new byte[] {0, 0, 0, 0, 2, 1, 1, 1}),
        Column.ints("at", "", new int[] {10, 20, 30, 40, 50, 60, CellGrid.WEEK, 70}),
        Column.ints("minutes", "", new int[] {30, 30, 30, 70_000, 30, Column.NULL_I32, 30, 45}),
        Column.ints("meeting_title", "titles", new int[] {
            Column.NULL_I32, 0, 1, Column.NULL_I32, Column.NULL_I32, Column.NULL_I32, Column.NULL_I32,
            Column.NULL_I32})));
    GuardResult g = guard(t, DiagnosticsConsent.allowAll());
    assertThat(g.byReason()).containsEntry("unexpected_field", 1L)
        .containsEntry("direct_identifier", 1L)
        .containsEntry("out_of_range", 2L)
        .containsEntry("unknown_value", 1L)
        .containsEntry("missing_field", 1L);
    assertThat(g.byField()).containsEntry("meeting.minutes.meeting_title:unexpected_field", 1L)
        .containsEntry("meeting.minutes.minutes:out_of_range", 1L)
        .containsEntry("meeting.minutes.at:out_of_range", 1L);
    EventTable ok = g.table("meeting.minutes").orElseThrow();
    assertThat(ok.rows()).isEqualTo(2);
    assertThat(ok.require("minutes").ints()).containsExactly(30, 45);
    assertThat(ok.column("meeting_title")).isEmpty();
    // regions recoded to the public partition index: eu-west is 3, us-east is 1
    assertThat(ok.require("region").bytes()).containsExactly((byte) 3, (byte) 1);
    assertThat(g.quarantined()).isEqualTo(6);
    assertThat(g.samples()).allSatisfy(s -> assertThat(s.toString()).doesNotContain("layoffs"));
  }

  @Test
  void identifiersWherePseudonymsGo_areQuarantined() {
    EventTable t = new EventTable("network.bandwidth", List.of(
        Column.ints("account", TelemetryData.PSEUDONYMS, new int[] {0, 0, 0}),
        Column.ints("user", TelemetryData.PSEUDONYMS, new int[] {2, 4, 5}),
        Column.bytes("region", TelemetryData.REGIONS, new byte[] {0, 0, 0}),
        Column.ints("at", "", new int[] {1, 2, 3}),
        Column.ints("kbps", "", new int[] {900, 900, 900}),
        Column.bytes("transport", "transport", new byte[] {0, 0, 1})));
    GuardResult g = guard(t, DiagnosticsConsent.allowAll());
    assertThat(g.byField()).containsEntry("network.bandwidth.user:direct_identifier", 1L)
        .containsEntry("network.bandwidth.user:invalid_pseudonym", 1L);
    assertThat(g.table("network.bandwidth").orElseThrow().rows()).isEqualTo(1);
  }

  @Test
  void unknownEnumValue_isQuarantined() {
    EventTable t = new EventTable("network.bandwidth", List.of(
        Column.ints("account", TelemetryData.PSEUDONYMS, new int[] {0, 0}),
        Column.ints("user", TelemetryData.PSEUDONYMS, new int[] {2, 3}),
        Column.bytes("region", TelemetryData.REGIONS, new byte[] {0, 0}),
        Column.ints("at", "", new int[] {1, 2}),
        Column.ints("kbps", "", new int[] {900, 900}),
        Column.bytes("transport", "transport", new byte[] {0, 1})));
    GuardResult g = guard(t, DiagnosticsConsent.allowAll());
    assertThat(g.byField()).containsEntry("network.bandwidth.transport:unknown_value", 1L);
  }

  @Test
  void optionalEvents_honourDiagnosticsOptionalPerUserAtTheEventsTime() {
    InMemoryDiagnosticsConsent consent = InMemoryDiagnosticsConsent.create()
        .settingSet(A1, "user:" + U1, false, (BASE + 100) * 1000)
        .settingSet(A2, "account", false, (BASE + 50) * 1000);
    EventTable t = new EventTable("client.session", List.of(
        Column.ints("account", TelemetryData.PSEUDONYMS, new int[] {0, 0, 0, 1, 1}),
        Column.ints("user", TelemetryData.PSEUDONYMS, new int[] {2, 2, 3, 3, 3}),
        Column.bytes("region", TelemetryData.REGIONS, new byte[] {0, 0, 0, 0, 0}),
        Column.ints("at", "", new int[] {99, 100, 200, 49, 50})));
    GuardResult g = guard(t, consent);
    // U1 before its switch-off: kept; at and after: dropped; U2 of A1: kept; A2 off at 50 for all users
    assertThat(g.dropped()).isEqualTo(2);
    assertThat(g.quarantined()).isZero();
    assertThat(g.table("client.session").orElseThrow().require("at").ints()).containsExactly(99, 200, 49);
  }

  @Test
  void requiredEvents_ignoreDiagnosticsOptional() {
    EventTable t = new EventTable("meeting.participants", List.of(
        Column.ints("account", TelemetryData.PSEUDONYMS, new int[] {0}),
        Column.bytes("region", TelemetryData.REGIONS, new byte[] {0}),
        Column.ints("at", "", new int[] {5}),
        Column.ints("participants", "", new int[] {12})));
    GuardResult g = guard(t, (a, u, ms) -> false);
    assertThat(g.acceptedEvents()).isEqualTo(1);
  }

  @Test
  void unknownTypesAndRejectedSchemas_ingestNothing() {
    EventTable t = new EventTable("debug.trace", List.of(
        Column.ints("account", TelemetryData.PSEUDONYMS, new int[] {0, 1})));
    GuardResult g = guard(t, DiagnosticsConsent.allowAll());
    assertThat(g.byReason()).containsEntry("unknown_type", 2L);
    assertThat(g.accepted()).isEmpty();

    SchemaCatalogue bad = SchemaCatalogue.resource(SchemaCatalogue.BAD_EXAMPLE_RESOURCE);
    EventTable dump = new EventTable("meeting.debug_dump", List.of(
        Column.ints("account", TelemetryData.PSEUDONYMS, new int[] {0}),
        Column.ints("at", "", new int[] {1})));
    TelemetryData data = new TelemetryData(BASE, CellGrid.WEEK, true, dicts(), List.of(dump));
    GuardResult g2 = IngestionGuard.create(bad, RegionGraph.platform(), DiagnosticsConsent.allowAll())
        .guard(data, StageProgress.none());
    assertThat(g2.byReason()).containsEntry("schema_rejected", 1L);
  }

  @Test
  void wrongEncoding_isWrongType() {
    EventTable t = new EventTable("meeting.participants", List.of(
        Column.ints("account", TelemetryData.PSEUDONYMS, new int[] {0}),
        Column.ints("region", "", new int[] {0}),
        Column.ints("at", "", new int[] {5}),
        Column.ints("participants", "", new int[] {12})));
    assertThat(guard(t, DiagnosticsConsent.allowAll()).byReason()).containsEntry("wrong_type", 1L);
  }

  @Test
  void unclusteredInput_isClusteredByAccount_keepingTimeOrder() {
    EventTable t = new EventTable("meeting.participants", List.of(
        Column.ints("account", TelemetryData.PSEUDONYMS, new int[] {1, 0, 1, 0}),
        Column.bytes("region", TelemetryData.REGIONS, new byte[] {0, 0, 0, 0}),
        Column.ints("at", "", new int[] {1, 2, 3, 4}),
        Column.ints("participants", "", new int[] {10, 20, 30, 40})));
    EventTable ok = guard(t, DiagnosticsConsent.allowAll()).table("meeting.participants").orElseThrow();
    assertThat(ok.require("account").ints()).containsExactly(0, 0, 1, 1);
    assertThat(ok.require("participants").ints()).containsExactly(20, 40, 10, 30);
  }
  @Test
  void aTableWithoutItsRequiredColumns_isQuarantinedWhole_andAggregatesToNothing() {
    EventTable t = new EventTable("media.quality", List.of(
        Column.ints("jitter_ms", "", new int[] {3, 4})));
    GuardResult g = guard(t, DiagnosticsConsent.allowAll());
    assertThat(g.byField()).containsEntry("media.quality.account:missing_field", 2L);
    EventTable m = new EventTable("meeting.minutes", List.of(Column.ints("minutes", "", new int[] {5})));
    GuardResult g2 = guard(m, DiagnosticsConsent.allowAll());
    assertThat(BoundedAggregator.aggregate(g2, Metric.platform().get(0), 2).boundedTotal()).isZero();
  }
}
