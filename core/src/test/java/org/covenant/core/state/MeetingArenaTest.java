package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The arena's intern table hashes a string's UTF-8 bytes, from the string when one is interned
 * and from the arena's bytes when the table grows (no {@code String} made per string held).
 */
class MeetingArenaTest {
  @Test
  void aStringsHash_isItsUtf8BytesHash() {
    for (String s : List.of("", "alice", "user-123456", "zoë", "Łódź-7", "日本語", "a\u0000b",
        "\uD83D\uDE00 smile")) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertThat(MeetingArena.hash(s)).as(s).isEqualTo(MeetingArena.hash(b, 0, b.length));
    }
  }

  @Test
  void everyStringKeepsItsNumber_acrossTheTablesGrowth() {
    MeetingArena arena = new MeetingArena();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      // ASCII and not: both hash the same way whichever side (string or bytes) computes it.
      ids.add(i % 7 == 0 ? "gäst-" + i : "user-" + i);
    }
    for (int i = 0; i < ids.size(); i++) {
      assertThat(arena.intern(ids.get(i))).isEqualTo(i);
    }
    assertThat(arena.strings()).isEqualTo(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      // Found again after every rehash: the table's slots were placed by the bytes' hash.
      assertThat(arena.intern(new String(ids.get(i).toCharArray()))).isEqualTo(i);
      assertThat(arena.string(i)).isEqualTo(ids.get(i));
    }
    assertThat(arena.strings()).isEqualTo(ids.size());
  }

  /**
   * A string's address is kept as an int (issue 15) while it fits; past that every address is
   * kept as a long, and every string keeps its number and bytes across the switch: here the
   * switch comes after the first two chunks instead of 4 GiB.
   */
  @Test
  void stringsPastTheIntAddresses_keepTheirNumbersAndBytes() {
    MeetingArena arena = new MeetingArena(2);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      ids.add(i % 5 == 0 ? "gäst-" + i + "-" + "x".repeat(i % 40) : "user-" + i);
    }
    // One longer than a chunk: a chunk of its own.
    ids.add(30_000, "big-" + "y".repeat(MeetingArena.CHUNK + 5));
    for (int i = 0; i < ids.size(); i++) {
      assertThat(arena.intern(ids.get(i))).isEqualTo(i);
    }
    assertThat(arena.chunkBytes()).isGreaterThan(3L * MeetingArena.CHUNK);
    for (int i = 0; i < ids.size(); i++) {
      assertThat(arena.intern(new String(ids.get(i).toCharArray()))).isEqualTo(i);
      assertThat(arena.string(i)).isEqualTo(ids.get(i));
      assertThat(arena.is(i, ids.get(i))).isTrue();
    }
    assertThat(arena.strings()).isEqualTo(ids.size());
  }

  /**
   * A checkpoint's restore interns its strings from the bytes it read (issue 15): the same
   * numbers and bytes as interning the strings, whichever way each came first, one hash apart
   * or not, across the table's growth.
   */
  @Test
  void internFromBytes_isInternOfTheString() {
    MeetingArena byString = new MeetingArena();
    MeetingArena mixed = new MeetingArena();
    List<String> ids = new ArrayList<>(List.of("AaAa", "AaBB", "BBAa", "", "日本語", "zoë"));
    for (int i = 0; i < 20_000; i++) {
      ids.add(i % 7 == 0 ? "gäst-" + i : "user-" + i);
    }
    // Bytes amid others, at an offset, as the table's chunks hold them.
    byte[] pad = new byte[3];
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < ids.size(); i++) {
        String s = ids.get(i);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] at = new byte[b.length + 6];
        System.arraycopy(b, 0, at, 3, b.length);
        System.arraycopy(pad, 0, at, 0, 3);
        int expected = byString.intern(s);
        int got = (i + round) % 2 == 0 ? mixed.intern(at, 3, b.length) : mixed.intern(s);
        assertThat(got).as(s).isEqualTo(expected);
        assertThat(mixed.string(got)).isEqualTo(s);
      }
    }
    assertThat(mixed.strings()).isEqualTo(ids.size());
    // A prefix of a string held is a string of its own.
    byte[] b = "user-10".getBytes(StandardCharsets.UTF_8);
    assertThat(mixed.intern(b, 0, 5)).isEqualTo(ids.size());
    assertThat(mixed.string(ids.size())).isEqualTo("user-");
  }

  @Test
  void stringsOfOneHash_getNumbersOfTheirOwn() {
    // "Aa" and "BB" hash alike (31 * 'A' + 'a' == 31 * 'B' + 'B'), and so do their products.
    MeetingArena arena = new MeetingArena();
    List<String> same = List.of("AaAa", "AaBB", "BBAa", "BBBB");
    assertThat(same.stream().mapToInt(MeetingArena::hash).distinct().count()).isOne();
    for (int i = 0; i < same.size(); i++) {
      assertThat(arena.intern(same.get(i))).isEqualTo(i);
    }
    for (int i = 0; i < same.size(); i++) {
      assertThat(arena.intern(same.get(i))).isEqualTo(i);
    }
  }
}
