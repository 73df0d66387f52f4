package org.covenant.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.covenant.format.Json;
import org.covenant.safety.Corpus;
import org.covenant.safety.CorpusPipeline;
import org.covenant.safety.CorpusSplit;
import org.covenant.safety.HoldoutSplit;
import org.covenant.safety.InviteScanner;
import org.covenant.safety.MessageParser;
import org.covenant.safety.Metrics;
import org.covenant.safety.ModelInfo;
import org.covenant.safety.ModelTrainer;
import org.covenant.safety.SafetyException;
import org.covenant.safety.ScanJson;
import org.covenant.safety.ScanModel;
import org.covenant.safety.TimeSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code covenant scan}: trust and safety scanning of webinar invites (the safety module). Thin:
 * every decision is made in {@code org.covenant.safety}. Exit codes: 0 done, 1 failure, 2 invalid
 * input (a bad corpus or model file, a missing file, bad arguments).
 */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = {
      "Scan one invite (a raw RFC 5322 message) for spam and fraud: prints one JSON verdict.",
      "  covenant scan --model MODEL FILE",
      "  covenant scan train --data CORPUS.jsonl.gz --out MODEL [--governed DIR]",
      "  covenant scan eval --model MODEL --data CORPUS.jsonl.gz [--all] [--split time]",
      "  covenant scan reviews --data DIR --out REVIEWED.jsonl"},
    subcommands = {ScanCommand.Train.class, ScanCommand.Eval.class, ScanCommand.Split.class,
        ReviewExport.class})
public final class ScanCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", paramLabel = "MODEL", description = "A model file from scan train.")
  Path model;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
      description = "The invite as a raw message file.")
  Path file;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (model == null || file == null) {
      spec.commandLine().usage(err);
      return 2;
    }
    try {
      InviteScanner scanner = InviteScanner.create(ScanModel.read(model));
      String raw = readMessage(file);
      PrintWriter out = spec.commandLine().getOut();
      out.println(ScanJson.write(scanner.scan(MessageParser.create().parse(raw))));
      out.flush();
      return 0;
    } catch (NoSuchFileException e) {
      return fail(err, "invalid input: message file `" + file + "` does not exist", 2);
    } catch (IOException e) {
      return fail(err, "cannot read message file `" + file + "`: " + e.getMessage(), 1);
    } catch (SafetyException e) {
      return fail(err, e);
    }
  }

  /** Mail is bytes: UTF-8 when it decodes as such, else ISO-8859-1 (every byte a char). */
  static String readMessage(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  static int fail(PrintWriter err, String message, int code) {
    err.println("covenant: " + message);
    err.flush();
    return code;
  }

  static int fail(PrintWriter err, SafetyException e) {
    boolean input = e.code().endsWith("_invalid") || e.code().endsWith("_not_found");
    return fail(err, (input ? "invalid input: " : "") + e.code() + ": " + e.getMessage(),
        input ? 2 : 1);
  }

  /**
   * The split {@code --split} and {@code --salt} name: {@code random} (default; {@code --salt}
   * draws another random 20 %) or {@code time} (the newest 20 % of each label held out; no salt).
   * Empty when they contradict each other or the kind is unknown (the message was printed).
   */
  static Optional<CorpusSplit> split(String kind, String salt, PrintWriter err) {
    if ("time".equals(kind)) {
      if (salt != null) {
        fail(err, "invalid input: --salt draws a random split; it does not go with --split time",
            2);
        return Optional.empty();
      }
      return Optional.of(TimeSplit.STANDARD);
    }
    if (!"random".equals(kind)) {
      fail(err, "invalid input: --split `" + kind + "`: use random or time", 2);
      return Optional.empty();
    }
    return Optional.of(salt == null ? HoldoutSplit.STANDARD
        : new HoldoutSplit(salt, HoldoutSplit.STANDARD.heldOutPerTenThousand()));
  }

  private static final String SPLIT_HELP = "random (default: a hash of the id holds out 20%) or "
      + "time (the newest 20% of each label by the Date header is held out).";

  /** {@code scan train}: trains on the training part of the split only. */
  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train a model on the training part of the held-out split of a corpus "
          + "(JSON lines: id, label spam|ham, text); prints one JSON line describing it.")
  static final class Train implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE.jsonl.gz")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "MODEL")
    Path out;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "logistic",
        description = "logistic (the one kind; naive_bayes was dropped: logistic regression "
            + "beat it on both splits, docs/benchmarks/safety.md).")
    String kind;

    @Option(names = "--seed", paramLabel = "N", description = "Training seed (default fixed).")
    Long seed;

    @Option(names = "--salt", paramLabel = "SALT",
        description = "Draw another 20% held-out split (default: the standard one).")
    String salt;

    @Option(names = "--split", paramLabel = "KIND", defaultValue = "random",
        description = SPLIT_HELP)
    String splitKind;

    @Option(names = "--governed", paramLabel = "DIR",
        description = "Train through the governed pipeline of this data directory: the public "
            + "corpus as a logged dataset build, invites through `dataset build` for "
            + "ai.training, the model registered as invite-scanner for lineage.")
    Path governed;

    @Option(names = "--invites-corpus", paramLabel = "FILE",
        description = "With --governed: a corpus file of customer_content.webinar_invite records.")
    Path invitesCorpus;

    @Option(names = "--invites-text", paramLabel = "FILE",
        description = "With --invites-corpus: JSON lines id, label spam|ham, text (raw message).")
    Path invitesText;

    @Option(names = "--reviews", description = "With --invites-corpus (from `scan reviews`): "
        + "learn from the reviewed invites in the --governed directory's review queue "
        + "(confirmed = spam, released = ham) that the consent-filtered build includes.")
    boolean reviews;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      if ((invitesCorpus != null || invitesText != null) && governed == null) {
        return fail(err, "invalid input: --invites-corpus and --invites-text need --governed", 2);
      }
      if (reviews && (governed == null || invitesCorpus == null || invitesText != null)) {
        return fail(err, "invalid input: --reviews needs --governed and --invites-corpus, and "
            + "replaces --invites-text", 2);
      }
      if (!reviews && (invitesCorpus == null) != (invitesText == null)) {
        return fail(err, "invalid input: give --invites-corpus and --invites-text together", 2);
      }
      Optional<CorpusSplit> chosen = split(splitKind, salt, err);
      if (chosen.isEmpty()) {
        return 2;
      }
      if (!kind.equals("logistic")) {
        return fail(err, "invalid input: --kind `" + kind + "`: the scanner trains logistic "
            + "regression only (naive_bayes was dropped, docs/benchmarks/safety.md)", 2);
      }
      ScanModel.Kind k = ScanModel.Kind.LOGISTIC;
      try {
        ModelTrainer.Options options = ModelTrainer.Options.defaults();
        if (seed != null) {
          options = options.withSeed(seed);
        }
        ScanModel m;
        ObjectNode line = Json.object();
        if (governed == null) {
          m = CorpusPipeline.create(chosen.get()).train(Corpus.read(data), options, List.of());
          m.write(out);
        } else {
          Optional<GovernedScanTraining.Trained> g = new GovernedScanTraining(governed, err)
              .train(Corpus.read(data), CorpusPipeline.create(chosen.get()), options,
                  Optional.ofNullable(invitesCorpus), reviews ? Optional.empty()
                      : Optional.ofNullable(invitesText), out);
          if (g.isEmpty()) {
            return 2;
          }
          m = g.get().model();
          line.put("name", GovernedScanTraining.MODEL_NAME);
          line.put("version", g.get().version());
          g.get().builds().forEach(line.putArray("builds")::add);
          line.put("invites", g.get().invitesUsed());
        }
        ModelInfo i = m.info();
        line.put("model", out.toString());
        line.put("kind", k.name().toLowerCase(Locale.ROOT));
        line.put("examples", i.examples());
        line.put("spam", i.spam());
        line.put("ham", i.ham());
        line.put("threshold_log_odds", i.threshold());
        line.put("bytes", Files.size(out));
        line.put("dataset", i.dataset());
        PrintWriter o = spec.commandLine().getOut();
        o.println(Json.line(line));
        o.flush();
        return 0;
      } catch (IOException e) {
        return fail(err, "cannot read model file `" + out + "`: " + e.getMessage(), 1);
      } catch (SafetyException e) {
        return fail(err, e);
      }
    }
  }

  /**
   * {@code scan eval}: scans the held-out part of the file the model was trained on, or the whole
   * of any other file.
   */
  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = {"Evaluate a model: prints one JSON object with part (held_out or all), n, "
          + "precision, recall, f1, fpr and the confusion counts tp, fp, tn, fn.",
          "On the file the model was trained on (same SHA-256) only the held-out part is scanned; "
          + "any other file is scanned whole (--all says so explicitly)."})
  static final class Eval implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE.jsonl.gz")
    Path data;

    @Option(names = "--salt", paramLabel = "SALT",
        description = "The salt the model was trained with, if not the standard split.")
    String salt;

    @Option(names = "--split", paramLabel = "KIND", defaultValue = "random",
        description = "The split the model was trained with: " + SPLIT_HELP)
    String splitKind;

    @Option(names = "--all", description = "Scan every message of a file the model was not "
        + "trained on (refused for the training file: its training part is not a test).")
    boolean all;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      Optional<CorpusSplit> chosen = split(splitKind, salt, err);
      if (chosen.isEmpty()) {
        return 2;
      }
      try {
        ScanModel read = ScanModel.read(model);
        InviteScanner scanner = InviteScanner.create(read);
        Corpus corpus = Corpus.read(data);
        boolean trainingFile = read.info().dataset().contains("sha256=" + corpus.sha256());
        if (all && trainingFile) {
          return fail(err, "invalid input: --all: model `" + model + "` was trained on part of `"
              + data + "` (sha256 " + corpus.sha256() + "); without --all its held-out part is "
              + "scanned", 2);
        }
        Metrics m = trainingFile ? CorpusPipeline.create(chosen.get()).evaluate(scanner, corpus)
            : CorpusPipeline.create(chosen.get()).evaluateAll(scanner, corpus);
        String json = m.toJson();
        PrintWriter o = spec.commandLine().getOut();
        o.println("{\"part\":\"" + (trainingFile ? "held_out" : "all") + "\","
            + json.substring(1));
        o.flush();
        return 0;
      } catch (SafetyException e) {
        return fail(spec.commandLine().getErr(), e);
      }
    }
  }

  /** {@code scan split}: the split as files, for other filters. */
  @Command(name = "split", mixinStandardHelpOptions = true,
      description = "Write the held-out split as raw messages: DIR/{train,test}/{spam,ham}/ID.eml.")
  static final class Split implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE.jsonl.gz")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--salt", paramLabel = "SALT")
    String salt;

    @Option(names = "--split", paramLabel = "KIND", defaultValue = "random",
        description = SPLIT_HELP)
    String splitKind;

    @Override
    public Integer call() {
      Optional<CorpusSplit> chosen = split(splitKind, salt, spec.commandLine().getErr());
      if (chosen.isEmpty()) {
        return 2;
      }
      try {
        CorpusSplit s = chosen.get();
        int n = CorpusPipeline.create(s).export(Corpus.read(data), out);
        ObjectNode line = Json.object();
        line.put("exported", n);
        line.put("dir", out.toString());
        line.put("split", s.describe());
        PrintWriter o = spec.commandLine().getOut();
        o.println(Json.line(line));
        o.flush();
        return 0;
      } catch (SafetyException e) {
        return fail(spec.commandLine().getErr(), e);
      }
    }
  }
}
