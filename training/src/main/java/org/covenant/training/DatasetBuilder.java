package org.covenant.training;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.covenant.core.Sha256;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.Reason;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.evidence.JobLeaves;
import org.covenant.evidence.MerkleRoot;
import org.covenant.format.FileDigest;
import org.covenant.format.Json;
import org.covenant.format.Problem;
import org.covenant.format.Result;
import org.covenant.log.Hash;

/**
 * Builds a consent-filtered dataset: every corpus record decided for one purpose against one
 * ledger snapshot by the {@link BatchKernel}, the included ids written with their RFC 9162 root,
 * one leaf in the transparency log, and a manifest (ARCHITECTURE.md §5, §7).
 *
 * <p>Output directory {@code DIR2}: {@code manifest.json}, {@code included.ids} (one id per line,
 * corpus order; leaf data = the id's UTF-8 bytes), {@code included.corpus} (the included records
 * in the corpus format, for training), {@code accounts.tsv} (included records per owning and per
 * contributing account, for lineage). Everything is written into a hidden sibling directory,
 * forced to disk, and renamed to {@code DIR2} last: a directory named {@code DIR2} is always a
 * complete build. A crash after the log append leaves a leaf without a manifest, never a manifest
 * without its leaf.
 */
public final class DatasetBuilder {
  private DatasetBuilder() {}

  /**
   * A build request.
   *
   * @param corpusFile the corpus manifest file
   * @param purpose the purpose id, e.g. {@code ai.training}
   * @param at the time of use
   * @param out the dataset directory to create (must not exist)
   * @param threads kernel threads
   * @param dataDir the data directory of the ledger, recorded so later steps find the lineage
   */
  public record Request(Path corpusFile, String purpose, Instant at, Path out, int threads,
      java.util.Optional<Path> dataDir) {
    /** Validates the fields. */
    public Request {
      Objects.requireNonNull(corpusFile, "corpusFile");
      Objects.requireNonNull(purpose, "purpose");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(out, "out");
      Objects.requireNonNull(dataDir, "dataDir");
    }

    /** A request that records no data directory. */
    public Request(Path corpusFile, String purpose, Instant at, Path out, int threads) {
      this(corpusFile, purpose, at, out, threads, java.util.Optional.empty());
    }
  }

  /**
   * Runs a build. Problems (an unknown purpose, a bad corpus, an account missing from the
   * ledger, terms the kernel cannot evaluate, an existing output) come back as values.
   *
   * @param now the wall-clock time to stamp the manifest with
   * @throws TrainingException on I/O failures
   */
  public static Result<DatasetManifest> build(Request req, LedgerIndex ledger, BuildLog log,
      Progress progress, Instant now) {
    Result<Purpose> checked = check(req);
    if (checked instanceof Result.Failed<Purpose> f) {
      return new Result.Failed<>(f.problems());
    }
    var purpose = java.util.Optional.of(((Result.Ok<Purpose>) checked).value());
    CompletableFuture<String> corpusSha = CompletableFuture.supplyAsync(
        () -> sha256(req.corpusFile()));
    Result<ContentCorpus> read = CorpusFile.read(req.corpusFile());
    if (read instanceof Result.Failed<ContentCorpus> f) {
      return new Result.Failed<>(f.problems());
    }
    ContentCorpus corpus = ((Result.Ok<ContentCorpus>) read).value();
    long at = TimeKey.of(req.at());
    Result<BatchKernel> compiled = BatchKernel.compile(ledger, purpose.get(), at);
    if (compiled instanceof Result.Failed<BatchKernel> f) {
      return new Result.Failed<>(f.problems());
    }
    BatchKernel kernel = ((Result.Ok<BatchKernel>) compiled).value();
    Result<BatchKernel.Plan> bound = kernel.bind(corpus);
    if (bound instanceof Result.Failed<BatchKernel.Plan> f) {
      List<Problem> named = new ArrayList<>();
      for (Problem p : f.problems()) {
        named.add(new Problem(req.corpusFile().toString(), p.location(), p.field(), p.message()));
      }
      return new Result.Failed<>(named);
    }
    BatchKernel.Plan plan = ((Result.Ok<BatchKernel.Plan>) bound).value();
    progress.start("decide", corpus.size());
    BatchKernel.Tally tally = plan.evaluateAll(req.threads(), progress::update);
    progress.finish();
    return Result.ok(write(req, ledger, kernel, plan, tally, corpusSha.join(), log, progress,
        now));
  }

  /**
   * The request's purpose, or the problem with the request: an unknown purpose, an output that
   * already exists.
   */
  public static Result<Purpose> check(Request req) {
    var purpose = Vocabulary.purpose(req.purpose());
    if (purpose.isEmpty()) {
      return Result.failed(new Problem("request", "", "purpose", "unknown purpose `"
          + req.purpose() + "` (one of " + Vocabulary.purposes().stream().map(Purpose::id)
              .toList() + ")"));
    }
    if (Files.exists(req.out())) {
      return Result.failed(new Problem(req.out().toString(), "", "",
          "already exists: a build never overwrites another"));
    }
    return Result.ok(purpose.get());
  }

  /**
   * What an engine wrote into the build directory before the manifest.
   *
   * @param included records included
   * @param idsSha256 SHA-256 of {@code included.ids} (hex)
   * @param includedRoot RFC 9162 root of the included ids, in corpus order
   * @param owners accounts owning an included record
   * @param contributors accounts contributing to an included record
   */
  public record Written(long included, String idsSha256, Hash includedRoot, int owners,
      int contributors) {}

  /** Writes a build's records into its (hidden, not yet published) directory. */
  @FunctionalInterface
  public interface Contents {
    /** Writes into {@code dir}: {@code included.ids}, {@code accounts.tsv} and the records. */
    Written write(Path dir, Progress progress) throws IOException;
  }

  private static DatasetManifest write(Request req, LedgerIndex ledger, BatchKernel kernel,
      BatchKernel.Plan plan, BatchKernel.Tally tally, String corpusSha, BuildLog log,
      Progress progress, Instant now) {
    ContentCorpus corpus = plan.corpus();
    List<BatchOutcome> outcomes = plan.outcomes();
    boolean[] allowed = new boolean[outcomes.size()];
    long includedCount = 0;
    for (int k = 0; k < outcomes.size(); k++) {
      allowed[k] = outcomes.get(k).allowed();
      if (allowed[k]) {
        includedCount += tally.counts()[k];
      }
    }
    int[] included = new int[Math.toIntExact(includedCount)];
    short[] ids = tally.outcomes();
    int w = 0;
    for (int i = 0; i < ids.length; i++) {
      if (allowed[ids[i]]) {
        included[w++] = i;
      }
    }
    return publish(req, ledger, kernel, outcomes, tally.counts(), corpus.size(), corpusSha, log,
        progress, now, (temp, p) -> {
          p.start("write", included.length);
          CompletableFuture<Hash> root = CompletableFuture.supplyAsync(
              () -> MerkleRoot.of(included.length, k -> corpus.ids.bytes(included[k])));
          String idsSha = writeIds(corpus, included, temp.resolve(DatasetManifest.IDS), p);
          ContentCorpus subset = corpus.select(included);
          CorpusFile.write(subset, temp.resolve(DatasetManifest.CORPUS));
          int[] accountCounts = writeAccounts(corpus, included,
              temp.resolve(DatasetManifest.ACCOUNTS));
          Hash includedRoot = root.join();
          p.finish();
          return new Written(included.length, idsSha, includedRoot, accountCounts[0],
              accountCounts[1]);
        });
  }

  /**
   * Publishes a build whose records were decided by {@code kernel}'s outcomes, here or by another
   * engine (a Spark job): {@code contents} writes the records into a hidden directory; then the
   * log leaf is appended, the manifest written, everything forced to disk and the directory
   * renamed to {@code req.out()}. The manifest is the same document whichever engine decided.
   *
   * @param outcomes outcome ids to outcomes
   * @param counts records per outcome id
   * @param records records in the corpus
   * @param corpusSha SHA-256 of the corpus (hex)
   * @throws TrainingException on I/O failures
   */
  public static DatasetManifest publish(Request req, LedgerIndex ledger, BatchKernel kernel,
      List<BatchOutcome> outcomes, long[] counts, long records, String corpusSha, BuildLog log,
      Progress progress, Instant now, Contents contents) {
    Path out = req.out().toAbsolutePath();
    Path temp = out.resolveSibling("." + out.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(temp);
      Written written = contents.write(temp, progress);
      long includedCount = written.included();
      String idsSha = written.idsSha256();
      Hash includedRoot = written.includedRoot();
      int[] accountCounts = {written.owners(), written.contributors()};

      String build = UUID.randomUUID().toString();
      byte[] leafBytes = JobLeaves.datasetBuild(build, kernel.purpose().id(), req.at(),
          ledger.position(), ledger.catalog().revision(), corpusSha, records, includedCount,
          includedRoot.hex(), idsSha);
      BuildLog.Entry entry = log.append(leafBytes);

      ObjectNode m = manifest(req, ledger, kernel, outcomes, counts, records, corpusSha, now,
          includedCount, idsSha, includedRoot, accountCounts, build, leafBytes, entry);
      Path manifestFile = temp.resolve(DatasetManifest.FILE);
      Files.writeString(manifestFile, Json.pretty(m) + "\n", StandardCharsets.UTF_8);
      Path root = temp;
      try (Stream<Path> files = Files.walk(temp)) {
        for (Path f : files.filter(f -> !f.equals(root)).toList()) {
          force(f, Files.isDirectory(f));
        }
      }
      force(temp, true);
      Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
      force(out.getParent(), true);
      temp = null;
      return new DatasetManifest(build, kernel.purpose().id(), req.at(), ledger.position(),
          kernel.consents().stream().map(ConsentType::id).toList(), records, includedCount,
          includedRoot.hex(), entry.index(), m);
    } catch (IOException e) {
      throw new TrainingException("dataset_io", "cannot write the build to `" + out + "`: "
          + e.getMessage(), e);
    } finally {
      if (temp != null) {
        deleteTree(temp);
      }
    }
  }

  private static ObjectNode manifest(Request req, LedgerIndex ledger, BatchKernel kernel,
      List<BatchOutcome> outcomes, long[] tally, long records, String corpusSha, Instant now,
      long includedCount, String idsSha, Hash includedRoot, int[] accountCounts, String build,
      byte[] leafBytes, BuildLog.Entry entry) {
    ObjectNode m = Json.object();
    m.put("format", DatasetManifest.FORMAT);
    m.put("build", build);
    m.put("purpose", kernel.purpose().id());
    m.put("at", req.at().toString());
    m.put("created", now.toString());
    req.dataDir().ifPresent(d -> m.put("data_dir", d.toAbsolutePath().normalize().toString()));
    ObjectNode l = m.putObject("ledger");
    l.put("position", ledger.position());
    l.put("accounts", ledger.accounts());
    if (ledger.lastAt() != Long.MIN_VALUE) {
      l.put("last_event_at", TimeKey.toInstant(ledger.lastAt()).toString());
    }
    m.put("policy_revision", ledger.catalog().revision());
    ObjectNode terms = m.putObject("terms");
    for (TermsVersion v : ledger.versions()) {
      terms.put(v.name(), v.revision());
    }
    ArrayNode consents = m.putArray("consents");
    kernel.consents().forEach(c -> consents.add(c.id()));
    ObjectNode c = m.putObject("corpus");
    c.put("file", req.corpusFile().toAbsolutePath().toString());
    c.put("sha256", corpusSha);
    c.put("records", records);
    ObjectNode counts = m.putObject("counts");
    counts.put("records", records);
    counts.put("included", includedCount);
    counts.put("excluded", records - includedCount);
    Map<String, Long> byReason = new TreeMap<>();
    Map<String, Long> byReasons = new TreeMap<>();
    Map<String, Long> byBasis = new TreeMap<>();
    for (int k = 0; k < outcomes.size(); k++) {
      long n = tally[k];
      if (n == 0) {
        continue;
      }
      BatchOutcome o = outcomes.get(k);
      if (o.allowed()) {
        byBasis.merge(o.basis().orElseThrow().id(), n, Long::sum);
      } else {
        byReason.merge(o.reasonCode(), n, Long::sum);
        byReasons.merge(String.join(",", o.reasons().stream().map(Reason::code).toList()), n,
            Long::sum);
      }
    }
    ObjectNode r = m.putObject("excluded_by_reason");
    byReason.forEach(r::put);
    ObjectNode rs = m.putObject("excluded_by_reasons");
    byReasons.forEach(rs::put);
    ObjectNode b = m.putObject("included_by_basis");
    byBasis.forEach(b::put);
    ArrayNode os = m.putArray("outcomes");
    List<Integer> order = new ArrayList<>();
    for (int k = 0; k < outcomes.size(); k++) {
      if (tally[k] > 0) {
        order.add(k);
      }
    }
    order.sort(Comparator.comparingLong((Integer k) -> -tally[k]));
    for (int k : order) {
      BatchOutcome o = outcomes.get(k);
      ObjectNode on = os.addObject();
      on.put("records", tally[k]);
      on.put("verdict", o.verdict().id());
      ArrayNode reasons = on.putArray("reasons");
      o.reasons().forEach(x -> reasons.add(x.code()));
      o.basis().ifPresent(x -> on.put("basis", x.id()));
      ArrayNode clauses = on.putArray("clauses");
      o.clauses().forEach(clauses::add);
      ArrayNode obligations = on.putArray("obligations");
      o.obligations().forEach(x -> obligations.add(x.name()));
      on.put("policy_revision", o.policyRevision());
    }
    ObjectNode ids = m.putObject("included_ids");
    ids.put("file", DatasetManifest.IDS);
    ids.put("count", includedCount);
    ids.put("sha256", idsSha);
    ids.put("merkle_root", includedRoot.hex());
    ids.put("leaf", "RFC 9162 leaf hash of the UTF-8 bytes of each id, in file order");
    ObjectNode accounts = m.putObject("accounts");
    accounts.put("file", DatasetManifest.ACCOUNTS);
    accounts.put("owners", accountCounts[0]);
    accounts.put("contributors", accountCounts[1]);
    ObjectNode lg = m.putObject("log");
    lg.put("leaf_index", entry.index());
    lg.put("leaf", new String(leafBytes, StandardCharsets.UTF_8));
    lg.put("checkpoint_before", entry.checkpointBefore());
    lg.put("checkpoint", entry.checkpoint());
    return m;
  }

  private static String writeIds(ContentCorpus corpus, int[] included, Path file, Progress progress)
      throws IOException {
    MessageDigest sha = Sha256.newDigest();
    byte[] blob = corpus.ids.blob();
    int[] off = corpus.ids.offsets();
    try (OutputStream o = new DigestOutputStream(new BufferedOutputStream(
        Files.newOutputStream(file), 1 << 20), sha)) {
      for (int k = 0; k < included.length; k++) {
        int i = included[k];
        o.write(blob, off[i], off[i + 1] - off[i]);
        o.write('\n');
        if ((k & 0xfffff) == 0) {
          progress.update(k);
        }
      }
    }
    return Sha256.hex(sha);
  }

  /** Writes accounts.tsv; returns {owners, contributors} counts. */
  private static int[] writeAccounts(ContentCorpus corpus, int[] included, Path file) throws IOException {
    int na = corpus.accounts.size();
    long[] owned = new long[na];
    long[] contributed = new long[na];
    for (int i : included) {
      owned[corpus.account[i]]++;
      for (int k = corpus.contributorStart[i]; k < corpus.contributorStart[i + 1]; k++) {
        contributed[corpus.contributors[k]]++;
      }
    }
    return writeAccounts(file, na, corpus.accounts::get, owned, contributed);
  }

  /**
   * Writes {@code accounts.tsv} from per-account counts (accounts with neither are left out), in
   * account id order; returns {owners, contributors} counts.
   *
   * @param na accounts
   * @param names account {@code a}'s id
   * @param owned included records owned by account {@code a}
   * @param contributed included records account {@code a} contributed to
   */
  public static int[] writeAccounts(Path file, int na, java.util.function.IntFunction<String> names,
      long[] owned, long[] contributed) throws IOException {
    Integer[] order = new Integer[na];
    for (int a = 0; a < na; a++) {
      order[a] = a;
    }
    java.util.Arrays.sort(order, Comparator.comparing(names::apply));
    int owners = 0;
    int contributors = 0;
    StringBuilder sb = new StringBuilder("account\towned\tcontributed\n");
    for (int a : order) {
      if (owned[a] == 0 && contributed[a] == 0) {
        continue;
      }
      owners += owned[a] > 0 ? 1 : 0;
      contributors += contributed[a] > 0 ? 1 : 0;
      sb.append(names.apply(a)).append('\t').append(owned[a]).append('\t')
          .append(contributed[a]).append('\n');
    }
    Files.writeString(file, sb, StandardCharsets.UTF_8);
    return new int[] {owners, contributors};
  }

  /** SHA-256 of a file, hex. */
  static String sha256(Path file) {
    try {
      return FileDigest.sha256(file);
    } catch (IOException e) {
      // The corpus reader reports a missing or unreadable file as a problem.
      return "";
    }
  }

  private static void force(Path p, boolean directory) throws IOException {
    try (FileChannel ch = FileChannel.open(p, directory ? StandardOpenOption.READ
        : StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (IOException e) {
      if (!directory) {
        throw e;
      }
      // Some file systems cannot open a directory for fsync; the rename is still atomic.
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // best effort: a hidden temporary directory never looks like a build
    }
  }
}
