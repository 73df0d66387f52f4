package org.covenant.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.covenant.core.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymsTest {
  /**
   * salts.json as this version writes it is read token by token; any other form (the flat one of
   * old, names twice, a salt that is not a string, something after the object) is read whole as
   * before, with the same salts or the same error.
   */
  @Test
  void saltsJsonStreamedOrReadWhole_theSameSaltsAndTheSameErrors(@TempDir Path dir)
      throws Exception {
    Pseudonyms ps = Pseudonyms.open(dir);
    String alice = ps.of("acme", "alice");
    String bob = ps.of("globex", "bob");
    Pseudonyms.open(dir); // folds the journal into salts.json
    Path f = dir.resolve("keys/salts.json");
    String written = Files.readString(f);
    assertThat(written).startsWith("{\"accounts\":");
    Pseudonyms again = Pseudonyms.open(dir);
    assertThat(again.of("acme", "alice")).isEqualTo(alice);
    assertThat(again.of("globex", "bob")).isEqualTo(bob);
    String salt = "00112233445566778899aabbccddeeff";
    // The flat form of old: every id legacy.
    Files.writeString(f, "{\"carol\":\"" + salt + "\"}");
    Files.deleteIfExists(dir.resolve("keys/salts.jsonl"));
    String carol = Pseudonyms.open(dir).of("acme", "carol");
    Files.writeString(f, "{\"accounts\":{},\"legacy\":{\"carol\":\"" + salt + "\"}}");
    assertThat(Pseudonyms.open(dir).of("acme", "carol")).isEqualTo(carol);
    for (String bad : new String[] {
        "{\"accounts\":{\"acme\":{\"dan\":\"" + salt + "\",\"dan\":\"" + salt + "\"}}}",
        "{\"accounts\":{},\"legacy\":{},\"legacy\":{}}",
        // Each name twice where the streamed read, not the parser, tells it.
        "{\"accounts\":{},\"accounts\":{}}",
        "{\"accounts\":{\"acme\":{\"dan\":\"" + salt + "\"},\"acme\":{\"eve\":\"" + salt
            + "\"}}}",
        "{\"accounts\":{\"acme\":{\"dan\":\"x\",\"dan\":\"y\"}}}",
        "{\"accounts\":{\"acme\":{\"dan\":\"" + salt + "\",\"dan\":\"y\"}}}",
        "{\"accounts\":{\"acme\":{\"dan\":\"y\",\"eve\":\"" + salt + "\",\"dan\":\"" + salt
            + "\"}}}",
        "{\"accounts\":{},\"legacy\":{\"dan\":\"" + salt + "\",\"dan\":\"" + salt + "\"}}",
        "{\"accounts\":{}} {}",
        "{\"accounts\":{\"acme\":{\"dan\":\"" + salt + "\"}}"}) {
      Files.writeString(f, bad);
      assertThatThrownBy(() -> Pseudonyms.open(dir)).as(bad)
          .isInstanceOf(org.covenant.format.FormatException.class);
    }
  }

  @Test
  void pseudonym_isStableAcrossReopening_andHidesTheId(@TempDir Path dir) throws Exception {
    String p = Pseudonyms.open(dir).of("acme", "alice");
    assertThat(p).startsWith("sha256:").doesNotContain("alice");
    assertThat(Pseudonyms.open(dir).of("acme", "alice")).isEqualTo(p);
    assertThat(Pseudonyms.open(dir).of("acme", "bob")).isNotEqualTo(p);
    assertThat(Files.readString(dir.resolve("keys/salts.json"))).contains("alice");
  }

  @Test
  void erasingTheSalt_unlinksThePerson(@TempDir Path dir) {
    Pseudonyms ps = Pseudonyms.open(dir);
    String before = ps.of("acme", "alice");
    assertThat(ps.erase("acme", "alice")).isTrue();
    assertThat(ps.erase("acme", "alice")).isFalse();
    assertThat(Pseudonyms.open(dir).of("acme", "alice")).isNotEqualTo(before);
  }

  @Test
  void theSameIdInTwoAccounts_isTwoPeople_andErasingOneKeepsTheOther(@TempDir Path dir) {
    Pseudonyms ps = Pseudonyms.open(dir);
    String acmeBob = ps.of("acme", "bob");
    String globexBob = ps.of("globex", "bob");
    assertThat(globexBob).isNotEqualTo(acmeBob);
    assertThat(ps.erase("acme", "bob")).isTrue();
    Pseudonyms reopened = Pseudonyms.open(dir);
    assertThat(reopened.links("globex", "bob", globexBob)).isTrue();
    assertThat(reopened.of("globex", "bob")).isEqualTo(globexBob);
    assertThat(reopened.links("acme", "bob", acmeBob)).isFalse();
    assertThat(reopened.of("acme", "bob")).isNotEqualTo(acmeBob);
  }

  @Test
  void aBatch_writesTheNewSaltsOnceWhenItEnds_andTheyAreStable(@TempDir Path dir)
      throws Exception {
    Pseudonyms ps = Pseudonyms.open(dir);
    Path salts = dir.resolve("keys/salts.json");
    String[] during = new String[1];
    String carol = ps.batch(() -> {
      ps.of("acme", "alice");
      ps.of("acme", "bob");
      during[0] = Files.exists(salts) ? "written" : "not yet";
      return ps.of("globex", "carol");
    });
    assertThat(during[0]).isEqualTo("not yet");
    // one append to the journal; opening folds it into salts.json
    assertThat(Files.readAllLines(dir.resolve("keys/salts.jsonl"))).hasSize(3);
    assertThat(Pseudonyms.open(dir).of("globex", "carol")).isEqualTo(carol);
    assertThat(Files.readString(salts)).contains("alice", "bob", "carol", "acme", "globex");
    assertThat(dir.resolve("keys/salts.jsonl")).doesNotExist();
  }

  @Test
  void aTornLastJournalLine_isIgnored_andTheSaltsBeforeItKept(@TempDir Path dir)
      throws Exception {
    Pseudonyms ps = Pseudonyms.open(dir);
    String alice = ps.of("acme", "alice");
    Path journal = dir.resolve("keys/salts.jsonl");
    Files.writeString(journal, "{\"account\":\"acme\",\"id\":\"bob\",\"sa",
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(Pseudonyms.open(dir).of("acme", "alice")).isEqualTo(alice);
  }

  @Test
  void anErasureInTheJournal_holdsEvenIfTheFoldDidNotHappen(@TempDir Path dir) throws Exception {
    Pseudonyms ps = Pseudonyms.open(dir);
    String alice = ps.of("acme", "alice");
    ps.of("acme", "bob");
    Path journal = dir.resolve("keys/salts.jsonl");
    String oldSalt = org.covenant.format.Json.parse(Files.readAllLines(journal).get(0))
        .path("salt").asText();
    // as if the process died after the tombstone and before folding
    Files.writeString(journal, "{\"account\":\"acme\",\"erase\":\"alice\"}\n",
        java.nio.file.StandardOpenOption.APPEND);
    Pseudonyms reopened = Pseudonyms.open(dir);
    assertThat(Files.readString(dir.resolve("keys/salts.json"))).doesNotContain(oldSalt)
        .contains("bob");
    assertThat(reopened.of("acme", "alice")).isNotEqualTo(alice);
  }

  /**
   * People whose (account, id) fall into the same slot of the recent pseudonyms ("Aa" and "BB"
   * hash alike) each keep their own pseudonym, asked alternately, and an erased person's next
   * pseudonym is a new one on the same instance.
   */
  @Test
  void recentPseudonyms_neverAnswerForAnotherPersonOrAnErasedSalt(@TempDir Path dir) {
    Pseudonyms ps = Pseudonyms.open(dir);
    String[][] people = {{"Aa", "x"}, {"BB", "x"}, {"acme", "Aa"}, {"acme", "BB"}};
    String[] first = new String[people.length];
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < people.length; i++) {
        String p = ps.of(people[i][0], people[i][1]);
        if (round == 0) {
          first[i] = p;
        }
        assertThat(p).as("%s/%s", people[i][0], people[i][1]).isEqualTo(first[i]);
        for (int j = 0; j < people.length; j++) {
          assertThat(ps.links(people[j][0], people[j][1], p)).isEqualTo(i == j);
        }
      }
    }
    assertThat(ps.erase("BB", "x")).isTrue();
    String again = ps.of("BB", "x");
    assertThat(again).isNotEqualTo(first[1]);
    assertThat(ps.links("BB", "x", again)).isTrue();
    assertThat(ps.of("Aa", "x")).isEqualTo(first[0]);
  }

  private static String pseudonym(String salt, String id) {
    var md = Sha256.newDigest();
    md.update(HexFormat.of().parseHex(salt));
    md.update(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return Sha256.PREFIX + Sha256.hex(md);
  }

  @Test
  void oldFormSaltsAndJournal_loadAsLegacy_linkTheOldLeaves_andNewLeavesGetSaltsPerAccount(
      @TempDir Path dir) throws Exception {
    // As written before salts were per account: a flat salts.json and {"id","salt"} lines.
    String bobSalt = "00112233445566778899aabbccddeeff";
    String carolSalt = "ffeeddccbbaa99887766554433221100";
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/salts.json"), "{\"bob\":\"" + bobSalt + "\"}\n");
    Files.writeString(dir.resolve("keys/salts.jsonl"), "{\"id\":\"carol\",\"salt\":\""
        + carolSalt + "\"}\n{\"id\":\"dave\",\"salt\":\"" + bobSalt + "\"}\n{\"erase\":\"dave\"}\n");
    Pseudonyms ps = Pseudonyms.open(dir);
    String oldBob = pseudonym(bobSalt, "bob");
    String oldCarol = pseudonym(carolSalt, "carol");
    // the old leaves still link, for any account's person of that id
    assertThat(ps.links("acme", "bob", oldBob)).isTrue();
    assertThat(ps.links("globex", "bob", oldBob)).isTrue();
    assertThat(ps.links("acme", "carol", oldCarol)).isTrue();
    assertThat(ps.links("acme", "dave", pseudonym(bobSalt, "dave"))).isFalse();
    // new leaves: a salt per account, not the legacy one
    String acmeBob = ps.of("acme", "bob");
    assertThat(acmeBob).isNotEqualTo(oldBob);
    assertThat(ps.of("globex", "bob")).isNotEqualTo(oldBob).isNotEqualTo(acmeBob);
    // the fold keeps the legacy salts apart, and they survive reopening
    Pseudonyms reopened = Pseudonyms.open(dir);
    assertThat(reopened.links("globex", "bob", oldBob)).isTrue();
    assertThat(reopened.of("acme", "bob")).isEqualTo(acmeBob);
    // erasing acme's bob erases the legacy salt too (it named acme's bob's old leaves)
    assertThat(reopened.erase("acme", "bob")).isTrue();
    Pseudonyms after = Pseudonyms.open(dir);
    assertThat(after.links("acme", "bob", oldBob)).isFalse();
    assertThat(after.links("globex", "bob", oldBob)).isFalse();
    assertThat(after.links("acme", "carol", oldCarol)).isTrue();
    assertThat(Files.readString(dir.resolve("keys/salts.json"))).doesNotContain(bobSalt);
  }

  @Test
  void aBacking_storesByAccount_andErasesOnlyTheAccountsPerson() {
    Map<String, Map<String, String>> stored = new HashMap<>();
    Map<String, String> legacy = new HashMap<>(Map.of("bob", "00112233445566778899aabbccddeeff"));
    Pseudonyms.Backing b = new Pseudonyms.Backing() {
      @Override
      public Map<String, Map<String, String>> load() {
        return stored;
      }

      @Override
      public Map<String, String> loadLegacy() {
        return legacy;
      }

      @Override
      public void add(Map<String, Map<String, String>> salts) {
        salts.forEach((a, m) -> stored.computeIfAbsent(a, k -> new HashMap<>()).putAll(m));
      }

      @Override
      public void erase(String account, String id) {
        stored.getOrDefault(account, new HashMap<>()).remove(id);
        legacy.remove(id);
      }
    };
    Pseudonyms ps = Pseudonyms.over(b);
    String acme = ps.of("acme", "bob");
    String globex = ps.of("globex", "bob");
    assertThat(stored).containsOnlyKeys("acme", "globex");
    assertThat(ps.erase("acme", "bob")).isTrue();
    assertThat(stored.get("acme")).isEmpty();
    assertThat(legacy).isEmpty();
    Pseudonyms again = Pseudonyms.over(b);
    assertThat(again.of("globex", "bob")).isEqualTo(globex);
    assertThat(again.of("acme", "bob")).isNotEqualTo(acme);
  }

  /**
   * Salts are packed (issue 15): thousands of people across accounts, ids that are prefixes of
   * one another or hold non-ASCII characters, salts stored in another form than lowercase hex,
   * an erasure and a re-salted person all read back exactly as a map of strings would, before
   * and after the journal is folded into salts.json.
   */
  @Test
  void manySalts_packed_readBackAsStored_acrossFoldsAndErasures(@TempDir Path dir)
      throws Exception {
    String odd = "00112233445566778899AABBCCDDEEFF";
    String shortSalt = "abcd";
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/salts.json"), "{\"accounts\":{\"acme\":{\"up\":\""
        + odd + "\",\"short\":\"" + shortSalt + "\"}},\"legacy\":{}}\n");
    Pseudonyms ps = Pseudonyms.open(dir);
    assertThat(ps.links("acme", "up", pseudonym(odd, "up"))).isTrue();
    assertThat(ps.links("acme", "short", pseudonym(shortSalt, "short"))).isTrue();
    Map<String, String> seen = new HashMap<>();
    java.util.SplittableRandom r = new java.util.SplittableRandom(15);
    for (int i = 0; i < 5000; i++) {
      String account = "a" + r.nextInt(7);
      String id = r.nextInt(10) == 0 ? "g\u00e9st-" + i : "g" + r.nextInt(3000);
      String p = ps.of(account, id);
      String before = seen.putIfAbsent(account + "/" + id, p);
      assertThat(before == null ? p : before).isEqualTo(p);
    }
    assertThat(ps.of("a1", "g1")).isNotEqualTo(ps.of("a1", "g10")).isNotEqualTo(ps.of("a2", "g1"));
    String erased = seen.keySet().iterator().next();
    String[] parts = erased.split("/", 2);
    assertThat(ps.erase(parts[0], parts[1])).isTrue();
    assertThat(ps.links(parts[0], parts[1], seen.get(erased))).isFalse();
    String resalted = ps.of(parts[0], parts[1]);
    assertThat(resalted).isNotEqualTo(seen.get(erased));
    seen.put(erased, resalted);
    for (Pseudonyms p : new Pseudonyms[] {ps, Pseudonyms.open(dir)}) {
      seen.forEach((k, v) -> {
        String[] x = k.split("/", 2);
        assertThat(p.of(x[0], x[1])).as(k).isEqualTo(v);
      });
      assertThat(p.links("acme", "up", pseudonym(odd, "up"))).isTrue();
      assertThat(p.links("acme", "short", pseudonym(shortSalt, "short"))).isTrue();
    }
    assertThat(Files.readString(dir.resolve("keys/salts.json"))).contains(odd).contains(shortSalt);
  }

  /**
   * A journal line written without a tree is the tree's line, byte for byte: every ASCII
   * character, quotes, backslashes, non-ASCII, U+2028, a surrogate pair and a lone surrogate in
   * each of the three fields.
   */
  @Test
  void saltLine_isJacksonsLine() {
    java.util.List<String> samples = new java.util.ArrayList<>(java.util.List.of("", "acme",
        "q\"uote", "back\\slash", "caf\u00e9", "a\u2028b", "\uD83D\uDE00", "lone\uD800",
        "0123456789abcdef0123456789abcdef"));
    for (char c = 0; c < 0x80; c++) {
      samples.add("x" + c + "y");
    }
    for (String v : samples) {
      for (int field = 0; field < 3; field++) {
        String a = field == 0 ? v : "acme";
        String id = field == 1 ? v : "guest-7";
        String salt = field == 2 ? v : "00ff";
        com.fasterxml.jackson.databind.node.ObjectNode o = org.covenant.format.Json.object();
        o.put("account", a);
        o.put("id", id);
        o.put("salt", salt);
        assertThat(Pseudonyms.saltLine(a, id, salt)).as("%s in field %d", v, field)
            .isEqualTo(org.covenant.format.Json.line(o));
      }
    }
  }
}
