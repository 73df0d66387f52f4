package org.covenant.safety;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * A trained, immutable linear model over hashed features: {@code logit = bias + Σ w[bucket] x}.
 * The weights are logistic regression's ({@link ModelTrainer}); the scanner's naive Bayes
 * option was dropped because logistic regression beat it on both splits of the shared corpus
 * (docs/benchmarks/safety.md), leaving one naive Bayes in Covenant: the governed text classifier
 * of {@code training}, with its own file format.
 *
 * <p><b>File format, version 1</b> (big-endian):
 * <pre>
 * offset size
 *  0      4   magic "CVSM"
 *  4      2   format version (1)
 *  6      1   kind: 2 logistic (1, naive Bayes, is no longer read)
 *  7      1   transform: 1 binary, 2 log_count_l2, 3 binary_l2
 *  8      2   feature set version
 * 10      1   hash bits (12..24)
 * 11      1   reserved, 0
 * 12      8   bias (f64)
 * 20      8   threshold, log-odds (f64)
 * 28      4   examples (u32)
 * 32      4   spam examples (u32)
 * 36      8   seed (i64)
 * 44      2   dataset description length n (u16, at most 1024)
 * 46      n   dataset description, UTF-8
 *  .      4   count of non-zero weights (u32)
 *  .      *   per non-zero weight: bucket delta from the previous one (LEB128 varint,
 *             the first from -1, so always at least 1), weight (f32)
 *  .      4   CRC-32 of every byte before it
 * </pre>
 * Reading validates every field and fails with {@link SafetyException} code
 * {@code model_invalid} and a message naming the file and the byte offset of the problem.
 */
public final class ScanModel {
  static final int MIN_BITS = 12;
  static final int MAX_BITS = 24;
  static final int FORMAT_VERSION = 1;

  /**
   * The weight of the character n-gram group against the word tokens: n-grams are L2-normalised
   * as a group of their own (under every transform) and scaled by this. Part of feature set
   * version 2.
   */
  public static final double CHAR_GRAM_WEIGHT = 0.7;
  private static final byte[] MAGIC = {'C', 'V', 'S', 'M'};
  private static final int MAX_DATASET = 1024;

  /**
   * The learning algorithm behind the weights: one kind since naive Bayes (file code 1) was
   * dropped; the file keeps the byte.
   */
  public enum Kind {
    /** Logistic regression trained with AdaGrad SGD and L2 regularisation. */
    LOGISTIC(2);

    final int code;

    Kind(int code) {
      this.code = code;
    }
  }

  /** How a message's feature counts become model inputs. */
  public enum Transform {
    /** Every present feature is 1. */
    BINARY(1),
    /** Text features 1 + ln(count), scaled to unit L2 norm; other features 1. */
    LOG_COUNT_L2(2),
    /** Text features 1 scaled to unit L2 norm (1/√n each); other features 1. */
    BINARY_L2(3);

    final int code;

    Transform(int code) {
      this.code = code;
    }
  }

  private final ModelInfo info;
  private final double bias;
  private final float[] weights;

  ScanModel(ModelInfo info, double bias, float[] weights) {
    this.info = Objects.requireNonNull(info, "info");
    if (weights.length != 1 << info.hashBits()) {
      throw new IllegalArgumentException("weights must have 2^hashBits entries");
    }
    this.bias = bias;
    this.weights = weights;
  }

  /** The model's header: kind, threshold, what it learned from. */
  public ModelInfo info() {
    return info;
  }

  double bias() {
    return bias;
  }

  float weight(int bucket) {
    return weights[bucket];
  }

  int mask() {
    return weights.length - 1;
  }

  /**
   * Fills {@code buckets}/{@code xs} (at least {@code v.size()} long) with the model inputs of
   * {@code v} and returns how many there are.
   */
  static int encode(FeatureVector v, Transform t, int mask, int[] buckets, float[] xs) {
    int n = v.size();
    double norm = 0;
    double charNorm = 0;
    for (int i = 0; i < n; i++) {
      buckets[i] = v.key(i) & mask;
      if (v.namespace(i) == FeatureVector.Namespace.CHARS) {
        xs[i] = 1f;
        charNorm += 1;
      } else if (t != Transform.BINARY && v.namespace(i).isText()) {
        float x = t == Transform.BINARY_L2 ? 1f : 1f + (float) Math.log(v.count(i));
        xs[i] = x;
        norm += x * x;
      } else {
        xs[i] = 1f;
      }
    }
    if (t != Transform.BINARY && norm > 0) {
      float scale = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < n; i++) {
        if (v.namespace(i).isText()) {
          xs[i] *= scale;
        }
      }
    }
    if (charNorm > 0) {
      float scale = (float) (CHAR_GRAM_WEIGHT / Math.sqrt(charNorm));
      for (int i = 0; i < n; i++) {
        if (v.namespace(i) == FeatureVector.Namespace.CHARS) {
          xs[i] *= scale;
        }
      }
    }
    return n;
  }

  /** Writes this model to {@code file} in the format above (replacing it). */
  public void write(Path file) {
    try {
      Files.write(file, toBytes());
    } catch (IOException e) {
      throw new SafetyException("model_unwritable", "cannot write model file `" + file + "`: "
          + e.getMessage(), e);
    }
  }

  /** This model in the file format above. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + weights.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeShort(FORMAT_VERSION);
      out.writeByte(info.kind().code);
      out.writeByte(info.transform().code);
      out.writeShort(info.featureVersion());
      out.writeByte(info.hashBits());
      out.writeByte(0);
      out.writeDouble(bias);
      out.writeDouble(info.threshold());
      out.writeInt(info.examples());
      out.writeInt(info.spam());
      out.writeLong(info.seed());
      byte[] dataset = info.dataset().getBytes(StandardCharsets.UTF_8);
      if (dataset.length > MAX_DATASET) {
        throw new IllegalStateException("dataset description longer than 1024 bytes");
      }
      out.writeShort(dataset.length);
      out.write(dataset);
      int nonZero = 0;
      for (float w : weights) {
        if (w != 0f) {
          nonZero++;
        }
      }
      out.writeInt(nonZero);
      int previous = -1;
      for (int b = 0; b < weights.length; b++) {
        if (weights[b] != 0f) {
          writeVarint(out, b - previous);
          out.writeFloat(weights[b]);
          previous = b;
        }
      }
      out.flush();
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeVarint(DataOutputStream out, int value) throws IOException {
    int v = value;
    while ((v & ~0x7f) != 0) {
      out.writeByte((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  /** Reads and validates a model file; {@code model_invalid} names the file and offset. */
  public static ScanModel read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new SafetyException("model_not_found", "model file `" + file + "` does not exist", e);
    } catch (IOException e) {
      throw new SafetyException("model_unreadable",
          "cannot read model file `" + file + "`: " + e.getMessage(), e);
    }
    return fromBytes(bytes, file.toString());
  }

  /** Reads and validates a model from bytes; {@code source} names them in errors. */
  public static ScanModel fromBytes(byte[] bytes, String source) {
    Cursor in = new Cursor(bytes, source);
    for (int k = 0; k < MAGIC.length; k++) {
      if (in.u8() != MAGIC[k]) {
        throw in.error(0, "not a scan model (bad magic, expected `CVSM`)");
      }
    }
    int version = in.u16();
    if (version != FORMAT_VERSION) {
      throw in.error(4, "unsupported format version " + version + " (this build reads 1)");
    }
    if (bytes.length < 8) {
      throw in.error(bytes.length, "truncated");
    }
    int crcAt = bytes.length - 4;
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, crcAt);
    Cursor tail = new Cursor(bytes, source);
    tail.pos = crcAt;
    int stored = tail.u32();
    if (stored != (int) crc.getValue()) {
      throw in.error(crcAt, String.format("checksum mismatch (stored %08x, computed %08x)",
          stored, (int) crc.getValue()));
    }
    int kindAt = in.pos;
    Kind kind = switch (in.u8()) {
      case 1 -> throw in.error(kindAt, "a naive Bayes scan model: no longer supported (logistic "
          + "regression replaced it, docs/benchmarks/safety.md); retrain with `scan train`");
      case 2 -> Kind.LOGISTIC;
      default -> throw in.error(kindAt, "unknown model kind " + (bytes[kindAt] & 0xff));
    };
    int transformAt = in.pos;
    Transform transform = switch (in.u8()) {
      case 1 -> Transform.BINARY;
      case 2 -> Transform.LOG_COUNT_L2;
      case 3 -> Transform.BINARY_L2;
      default -> throw in.error(transformAt, "unknown transform " + (bytes[transformAt] & 0xff));
    };
    int featureAt = in.pos;
    int featureVersion = in.u16();
    if (featureVersion != FeatureExtractor.VERSION) {
      throw in.error(featureAt, "trained with feature set " + featureVersion
          + ", this build extracts feature set " + FeatureExtractor.VERSION);
    }
    int bitsAt = in.pos;
    int bits = in.u8();
    if (bits < MIN_BITS || bits > MAX_BITS) {
      throw in.error(bitsAt, "hash bits " + bits + " outside [12, 24]");
    }
    if (in.u8() != 0) {
      throw in.error(bitsAt + 1, "reserved byte is not 0");
    }
    double bias = in.f64("bias");
    int thresholdAt = in.pos;
    double threshold = in.f64("threshold");
    int examples = in.u32();
    int spam = in.u32();
    if (examples < 0 || spam < 0 || spam > examples) {
      throw in.error(thresholdAt + 8, "bad example counts: " + spam + " spam of " + examples);
    }
    long seed = in.u64();
    int datasetAt = in.pos;
    int datasetLength = in.u16();
    if (datasetLength > MAX_DATASET) {
      throw in.error(datasetAt, "dataset description of " + datasetLength + " bytes (max 1024)");
    }
    String dataset = new String(in.bytes(datasetLength), StandardCharsets.UTF_8);
    int countAt = in.pos;
    int nonZero = in.u32();
    float[] weights = new float[1 << bits];
    if (nonZero < 0 || nonZero > weights.length) {
      throw in.error(countAt, "non-zero weight count " + Integer.toUnsignedString(nonZero)
          + " exceeds 2^" + bits);
    }
    int bucket = -1;
    for (int k = 0; k < nonZero; k++) {
      int at = in.pos;
      int delta = in.varint();
      if (delta < 1 || (long) bucket + delta >= weights.length) {
        throw in.error(at, "weight bucket out of order or range (delta " + delta + ")");
      }
      bucket += delta;
      weights[bucket] = in.f32("weight");
    }
    if (in.pos != crcAt) {
      throw in.error(in.pos, (crcAt - in.pos) + " unexpected bytes before the checksum");
    }
    ModelInfo info = new ModelInfo(kind, transform, featureVersion, bits, threshold, examples,
        spam, seed, dataset);
    return new ScanModel(info, bias, weights);
  }

  /** Bounds-checked big-endian reads that report the offset of what went wrong. */
  private static final class Cursor {
    final byte[] b;
    final String source;
    int pos;

    Cursor(byte[] b, String source) {
      this.b = b;
      this.source = source;
    }

    SafetyException error(int offset, String what) {
      return new SafetyException("model_invalid",
          "model file `" + source + "`: " + what + " at offset " + offset);
    }

    private void need(int n) {
      if (pos + n > b.length) {
        throw error(pos, "truncated (need " + n + " bytes, " + (b.length - pos) + " left)");
      }
    }

    int u8() {
      need(1);
      return b[pos++] & 0xff;
    }

    int u16() {
      need(2);
      int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
      pos += 2;
      return v;
    }

    int u32() {
      need(4);
      int v = ((b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8)
          | (b[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    long u64() {
      long hi = u32() & 0xffffffffL;
      long lo = u32() & 0xffffffffL;
      return (hi << 32) | lo;
    }

    double f64(String what) {
      int at = pos;
      double v = Double.longBitsToDouble(u64());
      if (!Double.isFinite(v)) {
        throw error(at, what + " is not finite");
      }
      return v;
    }

    float f32(String what) {
      int at = pos;
      float v = Float.intBitsToFloat(u32());
      if (!Float.isFinite(v)) {
        throw error(at, what + " is not finite");
      }
      return v;
    }

    byte[] bytes(int n) {
      need(n);
      byte[] out = new byte[n];
      System.arraycopy(b, pos, out, 0, n);
      pos += n;
      return out;
    }

    int varint() {
      int at = pos;
      int v = 0;
      for (int shift = 0; shift < 32; shift += 7) {
        int x = u8();
        v |= (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw error(at, "varint longer than 5 bytes");
    }
  }
}
