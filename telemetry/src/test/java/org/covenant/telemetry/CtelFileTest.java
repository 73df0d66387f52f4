package org.covenant.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CtelFileTest {
  @Test
  void roundTrip_keepsEveryColumnDictionaryAndFlag(@TempDir Path dir) {
    TelemetryData data = TelemetryGenerator.create(RegionGraph.platform())
        .generate(TelemetryGenerator.Options.of(30_000, 5), StageProgress.none()).data();
    Path f = dir.resolve("t.ctel");
    CtelFile.write(data, f, StageProgress.none());
    TelemetryData back = CtelFile.read(f, StageProgress.none()).orThrow();
    assertThat(back.baseEpochSecond()).isEqualTo(data.baseEpochSecond());
    assertThat(back.spanSeconds()).isEqualTo(data.spanSeconds());
    assertThat(back.clusteredByAccount()).isTrue();
    assertThat(back.dictionaries()).isEqualTo(data.dictionaries());
    assertThat(back.tables()).hasSameSizeAs(data.tables());
    for (int t = 0; t < data.tables().size(); t++) {
      EventTable a = data.tables().get(t);
      EventTable b = back.tables().get(t);
      assertThat(b.type()).isEqualTo(a.type());
      for (Column c : a.columns()) {
        Column d = b.require(c.name());
        assertThat(d.encoding()).isEqualTo(c.encoding());
        assertThat(d.dictionary()).isEqualTo(c.dictionary());
        if (c.encoding() == Column.Encoding.I32) {
          assertThat(Arrays.equals(d.ints(), c.ints())).isTrue();
        } else {
          assertThat(Arrays.equals(d.bytes(), c.bytes())).isTrue();
        }
      }
    }
  }

  @Test
  void truncatedOrForeignFiles_areInvalidInputNamingTheFileAndField(@TempDir Path dir) throws Exception {
    TelemetryData data = TelemetryGenerator.create(RegionGraph.platform())
        .generate(TelemetryGenerator.Options.of(5_000, 6), StageProgress.none()).data();
    Path f = dir.resolve("t.ctel");
    CtelFile.write(data, f, StageProgress.none());
    byte[] all = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.ctel");
    Files.write(cut, Arrays.copyOf(all, all.length - 100));
    Loaded<TelemetryData> l = CtelFile.read(cut, StageProgress.none());
    InputProblem p = ((Loaded.Invalid<TelemetryData>) l).problem();
    assertThat(p.file()).isEqualTo(cut.toString());
    assertThat(p.field()).startsWith("tables[");
    assertThat(p.message()).isEqualTo("truncated file");

    Path foreign = dir.resolve("x.ctel");
    Files.writeString(foreign, "PK\u0003\u0004 not telemetry");
    assertThat(((Loaded.Invalid<TelemetryData>) CtelFile.read(foreign, StageProgress.none())).problem().field())
        .isEqualTo("magic");
    assertThat(((Loaded.Invalid<TelemetryData>) CtelFile.read(dir.resolve("none"), StageProgress.none()))
        .problem().message()).isEqualTo("no such file");
  }
}
