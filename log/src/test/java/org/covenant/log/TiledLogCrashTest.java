package org.covenant.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process with SIGKILL mid-append, several times, and checks that every append it
 * reported as committed survived, that the torn one left nothing visible, and that the log verifies
 * and grows again.
 */
class TiledLogCrashTest {
  @TempDir Path dir;

  @Test
  void sigkillDuringAppends_losesNothingCommittedAndLeavesAVerifiableLog() throws Exception {
    long acknowledged = 0;
    for (int round = 1; round <= 3; round++) {
      acknowledged = runAndKill(acknowledged + 400 * round);
      NoteVerifier key = FileKeyStore.load(dir).orElseThrow().verifier();
      LogVerification before = LogVerifier.create(key).verify(dir);
      assertThat(before.ok()).as("round %d: %s", round, before).isTrue();
      try (TiledLog log = TiledLog.open(dir, FileKeyStore.load(dir).orElseThrow())) {
        assertThat(log.size()).isGreaterThanOrEqualTo(acknowledged);
        for (long i = 0; i < log.size(); i += 97) {
          assertThat(log.leaf(i)).isEqualTo(TiledLogTest.leaf(i));
        }
        acknowledged = log.size();
      }
    }
  }

  /** Starts the appender, waits until it acknowledged {@code atLeast} leaves, kills it. */
  private long runAndKill(long atLeast) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrashingAppender.class.getName(),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    long last = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (last < atLeast && (line = out.readLine()) != null) {
        last = Long.parseLong(line.strip());
      }
      p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close()
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(last).as("the appender made progress").isGreaterThanOrEqualTo(atLeast);
    return last;
  }
}
