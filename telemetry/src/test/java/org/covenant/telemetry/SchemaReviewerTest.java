package org.covenant.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SchemaReviewerTest {
  private final SchemaReviewer reviewer = SchemaReviewer.create();

  @Test
  void platformSchemas_passReview() {
    SchemaReview review = reviewer.review(SchemaCatalogue.platform());
    assertThat(review.problems()).isEmpty();
    assertThat(review.schemas()).isEqualTo(5);
  }

  @Test
  void badExample_failsWithOneReasonPerOffendingField() {
    SchemaReview review = reviewer.review(SchemaCatalogue.resource(SchemaCatalogue.BAD_EXAMPLE_RESOURCE));
    Map<String, String> byField = review.problems().stream()
        .filter(p -> p.type().equals("meeting.debug_dump"))
        .collect(Collectors.toMap(SchemaReview.Finding::field, SchemaReview.Finding::code));
    assertThat(byField).containsExactlyInAnyOrderEntriesOf(Map.of(
        "meeting_title", "customer_content",
        "chat_excerpt", "customer_content",
        "shared_file_name", "customer_content",
        "recording_url", "url_with_path",
        "host_email", "direct_identifier",
        "client_ip", "direct_identifier",
        "display_name", "direct_identifier",
        "dial_in_phone", "direct_identifier",
        "duration_ms", "unbounded_number"));
    assertThat(review.problems()).allSatisfy(p -> {
      if (!p.field().isEmpty()) {
        assertThat(p.reason()).contains("`" + p.field() + "`");
      }
    });
    assertThat(review.passed("meeting.debug_dump")).isFalse();
    assertThat(review.problems()).anySatisfy(p -> {
      assertThat(p.type()).isEqualTo("whiteboard.snapshot");
      assertThat(p.code()).isEqualTo("customer_content_category");
    });
  }

  @Test
  void freeStringWithNeutralName_isFreeText() {
    SchemaReview review = reviewer.review(catalogue("""
        - {name: account, type: pseudonym, required: true}
        - {name: at, type: timestamp, required: true}
        - {name: build_flavour, type: string}
        """));
    assertThat(review.problems()).extracting(SchemaReview.Finding::code).containsExactly("free_text");
  }

  @Test
  void countsOfContent_areNotContent() {
    SchemaReview review = reviewer.review(catalogue("""
        - {name: account, type: pseudonym, required: true}
        - {name: at, type: timestamp, required: true}
        - {name: chat_messages_count, type: int, min: 0, max: 100000}
        - {name: transcript_enabled, type: bool}
        - {name: os_name, type: enum, values: [linux, macos]}
        """));
    assertThat(review.problems()).isEmpty();
  }

  @Test
  void missingPrivacyUnitAndTimestamp_areReported() {
    SchemaReview review = reviewer.review(catalogue("""
        - {name: region, type: region}
        """));
    assertThat(review.problems()).extracting(SchemaReview.Finding::code)
        .containsExactly("missing_privacy_unit", "missing_timestamp");
  }

  @Test
  void enumOfFreeValues_isUnbounded() {
    SchemaReview review = reviewer.review(catalogue("""
        - {name: account, type: pseudonym, required: true}
        - {name: at, type: timestamp, required: true}
        - {name: status, type: enum, values: ["Running late, sorry!"]}
        """));
    assertThat(review.problems()).extracting(SchemaReview.Finding::code).containsExactly("unbounded_enum");
  }

  @Test
  void camelCaseNames_areSplit() {
    assertThat(SchemaReviewer.words("hostEmailAddress")).containsExactly("host", "email", "address");
    assertThat(SchemaReviewer.words("ip_v4")).containsExactly("ip", "v4");
  }

  @Test
  void unknownFieldType_isInvalidInputNamingTheField() {
    Loaded<SchemaCatalogue> loaded = SchemaReader.create().read("x.yaml", """
        catalogue: x
        events:
          - type: a.b
            category: service_generated.usage
            classification: required
            fields:
              - {name: account, type: pseudonym}
              - {name: at, type: instant}
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(loaded).isInstanceOf(Loaded.Invalid.class);
    InputProblem p = ((Loaded.Invalid<SchemaCatalogue>) loaded).problem();
    assertThat(p.file()).isEqualTo("x.yaml");
    assertThat(p.field()).isEqualTo("events[0].fields[1].type");
    assertThat(p.message()).contains("`instant`");
  }

  @Test
  void notYaml_andUnknownKeys_areInvalidInput() {
    assertThat(SchemaReader.create().read("y.yaml", "events: [".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(Loaded.Invalid.class);
    Loaded<SchemaCatalogue> extra = SchemaReader.create().read("z.yaml",
        "catalogue: z\nevents: []\nowner: me\n".getBytes(StandardCharsets.UTF_8));
    assertThat(((Loaded.Invalid<SchemaCatalogue>) extra).problem().field()).isEqualTo("owner");
  }

  private static SchemaCatalogue catalogue(String fields) {
    String indented = fields.lines().map(l -> "      " + l).collect(Collectors.joining("\n"));
    String yaml = "catalogue: t\nevents:\n  - type: test.event\n    category: service_generated.usage\n"
        + "    classification: required\n    fields:\n" + indented + "\n";
    return SchemaReader.create().read("t.yaml", yaml.getBytes(StandardCharsets.UTF_8)).orThrow();
  }

  @Test
  void reviewIsPerSchema() {
    List<SchemaReview.Finding> ok = reviewer.review(SchemaCatalogue.platform().schema("media.quality").orElseThrow());
    assertThat(ok).isEmpty();
  }
}
