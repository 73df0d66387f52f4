package org.covenant.log;

import java.nio.file.Path;

/**
 * A child process for {@link TiledLogCrashTest}: appends batches of {@link TiledLogTest#leaf}
 * forever, printing each committed size, until it is killed with SIGKILL.
 */
public final class CrashingAppender {
  private CrashingAppender() {}

  /** Arguments: the data directory. */
  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    NoteSigner signer = FileKeyStore.loadOrCreate(dir, "covenant.test/crash");
    try (TiledLog log = TiledLog.open(dir, signer)) {
      for (int batch = 1; ; batch++) {
        log.append(TiledLogTest.leaves(log.size(), 1 + (batch * 37) % 300));
        System.out.println(log.size());
        System.out.flush();
      }
    }
  }
}
