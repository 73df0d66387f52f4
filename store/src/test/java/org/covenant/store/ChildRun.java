package org.covenant.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An {@link AppendingChild} JVM ({@link ChildJvm}), its acknowledgements and digests parsed. */
final class ChildRun {
  /** An acknowledged append. */
  record Ack(long position, String key) {}

  /** A projection digest the child computed at a position. */
  record Print(long position, String account, long from, long to, String digest) {}

  final Process process;
  private final ChildJvm child;

  private ChildRun(ChildJvm child) {
    this.child = child;
    this.process = child.process();
  }

  static ChildRun start(Path stderr, String... args) throws IOException {
    return new ChildRun(ChildJvm.start("child", stderr, List.of(), AppendingChild.class,
        List.of(args)));
  }

  /** Waits until the child printed at least {@code count} lines starting with {@code prefix}. */
  boolean awaitLines(String prefix, int count, long timeoutMillis) throws InterruptedException {
    return child.awaitLines(prefix, count, timeoutMillis);
  }

  /** SIGKILL, then waits for the output to drain. */
  void kill() throws InterruptedException {
    child.kill();
  }

  /** Waits for a normal exit; returns the exit code. */
  int finish(long timeoutSeconds) throws InterruptedException {
    return child.finish(timeoutSeconds);
  }

  List<String> lines() {
    return child.lines();
  }

  List<Ack> acks() {
    List<Ack> out = new ArrayList<>();
    for (String l : lines()) {
      String[] f = l.split(" ");
      if (f[0].equals("ack") && f.length == 3) {
        out.add(new Ack(Long.parseLong(f[1]), f[2]));
      }
    }
    return out;
  }

  List<Print> prints() {
    List<Print> out = new ArrayList<>();
    for (String l : lines()) {
      String[] f = l.split(" ");
      if (f[0].equals("fp") && f.length == 6) {
        out.add(new Print(Long.parseLong(f[1]), f[2], Long.parseLong(f[3]),
            Long.parseLong(f[4]), f[5]));
      }
    }
    return out;
  }
}
