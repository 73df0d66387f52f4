package org.covenant.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.covenant.core.spi.StoredEvent;
import org.covenant.log.FileKeyStore;
import org.covenant.log.MerkleTree;
import org.covenant.log.TiledLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetBuildTest {
  static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");
  static final Instant NOW = Instant.parse("2025-01-02T00:00:00Z");

  @TempDir Path dir;

  @Test
  void build_countsAddUp_rootMatchesTheIds_andOneLeafIsLogged() throws IOException {
    CorpusGenerator.Generated g = CorpusGenerator.generate(CorpusGenerator.Spec.of(20_000, 120, 11));
    List<StoredEvent> ledger = TestWorlds.ledger(g.events());
    Path corpusFile = dir.resolve("c.corpus");
    CorpusFile.write(g.corpus(), corpusFile);
    Path data = dir.resolve("data");
    Path out = dir.resolve("ds");
    DatasetManifest m = TestWorlds.ok(DatasetBuilder.build(
        new DatasetBuilder.Request(corpusFile, "ai.training", AT, out, 2),
        TestWorlds.index(ledger), BuildLog.dataDir(data), Progress.none(), NOW));

    assertThat(m.records()).isEqualTo(20_000);
    long excluded = 0;
    for (var e : m.json().path("excluded_by_reason").properties()) {
      excluded += e.getValue().asLong();
    }
    assertThat(m.included() + excluded).isEqualTo(m.records());
    assertThat(m.included()).isPositive();
    assertThat(excluded).isPositive();

    List<String> ids = Files.readAllLines(out.resolve(DatasetManifest.IDS));
    assertThat(ids).hasSize((int) m.included());
    MerkleTree tree = MerkleTree.create();
    ids.forEach(id -> tree.append(id.getBytes(StandardCharsets.UTF_8)));
    assertThat(m.includedRoot()).isEqualTo(tree.root().hex());
    String sha = org.covenant.core.Sha256.hex(Files.readAllBytes(out.resolve(DatasetManifest.IDS)));
    assertThat(m.json().path("included_ids").path("sha256").asText()).isEqualTo(sha);

    ContentCorpus subset = TestWorlds.ok(CorpusFile.read(out.resolve(DatasetManifest.CORPUS)));
    assertThat(subset.size()).isEqualTo(ids.size());
    for (int i = 0; i < subset.size(); i++) {
      assertThat(subset.id(i)).isEqualTo(ids.get(i));
    }

    try (TiledLog log = TiledLog.openReadOnly(data,
        FileKeyStore.load(data).orElseThrow().verifier())) {
      assertThat(log.size()).isEqualTo(1);
      assertThat(new String(log.leaf(m.logIndex()), StandardCharsets.UTF_8))
          .isEqualTo(m.json().path("log").path("leaf").asText())
          .contains("\"included_root\":\"" + m.includedRoot() + "\"");
    }
    DatasetManifest back = TestWorlds.ok(DatasetManifest.read(out));
    assertThat(back.build()).isEqualTo(m.build());
    assertThat(back.consents()).containsExactly("ai_training");
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList())
          .isEmpty();
    }
  }

  @Test
  void badRequests_areProblems_andWriteNothing() throws IOException {
    CorpusGenerator.Generated g = CorpusGenerator.generate(CorpusGenerator.Spec.of(500, 10, 5));
    LedgerIndex index = TestWorlds.index(TestWorlds.ledger(g.events()));
    Path corpusFile = dir.resolve("c.corpus");
    CorpusFile.write(g.corpus(), corpusFile);
    Path data = dir.resolve("data");
    assertThat(TestWorlds.problems(DatasetBuilder.build(new DatasetBuilder.Request(corpusFile,
        "ai.trainin", AT, dir.resolve("x"), 1), index, BuildLog.dataDir(data), Progress.none(),
        NOW))).contains("unknown purpose `ai.trainin`");
    assertThat(TestWorlds.problems(DatasetBuilder.build(new DatasetBuilder.Request(corpusFile,
        "service.recording", AT, dir.resolve("x"), 1), index, BuildLog.dataDir(data),
        Progress.none(), NOW))).contains("setting: recording.cloud");
    // A corpus whose owner is not on the platform.
    List<StoredEvent> fewer = new ArrayList<>();
    for (StoredEvent e : TestWorlds.ledger(g.events())) {
      fewer.add(e);
    }
    LedgerIndex.Builder b = LedgerIndex.builder(TestWorlds.CATALOG);
    fewer.subList(0, 3).forEach(b::accept);
    assertThat(TestWorlds.problems(DatasetBuilder.build(new DatasetBuilder.Request(corpusFile,
        "ai.training", AT, dir.resolve("x"), 1), TestWorlds.ok(b.build()),
        BuildLog.dataDir(data), Progress.none(), NOW)))
        .contains("c.corpus").contains("record ").contains("unknown account");
    Files.createDirectories(dir.resolve("exists"));
    assertThat(TestWorlds.problems(DatasetBuilder.build(new DatasetBuilder.Request(corpusFile,
        "ai.training", AT, dir.resolve("exists"), 1), index, BuildLog.dataDir(data),
        Progress.none(), NOW))).contains("already exists");
    assertThat(Files.exists(dir.resolve("x"))).isFalse();
    assertThat(Files.exists(data.resolve("log"))).isFalse();
  }
}
