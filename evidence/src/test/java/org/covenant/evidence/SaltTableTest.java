package org.covenant.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SaltTableTest {
  private static String salt(SplittableRandom r) {
    byte[] b = new byte[16];
    r.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * Against a map of strings: puts, replacements, erasures and irregular salts over many
   * accounts and ids, enough for several chunks of salts, of key bytes and of the index's
   * rebuilds; ids long and short, empty, non-ASCII, one longer than a key chunk; the same id in
   * two accounts two keys. Every salt reads back as stored, and forEach gives exactly the map.
   */
  @Test
  void readsBackAsAMapWould_acrossChunksRebuildsErasuresAndIrregularSalts() {
    SaltTable t = new SaltTable();
    Map<String, String> model = new HashMap<>();
    SplittableRandom r = new SplittableRandom(40);
    String longId = "x".repeat(70_000);
    for (int i = 0; i < 30_000; i++) {
      String account = "acct" + r.nextInt(300);
      int kind = r.nextInt(100);
      String id = kind == 0 ? "" : kind == 1 ? longId + i % 3 : kind < 10 ? "gu\u00e9st" + r.nextInt(5000)
          : "guest" + r.nextInt(20_000);
      String key = account + "\u0000" + id;
      int op = r.nextInt(20);
      if (op == 0) {
        assertThat(t.remove(account, id)).as(key).isEqualTo(model.remove(key));
      } else {
        String s = op == 1 ? "ABCD" + i : salt(r);
        t.put(account, id, s);
        model.put(key, s);
      }
      if (i % 997 == 0) {
        assertThat(t.get(account, id)).isEqualTo(model.get(key));
      }
    }
    assertThat(t.size()).isEqualTo(model.size());
    model.forEach((k, v) -> {
      String[] x = k.split("\u0000", 2);
      assertThat(t.get(x[0], x[1])).as(k).isEqualTo(v);
      if (v.length() == 32) {
        assertThat(t.bytes(x[0], x[1])).isEqualTo(HexFormat.of().parseHex(v));
      }
    });
    assertThat(t.get("acct1", "nobody")).isNull();
    assertThat(t.get("no-such-account", "guest1")).isNull();
    assertThat(t.bytes("no-such-account", "guest1")).isNull();
    assertThat(t.remove("no-such-account", "guest1")).isNull();
    Map<String, String> listed = new HashMap<>();
    t.forEach((a, id, s) -> assertThat(listed.put(a + "\u0000" + id, s)).isNull());
    assertThat(listed).isEqualTo(model);
  }

  /**
   * Issue 15: a salt of a short guest id costs about 40 bytes (the salt's 16, the key's, its
   * address, its slots), not the 51 of arrays grown by half and a power-of-two index.
   */
  @Test
  void aSaltCostsAbout40Bytes() {
    SaltTable t = new SaltTable();
    SplittableRandom r = new SplittableRandom(1);
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      t.put("acct" + i / 100, "guest" + i, salt(r));
    }
    // Keys "guest" + 6 digits: 11 bytes, a length byte and an account number of 1 or 2.
    assertThat((double) t.footprint() / n).isLessThan(42);
    assertThat(t.get("acct7", "guest777")).isNotNull();
  }

  /**
   * Issue 15: a start's load stores each salt without a look-up and indexes them all at once:
   * the table then answers as one filled salt by salt does, and takes the same memory (its
   * index the size growing would have made), whatever the count; salts put after it are found.
   */
  @Test
  void saltsStoredThenIndexed_readBackAsSaltsPutOneByOne() {
    for (int n : new int[] {0, 1, 10, 11, 12, 500, 4_096, 20_000, 33_333}) {
      SaltTable one = new SaltTable();
      SaltTable bulk = new SaltTable();
      SplittableRandom r = new SplittableRandom(n);
      Map<String, String> model = new HashMap<>();
      String account = null;
      int number = -1;
      for (int i = 0; i < n; i++) {
        if (i % 97 == 0) {
          account = "acct" + i / 97;
          number = bulk.accountNumber(account);
        }
        String id = i % 13 == 0 ? "gu\u00e9st" + i : "guest" + i;
        // Irregular: not 32 characters, or 32 that are not all lowercase hex digits.
        String s = i % 101 == 5 ? "irregular" + i : i % 101 == 7 ? salt(r).toUpperCase()
            : i % 101 == 9 ? salt(r).substring(1) + "g" : salt(r);
        one.put(account, id, s);
        // From the middle of a longer buffer, as the parser holds a value.
        char[] held = ("\"x" + s + "\"}").toCharArray();
        bulk.putNew(number, account, id, held, 2, s.length());
        model.put(account + "\u0000" + id, s);
      }
      assertThat(bulk.index()).isTrue();
      assertThat(bulk.size()).as("%d", n).isEqualTo(one.size()).isEqualTo(model.size());
      assertThat(bulk.footprint()).as("%d", n).isEqualTo(one.footprint());
      model.forEach((k, v) -> {
        String[] x = k.split("\u0000", 2);
        assertThat(bulk.get(x[0], x[1])).as(k).isEqualTo(v);
      });
      Map<String, String> listed = new HashMap<>();
      bulk.forEach((a, id, s) -> listed.put(a + "\u0000" + id, s));
      assertThat(listed).isEqualTo(model);
      String s = salt(r);
      bulk.put("acct0", "late", s);
      assertThat(bulk.get("acct0", "late")).isEqualTo(s);
      assertThat(bulk.get("acct0", "nobody")).isNull();
    }
  }

  /** A key stored twice is told: by {@link SaltTable#index} for regular salts. */
  @Test
  void aKeyStoredTwice_isTold() {
    SplittableRandom r = new SplittableRandom(5);
    for (int n : new int[] {1, 2, 50, 3_000}) {
      for (int twice = 0; twice < n; twice += Math.max(1, n / 7)) {
        SaltTable t = new SaltTable();
        int a = t.accountNumber("acct");
        int b = t.accountNumber("other");
        for (int i = 0; i < n; i++) {
          assertThat(t.putNew(a, "acct", "guest" + i, salt(r).toCharArray(), 0, 32)).isTrue();
          // The same id in another account is another key.
          assertThat(t.putNew(b, "other", "guest" + i, salt(r).toCharArray(), 0, 32)).isTrue();
        }
        t.putNew(a, "acct", "guest" + twice, salt(r).toCharArray(), 0, 32);
        assertThat(t.index()).as("%d %d", n, twice).isFalse();
      }
    }
    SaltTable t = new SaltTable();
    int a = t.accountNumber("acct");
    assertThat(t.putNew(a, "acct", "dan", "x".toCharArray(), 0, 1)).isTrue();
    assertThat(t.putNew(a, "acct", "dan", "y".toCharArray(), 0, 1)).isFalse();
    // An irregular salt and a regular one for one key.
    assertThat(t.putNew(a, "acct", "eve", "y".toCharArray(), 0, 1)).isTrue();
    assertThat(t.putNew(a, "acct", "eve", salt(r).toCharArray(), 0, 32)).isTrue();
    assertThat(t.index()).isFalse();
  }

  @Test
  void saltsStoredAndNotIndexed_areNotLookedUp() {
    SaltTable t = new SaltTable();
    t.putNew(t.accountNumber("acct"), "acct", "guest",
        salt(new SplittableRandom(3)).toCharArray(), 0, 32);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.get("acct", "guest"))
        .isInstanceOf(IllegalStateException.class);
    t.index();
    assertThat(t.get("acct", "guest")).isNotNull();
  }
}
