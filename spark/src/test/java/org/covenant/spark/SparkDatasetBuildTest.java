package org.covenant.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.covenant.training.BuildLog;
import org.covenant.training.CorpusFile;
import org.covenant.training.CorpusGenerator;
import org.covenant.training.DatasetBuilder;
import org.covenant.training.DatasetManifest;
import org.covenant.training.LedgerIndex;
import org.covenant.training.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark build and the in-process build, on the same generated corpus (columnar file and its
 * Parquet export) and ledger, publish manifests whose counts, exclusion histograms, outcomes,
 * included ids and Merkle root are identical. Size: {@code -Dcovenant.spark.records} (default
 * 200,000 in CI, where 1M took 3.4 min on this busy 2-core machine; see docs/spark.md for 1M by hand).
 */
class SparkDatasetBuildTest {
  static final int RECORDS = Integer.getInteger("covenant.spark.records", 200_000);

  @TempDir Path dir;

  @Test
  void sparkBuild_manifestEqualsTheInProcessBuild() throws IOException {
    long t0 = System.nanoTime();
    CorpusGenerator.Generated g = CorpusGenerator.generate(
        CorpusGenerator.Spec.of(RECORDS, Math.max(100, RECORDS / 200), 17));
    LedgerIndex ledger = LocalSpark.index(g.events());
    Path corpusFile = dir.resolve("c.corpus");
    CorpusFile.write(g.corpus(), corpusFile);
    Path parquet = dir.resolve("c.parquet");
    CorpusParquet.write(g.corpus(), parquet);
    Path data = dir.resolve("data");
    long t1 = System.nanoTime();

    DatasetManifest local = LocalSpark.ok(DatasetBuilder.build(
        new DatasetBuilder.Request(corpusFile, "ai.training", LocalSpark.AT, dir.resolve("a"), 2),
        ledger, BuildLog.dataDir(data), Progress.none(), LocalSpark.NOW));
    long t2 = System.nanoTime();
    SparkSession spark = LocalSpark.session();
    long t3 = System.nanoTime();
    DatasetManifest onSpark = LocalSpark.ok(SparkDatasetBuild.build(spark,
        new DatasetBuilder.Request(parquet, "ai.training", LocalSpark.AT, dir.resolve("b"), 2),
        ledger, BuildLog.dataDir(data), Progress.none(), LocalSpark.NOW));
    long t4 = System.nanoTime();
    System.err.printf("%d records: generate+write %.1f s, in-process build %.1f s, spark start"
        + " %.1f s, spark build %.1f s%n", RECORDS, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
        (t3 - t2) / 1e9, (t4 - t3) / 1e9);

    assertThat(onSpark.records()).isEqualTo(RECORDS);
    assertThat(local.included()).isPositive().isLessThan(RECORDS);
    for (String field : List.of("counts", "excluded_by_reason", "excluded_by_reasons",
        "included_by_basis", "outcomes", "included_ids", "accounts", "ledger", "terms",
        "consents", "policy_revision", "purpose", "at")) {
      JsonNode a = local.json().path(field);
      assertThat(a.isMissingNode()).as(field).isFalse();
      assertThat(onSpark.json().path(field)).as(field).isEqualTo(a);
    }
    assertThat(onSpark.includedRoot()).isEqualTo(local.includedRoot());
    assertThat(Files.mismatch(dir.resolve("a").resolve(DatasetManifest.IDS),
        dir.resolve("b").resolve(DatasetManifest.IDS))).isEqualTo(-1L);
    assertThat(Files.mismatch(dir.resolve("a").resolve(DatasetManifest.ACCOUNTS),
        dir.resolve("b").resolve(DatasetManifest.ACCOUNTS))).isEqualTo(-1L);
    // One leaf each in the same log; the included records are the Parquet output.
    assertThat(onSpark.logIndex()).isEqualTo(local.logIndex() + 1);
    List<Row> written = spark.read().parquet(dir.resolve("b").resolve(SparkDatasetBuild.RECORDS)
        .toString()).select("id").orderBy("record").limit(1000).collectAsList();
    List<String> ids = Files.readAllLines(dir.resolve("a").resolve(DatasetManifest.IDS));
    for (int i = 0; i < written.size(); i++) {
      assertThat(written.get(i).getString(0)).isEqualTo(ids.get(i));
    }
    assertThat(spark.read().parquet(dir.resolve("b").resolve(SparkDatasetBuild.RECORDS)
        .toString()).count()).isEqualTo(local.included());
  }
}
