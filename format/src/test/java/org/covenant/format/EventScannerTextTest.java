package org.covenant.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the byte scanner reads an id it read lately as the string it made then; every string
 * it gives is the string of its bytes, whatever the recent strings' slots hold (ids that share a
 * slot, that share a hash, that differ in one byte or in length).
 */
class EventScannerTextTest {
  private static String read(String text, String[] recent) {
    byte[] b = ("\"" + text + "\"").getBytes(StandardCharsets.US_ASCII);
    return EventScanner.text(b, 1, text.length(), recent);
  }

  @Test
  void anIdReadAgainIsTheStringMadeBefore() {
    String[] recent = new String[64];
    String first = read("acct52-u7", recent);
    assertThat(first).isEqualTo("acct52-u7");
    assertThat(read("acct52-u7", recent)).isSameAs(first);
    // Same hash, other bytes ("Aa" and "BB" hash alike): each its own string.
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    String aa = read("Aa", recent);
    String bb = read("BB", recent);
    assertThat(aa).isEqualTo("Aa");
    assertThat(bb).isEqualTo("BB");
    assertThat(read("Aa", recent)).isEqualTo("Aa");
  }

  @Test
  void everyStringReadIsTheStringOfItsBytes() {
    // A table of four slots: nearly every id shares a slot with others.
    String[] recent = new String[4];
    Random r = new Random(20261207L);
    for (int i = 0; i < 50_000; i++) {
      char[] cs = new char[1 + r.nextInt(6)];
      for (int k = 0; k < cs.length; k++) {
        cs[k] = (char) (r.nextInt(4) == 0 ? ' ' + r.nextInt(0x5f) : 'a' + r.nextInt(3));
      }
      String id = new String(cs);
      String got = read(id, recent);
      assertThat(got).isEqualTo(id);
      assertThat(got.hashCode()).isEqualTo(id.hashCode());
    }
  }
}
