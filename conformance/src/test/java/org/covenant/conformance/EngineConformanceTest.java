package org.covenant.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.covenant.cli.scenario.EngineBackend;
import org.covenant.cli.scenario.ScenarioRunner;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.Json;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.format.scenario.Scenario;
import org.covenant.format.scenario.ScenarioParser;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every scenario file, shared and our own, through the in-process engine: one test per file. */
class EngineConformanceTest {
  @TestFactory
  Stream<DynamicTest> everyScenarioPassesThroughTheEngine() {
    return Corpus.all().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
        () -> runFile(f)));
  }

  private static void runFile(Path file) {
    Result<Scenario> r = ScenarioParser.read(file);
    assertThat(r).as("parse %s", file).isInstanceOf(Result.Ok.class);
    Scenario s = ((Result.Ok<Scenario>) r).value();
    TermsCatalog catalog = s.termsDir().isPresent()
        ? TermsLibrary.catalogWith(s.termsDir().get()).orThrow()
        : TermsLibrary.builtInCatalog();
    List<ObjectNode> lines = new ArrayList<>();
    ScenarioRunner.Totals totals = new ScenarioRunner(x -> new EngineBackend(catalog))
        .run(List.of(s), lines::add);
    List<String> failures = lines.stream().filter(l -> !l.path("ok").asBoolean())
        .map(Json::line).toList();
    assertThat(failures).as("failed checks in %s", file).isEmpty();
    assertThat(totals.passed()).as("checks run in %s", file)
        .isEqualTo(s.queries().size() + (int) lines.stream().filter(l -> l.has("event")).count());
    assertThat(totals.passed()).isPositive();
  }
}
