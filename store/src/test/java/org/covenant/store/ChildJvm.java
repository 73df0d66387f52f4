package org.covenant.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on the test classpath, for the crash and cluster tests: its standard output is read
 * line by line as it comes (a daemon thread), its standard error appended to a file. Lines read
 * before a SIGKILL are exactly what the child had written: what it printed is what it acknowledged.
 */
public final class ChildJvm {
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread pump;

  private ChildJvm(Process process, String name) {
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
        // the child was killed mid-line: what was read is what it wrote
      }
    }, name + "-stdout");
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts {@code main} with {@code args} in a small JVM ({@code -Xmx256m}, C1 only, plus
   * {@code jvmOptions}), its standard error appended to {@code stderr}.
   */
  public static ChildJvm start(String name, Path stderr, List<String> jvmOptions, Class<?> main,
      List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(args);
    return new ChildJvm(new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start(), name);
  }

  public Process process() {
    return process;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /**
   * Waits until the child printed at least {@code count} lines starting with {@code prefix};
   * false when the time runs out or the child's output ended first.
   */
  public boolean awaitLines(String prefix, int count, long timeoutMillis)
      throws InterruptedException {
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

  /** The first line starting with {@code prefix}, waiting for it; null as for awaitLines. */
  public String awaitLine(String prefix, long timeoutMillis) throws InterruptedException {
    if (!awaitLines(prefix, 1, timeoutMillis)) {
      return null;
    }
    synchronized (lines) {
      return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    }
  }

  /** SIGKILL, then waits for the output to drain. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    pump.join(10_000);
  }

  /** Waits for a normal exit and the output to drain; returns the exit code. */
  public int finish(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("child did not finish in " + timeoutSeconds + " s");
    }
    pump.join(10_000);
    return process.exitValue();
  }

  /** Every line read so far. */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }
}
