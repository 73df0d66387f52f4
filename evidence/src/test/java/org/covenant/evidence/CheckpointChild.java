package org.covenant.evidence;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

/**
 * A child JVM for the SIGKILL test: opens the data directory, appends, writes one good
 * checkpoint, appends more, then starts writing a second one through the real store and stops
 * half way (prints {@code MID} and waits to be killed).
 */
public final class CheckpointChild {
  private CheckpointChild() {}

  public static void main(String[] args) throws Exception {
    try (CheckpointFixture f = new CheckpointFixture(Path.of(args[0]), true)) {
      f.append(400);
      long first = f.checkpoints.writeNow().orElseThrow();
      System.out.println("WROTE " + first);
      f.append(200);
      LedgerFeed.LogPoint p = f.feed.logPoint();
      ByteArrayOutputStream whole = new ByteArrayOutputStream();
      f.ledger.writeCheckpoint(p.position(), p.size(), p.root(), whole);
      byte[] b = whole.toByteArray();
      f.store.write(p.position(), out -> {
        out.write(b, 0, b.length / 2);
        out.flush();
        System.out.println("MID " + p.position());
        System.out.flush();
        try {
          Thread.sleep(600_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
  }
}
