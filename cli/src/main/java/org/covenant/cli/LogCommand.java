package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.covenant.evidence.DataDirectory;
import org.covenant.format.Json;
import org.covenant.log.Checked;
import org.covenant.log.ConsistencyProof;
import org.covenant.log.FileKeyStore;
import org.covenant.log.Hash;
import org.covenant.log.InclusionProof;
import org.covenant.log.LogException;
import org.covenant.log.LogVerification;
import org.covenant.log.LogVerifier;
import org.covenant.log.NoteSigner;
import org.covenant.log.NoteVerifier;
import org.covenant.log.SignedCheckpoint;
import org.covenant.log.TilePaths;
import org.covenant.log.TiledLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code covenant log key|checkpoint|verify|proof|consistency}: the transparency log of a data
 * directory (ARCHITECTURE.md §7). Thin: the logic lives in {@code org.covenant.log}. Exit codes: 0
 * success, 1 the log does not verify, 2 invalid input.
 */
@Command(
    name = "log",
    mixinStandardHelpOptions = true,
    description = {
      "The transparency log of a data directory.",
      "Every accepted ledger event is a leaf of an append-only Merkle tree (RFC 9162), published "
          + "as static files under DIR/log/ in the C2SP tlog-tiles layout and signed as C2SP "
          + "checkpoints with the Ed25519 key in DIR/keys/log.key. Anyone with the verifier key "
          + "can audit it: history cannot be rewritten without breaking a signature or a proof.",
      "",
      "  covenant log key --data DIR          the verifier key to give auditors",
      "  covenant log checkpoint --data DIR   the latest signed tree head",
      "  covenant log verify --data DIR       recheck every leaf, tile and checkpoint",
      "  covenant log proof --data DIR --index I",
      "  covenant log consistency --data DIR --from M",
      ""
    },
    subcommands = {
      LogCommand.Key.class,
      LogCommand.ShowCheckpoint.class,
      LogCommand.Verify.class,
      LogCommand.Proof.class,
      LogCommand.Consistency.class
    })
public final class LogCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The options every subcommand shares. */
  static final class Source {
    @Option(
        names = "--data",
        paramLabel = "DIR",
        required = true,
        description = "The data directory: the log is DIR/log/, its key DIR/keys/log.key.")
    Path data;

    @Option(
        names = "--vkey",
        paramLabel = "KEY",
        description = {
          "The verifier key to trust (`name+hash+base64`, as `covenant log key` prints it).",
          "Defaults to the key in DIR/keys/; an auditor should pass the key published to them."
        })
    Optional<String> vkey;

    /** The verifier to trust, or a printed problem and empty. */
    Optional<NoteVerifier> verifier(PrintWriter err) {
      if (vkey.isPresent()) {
        Checked<NoteVerifier> v = NoteVerifier.parse(vkey.get());
        if (v instanceof Checked.Failed<NoteVerifier> f) {
          err.println("covenant: invalid input: --vkey: " + f.message());
          return Optional.empty();
        }
        return Optional.of(v.orThrow());
      }
      Optional<NoteSigner> signer = FileKeyStore.load(data);
      if (signer.isEmpty()) {
        err.println(
            "covenant: invalid input: no key in `" + FileKeyStore.keyFile(data) + "`; pass --vkey");
        return Optional.empty();
      }
      return Optional.of(signer.get().verifier());
    }

    /** The log, read-only, or a printed problem and empty. */
    Optional<TiledLog> open(PrintWriter err) {
      Optional<NoteVerifier> v = verifier(err);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(TiledLog.openReadOnly(data, v.get()));
      } catch (LogException e) {
        err.println("covenant: " + e.getMessage());
        return Optional.empty();
      }
    }
  }

  /** {@code log key}. */
  @Command(
      name = "key",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the verifier key to give auditors.",
        "The key is `<name>+<8 hex key id>+<base64 key>` (C2SP signed-note). Anyone holding it "
            + "can check checkpoints, proofs and receipts without trusting Covenant. Generates "
            + "the signing key (DIR/keys/log.key, mode 600) when the directory has none."
      })
  static final class Key implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--data",
        paramLabel = "DIR",
        required = true,
        description = "The data directory.")
    Path data;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        defaultValue = FileKeyStore.DEFAULT_NAME,
        description = "Key name and log origin for a new key (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.println(FileKeyStore.loadOrCreate(data, name).verifier().keyText());
      out.flush();
      return 0;
    }
  }

  /** {@code log checkpoint}. */
  @Command(
      name = "checkpoint",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the latest signed tree head.",
        "Exactly as served at DIR/log/checkpoint: origin, tree size, base64 root, a blank line "
            + "and the signature line. Exits 1 if it does not verify with the key."
      })
  static final class ShowCheckpoint implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Source source;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Optional<NoteVerifier> v = source.verifier(err);
      if (v.isEmpty()) {
        return 2;
      }
      Path file = DataDirectory.at(source.data).logDir().resolve(TilePaths.CHECKPOINT);
      String note;
      try {
        note = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("covenant: invalid input: cannot read `" + file + "`");
        return 2;
      }
      Checked<SignedCheckpoint> opened = SignedCheckpoint.open(note, v.get());
      if (opened instanceof Checked.Failed<SignedCheckpoint> f) {
        err.println("covenant: " + f.code() + ": `" + file + "`: " + f.message());
        return 1;
      }
      out.print(note);
      out.flush();
      return 0;
    }
  }

  /** {@code log verify}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Audits every leaf, tile and checkpoint from scratch.",
        "Rehashes every leaf from the entry bundles, rebuilds every tile and the root, checks it "
            + "against the signed checkpoint, then checks every stored checkpoint's signature "
            + "and its consistency with the next (RFC 9162 §2.1.4). Prints one JSON line; exits "
            + "0 when all holds, 1 naming the first bad file and leaf."
      })
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Source source;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Optional<NoteVerifier> v = source.verifier(spec.commandLine().getErr());
      if (v.isEmpty()) {
        return 2;
      }
      LogVerification result =
          LogVerifier.create(v.get())
              .verify(source.data, new VerifyProgress(spec.commandLine().getErr()));
      ObjectNode o = Json.object();
      o.put("ok", result.ok());
      if (result instanceof LogVerification.Passed p) {
        o.put("size", p.size());
        o.put("leaves", p.leaves());
        o.put("tiles", p.tiles());
        o.put("checkpoints", p.checkpoints());
      } else {
        LogVerification.Failed f = (LogVerification.Failed) result;
        o.put("code", f.code());
        o.put("file", DataDirectory.at(source.data).logDir().resolve(f.file()).toString());
        f.leafIndex().ifPresent(i -> o.put("leaf_index", i));
        o.put("message", f.message());
      }
      out.println(Json.line(o));
      out.flush();
      return result.ok() ? 0 : 1;
    }
  }

  /**
   * Progress of {@code log verify} on stderr: a line every 1M leaves or 5 s, so a short audit
   * prints nothing and a long one shows it is moving.
   */
  static final class VerifyProgress implements java.util.function.LongConsumer {
    private static final long EVERY_LEAVES = 1_000_000;
    private static final long EVERY_NANOS = 5_000_000_000L;
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private long lastLeaves;
    private long lastNanos = start;

    VerifyProgress(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void accept(long leaves) {
      long now = System.nanoTime();
      if (leaves - lastLeaves < EVERY_LEAVES && now - lastNanos < EVERY_NANOS) {
        return;
      }
      lastLeaves = leaves;
      lastNanos = now;
      double s = (now - start) / 1e9;
      err.printf(java.util.Locale.ROOT, "log verify: %,d leaves rehashed, %,.0f leaves/s%n",
          leaves, leaves / Math.max(s, 1e-3));
      err.flush();
    }
  }

  /** {@code log proof}. */
  @Command(
      name = "proof",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the proof that leaf I is in the tree.",
        "The inclusion proof (RFC 9162 §2.1.3) of leaf I in the tree of N leaves as JSON: the "
            + "leaf hash, the root and the audit path, base64. N defaults to the latest size, "
            + "and then the signed checkpoint is included so the proof stands on its own."
      })
  static final class Proof implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Source source;

    @Option(
        names = "--index",
        paramLabel = "I",
        required = true,
        description = "0-based leaf index.")
    long index;

    @Option(names = "--size", paramLabel = "N", description = "Tree size (default: the latest).")
    Optional<Long> size;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      Optional<TiledLog> opened = source.open(err);
      if (opened.isEmpty()) {
        return 2;
      }
      try (TiledLog log = opened.get()) {
        long n = size.orElse(log.size());
        if (n < 1 || n > log.size() || index < 0 || index >= n) {
          err.println(
              "covenant: invalid input: need 0 <= --index < --size <= "
                  + log.size()
                  + ", got index "
                  + index
                  + " and size "
                  + n);
          return 2;
        }
        InclusionProof proof = log.inclusionProof(index, n);
        ObjectNode o = Json.object();
        o.put("leaf_index", index);
        o.put("tree_size", n);
        o.put("leaf_hash", log.leafHash(index).base64());
        o.put("root", log.root(n).base64());
        hashes(o.putArray("inclusion_proof"), proof.path());
        if (n == log.size()) {
          o.put("checkpoint", log.checkpoint().note());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(Json.pretty(o));
        out.flush();
        return 0;
      }
    }
  }

  /** {@code log consistency}. */
  @Command(
      name = "consistency",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the proof that the log only grew from size M.",
        "The consistency proof (RFC 9162 §2.1.4) from the tree of M leaves to that of N: the "
            + "later tree extends the earlier without rewriting it. N defaults to the latest "
            + "size. A witness holding an old checkpoint checks a new one with it."
      })
  static final class Consistency implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Source source;

    @Option(names = "--from", paramLabel = "M", required = true, description = "The earlier size.")
    long from;

    @Option(names = "--to", paramLabel = "N", description = "The later size (default: the latest).")
    Optional<Long> to;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      Optional<TiledLog> opened = source.open(err);
      if (opened.isEmpty()) {
        return 2;
      }
      try (TiledLog log = opened.get()) {
        long n = to.orElse(log.size());
        if (from < 0 || from > n || n > log.size()) {
          err.println(
              "covenant: invalid input: need 0 <= --from <= --to <= "
                  + log.size()
                  + ", got from "
                  + from
                  + " and to "
                  + n);
          return 2;
        }
        ConsistencyProof proof = log.consistencyProof(from, n);
        ObjectNode o = Json.object();
        o.put("from_size", from);
        o.put("to_size", n);
        o.put("from_root", log.root(from).base64());
        o.put("to_root", log.root(n).base64());
        hashes(o.putArray("consistency_proof"), proof.path());
        PrintWriter out = spec.commandLine().getOut();
        out.println(Json.pretty(o));
        out.flush();
        return 0;
      }
    }
  }

  private static void hashes(ArrayNode array, List<Hash> path) {
    path.forEach(h -> array.add(h.base64()));
  }
}
