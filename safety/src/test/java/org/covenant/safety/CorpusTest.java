package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
  @TempDir
  Path dir;

  private Path write(String name, String content) throws Exception {
    Path f = dir.resolve(name);
    try (OutputStream out = name.endsWith(".gz")
        ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return f;
  }

  @Test
  void gzippedJsonLines_areRead_inOrder_withTheFileDigest() throws Exception {
    Path f = write("c.jsonl.gz", "{\"id\":\"a/1\",\"group\":\"g\",\"label\":\"spam\",\"md5\":\"x\","
        + "\"text\":\"Subject: hi\\n\\nbody\",\"extra\":{\"nested\":[1,2]}}\n\n"
        + "{\"id\":\"a/2\",\"label\":\"ham\",\"text\":\"\"}\n");
    Corpus c = Corpus.read(f);
    assertThat(c.records()).extracting(CorpusRecord::id).containsExactly("a/1", "a/2");
    assertThat(c.records().get(0).label()).isEqualTo(Label.SPAM);
    assertThat(c.records().get(1).group()).isEmpty();
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    assertThat(c.sha256()).isEqualTo(
        java.util.HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
  }

  @Test
  void badLines_nameTheFileAndLine() throws Exception {
    Path badJson = write("a.jsonl", "{\"id\":\"1\",\"label\":\"ham\",\"text\":\"\"}\n{oops\n");
    assertThatThrownBy(() -> Corpus.read(badJson)).isInstanceOf(SafetyException.class)
        .hasMessageContaining("`" + badJson + "` line 2: bad JSON")
        .extracting(e -> ((SafetyException) e).code()).isEqualTo("corpus_invalid");
    Path label = write("b.jsonl", "{\"id\":\"1\",\"label\":\"eggs\",\"text\":\"\"}\n");
    assertThatThrownBy(() -> Corpus.read(label))
        .hasMessageContaining("line 1: field `label`: unknown label `eggs`");
    Path missing = write("c.jsonl", "{\"id\":\"1\",\"label\":\"ham\"}\n");
    assertThatThrownBy(() -> Corpus.read(missing))
        .hasMessageContaining("line 1: missing field `text`");
    Path dup = write("d.jsonl", "{\"id\":\"1\",\"label\":\"ham\",\"text\":\"\"}\n"
        + "{\"id\":\"1\",\"label\":\"spam\",\"text\":\"\"}\n");
    assertThatThrownBy(() -> Corpus.read(dup)).hasMessageContaining("line 2: duplicate id `1`");
    assertThatThrownBy(() -> Corpus.read(dir.resolve("none.jsonl")))
        .extracting(e -> ((SafetyException) e).code()).isEqualTo("corpus_not_found");
  }

  @Test
  void export_writesEachRecordIntoItsPartAndLabel() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int k = 0; k < 40; k++) {
      lines.append("{\"id\":\"g/").append(k).append("\",\"label\":\"")
          .append(k % 2 == 0 ? "spam" : "ham").append("\",\"text\":\"Subject: ").append(k)
          .append("\\n\\nx\"}\n");
    }
    Corpus c = Corpus.read(write("e.jsonl", lines.toString()));
    Path out = dir.resolve("split");
    assertThat(CorpusPipeline.create(HoldoutSplit.STANDARD).export(c, out)).isEqualTo(40);
    for (CorpusRecord r : c.records()) {
      String part = HoldoutSplit.STANDARD.isHeldOut(r.id()) ? "test" : "train";
      Path f = out.resolve(part).resolve(r.label().code()).resolve(r.id().replace('/', '_')
          + ".eml");
      assertThat(f).hasContent(r.text());
    }
  }
}
