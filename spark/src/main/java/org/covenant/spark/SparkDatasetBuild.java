package org.covenant.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Purpose;
import org.covenant.evidence.MerkleRoot;
import org.covenant.format.Problem;
import org.covenant.format.Result;
import org.covenant.training.BatchKernel;
import org.covenant.training.BuildLog;
import org.covenant.training.DatasetBuilder;
import org.covenant.training.DatasetManifest;
import org.covenant.training.KernelTables;
import org.covenant.training.LedgerIndex;
import org.covenant.training.Progress;
import org.covenant.training.TrainingException;

/**
 * {@code dataset build --engine spark}: the {@link DatasetBuilder}'s build with the records
 * decided by a Spark job over a Parquet corpus ({@link CorpusParquet}'s columns; docs/spark.md).
 *
 * <p>The driver compiles the kernel over the ledger's accounts and broadcasts its tables; the
 * executors decide every record (a function of its four input columns) and count records per outcome; the records of
 * an unknown account or created before their account existed refuse the build, as in process.
 * The included records are written by the executors as Parquet ({@code included.parquet/}); the
 * included ids stream to the driver in corpus order ({@code record}), which writes
 * {@code included.ids} and its RFC 9162 root; per-account counts are aggregated by Spark. Then
 * {@link DatasetBuilder#publish} logs the leaf and writes the same manifest as an in-process
 * build: on the same corpus and ledger, the counts, histograms, outcomes, ids and root are
 * identical. The corpus digest is the SHA-256 of the Parquet files, in name order.
 */
public final class SparkDatasetBuild {
  /** The included records, as Parquet, inside the dataset directory. */
  public static final String RECORDS = "included.parquet";

  private SparkDatasetBuild() {}

  /**
   * Runs a build on {@code spark}; {@code req.corpusFile()} is a Parquet file or directory.
   * Problems come back as values, before any job decides a record when they are in the request
   * or the corpus's columns.
   *
   * @throws TrainingException on I/O failures
   */
  public static Result<DatasetManifest> build(SparkSession spark, DatasetBuilder.Request req,
      LedgerIndex ledger, BuildLog log, Progress progress, Instant now) {
    Result<Purpose> checked = DatasetBuilder.check(req);
    if (checked instanceof Result.Failed<Purpose> f) {
      return new Result.Failed<>(f.problems());
    }
    String source = req.corpusFile().toString();
    if (!Files.exists(req.corpusFile())) {
      return Result.failed(new Problem(source, "", "", "no such file or directory"));
    }
    Dataset<Row> records;
    try {
      records = spark.read().parquet(req.corpusFile().toAbsolutePath().toString());
    } catch (RuntimeException e) {
      return Result.failed(new Problem(source, "", "", "not a Parquet corpus: "
          + firstLine(e.getMessage())));
    }
    Result<Decider> d = CovenantSpark.decider(records, source, true, ledger, req.purpose(),
        req.at());
    if (d instanceof Result.Failed<Decider> f) {
      return new Result.Failed<>(f.problems());
    }
    Decider decider = ((Result.Ok<Decider>) d).value();
    List<Problem> repeated = repeated(records, source);
    if (!repeated.isEmpty()) {
      return new Result.Failed<>(repeated);
    }
    BatchKernel kernel = decider.kernel();
    List<org.covenant.training.BatchOutcome> outcomes = decider.outcomes();

    // Not cached: a scan of the input and the kernel cost less than materializing every column.
    Dataset<Row> decided = withOutcome(records, decider);
    progress.start("decide", 0);
    long[] counts = new long[outcomes.size()];
    long total = 0;
    for (Row r : decided.groupBy("outcome").count().collectAsList()) {
      int k = r.getInt(0);
      long n = r.getLong(1);
      if (k < 0) {
        return Result.failed(refusal(decided, source, k, ledger));
      }
      counts[k] = n;
      total += n;
    }
    progress.finish();
    Dataset<Row> included = decided.filter(col("outcome").isin(decider.allowedIds().toArray()));
    return Result.ok(DatasetBuilder.publish(req, ledger, kernel, outcomes, counts, total,
        sha256(req.corpusFile()), log, progress, now, (dir, p) -> write(included, dir, p)));
  }

  /** {@code records} with an {@code outcome} column: the kernel's outcome id, or a refusal. */
  static Dataset<Row> withOutcome(Dataset<Row> records, Decider decider) {
    return records.withColumn("outcome", CovenantSpark.outcome(decider)
        .apply(CovenantSpark.inputs()));
  }

  /**
   * A repeated content id or record position, named (the corpus file refuses the first; a build
   * counts every record once and orders them by position). One job, grouping the two columns.
   */
  private static List<Problem> repeated(Dataset<Row> records, String source) {
    List<Problem> out = new ArrayList<>();
    for (String column : List.of("id", "record")) {
      List<Row> twice = records.groupBy(column).count().filter(col("count").gt(1))
          .orderBy(column).limit(1).collectAsList();
      if (!twice.isEmpty()) {
        out.add(new Problem(source, "column `" + column + "`", column, "`" + twice.get(0).get(0)
            + "` appears " + twice.get(0).getLong(1) + " times: each record must have its own"));
      }
    }
    return out;
  }

  /** The problem naming the first record (in corpus order) the ledger could not hold. */
  private static Problem refusal(Dataset<Row> decided, String source, int k, LedgerIndex ledger) {
    Row r = decided.filter(col("outcome").equalTo(k)).orderBy("record")
        .select("record", "id", "owner", "created").first();
    String at = "record " + r.getLong(0) + " (`" + r.getString(1) + "`)";
    if (k == KernelTables.UNKNOWN_ACCOUNT) {
      return new Problem(source, at, "owner", "unknown account `" + r.getString(2)
          + "`: not in the ledger at position " + ledger.position());
    }
    int a = ledger.account(r.getString(2));
    return new Problem(source, at, "created", "created at "
        + TimeKey.toInstant(Decider.timeKey(r.get(3))) + ", before account `" + r.getString(2)
        + "` existed (" + TimeKey.toInstant(ledger.createdAt(a)) + ")");
  }

  private static DatasetBuilder.Written write(Dataset<Row> included, Path dir, Progress progress)
      throws IOException {
    included.drop("outcome").write().parquet(dir.resolve(RECORDS).toString());
    MessageDigest sha = sha();
    MerkleRoot root = new MerkleRoot();
    long n = 0;
    progress.start("ids", 0);
    try (OutputStream o = new DigestOutputStream(new BufferedOutputStream(
        Files.newOutputStream(dir.resolve(DatasetManifest.IDS)), 1 << 20), sha)) {
      Iterator<Row> ids = included.select("record", "id").orderBy("record").select("id")
          .toLocalIterator();
      while (ids.hasNext()) {
        byte[] id = ids.next().getString(0).getBytes(StandardCharsets.UTF_8);
        o.write(id);
        o.write('\n');
        root.add(id);
        if ((++n & 0xfffff) == 0) {
          progress.update(n);
        }
      }
    }
    progress.finish();
    Map<String, long[]> perAccount = new TreeMap<>();
    for (Row r : included.groupBy("owner").count().collectAsList()) {
      perAccount.computeIfAbsent(r.getString(0), x -> new long[2])[0] = r.getLong(1);
    }
    for (Row r : included.select(explode(col("contributors")).as("account")).groupBy("account")
        .count().collectAsList()) {
      perAccount.computeIfAbsent(r.getString(0), x -> new long[2])[1] = r.getLong(1);
    }
    List<String> names = new ArrayList<>(perAccount.keySet());
    long[] owned = new long[names.size()];
    long[] contributed = new long[names.size()];
    for (int a = 0; a < names.size(); a++) {
      owned[a] = perAccount.get(names.get(a))[0];
      contributed[a] = perAccount.get(names.get(a))[1];
    }
    int[] accounts = DatasetBuilder.writeAccounts(dir.resolve(DatasetManifest.ACCOUNTS),
        names.size(), names::get, owned, contributed);
    return new DatasetBuilder.Written(n, HexFormat.of().formatHex(sha.digest()), root.root(),
        accounts[0], accounts[1]);
  }

  /** SHA-256 of a file, or of a directory's data files in name order (hidden files skipped). */
  static String sha256(Path corpus) {
    MessageDigest sha = sha();
    byte[] buf = new byte[1 << 20];
    try (Stream<Path> walk = Files.isDirectory(corpus) ? Files.walk(corpus) : Stream.of(corpus)) {
      for (Path f : walk.filter(Files::isRegularFile).filter(p -> {
        String name = p.getFileName().toString();
        return !name.startsWith(".") && !name.startsWith("_");
      }).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
            sha.update(buf, 0, r);
          }
        }
      }
    } catch (IOException e) {
      throw new TrainingException("corpus_io", "cannot read `" + corpus + "`: " + e.getMessage(),
          e);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha() {
    return org.covenant.core.Sha256.newDigest();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
