package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanModelFormatTest {
  @TempDir
  Path dir;

  static ScanModel sample() {
    float[] w = new float[1 << 12];
    w[0] = 1.5f;
    w[7] = -2.25f;
    w[4095] = 0.125f;
    ModelInfo info = new ModelInfo(ScanModel.Kind.LOGISTIC, ScanModel.Transform.BINARY_L2,
        FeatureExtractor.VERSION, 12, 0.75, 10, 4, 42L, "corpus=x sha256=ab split=s/2000");
    return new ScanModel(info, -0.5, w);
  }

  @Test
  void writeThenRead_roundTripsEveryField_andTheBytes() {
    Path f = dir.resolve("m.bin");
    ScanModel m = sample();
    m.write(f);
    ScanModel back = ScanModel.read(f);
    assertThat(back.info()).isEqualTo(m.info());
    assertThat(back.bias()).isEqualTo(-0.5);
    assertThat(back.weight(0)).isEqualTo(1.5f);
    assertThat(back.weight(7)).isEqualTo(-2.25f);
    assertThat(back.weight(4095)).isEqualTo(0.125f);
    assertThat(back.weight(8)).isZero();
    assertThat(back.toBytes()).isEqualTo(m.toBytes());
  }

  @Test
  void badMagic_isReportedAtOffsetZero_withTheFileName() throws Exception {
    Path f = dir.resolve("not-a-model.bin");
    Files.writeString(f, "hello, this is text");
    assertThatThrownBy(() -> ScanModel.read(f)).isInstanceOf(SafetyException.class)
        .hasMessageContaining("`" + f + "`").hasMessageContaining("bad magic")
        .hasMessageEndingWith("at offset 0")
        .extracting(e -> ((SafetyException) e).code()).isEqualTo("model_invalid");
  }

  @Test
  void aNaiveBayesModelFile_isRefused_namingTheKindByte() {
    // kind 1 was the scanner's naive Bayes, dropped for logistic regression (safety.md)
    byte[] b = sample().toBytes();
    b[6] = 1;
    CRC32 crc = new CRC32();
    crc.update(b, 0, b.length - 4);
    int c = (int) crc.getValue();
    b[b.length - 4] = (byte) (c >>> 24);
    b[b.length - 3] = (byte) (c >>> 16);
    b[b.length - 2] = (byte) (c >>> 8);
    b[b.length - 1] = (byte) c;
    assertThatThrownBy(() -> ScanModel.fromBytes(b, "old.model"))
        .isInstanceOf(SafetyException.class)
        .hasMessageContaining("naive Bayes").hasMessageContaining("retrain")
        .hasMessageEndingWith("at offset 6");
  }

  @Test
  void flippedByte_failsTheChecksum_atTheChecksumOffset() {
    byte[] b = sample().toBytes();
    b[30] ^= 1;
    assertThatThrownBy(() -> ScanModel.fromBytes(b, "m.bin"))
        .hasMessageContaining("checksum mismatch")
        .hasMessageEndingWith("at offset " + (b.length - 4));
  }

  @Test
  void truncatedFile_isReported() {
    byte[] b = Arrays.copyOf(sample().toBytes(), 6);
    assertThatThrownBy(() -> ScanModel.fromBytes(b, "m.bin")).isInstanceOf(SafetyException.class)
        .hasMessageContaining("model file `m.bin`");
    assertThatThrownBy(() -> ScanModel.fromBytes(new byte[] {'C', 'V'}, "m.bin"))
        .hasMessageContaining("truncated").hasMessageEndingWith("at offset 2");
  }

  @Test
  void unsupportedVersion_isReportedAtOffsetFour() {
    byte[] b = sample().toBytes();
    b[5] = 9;
    assertThatThrownBy(() -> ScanModel.fromBytes(b, "m.bin"))
        .hasMessageContaining("unsupported format version 9").hasMessageEndingWith("at offset 4");
  }

  @Test
  void structuralErrors_withAValidChecksum_nameTheirOffset() {
    byte[] kind = sample().toBytes();
    kind[6] = 7;
    assertThatThrownBy(() -> ScanModel.fromBytes(resum(kind), "m.bin"))
        .hasMessageContaining("unknown model kind 7").hasMessageEndingWith("at offset 6");
    byte[] features = sample().toBytes();
    features[9] = 99;
    assertThatThrownBy(() -> ScanModel.fromBytes(resum(features), "m.bin"))
        .hasMessageContaining("feature set 99").hasMessageEndingWith("at offset 8");
    byte[] bits = sample().toBytes();
    bits[10] = 30;
    assertThatThrownBy(() -> ScanModel.fromBytes(resum(bits), "m.bin"))
        .hasMessageContaining("hash bits 30").hasMessageEndingWith("at offset 10");
  }

  @Test
  void missingFile_hasItsOwnCode() {
    assertThatThrownBy(() -> ScanModel.read(dir.resolve("absent.bin")))
        .isInstanceOf(SafetyException.class)
        .extracting(e -> ((SafetyException) e).code()).isEqualTo("model_not_found");
  }

  private static byte[] resum(byte[] b) {
    CRC32 crc = new CRC32();
    crc.update(b, 0, b.length - 4);
    int v = (int) crc.getValue();
    b[b.length - 4] = (byte) (v >>> 24);
    b[b.length - 3] = (byte) (v >>> 16);
    b[b.length - 2] = (byte) (v >>> 8);
    b[b.length - 1] = (byte) v;
    return b;
  }
}
