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
    assertThat(Files.readString(salts)).contains("alice", "bob", "carol");
    assertThat(Pseudonyms.open(dir).of("carol")).isEqualTo(carol);
  }
}
