package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.covenant.format.TermsLibrary;
import org.covenant.server.CovenantServer;
import org.covenant.server.Deployment;
import org.covenant.server.ServerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The shared conformance corpus and our own through the HTTP API: {@code covenant scenario run
 * --server URL --token T} against a server on port 0, each file in a fresh scratch namespace.
 * Engine, CLI and API can never disagree unnoticed.
 */
class HttpConformanceIT {
  static List<String> scenarios(Path dir) throws IOException {
    List<String> files = new ArrayList<>();
    // Subdirectories too (conformance/scenarios/data-rights/); terms/ holds policy files.
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> p.toString().endsWith(".json"))
          .filter(p -> !dir.relativize(p).toString().startsWith("terms")).sorted()
          .forEach(p -> files.add(p.toString()));
    }
    assertThat(files).as("scenarios in %s", dir).isNotEmpty();
    return files;
  }

  @Test
  void sharedAndOwnCorpus_passThroughTheHttpApi() throws IOException {
    List<String> files = new ArrayList<>(scenarios(Path.of(
        System.getProperty("covenant.shared.dir", "../../shared")).resolve("conformance")));
    assertThat(files).hasSizeGreaterThanOrEqualTo(17);
    // A file with its own terms_dir needs a server started with those terms: not this one.
    for (String f : scenarios(Path.of("..", "conformance", "scenarios"))) {
      if (!Files.readString(Path.of(f)).contains("\"terms_dir\"")) {
        files.add(f);
      }
    }
    // The in-process engine's totals: the HTTP run must check exactly as many lines.
    StringWriter engineOut = new StringWriter();
    List<String> engineArgs = new ArrayList<>(List.of("scenario", "run"));
    engineArgs.addAll(files);
    assertThat(new CommandLine(new Main()).setOut(new PrintWriter(engineOut))
        .execute(engineArgs.toArray(String[]::new))).isZero();
    String[] engineLines = engineOut.toString().strip().split("\n");
    String expected = engineLines[engineLines.length - 1];
    assertThat(expected).matches("\\d+ passed, 0 failed");
    Deployment.Opened o = Deployment.inMemory(ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
    try (CovenantServer server = o.server().start()) {
      List<String> args = new ArrayList<>(List.of("scenario", "run", "--server", server.url(),
          "--token", o.operatorSecret().orElseThrow()));
      args.addAll(files);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = new CommandLine(new Main()).setOut(new PrintWriter(out))
          .setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
      String[] lines = out.toString().strip().split("\n");
      assertThat(lines[lines.length - 1]).as(err.toString() + out).isEqualTo(expected);
      assertThat(code).isZero();
      // Every scratch namespace was deleted when its file finished.
      assertThat(server.namespaces().scratchCount()).isZero();
    }
  }

  @Test
  void wrongToken_isExitTwoWithTheProblem() {
    Deployment.Opened o = Deployment.inMemory(ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
    try (CovenantServer server = o.server().start()) {
      Path shared = Path.of(System.getProperty("covenant.shared.dir", "../../shared"))
          .resolve("conformance").resolve("01-settings-lock-hierarchy.json");
      StringWriter err = new StringWriter();
      CommandLine cl = new CommandLine(new Main()).setOut(new PrintWriter(new StringWriter()))
          .setErr(new PrintWriter(err));
      cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
        cmd.getErr().println("covenant: " + ex.getMessage());
        return 2;
      });
      int code = cl.execute("scenario", "run", "--server", server.url(), "--token",
          "cov_wrong", shared.toString());
      assertThat(code).isEqualTo(2);
      assertThat(err.toString()).contains("401").contains("unauthenticated");
    }
  }
}
