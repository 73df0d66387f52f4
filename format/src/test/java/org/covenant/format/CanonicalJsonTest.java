package org.covenant.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 8785 examples: §3.2.2 (the sample), §3.2.3 (sorting), §3.2.4 (UTF-8) and Appendix B. */
class CanonicalJsonTest {

  @Test
  void rfc8785Sample_section323() {
    String input =
        "{\n"
            + "  \"numbers\": [333333333.33333329, 1E30, 4.50,\n"
            + "              2e-3, 0.000000000000000000000000001],\n"
            + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
            + "  \"literals\": [null, true, false]\n"
            + "}";
    String expected =
        "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
    byte[] canonical = CanonicalJson.canonicalize(input);
    assertThat(new String(canonical, StandardCharsets.UTF_8)).isEqualTo(expected);
    // §3.2.4: the UTF-8 bytes, the euro sign as e2 82 ac.
    assertThat(HexFormat.of().formatHex(canonical))
        .startsWith("7b226c6974657261")
        .contains("22e282ac245c7530303066");
  }

  @Test
  void rfc8785Sorting_section323_byUtf16CodeUnits() {
    String input =
        "{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\","
            + " \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\", \"1\": \"One\","
            + " \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\","
            + " \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}";
    String expected =
        "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
            + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
            + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
            + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";
    assertThat(new String(CanonicalJson.canonicalize(input), StandardCharsets.UTF_8))
        .isEqualTo(expected);
  }

  @Test
  void nestedObjectsAreSortedAtEveryLevel_arraysKeepTheirOrder() {
    assertThat(
            new String(
                CanonicalJson.canonicalize("{\"b\":{\"z\":1,\"a\":[3,1,2]},\"a\":{}}"),
                StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":{},\"b\":{\"a\":[3,1,2],\"z\":1}}");
  }

  @Test
  void rfc8785AppendixB_numbers() {
    String[][] table = {
      {"0000000000000000", "0"},
      {"8000000000000000", "0"},
      {"0000000000000001", "5e-324"},
      {"8000000000000001", "-5e-324"},
      {"7fefffffffffffff", "1.7976931348623157e+308"},
      {"ffefffffffffffff", "-1.7976931348623157e+308"},
      {"4340000000000000", "9007199254740992"},
      {"c340000000000000", "-9007199254740992"},
      {"4430000000000000", "295147905179352830000"},
      {"44b52d02c7e14af5", "9.999999999999997e+22"},
      {"44b52d02c7e14af6", "1e+23"},
      {"44b52d02c7e14af7", "1.0000000000000001e+23"},
      {"444b1ae4d6e2ef4e", "999999999999999700000"},
      {"444b1ae4d6e2ef4f", "999999999999999900000"},
      {"444b1ae4d6e2ef50", "1e+21"},
      {"3eb0c6f7a0b5ed8c", "9.999999999999997e-7"},
      {"3eb0c6f7a0b5ed8d", "0.000001"},
      {"41b3de4355555553", "333333333.3333332"},
      {"41b3de4355555554", "333333333.33333325"},
      {"41b3de4355555555", "333333333.3333333"},
      {"41b3de4355555556", "333333333.3333334"},
      {"41b3de4355555557", "333333333.33333343"},
      {"becbf647612f3696", "-0.0000033333333333333333"},
      {"43143ff3c1cb0959", "1424953923781206.2"},
    };
    for (String[] row : table) {
      double d = Double.longBitsToDouble(Long.parseUnsignedLong(row[0], 16));
      assertThat(CanonicalJson.number(d)).as(row[0]).isEqualTo(row[1]);
      assertThat(
              new String(
                  CanonicalJson.canonicalize(JsonNodeFactory.instance.numberNode(d)),
                  StandardCharsets.UTF_8))
          .isEqualTo(row[1]);
    }
  }

  @Test
  void nanAndInfinity_haveNoCanonicalForm() {
    for (String bits : new String[] {"7fffffffffffffff", "7ff0000000000000", "fff0000000000000"}) {
      double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
      ObjectNode o = JsonNodeFactory.instance.objectNode().put("x", d);
      assertThatThrownBy(() -> CanonicalJson.canonicalize(o))
          .isInstanceOf(FormatException.class)
          .satisfies(e -> assertThat(((FormatException) e).location()).isEqualTo("/x"));
    }
  }

  @Test
  void numbers_readBackExactlyAndAreNeverLongerThanJavasOwn() {
    Random random = new Random(8785);
    for (int i = 0; i < 10_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        continue;
      }
      String s = CanonicalJson.number(d);
      assertThat(Double.parseDouble(s)).as(s).isEqualTo(d == 0 ? 0.0 : d);
      String digits = s.replaceAll("e.*", "").replaceAll("[-.]", "").replaceAll("^0+", "");
      String java = Double.toString(Math.abs(d)).replaceAll("E.*", "").replace(".", "");
      assertThat(digits.replaceAll("0+$", "").length())
          .as("%s vs %s", s, Double.toString(d))
          .isLessThanOrEqualTo(java.replaceAll("^0+", "").replaceAll("0+$", "").length());
    }
  }

  @Test
  void integers_areExactWithinTheSafeRange_andRefusedBeyond() {
    assertThat(
            new String(
                CanonicalJson.canonicalize("[-0, 1, -9007199254740991, 100]"),
                StandardCharsets.UTF_8))
        .isEqualTo("[0,1,-9007199254740991,100]");
    assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"n\": 9007199254740993}"))
        .isInstanceOf(FormatException.class);
    assertThatThrownBy(
            () ->
                CanonicalJson.canonicalize(
                    JsonNodeFactory.instance.numberNode(BigInteger.TEN.pow(30))))
        .isInstanceOf(FormatException.class);
  }

  @Test
  void strings_escapeOnlyWhatJsonStringifyEscapes() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("s", "\u0000\u001f\u007f/<>\u2028\b\f\t\r\n\"\\\u00e9\ud83d\ude00");
    assertThat(CanonicalJson.canonicalString(o))
        .isEqualTo(
            "{\"s\":\"\\u0000\\u001f\u007f/<>\u2028\\b\\f\\t\\r\\n\\\"\\\\\u00e9\ud83d\ude00\"}");
  }

  @Test
  void loneSurrogates_areNotIJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.putArray("a").add("ok").add("bad \ud800 here");
    assertThatThrownBy(() -> CanonicalJson.canonicalize(o))
        .isInstanceOf(FormatException.class)
        .satisfies(e -> assertThat(((FormatException) e).location()).isEqualTo("/a/1"));
  }

  @Test
  void canonicalForm_isAFixedPoint() {
    String once =
        new String(
            CanonicalJson.canonicalize("{\"z\": [1.5e300, 0.1, -7], \"a\": {\"y\": null}}"),
            StandardCharsets.UTF_8);
    assertThat(once).isEqualTo("{\"a\":{\"y\":null},\"z\":[1.5e+300,0.1,-7]}");
    assertThat(new String(CanonicalJson.canonicalize(once), StandardCharsets.UTF_8))
        .isEqualTo(once);
  }

  @Test
  void omittedMembers_areTheCopyWithoutThem_atTheTopOnly() {
    Random random = new Random(15);
    String[] names = {"a", "at", "idempotency_key", "b~/c", "z", "\u00e9"};
    for (int i = 0; i < 500; i++) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      for (String n : names) {
        switch (random.nextInt(4)) {
          case 0 -> o.put(n, "v" + random.nextInt(100));
          case 1 -> o.put(n, random.nextInt(1000) - 500);
          case 2 -> o.putObject(n).put("at", "x").put("idempotency_key", random.nextInt(9))
              .putArray("l").add(1.5).add("s");
          default -> { }
        }
      }
      java.util.Set<String> omitted = random.nextBoolean() ? java.util.Set.of("idempotency_key")
          : java.util.Set.of("idempotency_key", "at");
      ObjectNode copy = o.deepCopy();
      copy.remove(omitted);
      assertThat(CanonicalJson.canonicalString(o, omitted)).as(o.toString())
          .isEqualTo(CanonicalJson.canonicalString(copy));
      assertThat(CanonicalJson.canonicalString(o, java.util.Set.of()))
          .isEqualTo(CanonicalJson.canonicalString(o));
    }
    // Not an object: nothing to omit.
    assertThat(CanonicalJson.canonicalString(JsonNodeFactory.instance.arrayNode().add("at"),
        java.util.Set.of("at"))).isEqualTo("[\"at\"]");
  }

  @Test
  void errors_nameTheirPointer_atAnyDepth() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.putObject("a/b").putArray("c~d").add(1).addObject().put("e", "bad \ud800");
    assertThatThrownBy(() -> CanonicalJson.canonicalize(o))
        .isInstanceOf(FormatException.class)
        .satisfies(e -> assertThat(((FormatException) e).location())
            .isEqualTo("/a~1b/c~0d/1/e"));
    ObjectNode k = JsonNodeFactory.instance.objectNode();
    k.putObject("x").put("bad \udc00 key", 1);
    assertThatThrownBy(() -> CanonicalJson.canonicalString(k, java.util.Set.of("y")))
        .isInstanceOf(FormatException.class)
        .satisfies(e -> assertThat(((FormatException) e).location())
            .isEqualTo("/x/bad \udc00 key"));
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.putArray("l").add(JsonNodeFactory.instance.numberNode(BigInteger.TEN.pow(20)));
    assertThatThrownBy(() -> CanonicalJson.canonicalize(n))
        .isInstanceOf(FormatException.class)
        .satisfies(e -> assertThat(((FormatException) e).location()).isEqualTo("/l/0"));
    assertThatThrownBy(() -> CanonicalJson.canonicalize(
            JsonNodeFactory.instance.textNode("\ud800")))
        .isInstanceOf(FormatException.class)
        .satisfies(e -> assertThat(((FormatException) e).location()).isEqualTo(""));
  }
}
