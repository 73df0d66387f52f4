package org.covenant.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An {@link AppendingChild} JVM on the test classpath, its stdout collected line by line. */
final class ChildRun {
  /** An acknowledged append. */
  record Ack(long position, String key) {}

  /** A projection digest the child computed at a position. */
  record Print(long position, String account, long from, long to, String digest) {}

  final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread pump;

  private ChildRun(Process process) {
    this.process = process;
    this.pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (IOException e) {
        // the child was killed mid-line: what was read is what was acknowledged
      }
    }, "child-stdout");
    pump.setDaemon(true);
    pump.start();
  }

  static ChildRun start(Path stderr, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(AppendingChild.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    return new ChildRun(pb.start());
  }

  /** Waits until the child printed at least {@code count} lines starting with {@code prefix}. */
  boolean awaitLines(String prefix, int count, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    synchronized (lines) {
      while (lines.stream().filter(l -> l.startsWith(prefix)).count() < count) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0 || !process.isAlive() && !pump.isAlive()) {
          return false;
        }
        lines.wait(Math.min(left, 50));
      }
      return true;
    }
  }

  /** SIGKILL, then waits for the output to drain. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    pump.join(10_000);
  }

  /** Waits for a normal exit; returns the exit code. */
  int finish(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("child did not finish in " + timeoutSeconds + " s");
    }
    pump.join(10_000);
    return process.exitValue();
  }

  List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
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
