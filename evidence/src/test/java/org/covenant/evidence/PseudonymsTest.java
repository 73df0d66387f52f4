package org.covenant.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymsTest {
  @Test
  void pseudonym_isStableAcrossReopening_andHidesTheId(@TempDir Path dir) throws Exception {
    String p = Pseudonyms.open(dir).of("alice");
    assertThat(p).startsWith("sha256:").doesNotContain("alice");
    assertThat(Pseudonyms.open(dir).of("alice")).isEqualTo(p);
    assertThat(Pseudonyms.open(dir).of("bob")).isNotEqualTo(p);
    assertThat(Files.readString(dir.resolve("keys/salts.json"))).contains("alice");
  }

  @Test
  void erasingTheSalt_unlinksThePerson(@TempDir Path dir) {
    Pseudonyms ps = Pseudonyms.open(dir);
    String before = ps.of("alice");
    assertThat(ps.erase("alice")).isTrue();
    assertThat(ps.erase("alice")).isFalse();
    assertThat(Pseudonyms.open(dir).of("alice")).isNotEqualTo(before);
  }

  @Test
  void aBatch_writesTheNewSaltsOnceWhenItEnds_andTheyAreStable(@TempDir Path dir)
      throws Exception {
    Pseudonyms ps = Pseudonyms.open(dir);
    Path salts = dir.resolve("keys/salts.json");
    String[] during = new String[1];
    String carol = ps.batch(() -> {
      ps.of("alice");
      ps.of("bob");
      during[0] = Files.exists(salts) ? "written" : "not yet";
      return ps.of("carol");
    });
    assertThat(during[0]).isEqualTo("not yet");
    // one append to the journal; opening folds it into salts.json
    assertThat(Files.readAllLines(dir.resolve("keys/salts.jsonl"))).hasSize(3);
    assertThat(Pseudonyms.open(dir).of("carol")).isEqualTo(carol);
    assertThat(Files.readString(salts)).contains("alice", "bob", "carol");
    assertThat(dir.resolve("keys/salts.jsonl")).doesNotExist();
  }

  @Test
  void aTornLastJournalLine_isIgnored_andTheSaltsBeforeItKept(@TempDir Path dir)
      throws Exception {
    Pseudonyms ps = Pseudonyms.open(dir);
    String alice = ps.of("alice");
    Path journal = dir.resolve("keys/salts.jsonl");
    Files.writeString(journal, "{\"id\":\"bob\",\"sa", java.nio.file.StandardOpenOption.APPEND);
    assertThat(Pseudonyms.open(dir).of("alice")).isEqualTo(alice);
  }

  @Test
  void anErasureInTheJournal_holdsEvenIfTheFoldDidNotHappen(@TempDir Path dir) throws Exception {
    Pseudonyms ps = Pseudonyms.open(dir);
    String alice = ps.of("alice");
    ps.of("bob");
    Path journal = dir.resolve("keys/salts.jsonl");
    String oldSalt = org.covenant.format.Json.parse(Files.readAllLines(journal).get(0))
        .path("salt").asText();
    // as if the process died after the tombstone and before folding
    Files.writeString(journal, "{\"erase\":\"alice\"}\n",
        java.nio.file.StandardOpenOption.APPEND);
    Pseudonyms reopened = Pseudonyms.open(dir);
    assertThat(Files.readString(dir.resolve("keys/salts.json"))).doesNotContain(oldSalt)
        .contains("bob");
    assertThat(reopened.of("alice")).isNotEqualTo(alice);
  }
}
