package org.covenant.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code covenant}: the one distribution and composition root. It wires configuration → store
 * adapter → engine → server; no container, no scanning.
 */
@Command(
    name = "covenant",
    mixinStandardHelpOptions = true,
    version = "covenant 0.1.0",
    description = {
      "Decides whether a purpose may use a piece of customer data, now, with the clause it rests on,",
      "and keeps the evidence: a ledger of settings, consents, notices and content, and a",
      "verifiable transparency log.",
      "",
      "Start with:",
      "  covenant scenario run ../shared/conformance/*.json   run scenario files (events + queries)",
      "  covenant terms list                                  the terms versions it knows",
      "  covenant policy check example-2023-03-31             check invariants, print counterexamples",
      "  covenant taxonomy export --format dpv                the vocabulary for other tools",
      ""
    },
    subcommands = {
      ScenarioCommand.class,
      ServeCommand.class,
      PolicyCommand.class,
      TermsCommand.class,
      TaxonomyCommand.class,
      LogCommand.class,
      ReceiptCommand.class,
      TelemetryCommand.class,
      ScanCommand.class,
      LedgerCommand.class,
      DsrCommand.class,
      DecideCommand.class,
      RetentionCommand.class,
      CorpusCommand.class, DatasetCommand.class, LineageCommand.class, ModelCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the CLI and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (for tests). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    // UTF-8 whatever the locale: under LANG=C the JDK's default would print every non-ASCII id
    // as `?` and `ledger export` would not round-trip (docs/DECISIONS.md, identifiers).
    cl.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.out,
        java.nio.charset.StandardCharsets.UTF_8), true));
    cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.err,
        java.nio.charset.StandardCharsets.UTF_8), true));
    // Wide enough that the teaching examples in descriptions are not wrapped mid-line.
    cl.setUsageHelpWidth(110);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("covenant: " + ex.getMessage());
      return 2;
    });
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
