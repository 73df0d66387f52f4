package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.covenant.store.ChildJvm;

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
  private final ChildJvm child;
  volatile String url;
  volatile String id;
  volatile boolean paused;
  volatile boolean draining;

  private Member(String name, ChildJvm child) {
    this.name = name;
    this.child = child;
    this.process = child.process();
  }

  static Member start(Path tmp, String name, String url, String schema, Path key,
      String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of(
        "serve", "--db", url, "--db-schema", schema, "--log-key", key.toString(),
        "--data", tmp.resolve(name).toString(), "--port", "0",
        "--lease", Integer.toString(LEASE_SECONDS)));
    args.addAll(List.of(extra));
    return new Member(name, ChildJvm.start("cluster-it-" + name, tmp.resolve(name + ".err"),
        List.of("-XX:+UseSerialGC"), Main.class, args));
  }

  /** The first line starting with {@code prefix}, waiting for it; learns the URL on the way. */
  String await(String prefix, long millis) throws InterruptedException {
    String line = child.awaitLine(prefix, millis);
    for (String l : child.lines()) {
      if (l.startsWith("covenant: serving")) {
        url = l.substring(l.lastIndexOf(' ') + 1);
      }
    }
    if (line == null) {
      throw new AssertionError("member " + name + " did not print `" + prefix + "`: "
          + child.lines());
    }
    return line;
  }

  boolean alive() {
    return process.isAlive();
  }

  void kill() throws InterruptedException {
    child.kill();
  }

  /** Sends {@code signal} (STOP, CONT, KILL…) to the process; STOP marks it paused. */
  void signal(String signal) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
        .inheritIO().start();
    assertThat(p.waitFor()).isZero();
    paused = "STOP".equals(signal);
  }
}
