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
 * The shared conformance corpus through the HTTP API: {@code covenant scenario run --server URL
 * --token T} against a server on port 0, each file in a fresh scratch namespace. Engine, CLI and
 * API can never disagree unnoticed.
 */
class HttpConformanceIT {
  @Test
  void sharedCorpus_passesThroughTheHttpApi() throws IOException {
    Path shared = Path.of(System.getProperty("covenant.shared.dir", "../../shared"))
        .resolve("conformance");
    List<String> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(shared)) {
      s.filter(p -> p.toString().endsWith(".json")).sorted()
          .forEach(p -> files.add(p.toString()));
    }
    assertThat(files).isNotEmpty();
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
      assertThat(lines[lines.length - 1]).as(err.toString()).isEqualTo("185 passed, 0 failed");
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
