package org.covenant.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: a stored {@code at} read from the row's bytes in place ({@link InstantText#parse(
 * byte[], int, int)}) reads as the text does, and the day count it makes by hand is
 * {@code LocalDate}'s.
 */
class InstantTextTest {
  /** Every date of years 0 to 9999, and every day number 0 to 32 of every month, as LocalDate. */
  @Test
  void epochDay_isLocalDatesForEveryDayOfEveryFourDigitYear() {
    for (int y = 0; y <= 9999; y++) {
      for (int m = 0; m <= 13; m++) {
        for (int d = 0; d <= 32; d++) {
          long expected;
          try {
            expected = LocalDate.of(y, m, d).toEpochDay();
          } catch (DateTimeException e) {
            expected = InstantText.NO_DAY;
          }
          if (InstantText.epochDay(y, m, d) != expected) {
            assertThat(InstantText.epochDay(y, m, d)).as("%d-%d-%d", y, m, d)
                .isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void theBytesReadAsTheText() {
    List<String> times = new ArrayList<>(List.of("2024-03-01T09:00:00Z",
        "2024-03-01T09:00:00.5Z", "2024-03-01T09:00:00.123456789Z", "2024-03-01t09:00:00z",
        "2024-03-01T09:00Z", "2024-03-01T09:00:00+02:00", "2024-02-30T09:00:00Z",
        "2023-02-29T09:00:00Z", "2024-02-29T09:00:00Z", "2100-02-29T09:00:00Z",
        "2000-02-29T09:00:00Z", "2024-03-01T24:00:00Z", "2024-03-01T23:59:60Z",
        "2024-03-01T09:00:00.Z", "2024-03-01T09:00:00.1234567890Z", "1899-12-31T23:59:59Z",
        "2262-01-01T00:00:00Z", "2261-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "2024-13-01T09:00:00Z", "2024-00-10T09:00:00Z",
        "2024-03-00T09:00:00Z", "2024-03-32T09:00:00Z", "2024-04-31T09:00:00Z",
        "2024-03-01T09:60:00Z", "2024-03-01T09:00:00.000000000Z", "2024-03-01 09:00:00Z",
        "+2024-03-01T09:00:00Z", "2024-03-01T09:00:00ZZ", "2024-03-01T09:00:00.1a3Z", ""));
    Random r = new Random(15);
    for (int i = 0; i < 50_000; i++) {
      Instant at = Instant.ofEpochSecond(r.nextLong() % 4_000_000_000L + 1_000_000_000L,
          r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000_000));
      String s = at.toString();
      times.add(s);
      // one character changed to another printable one
      int k = r.nextInt(s.length());
      times.add(s.substring(0, k) + (char) (' ' + r.nextInt(95)) + s.substring(k + 1));
    }
    for (String s : times) {
      byte[] b = ("\"" + s + "\"").getBytes(StandardCharsets.US_ASCII);
      Instant expected = InstantText.parse(s);
      assertThat(InstantText.parse(b, 1, b.length - 1)).as(s).isEqualTo(expected);
      if (expected != null) {
        assertThat(expected).as(s).isEqualTo(Instant.parse(s));
      }
    }
  }
}
