package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class LogVerifyProgressTest {
  @Test
  void printsEveryMillionLeaves_andNothingForAShortAudit() {
    StringWriter err = new StringWriter();
    LogCommand.VerifyProgress progress = new LogCommand.VerifyProgress(new PrintWriter(err));
    for (long leaves = 256; leaves <= 999_936; leaves += 256) {
      progress.accept(leaves);
    }
    // Under a million leaves in well under 5 s: silent (a short audit prints only its JSON).
    assertThat(err.toString()).isEmpty();
    for (long leaves = 1_000_192; leaves <= 2_500_096; leaves += 256) {
      progress.accept(leaves);
    }
    assertThat(err.toString().lines())
        .hasSize(2)
        .allMatch(l -> l.startsWith("log verify: ") && l.endsWith(" leaves/s"));
    assertThat(err.toString()).contains("1,000,192 leaves rehashed", "2,000,384 leaves rehashed");
  }
}
