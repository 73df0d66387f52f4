package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench post} refuses counts it could not post, naming the option, before it connects. */
class BenchPostTest {
  @TempDir Path tmp;

  @Test
  void aBatchOfNoEventsIsRefused_notLoopedOn() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "x");
    LogWiringTest.Run r = LogWiringTest.cli("bench", "post", "--url", "http://127.0.0.1:9",
        "--token-file", token.toString(), "--events", "10", "--batch", "0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--batch must be from 1 to 100000").contains("got 0");
  }

  @Test
  void aBatchOverTheServersLimitIsRefused() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "x");
    LogWiringTest.Run r = LogWiringTest.cli("bench", "post", "--url", "http://127.0.0.1:9",
        "--token-file", token.toString(), "--events", "10", "--batch", "100001");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--batch must be from 1 to 100000").contains("got 100001");
  }

  @Test
  void noEventsIsRefused() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "x");
    LogWiringTest.Run r = LogWiringTest.cli("bench", "post", "--url", "http://127.0.0.1:9",
        "--token-file", token.toString(), "--events", "-5");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--events must be at least 1, got -5");
  }
}
