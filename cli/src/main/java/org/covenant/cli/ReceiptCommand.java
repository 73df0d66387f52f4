package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.covenant.evidence.receipt.ReceiptVerification;
import org.covenant.evidence.receipt.ReceiptVerifier;
import org.covenant.format.Json;
import org.covenant.log.Checked;
import org.covenant.log.NoteVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code covenant receipt verify FILE --vkey KEY}: checks a consent receipt offline
 * (ARCHITECTURE.md §7). Exit codes: 0 verified, 1 rejected, 2 invalid input.
 */
@Command(
    name = "receipt",
    mixinStandardHelpOptions = true,
    description = {
      "Consent receipts anyone can check offline.",
      "Granting or withdrawing a consent returns a signed receipt (ISO/IEC TS 27560 shape) "
          + "with its place in the transparency log.",
      "",
      "  covenant receipt verify receipt.json --vkey \"$(covenant log key --data DIR)\"",
      ""
    },
    subcommands = {ReceiptCommand.Verify.class})
public final class ReceiptCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code receipt verify}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Checks a receipt with the log's verifier key alone.",
        "Checks the Ed25519 signature over the receipt's RFC 8785 canonical JSON, the embedded "
            + "checkpoint's signature, and the inclusion proof of the receipt's leaf against "
            + "that checkpoint's root (RFC 9162 §2.1.3). Prints one JSON line; exits 0 when it "
            + "verifies, 1 with the failed check's code, 2 on unreadable input."
      })
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The receipt JSON file.")
    Path file;

    @Option(
        names = "--vkey",
        paramLabel = "KEY",
        required = true,
        description = "The log's verifier key, `name+hash+base64` (`covenant log key` prints it).")
    String vkey;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Checked<NoteVerifier> key = NoteVerifier.parse(vkey);
      if (key instanceof Checked.Failed<NoteVerifier> f) {
        err.println("covenant: invalid input: --vkey: " + f.message());
        return 2;
      }
      String json;
      try {
        json = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("covenant: invalid input: cannot read `" + file + "`");
        return 2;
      }
      ReceiptVerification result = ReceiptVerifier.create(key.orThrow()).verify(json);
      ObjectNode o = Json.object();
      o.put("ok", result.ok());
      if (result instanceof ReceiptVerification.Verified v) {
        o.put("receipt_id", v.receipt().receiptId());
        o.put("pii_principal", v.receipt().piiPrincipal());
        o.put("consent_type", v.receipt().consent());
        o.put("state", v.receipt().state().wire());
        o.put("leaf_index", v.leafIndex());
        o.put("tree_size", v.treeSize());
      } else {
        ReceiptVerification.Rejected r = (ReceiptVerification.Rejected) result;
        o.put("code", r.code());
        o.put("message", r.message());
      }
      out.println(Json.line(o));
      out.flush();
      return result.ok() ? 0 : 1;
    }
  }
}
