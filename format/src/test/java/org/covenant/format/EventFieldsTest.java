package org.covenant.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the byte scanner names a field by its bytes ({@link EventFields#name}) as the
 * Jackson reader names it by its string ({@link EventFields#id}): the same id for every field
 * name, and -1 for every other name, however close (one byte changed, cut, extended).
 */
class EventFieldsTest {
  private static final List<String> NAMES = List.of("type", "at", "account", "owner", "terms",
      "by", "group", "user", "role", "scope", "key", "value", "locked", "consent", "meeting",
      "host", "features", "feature", "on", "participant", "notice", "content", "category",
      "author", "contributors", "hold", "matter");

  @Test
  void everyFieldNameAndEveryNearMiss_isNamedAsByItsString() {
    assertThat(NAMES).hasSize(EventFields.FIELDS);
    List<String> names = new ArrayList<>(NAMES);
    for (String n : NAMES) {
      assertThat(EventFields.id(n)).as(n).isGreaterThanOrEqualTo(0);
      names.add(n.substring(1));
      names.add(n.substring(0, n.length() - 1));
      names.add(n + "s");
      names.add("x" + n);
      for (int i = 0; i < n.length(); i++) {
        for (char c = ' '; c < 0x7f; c++) {
          names.add(n.substring(0, i) + c + n.substring(i + 1));
        }
      }
    }
    Random r = new Random(15);
    for (int i = 0; i < 20_000; i++) {
      char[] cs = new char[1 + r.nextInt(13)];
      for (int j = 0; j < cs.length; j++) {
        cs[j] = "abcdefghijklmnopqrstuvwxyz_".charAt(r.nextInt(27));
      }
      names.add(new String(cs));
    }
    for (String n : names) {
      // inside a longer array, as in a body
      byte[] b = ("{\"" + n + "\":").getBytes(StandardCharsets.US_ASCII);
      assertThat(EventFields.name(b, 2, 2 + n.length())).as(n).isEqualTo(EventFields.id(n));
    }
  }
}
