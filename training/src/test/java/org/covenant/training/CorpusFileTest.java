package org.covenant.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusFileTest {
  @TempDir Path dir;

  private ContentCorpus sample() {
    return CorpusGenerator.generate(CorpusGenerator.Spec.of(3_000, 40, 7)).corpus();
  }

  @Test
  void writeThenRead_givesTheSameRecords() throws IOException {
    ContentCorpus c = sample();
    Path f = dir.resolve("c.corpus");
    CorpusFile.write(c, f);
    ContentCorpus back = TestWorlds.ok(CorpusFile.read(f));
    assertThat(back.size()).isEqualTo(c.size());
    for (int i = 0; i < c.size(); i++) {
      assertThat(back.item(i)).isEqualTo(c.item(i));
    }
    StringWriter a = new StringWriter();
    StringWriter b = new StringWriter();
    CorpusJsonl.write(c, a);
    CorpusJsonl.write(back, b);
    assertThat(b.toString()).isEqualTo(a.toString());
  }

  @Test
  void truncatedFile_isAProblemNamingTheByteOffset() throws IOException {
    Path f = dir.resolve("c.corpus");
    CorpusFile.write(sample(), f);
    byte[] all = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.corpus");
    Files.write(cut, Arrays.copyOf(all, all.length - 100));
    assertThat(TestWorlds.problems(CorpusFile.read(cut)))
        .contains("truncated").contains("the file ends at byte " + (all.length - 100));
    Files.write(cut, Arrays.copyOf(all, 20));
    assertThat(TestWorlds.problems(CorpusFile.read(cut)))
        .contains("truncated: the header needs 32 bytes but the file ends at byte 20");
  }

  @Test
  void flippedByte_failsTheSectionChecksum() throws IOException {
    Path f = dir.resolve("c.corpus");
    CorpusFile.write(sample(), f);
    byte[] all = Files.readAllBytes(f);
    all[all.length - 9] ^= 1;
    Files.write(f, all);
    assertThat(TestWorlds.problems(CorpusFile.read(f))).contains("fails its checksum");
  }

  @Test
  void unknownCategory_isAProblemNamingTheRecord() throws IOException {
    ContentCorpus.Builder b = ContentCorpus.builder();
    b.add(new ContentCorpus.ContentItem("first", org.covenant.core.vocab.Vocabulary.category(
        "customer_content.audio").orElseThrow(), "acme", java.util.Optional.empty(),
        java.util.Optional.empty(), java.util.List.of(), java.time.Instant.EPOCH));
    b.add(new ContentCorpus.ContentItem("second", org.covenant.core.vocab.Vocabulary.category(
        "customer_content.chat").orElseThrow(), "acme", java.util.Optional.empty(),
        java.util.Optional.empty(), java.util.List.of(), java.time.Instant.EPOCH));
    Path f = dir.resolve("c.corpus");
    CorpusFile.write(b.build(), f);
    // Rename the category in the stored dictionary and reseal the checksums, as a writer with
    // a different vocabulary would have.
    byte[] all = Files.readAllBytes(f);
    ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    int entry = CorpusFile.HEADER + CorpusFile.ENTRY * 3;
    long off = bb.getLong(entry + 8);
    long len = bb.getLong(entry + 16);
    String names = new String(all, (int) off, (int) len, StandardCharsets.UTF_8);
    int at = names.indexOf("customer_content.chat");
    all[(int) off + at + "customer_content.cha".length()] = 'z';
    CRC32C crc = new CRC32C();
    crc.update(all, (int) off, (int) len);
    bb.putInt(entry + 4, (int) crc.getValue());
    CRC32C table = new CRC32C();
    table.update(all, CorpusFile.HEADER, CorpusFile.ENTRY * CorpusFile.SECTION_COUNT);
    bb.putInt(24, (int) table.getValue());
    CRC32C header = new CRC32C();
    header.update(all, 0, 28);
    bb.putInt(28, (int) header.getValue());
    Files.write(f, all);
    assertThat(TestWorlds.problems(CorpusFile.read(f)))
        .contains("record 1 (`second`)").contains("unknown category `customer_content.chaz`");
  }

  @Test
  void jsonl_unknownCategoryAccountOrDuplicate_namesTheLine() throws IOException {
    Path f = dir.resolve("c.jsonl");
    String ok = "{\"content\":\"c1\",\"category\":\"customer_content.chat\",\"account\":\"a\","
        + "\"at\":\"2024-01-01T00:00:00Z\",\"contributors\":[\"b\"]}\n";
    Files.writeString(f, ok + ok.replace("c1", "c2").replace("chat", "chit"));
    assertThat(TestWorlds.problems(CorpusJsonl.read(f, a -> true)))
        .contains("line 2 (`c2`)").contains("unknown category `customer_content.chit`");
    Files.writeString(f, ok + ok);
    assertThat(TestWorlds.problems(CorpusJsonl.read(f, a -> true)))
        .contains("line 2 (`c1`)").contains("duplicate content id");
    Files.writeString(f, ok);
    assertThat(TestWorlds.problems(CorpusJsonl.read(f, Set.of("z")::contains)))
        .contains("line 1 (`c1`)").contains("unknown account `a`");
    ContentCorpus c = TestWorlds.ok(CorpusJsonl.read(f, a -> true));
    assertThat(c.item(0).contributors()).containsExactly("a", "b");
  }

  @Test
  void generator_isDeterministicAndSkewed() {
    ContentCorpus a = CorpusGenerator.generate(CorpusGenerator.Spec.of(20_000, 200, 3)).corpus();
    ContentCorpus b = CorpusGenerator.generate(CorpusGenerator.Spec.of(20_000, 200, 3)).corpus();
    assertThat(a.size()).isEqualTo(20_000);
    long[] perAccount = new long[a.accounts().size()];
    long external = 0;
    long multi = 0;
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.item(i)).isEqualTo(a.item(i));
      perAccount[a.account(i)]++;
      for (int o : a.otherContributors(i)) {
        multi++;
        if (a.accounts().get(o).startsWith("ext-")) {
          external++;
        }
      }
    }
    long[] sorted = perAccount.clone();
    Arrays.sort(sorted);
    // Zipf: the largest account holds far more than the median one.
    assertThat(sorted[sorted.length - 1]).isGreaterThan(20 * Math.max(1, sorted[sorted.length / 2]));
    assertThat(multi).isGreaterThan(1000);
    assertThat(external).isGreaterThan(200);
  }
}
