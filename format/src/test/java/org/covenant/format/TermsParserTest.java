package org.covenant.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.covenant.core.terms.Basis;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.Effect;
import org.covenant.core.terms.TermsVersion;
import org.junit.jupiter.api.Test;

class TermsParserTest {
  private static Problem problem(String yaml) {
    Result<TermsVersion> r = TermsParser.parse("t.yaml", yaml);
    assertThat(r).isInstanceOf(Result.Failed.class);
    return ((Result.Failed<TermsVersion>) r).problems().get(0);
  }

  @Test
  void builtInTermsCarryTheClauseIdsOfTheSpecification() {
    TermsVersion d = TermsLibrary.builtInCatalog().version("default").orElseThrow();
    assertThat(d.clauses()).extracting(c -> c.id()).containsExactlyInAnyOrder(
        "service-data", "load-balancing", "provide", "legal", "safety", "value-added-recording",
        "value-added-livestream", "value-added-transcription", "value-added-ai-meeting_summary",
        "value-added-ai-meeting_questions", "value-added-ai-smart_recording", "improvement",
        "training", "no-marketing");
    assertThat(d.clause("training").orElseThrow().basis()).contains(Basis.CONSENT);
    assertThat(d.clause("no-marketing").orElseThrow().effect()).isEqualTo(Effect.FORBID);
    TermsVersion e = TermsLibrary.builtInCatalog().version("example-2023-08-07").orElseThrow();
    assertThat(e.clause("10.4-ai").orElseThrow().unless())
        .containsExactly(new Condition.ConsentAtCapture(
            org.covenant.core.vocab.ConsentType.AI_TRAINING));
    assertThat(e.clause("10.2")).as("`10.2` stays a string id, not the float 10.2").isPresent();
  }

  @Test
  void anUnknownSettingNamesLineColumnAndField() {
    Problem p = problem("""
        terms: t
        clauses:
          - id: a
            effect: permit
            categories: [customer_content.*]
            purposes: [service.recording]
            basis: license
            when:
              - setting: recording.hologram
        """);
    assertThat(p.source()).isEqualTo("t.yaml");
    assertThat(p.location()).isEqualTo("line 9, column 18");
    assertThat(p.field()).isEqualTo("when.setting");
    assertThat(p.message()).contains("`recording.hologram`");
  }

  @Test
  void malformedYamlIsAProblemWithAPosition() {
    Problem p = problem("terms: t\nclauses: [\n");
    assertThat(p.location()).startsWith("line ");
    assertThat(p.message()).startsWith("malformed YAML");
  }

  @Test
  void shapeErrorsAreNamed() {
    assertThat(problem("terms: t\nclauses:\n  - id: a\n    effect: permit\n"
        + "    categories: [customer_content.*]\n    purposes: [ai.training]\n").field())
        .isEqualTo("basis");
    assertThat(problem("terms: t\nclauses:\n  - id: a\n    effect: maybe\n").message())
        .contains("`maybe`");
    assertThat(problem("terms: t\nclauses:\n  - id: a\n    effect: forbid\n"
        + "    categories: [customer_content.nope]\n    purposes: [ai.training]\n").message())
        .contains("matches no category");
    assertThat(problem("terms: t\ncolour: blue\nclauses: []\n").field()).isEqualTo("colour");
    assertThat(problem("terms: t\nclauses:\n  - id: a\n    effect: forbid\n"
        + "    categories: ['*']\n    purposes: ['*']\n  - id: a\n    effect: forbid\n"
        + "    categories: ['*']\n    purposes: ['*']\n").message()).contains("used twice");
  }

  @Test
  void theRevisionIsTheHashOfTheText() {
    String text = "terms: t\nclauses: []\n";
    TermsVersion v = TermsParser.parse("t.yaml", text).orThrow();
    assertThat(v.revision()).isEqualTo(TermsParser.revision(text)).startsWith("sha256:");
    assertThat(TermsParser.revision(text + " ")).isNotEqualTo(v.revision());
  }
}
