package org.covenant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./covenant} launcher at the repository root, run by {@code sh} from a copy of the
 * checkout's layout with a {@code java} on the path that prints its arguments: the heap goes on
 * transparent huge pages when the kernel offers them (issue 15, random decisions), never when
 * it does not (the JVM would warn at every start), and the user's {@code COVENANT_JAVA_OPTS}
 * still come after it, so they can turn it off, and reach the JVM as they are. The JVM that
 * {@code bench scale} starts to open the ledger follows the same rule.
 */
class LauncherScriptTest {
  private static final String THP = "-XX:+UseTransparentHugePages";

  @TempDir Path dir;

  /** The JVM's arguments as the launcher passed them, one per element; see below for null. */
  private List<String> javaArgs(String thpSetting, String userOpts, String... args)
      throws IOException, InterruptedException {
    Path home = dir.resolve("checkout");
    Files.createDirectories(home.resolve("cli/target"));
    Files.createDirectories(home.resolve("spark/target"));
    Files.copy(Path.of("..", "covenant"), home.resolve("covenant"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(home.resolve("cli/target/covenant.jar"), "");
    Files.writeString(home.resolve("spark/target/spark.classpath"), "/spark.jar");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    java.toFile().setExecutable(true);
    // The kernel's setting; null: a kernel without it (not Linux, or built without THP).
    Path setting = dir.resolve(thpSetting == null ? "no-such-file" : "enabled");
    if (thpSetting != null) {
      Files.writeString(setting, thpSetting + "\n");
    }
    List<String> cmd = new java.util.ArrayList<>(List.of("sh", home.resolve("covenant")
        .toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("COVENANT_THP_SETTING", setting.toString());
    if (userOpts == null) {
      env.remove("COVENANT_JAVA_OPTS");
    } else {
      env.put("COVENANT_JAVA_OPTS", userOpts);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.lines().toList();
  }

  @Test
  void hugePages_whenTheKernelOffersThem_beforeTheUsersOptions() throws Exception {
    List<String> a = javaArgs("always [madvise] never", "-Xmx6g -XX:-UseTransparentHugePages",
        "bench", "open", "--data", "d");
    assertThat(a).containsExactly(THP, "-Xmx6g", "-XX:-UseTransparentHugePages", "-jar",
        a.get(4), "bench", "open", "--data", "d");
    assertThat(a.get(4)).endsWith("cli/target/covenant.jar");
    assertThat(javaArgs("[always] madvise never", null, "serve")).containsExactly(THP, "-jar",
        a.get(4), "serve");
  }

  @Test
  void noHugePages_whenTheKernelHasThemOff_orSaysNothing() throws Exception {
    assertThat(javaArgs("always madvise [never]", "-Xmx2g", "serve"))
        .doesNotContain(THP).startsWith("-Xmx2g", "-jar");
    assertThat(javaArgs(null, null, "serve")).containsExactly("-jar",
        dir.resolve("checkout/cli/target/covenant.jar").toString(), "serve");
  }

  @Test
  void sparkRuns_getHugePagesToo_withTheUsersOptionsLast() throws Exception {
    List<String> a = javaArgs("always [madvise] never", "-Xmx3g", "dataset", "build",
        "--engine", "spark");
    assertThat(a).contains(THP);
    assertThat(a.indexOf(THP)).isLessThan(a.indexOf("-Xmx3g"));
    assertThat(a.get(a.indexOf("-Xmx3g") + 1)).isEqualTo("-cp");
    assertThat(a).endsWith("org.covenant.cli.Main", "dataset", "build", "--engine", "spark");
  }

  @Test
  void benchScalesOpeningJvm_followsTheKernel_unlessItsOwnJvmWasToldOtherwise() throws Exception {
    Path on = Files.writeString(dir.resolve("on"), "always [madvise] never\n");
    Path off = Files.writeString(dir.resolve("off"), "always madvise [never]\n");
    Path none = dir.resolve("none");
    assertThat(BenchCommand.hugePages(List.of("-Xmx6g"), on)).containsExactly(THP);
    assertThat(BenchCommand.hugePages(List.of("-Xmx6g"), off)).isEmpty();
    assertThat(BenchCommand.hugePages(List.of(), none)).isEmpty();
    assertThat(BenchCommand.hugePages(List.of(THP, "-XX:-UseTransparentHugePages"), on))
        .containsExactly("-XX:-UseTransparentHugePages");
    assertThat(BenchCommand.hugePages(List.of(THP), off)).containsExactly(THP);
  }
}
