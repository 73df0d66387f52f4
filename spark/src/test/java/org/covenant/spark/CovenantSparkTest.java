package org.covenant.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.training.BatchKernel;
import org.covenant.training.BatchOutcome;
import org.covenant.training.BuildLog;
import org.covenant.training.ContentCorpus;
import org.covenant.training.CorpusGenerator;
import org.covenant.training.DatasetBuilder;
import org.covenant.training.LedgerIndex;
import org.covenant.training.Progress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CovenantSpark#decide} and the registered SQL function give every record the decision
 * the in-process kernel gives it, for each consent-gated purpose; bad input is refused before a
 * job decides anything, with the column named.
 */
class CovenantSparkTest {
  @TempDir static Path dir;
  static ContentCorpus corpus;
  static LedgerIndex ledger;
  static Dataset<Row> records;
  static SparkSession spark;

  @BeforeAll
  static void corpus() {
    CorpusGenerator.Generated g = CorpusGenerator.generate(CorpusGenerator.Spec.of(5_000, 60, 5));
    corpus = g.corpus();
    ledger = LocalSpark.index(g.events());
    Path parquet = dir.resolve("c.parquet");
    CorpusParquet.write(corpus, parquet);
    spark = LocalSpark.session();
    records = spark.read().parquet(parquet.toString());
  }

  /** The in-process kernel's outcome for every record, by record index. */
  static List<BatchOutcome> expected(String purpose) {
    BatchKernel k = LocalSpark.ok(BatchKernel.compile(ledger,
        Vocabulary.purpose(purpose).orElseThrow(), TimeKey.of(LocalSpark.AT)));
    BatchKernel.Plan plan = LocalSpark.ok(k.bind(corpus));
    BatchKernel.Tally t = plan.evaluateAll(1, n -> {});
    List<BatchOutcome> out = new java.util.ArrayList<>();
    for (short id : t.outcomes()) {
      out.add(plan.outcome(id));
    }
    return out;
  }

  static void assertSame(List<Row> rows, List<BatchOutcome> expected, String purpose) {
    assertThat(rows).hasSize(expected.size());
    int allowed = 0;
    for (Row r : rows) {
      int i = (int) r.getLong(0);
      BatchOutcome o = expected.get(i);
      String what = purpose + " record " + i;
      assertThat(r.getString(1)).as(what).isEqualTo(o.verdict().id());
      assertThat(r.getString(2)).as(what).isEqualTo(o.allowed() ? null : o.reasonCode());
      assertThat(r.<String>getList(3)).as(what).isEqualTo(o.clauses());
      assertThat(r.getString(4)).as(what).isEqualTo(o.basis().map(b -> b.id()).orElse(null));
      assertThat(r.<String>getList(5)).as(what)
          .isEqualTo(o.obligations().stream().map(x -> x.name()).toList());
      allowed += o.allowed() ? 1 : 0;
    }
    assertThat(allowed).as(purpose + ": some allowed").isPositive();
    assertThat(allowed).as(purpose + ": some denied").isLessThan(rows.size());
  }

  @Test
  void decide_addsTheKernelsDecisionToEveryRecord() {
    for (String purpose : List.of("ai.training", "product.improvement")) {
      Dataset<Row> d = LocalSpark.ok(CovenantSpark.decide(records, "corpus", ledger, purpose,
          LocalSpark.AT));
      List<Row> rows = d.select(col("record"), col("verdict"), col("reason"), col("clauses"),
          col("basis"), col("obligations")).collectAsList();
      assertSame(rows, expected(purpose), purpose);
      // The input's columns are carried through.
      assertThat(d.columns()).contains("id", "meeting", "author", "verdict", "obligations");
    }
  }

  @Test
  void sqlFunction_givesTheSameDecisions() {
    LocalSpark.ok(CovenantSpark.register(spark, "covenant_decide", ledger, "ai.training",
        LocalSpark.AT));
    records.createOrReplaceTempView("corpus");
    List<Row> rows = spark.sql("SELECT record, d.verdict, d.reason, d.clauses, d.basis,"
        + " d.obligations FROM (SELECT record, covenant_decide(category, owner, contributors,"
        + " created) AS d FROM corpus)").collectAsList();
    assertSame(rows, expected("ai.training"), "ai.training (SQL)");
  }

  @Test
  void timestampCapturesDecideLikeNanoseconds() {
    // created as a Spark timestamp (microseconds) where the corpus's times are whole seconds.
    Dataset<Row> asTimestamp = records.withColumn("created",
        col("created").divide(lit(1_000_000_000L)).cast("timestamp"));
    long same = LocalSpark.ok(CovenantSpark.decide(asTimestamp, "corpus", ledger,
        "ai.training", LocalSpark.AT)).select("record", "verdict", "reason")
        .exceptAll(LocalSpark.ok(CovenantSpark.decide(records, "corpus", ledger, "ai.training",
            LocalSpark.AT)).select("record", "verdict", "reason")).count();
    assertThat(same).isZero();
  }

  @Test
  void badInput_isRefusedWithTheColumnNamed() {
    assertThat(LocalSpark.problems(CovenantSpark.decide(records.drop("owner"), "corpus", ledger,
        "ai.training", LocalSpark.AT))).contains("column `owner`", "missing");
    assertThat(LocalSpark.problems(CovenantSpark.decide(
        records.withColumn("created", col("created").cast("string")), "corpus", ledger,
        "ai.training", LocalSpark.AT)))
        .contains("column `created`", "is string, expected timestamp or bigint");
    assertThat(LocalSpark.problems(CovenantSpark.decide(records.withColumn("category",
        lit("customer_content.smell")), "corpus", ledger, "ai.training", LocalSpark.AT)))
        .contains("column `category`", "unknown category `customer_content.smell`");
    assertThat(LocalSpark.problems(CovenantSpark.decide(records, "corpus", ledger, "ai.tranining",
        LocalSpark.AT))).contains("unknown purpose `ai.tranining`");
  }

  @Test
  void build_refusesARecordOfAnAccountTheLedgerDoesNotHave() {
    Path parquet = dir.resolve("stranger.parquet");
    records.withColumn("owner", org.apache.spark.sql.functions.when(col("record").equalTo(7),
        lit("acct-stranger")).otherwise(col("owner"))).write().parquet(parquet.toString());
    String problems = LocalSpark.problems(SparkDatasetBuild.build(spark,
        new DatasetBuilder.Request(parquet, "ai.training", LocalSpark.AT, dir.resolve("ds"), 2,
            Optional.empty()), ledger, BuildLog.dataDir(dir.resolve("data")), Progress.none(),
        LocalSpark.NOW));
    assertThat(problems).contains("record 7", "unknown account `acct-stranger`");
    assertThat(dir.resolve("ds")).doesNotExist();
  }

  @Test
  void build_refusesACorpusTheLedgerPositionDoesNotMatch() {
    // A record captured before its account existed cannot come from this ledger's history.
    Path parquet = dir.resolve("too-early.parquet");
    records.withColumn("created", org.apache.spark.sql.functions.when(col("record").equalTo(9),
        lit(1_000_000_000L)).otherwise(col("created"))).write().parquet(parquet.toString());
    String problems = LocalSpark.problems(SparkDatasetBuild.build(spark,
        new DatasetBuilder.Request(parquet, "ai.training", LocalSpark.AT, dir.resolve("ds3"), 2,
            Optional.empty()), ledger, BuildLog.dataDir(dir.resolve("data")), Progress.none(),
        LocalSpark.NOW));
    assertThat(problems).contains("record 9", "field `created`", "1970-01-01T00:00:01Z",
        "before account `" + corpus.item(9).account() + "` existed");
    assertThat(dir.resolve("ds3")).doesNotExist();
  }

  @Test
  void build_needsTheRecordColumn_andAParquetCorpus() {
    Path noOrder = dir.resolve("no-record.parquet");
    records.drop("record").write().parquet(noOrder.toString());
    assertThat(LocalSpark.problems(SparkDatasetBuild.build(spark,
        new DatasetBuilder.Request(noOrder, "ai.training", LocalSpark.AT, dir.resolve("ds2"), 2),
        ledger, BuildLog.dataDir(dir.resolve("data")), Progress.none(), LocalSpark.NOW)))
        .contains("column `record`", "missing");
    Path twice = dir.resolve("twice.parquet");
    records.union(records.filter(col("record").equalTo(11)).withColumn("record", lit(50_000L)))
        .write().parquet(twice.toString());
    assertThat(LocalSpark.problems(SparkDatasetBuild.build(spark,
        new DatasetBuilder.Request(twice, "ai.training", LocalSpark.AT, dir.resolve("ds2"), 2),
        ledger, BuildLog.dataDir(dir.resolve("data")), Progress.none(), LocalSpark.NOW)))
        .contains("column `id`", "`" + corpus.id(11) + "` appears 2 times");
    assertThat(LocalSpark.problems(SparkDatasetBuild.build(spark,
        new DatasetBuilder.Request(dir.resolve("nothing-here"), "ai.training", LocalSpark.AT,
            dir.resolve("ds2"), 2), ledger, BuildLog.dataDir(dir.resolve("data")),
        Progress.none(), LocalSpark.NOW))).contains("nothing-here", "no such file");
  }
}
