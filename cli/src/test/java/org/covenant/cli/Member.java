package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code covenant serve --db …} child process of a cluster test: started on a free port, its
 * standard output read as it comes (to learn its URL and tokens), paused, woken or killed with real
 * signals.
 */
final class Member {
  /** The log writer's lease every member starts with: short, so that takeovers are quick. */
  static final int LEASE_SECONDS = 2;

  final String name;
  final Process process;
  final List<String> lines = new ArrayList<>();
  volatile String url;
  volatile String id;
  volatile boolean paused;
  volatile boolean draining;

  private Member(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (IOException e) {
        // killed
      }
    }, "cluster-it-" + name);
    pump.setDaemon(true);
    pump.start();
  }

  static Member start(Path tmp, String name, String url, String schema, Path key,
      String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", "--db", url, "--db-schema", schema, "--log-key", key.toString(),
        "--data", tmp.resolve(name).toString(), "--port", "0",
        "--lease", Integer.toString(LEASE_SECONDS)));
    cmd.addAll(List.of(extra));
    return new Member(name, new ProcessBuilder(cmd).redirectError(
        ProcessBuilder.Redirect.appendTo(tmp.resolve(name + ".err").toFile())).start());
  }

  String await(String prefix, long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    synchronized (lines) {
      while (true) {
        for (String l : lines) {
          if (l.startsWith("covenant: serving")) {
            url = l.substring(l.lastIndexOf(' ') + 1);
          }
          if (l.startsWith(prefix)) {
            return l;
          }
        }
        long left = end - System.currentTimeMillis();
        if (left <= 0 || !process.isAlive()) {
          throw new AssertionError("member " + name + " did not print `" + prefix + "`: "
              + lines);
        }
        lines.wait(Math.min(left, 100));
      }
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends {@code signal} (STOP, CONT, KILL…) to the process; STOP marks it paused. */
  void signal(String signal) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
        .inheritIO().start();
    assertThat(p.waitFor()).isZero();
    paused = "STOP".equals(signal);
  }
}
