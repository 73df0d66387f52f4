package org.covenant.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The identifier rule (docs/DECISIONS.md, "Input at the edge"), case by case. */
class IdentifiersTest {
  private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void valid_ids() {
    for (String id : List.of("a", "acme", "caf\u00e9", "\u4f1a\u8b70", "\uD83D\uDE00",
        "\uD83D\uDC69\u200D\uD83D\uDCBB", "q\"uote\\d", "with space", "x".repeat(128),
        "\uD83D\uDE00".repeat(128), "\u0105\u0301")) {
      assertThat(Identifiers.problem(id)).as(id).isEmpty();
    }
  }

  @Test
  void invalid_ids_sayWhy() {
    assertThat(Identifiers.problem("")).contains("must not be empty");
    assertThat(Identifiers.problem("x".repeat(129))).contains("is longer than 128 code points");
    assertThat(Identifiers.problem("\uD83D\uDE00".repeat(129))).isPresent();
    assertThat(Identifiers.problem("sur-\uD800")).get().asString().contains("lone surrogate");
    assertThat(Identifiers.problem("\uDC00x")).get().asString().contains("lone surrogate");
    assertThat(Identifiers.problem("cafe\u0301")).get().asString().contains("NFC");
    assertThat(Identifiers.problem("a\u0000b")).get().asString().contains("U+0000");
    assertThat(Identifiers.problem("a\nb")).get().asString().contains("control");
    assertThat(Identifiers.problem("a\u0085b")).get().asString().contains("control");
    assertThat(Identifiers.problem("a\u202Eb")).get().asString().contains("bidirectional");
    assertThat(Identifiers.problem("a\u2067b")).get().asString().contains("bidirectional");
    assertThat(Identifiers.problem("a\u2028")).get().asString().contains("separator");
    assertThat(Identifiers.problem("\uFEFFa")).get().asString().contains("byte order mark");
    assertThat(Identifiers.problem("a\uFFFF")).get().asString().contains("noncharacter");
    assertThat(Identifiers.problem("a\uFDD0")).get().asString().contains("noncharacter");
    assertThat(Identifiers.problem(" \u3000")).contains("must not be only white space");
  }

  /**
   * Every ASCII character alone, inside printable text and repeated to the length limit: the
   * printable-ASCII fast path must say what the per-character rule says (controls, U+007F and
   * all-space refused; lengths 128 and 129 at the edge).
   */
  @Test
  void asciiIds_followTheRuleCharacterByCharacter() {
    for (char ch = 0; ch < 0x80; ch++) {
      boolean control = ch < 0x20 || ch == 0x7F;
      String c = String.valueOf(ch);
      assertThat(Identifiers.problem(c)).as("U+%04X", (int) ch)
          .isEqualTo(control ? Optional.of(String.format("holds the control character U+%04X "
              + "at index 0", (int) ch)) : ch == ' ' ? Optional.of("must not be only white space")
              : Optional.empty());
      assertThat(Identifiers.problem("ab" + c + "cd").isPresent()).as("U+%04X inside", (int) ch)
          .isEqualTo(control);
      assertThat(Identifiers.problem(c.repeat(128)).isPresent()).as("U+%04X x128", (int) ch)
          .isEqualTo(control || ch == ' ');
      assertThat(Identifiers.problem(c.repeat(129))).as("U+%04X x129", (int) ch).isPresent();
    }
    assertThat(Identifiers.problem("   ")).contains("must not be only white space");
    assertThat(Identifiers.problem(" a ")).isEmpty();
    assertThat(Identifiers.problem("a".repeat(127) + "\u00e9")).isEmpty();
    assertThat(Identifiers.problem("a".repeat(128) + "\u00e9"))
        .contains("is longer than 128 code points");
  }

  @Test
  void check_namesTheFirstBadField_ofEveryIdInAnEvent() {
    assertThat(Identifiers.check(new Event.AccountCreated(T, "acme", "al\u202Eice")))
        .map(Identifiers.Violation::field).contains("owner");
    assertThat(Identifiers.check(new Event.SettingSet(T, "acme", Scope.user("b\u0000"),
        "recording.cloud", true, false, "alice"))).map(Identifiers.Violation::field)
        .contains("scope");
    assertThat(Identifiers.check(new Event.ParticipantJoined(T, "m", "p",
        Optional.of("x".repeat(200))))).map(Identifiers.Violation::field).contains("account");
    assertThat(Identifiers.check(new Event.ContentCreated(T, "c", "customer_content.chat",
        "acme", Optional.empty(), Optional.of("e\u0301"), List.of())))
        .map(Identifiers.Violation::field).contains("author");
    assertThat(Identifiers.check(new Event.MeetingStarted(T, "acme", "m", "alice",
        List.of("recording.cloud")))).isEmpty();
  }

  @Test
  void lists_holdAtMost64Items_besidesTheAccount() {
    List<String> cs = new ArrayList<>();
    for (int i = 0; i < Identifiers.MAX_LIST; i++) {
      cs.add("c" + i);
    }
    assertThat(Identifiers.check(new Event.ContentCreated(T, "c", "customer_content.chat",
        "acme", Optional.empty(), Optional.empty(), cs))).isEmpty();
    cs.add("one-more");
    assertThat(Identifiers.check(new Event.ContentCreated(T, "c", "customer_content.chat",
        "acme", Optional.empty(), Optional.empty(), cs))).map(Identifiers.Violation::field)
        .contains("contributors");
    assertThat(Identifiers.check(new Event.ContentCreated(T, "c", "customer_content.chat",
        "acme", Optional.empty(), Optional.empty(), List.of("ok", "bad\n"))))
        .map(Identifiers.Violation::message).get().asString().contains("an item");
  }

  @Test
  void withAt_changesOnlyTheTime() {
    Event e = new Event.ContentCreated(T, "c", "customer_content.chat", "acme",
        Optional.of("m"), Optional.of("bob"), List.of("globex"));
    Instant later = T.plusSeconds(5);
    assertThat(e.withAt(later)).isEqualTo(new Event.ContentCreated(later, "c",
        "customer_content.chat", "acme", Optional.of("m"), Optional.of("bob"),
        List.of("globex")));
  }
}
