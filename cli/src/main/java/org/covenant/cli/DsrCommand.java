package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.covenant.core.CovenantException;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.evidence.DataDirectory;
import org.covenant.evidence.dsr.DsrRequests;
import org.covenant.evidence.dsr.SubjectBundle;
import org.covenant.evidence.dsr.SubjectBundleVerifier;
import org.covenant.evidence.dsr.SubjectRequests;
import org.covenant.format.Json;
import org.covenant.format.Result;
import org.covenant.log.TiledLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code covenant dsr export|verify|erase|receive|list}: data subject requests over a data
 * directory (docs/DATA-RIGHTS-DSR.md). Exit codes: 0 done, 1 refused (the code says why), 2
 * invalid input.
 */
@Command(
    name = "dsr",
    mixinStandardHelpOptions = true,
    description = {
      "Data subject requests: a person's data out, verifiably, and their erasure.",
      "An export lists every ledger fact about one user of one account with its place in the "
          + "transparency log and an inclusion proof, signed; anyone can verify it offline. An "
          + "erasure deletes their content (except under legal hold), removes them and erases "
          + "their pseudonym, so their log leaves can no longer be linked to them.",
      "",
      "  covenant dsr export --data DIR --account acme --subject bob --out bob.json",
      "  covenant dsr verify bob.json --key \"$(covenant log key --data DIR)\"",
      "  covenant dsr erase --data DIR --account acme --subject bob --by alice",
      "  covenant dsr list --data DIR --account acme",
      ""
    },
    subcommands = {DsrCommand.Export.class, DsrCommand.Verify.class, DsrCommand.Erase.class,
        DsrCommand.Receive.class, DsrCommand.ListRequests.class})
public final class DsrCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The options every request command shares. */
  static final class Target {
    @Mixin LedgerOptions ledger;

    @Option(names = "--account", paramLabel = "A", required = true,
        description = "The account the person is a user of.")
    String account;

    @Option(names = "--subject", paramLabel = "U", required = true,
        description = "The person: a user id of the account.")
    String subject;

    @Option(names = "--request", paramLabel = "ID",
        description = "Fulfil this received request (`dsr receive`) instead of recording a new one.")
    Optional<String> request;

    @Option(names = "--due-days", paramLabel = "N", defaultValue = "30",
        description = "Days from receipt to the due date of a request recorded now (default 30).")
    int dueDays;
  }

  /**
   * Opens the data directory's ledger and log and runs {@code body} with its requests; maps a
   * refusal to exit 1 with one JSON line on stdout.
   */
  static int withRequests(CommandLine.Model.CommandSpec spec, Target t,
      Function<SubjectRequests, ObjectNode> body) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (t.ledger.data.isEmpty()) {
      err.println("covenant: invalid input: --data DIR is required: the transparency log and "
          + "the request register live in the data directory (add --db for a PostgreSQL ledger)");
      return 2;
    }
    if (t.dueDays < 1) {
      err.println("covenant: invalid input: --due-days must be at least 1");
      return 2;
    }
    Result<TermsCatalog> catalog = t.ledger.catalog();
    if (catalog instanceof Result.Failed<TermsCatalog> f) {
      err.print(LedgerOptions.describe(f.problems()));
      return 2;
    }
    DataDirectory dir = DataDirectory.at(t.ledger.data.get());
    try (LoggedLedger logged = LoggedLedger.open(t.ledger.config(), t.ledger.data,
        ((Result.Ok<TermsCatalog>) catalog).value())) {
      TiledLog log = logged.log().orElse(null);
      TiledLog reader = log != null ? null : dir.openLogReadOnly();
      try {
        SubjectRequests requests = SubjectRequests.create(logged.ledger(),
            log != null ? log : reader, logged.feed(), dir.signer(),
            DsrRequests.open(dir.path()), Duration.ofDays(t.dueDays));
        ObjectNode o = body.apply(requests);
        if (o != null) {
          out.println(Json.line(o));
        }
        out.flush();
        return 0;
      } finally {
        if (reader != null) {
          reader.close();
        }
      }
    } catch (CovenantException e) {
      ObjectNode o = Json.object();
      o.put("ok", false);
      o.put("code", e.code());
      o.put("message", e.getMessage());
      out.println(Json.line(o));
      out.flush();
      return 1;
    }
  }

  /** {@code dsr export}. */
  @Command(name = "export", mixinStandardHelpOptions = true, description = {
      "Exports every ledger fact about a person, with proofs.",
      "Writes the signed bundle (RFC 8785 canonical JSON with W3C DPV terms) to --out, or to "
          + "stdout; prints the request on one JSON line (on stderr when the bundle goes to "
          + "stdout)."})
  static final class Export implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin Target target;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the bundle.")
    Optional<Path> outFile;

    @Option(names = "--by", paramLabel = "USER", defaultValue = "operator",
        description = "Who handles the request (recorded in the register; default operator).")
    String by;

    @Override
    public Integer call() {
      return withRequests(spec, target, r -> {
        SubjectRequests.Exported e = r.export(target.account, target.subject, by,
            Instant.now(), target.request);
        byte[] bytes = SubjectBundle.bytes(e.bundle());
        ObjectNode line = e.request().toJson(Instant.now());
        line.put("ok", true);
        try {
          if (outFile.isPresent()) {
            Files.write(outFile.get(), bytes);
            line.put("bundle", outFile.get().toString());
          } else {
            PrintWriter o = spec.commandLine().getOut();
            o.print(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            o.flush();
          }
        } catch (IOException ex) {
          throw new UncheckedIOException(ex);
        }
        if (outFile.isEmpty()) {
          spec.commandLine().getErr().println(Json.line(line));
          return null;
        }
        return line;
      });
    }
  }

  /** {@code dsr verify}. */
  @Command(name = "verify", mixinStandardHelpOptions = true, description = {
      "Verifies an export bundle offline.",
      "Checks that the file is its canonical form, the bundle's and the checkpoint's Ed25519 "
          + "signatures, and every fact's and receipt's leaf, recomputed from the bundle, "
          + "against the checkpoint's root (RFC 9162 §2.1.3). Without --key it trusts the key "
          + "the bundle names and says so: compare it with the one your auditor holds. Exits 0 "
          + "when it verifies, 1 with the failed check's code, 2 on unreadable input."})
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The bundle.")
    Path file;

    @Option(names = {"--key", "--vkey"}, paramLabel = "VKEY",
        description = "The log's verifier key, `name+hash+base64` (`covenant log key`).")
    Optional<String> key;

    @Override
    public Integer call() {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        spec.commandLine().getErr().println("covenant: invalid input: cannot read `" + file
            + "`");
        return 2;
      }
      SubjectBundleVerifier.BundleCheck r = SubjectBundleVerifier.verify(bytes, key);
      ObjectNode o = Json.object();
      if (r instanceof SubjectBundleVerifier.BundleCheck.Verified v) {
        o.put("ok", true);
        o.put("account", v.account());
        o.put("subject", v.subject());
        o.put("facts", v.facts());
        o.put("receipts", v.receipts());
        o.put("tree_size", v.treeSize());
        o.put("key", v.key());
        o.put("key_source", v.keyFromBundle() ? "bundle (compare it with your auditor's)"
            : "--key");
      } else {
        SubjectBundleVerifier.BundleCheck.Rejected x = (SubjectBundleVerifier.BundleCheck.Rejected) r;
        o.put("ok", false);
        o.put("code", x.code());
        o.put("message", x.message());
      }
      spec.commandLine().getOut().println(Json.line(o));
      spec.commandLine().getOut().flush();
      return o.get("ok").asBoolean() ? 0 : 1;
    }
  }

  /** {@code dsr erase}. */
  @Command(name = "erase", mixinStandardHelpOptions = true, description = {
      "Erases a person: their content, their user, their pseudonym.",
      "Appends content.deleted for every item they authored (items under a legal hold are "
          + "listed as held, not deleted) and user.removed as one batch, then erases their "
          + "pseudonym salt: their log leaves stay (every proof still verifies) but can no "
          + "longer be linked to them. Needs the log: not while a server holds the directory "
          + "(use its API then)."})
  static final class Erase implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin Target target;

    @Option(names = "--by", paramLabel = "USER", required = true,
        description = "The owner or an admin of the account, who acts.")
    String by;

    @Option(names = "--at", paramLabel = "T",
        description = "The events' time (RFC 3339; default now).")
    Optional<Instant> at;

    @Override
    public Integer call() {
      return withRequests(spec, target, r -> {
        SubjectRequests.Erasure e = r.erase(target.account, target.subject, by,
            at.orElse(Instant.now()), false, target.request);
        ObjectNode line = e.request().toJson(Instant.now());
        line.put("ok", true);
        return line;
      });
    }
  }

  /** {@code dsr receive}. */
  @Command(name = "receive", mixinStandardHelpOptions = true, description = {
      "Records a request received (by mail, by phone) to fulfil later.",
      "Its due date is the time received plus --due-days (30)."})
  static final class Receive implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin Target target;

    @Option(names = "--kind", paramLabel = "KIND", required = true,
        description = "export or erase.")
    String kind;

    @Option(names = "--by", paramLabel = "USER", defaultValue = "operator",
        description = "Who recorded it (default operator).")
    String by;

    @Option(names = "--received", paramLabel = "T",
        description = "When it was received (RFC 3339; default now).")
    Optional<Instant> received;

    @Override
    public Integer call() {
      if (!kind.equals("export") && !kind.equals("erase")) {
        spec.commandLine().getErr().println("covenant: invalid input: --kind `" + kind
            + "` is not export or erase");
        return 2;
      }
      return withRequests(spec, target, r -> {
        ObjectNode line = r.receive(target.account, target.subject,
            DsrRequests.Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT)), by,
            received.orElse(Instant.now())).toJson(Instant.now());
        line.put("ok", true);
        return line;
      });
    }
  }

  /** {@code dsr list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = {
      "Lists the requests with status and due date, one JSON line each."})
  static final class ListRequests implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", required = true,
        description = "The data directory.")
    Path data;

    @Option(names = "--account", paramLabel = "A", description = "Only this account's.")
    Optional<String> account;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Instant now = Instant.now();
      for (DsrRequests.Request r : DsrRequests.open(data).list(account)) {
        out.println(Json.line(r.toJson(now)));
      }
      out.flush();
      return 0;
    }
  }
}
