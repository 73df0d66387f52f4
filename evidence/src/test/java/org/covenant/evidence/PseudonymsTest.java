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
}
