package org.covenant.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.covenant.core.event.Event;
import org.covenant.format.scenario.Scenario;
import org.covenant.format.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  @Test
  void everyEventOfTheSharedCorpusSurvivesARoundTrip() throws Exception {
    Path dir = Path.of(System.getProperty("covenant.shared.dir")).resolve("conformance");
    int n = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        Scenario s = ScenarioParser.read(f).orThrow();
        for (var e : s.events()) {
          Event back = EventCodec.parse(EventCodec.toJson(e.event()), Set.of());
          assertThat(back).isEqualTo(e.event());
          n++;
        }
      }
    }
    assertThat(n).isGreaterThan(200);
  }

  @Test
  void malformedEventsNameTheField() {
    assertThatThrownBy(() -> EventCodec.parse(Json.parse(
        "{\"type\":\"account.created\",\"at\":\"yesterday\",\"account\":\"a\",\"owner\":\"o\"}"),
        Set.of())).isInstanceOf(FormatException.class)
        .satisfies(e -> assertThat(((FormatException) e).field()).isEqualTo("at"));
    assertThatThrownBy(() -> EventCodec.parse(Json.parse(
        "{\"type\":\"account.deleted\",\"at\":\"2024-01-01T00:00:00Z\"}"), Set.of()))
        .hasMessageContaining("unknown event type `account.deleted`");
    assertThatThrownBy(() -> EventCodec.parse(Json.parse("{\"type\":\"meeting.ended\","
        + "\"at\":\"2024-01-01T00:00:00Z\",\"meeting\":\"m\",\"colour\":\"red\"}"), Set.of()))
        .satisfies(e -> assertThat(((FormatException) e).field()).isEqualTo("colour"));
    assertThatThrownBy(() -> EventCodec.parse(Json.parse("{\"type\":\"user.added\","
        + "\"at\":\"2024-01-01T00:00:00Z\",\"account\":\"a\",\"user\":\"u\",\"role\":\"owner\"}"),
        Set.of())).satisfies(e -> assertThat(((FormatException) e).field()).isEqualTo("role"));
    assertThatThrownBy(() -> EventCodec.parse(Json.parse("{\"type\":\"setting.set\","
        + "\"at\":\"2024-01-01T00:00:00Z\",\"account\":\"a\",\"scope\":\"team:x\",\"key\":\"k\","
        + "\"value\":true,\"by\":\"o\"}"), Set.of()))
        .satisfies(e -> assertThat(((FormatException) e).field()).isEqualTo("scope"));
  }

  @Test
  void scenarioProblemsNameFileIndexAndField() {
    Result<Scenario> r = ScenarioParser.parse("s.json", """
        {"events": [], "queries": [
          {"id": "q1", "at": "2024-01-01T00:00:00Z", "purpose": "ai.training", "content": "c"},
          {"id": "q2", "at": "2024-01-01T00:00:00Z", "purpose": "mind.reading", "content": "c"}
        ]}""", java.util.Optional.empty());
    Problem p = ((Result.Failed<Scenario>) r).problems().get(0);
    assertThat(p.toString()).isEqualTo(
        "s.json: queries[1]: field `purpose`: `mind.reading` is not a purpose of the vocabulary");
    Result<Scenario> bad = ScenarioParser.parse("s.json", "{\"events\": [", java.util.Optional.empty());
    assertThat(((Result.Failed<Scenario>) bad).problems().get(0).location()).startsWith("line 1");
    Result<Scenario> kind = ScenarioParser.parse("s.json", """
        {"queries": [{"id": "q", "kind": "vibes", "at": "2024-01-01T00:00:00Z"}]}""",
        java.util.Optional.empty());
    assertThat(((Result.Failed<Scenario>) kind).problems().get(0).toString())
        .contains("queries[0]", "field `kind`", "`vibes`");
  }
}
