package org.covenant.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same corpus through the built executable jar ({@code cli/target/covenant.jar}), as a user
 * runs it: exit codes and output lines are the contract of ARCHITECTURE.md §8.
 */
class CliConformanceIT {
  record Run(int exit, List<String> out, String err) {}

  static Run covenant(String... args) throws IOException, InterruptedException {
    Path jar = Corpus.root().resolve("cli/target/covenant.jar");
    assertThat(jar).as("the CLI jar is built in the package phase").exists();
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(),
        new String(out, StandardCharsets.UTF_8).lines().toList(),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void sharedCorpusPassesThroughTheCli() throws Exception {
    List<String> args = new ArrayList<>(List.of("scenario", "run"));
    Corpus.shared().forEach(f -> args.add(f.toString()));
    Run r = covenant(args.toArray(String[]::new));
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    String last = r.out().get(r.out().size() - 1);
    assertThat(last).matches("\\d+ passed, 0 failed");
    long queries = r.out().stream().filter(l -> l.contains("\"id\":")).count();
    assertThat(queries).isGreaterThanOrEqualTo(140);
    String q = r.out().stream().filter(l -> l.contains("\"id\":\"a12-q7\"")).findFirst()
        .orElseThrow();
    assertThat(q).contains("\"verdict\":\"allow\"", "\"basis\":\"ownership\"",
        "\"clauses\":[\"default#load-balancing\",\"default#service-data\"]",
        "\"reasons\":[]");
  }

  @Test
  void ownCorpusPassesThroughTheCli() throws Exception {
    List<String> args = new ArrayList<>(List.of("scenario", "run"));
    Corpus.own().forEach(f -> args.add(f.toString()));
    Run r = covenant(args.toArray(String[]::new));
    assertThat(r.exit()).as(String.join("\n", r.out())).isZero();
    assertThat(r.out().get(r.out().size() - 1)).matches("\\d+ passed, 0 failed");
  }

  @Test
  void aWrongExpectationExitsOne(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("wrong.json");
    Files.writeString(f, """
        {"events": [
          {"type": "account.created", "at": "2024-01-01T09:00:00Z", "account": "a", "owner": "o"}
        ], "queries": [
          {"id": "q", "at": "2024-01-01T10:00:00Z", "purpose": "service.provide",
           "content": "nothing", "expect": "allow"}
        ]}""");
    Run r = covenant("scenario", "run", f.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out().get(0)).contains("\"ok\":false", "\"reason\":\"unknown_content\"",
        "expect: wanted `allow`, got `deny`");
    assertThat(r.out().get(1)).isEqualTo("0 passed, 1 failed");
  }

  @Test
  void aMalformedEventExitsTwoNamingFileIndexAndField(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("bad.json");
    Files.writeString(f, """
        {"events": [
          {"type": "account.created", "at": "2024-01-01T09:00:00Z", "account": "a", "owner": "o"},
          {"type": "setting.set", "at": "2024-01-01T09:01:00Z", "account": "a",
           "scope": "account", "key": "recording.cloud", "value": "yes", "by": "o"}
        ], "queries": []}""");
    Run r = covenant("scenario", "run", f.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(f.toString(), "events[1]", "field `value`",
        "expected true or false").doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void policyCheckFindsTheBroadLicenseCounterexample() throws Exception {
    Run bad = covenant("policy", "check", "example-2023-03-31");
    assertThat(bad.exit()).isEqualTo(1);
    String line = bad.out().stream()
        .filter(l -> l.contains("\"invariant\":\"no-ai-training-without-consent\""))
        .findFirst().orElseThrow();
    assertThat(line).contains("\"holds\":false", "\"purpose\":\"ai.training\"",
        "example-2023-03-31#10.4(ii)", "\"consent.ai_training.at_use\":\"missing\"");
    Run good = covenant("policy", "check", "default");
    assertThat(good.exit()).isZero();
    assertThat(good.out()).noneMatch(l -> l.contains("\"holds\":false"));
  }
}
