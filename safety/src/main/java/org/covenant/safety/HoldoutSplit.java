package org.covenant.safety;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.covenant.core.Sha256;

/**
 * The deterministic train / held-out split of a corpus: a record is held out when the first
 * eight bytes of {@code SHA-256(salt ‖ 0x00 ‖ id)} (UTF-8, read as an unsigned big-endian
 * number) modulo 10,000 fall below {@code heldOutPerTenThousand}. It depends only on the id, so
 * it is the same on every machine, in every order, and for every tool (the CLI, the tests and
 * the bogofilter comparison); training code only ever sees {@link #train(List)}.
 *
 * @param salt names the split; change it to draw another one
 * @param heldOutPerTenThousand the held-out share in units of 0.01 % (2000 = 20 %)
 */
public record HoldoutSplit(String salt, int heldOutPerTenThousand) implements CorpusSplit {
  /** The split every report uses: salt {@code covenant-safety-holdout-v1}, 20 % held out. */
  public static final HoldoutSplit STANDARD = new HoldoutSplit("covenant-safety-holdout-v1", 2000);

  /** Requires a salt and a share in [0, 10000]. */
  public HoldoutSplit {
    Objects.requireNonNull(salt, "salt");
    if (heldOutPerTenThousand < 0 || heldOutPerTenThousand > 10_000) {
      throw new IllegalArgumentException("heldOutPerTenThousand outside [0, 10000]");
    }
  }

  /** Whether the record with {@code id} is held out (never used for training). */
  public boolean isHeldOut(String id) {
    MessageDigest sha = Sha256.newDigest();
    sha.update(salt.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    byte[] d = sha.digest(id.getBytes(StandardCharsets.UTF_8));
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = (v << 8) | (d[k] & 0xff);
    }
    return Long.remainderUnsigned(v, 10_000) < heldOutPerTenThousand;
  }

  @Override
  public List<CorpusRecord> train(List<CorpusRecord> records) {
    List<CorpusRecord> out = new ArrayList<>();
    for (CorpusRecord r : records) {
      if (!isHeldOut(r.id())) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public List<CorpusRecord> heldOut(List<CorpusRecord> records) {
    List<CorpusRecord> out = new ArrayList<>();
    for (CorpusRecord r : records) {
      if (isHeldOut(r.id())) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public String describe() {
    return salt + "/" + heldOutPerTenThousand;
  }
}
