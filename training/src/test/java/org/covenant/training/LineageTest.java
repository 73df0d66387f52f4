package org.covenant.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The withdrawal story end to end: build, train, withdraw, see the model flagged, unlearn, and
 * the next build excludes the account.
 */
class LineageTest {
  static final Instant NOW = Instant.parse("2025-01-02T00:00:00Z");

  @TempDir Path dir;

  @Test
  void withdrawal_flagsTheModel_unlearningResolvesIt_andTheNextBuildExcludesTheAccount()
      throws IOException {
    CorpusGenerator.Generated g = CorpusGenerator.generate(CorpusGenerator.Spec.of(8_000, 60, 21));
    List<StoredEvent> ledger = new ArrayList<>(TestWorlds.ledger(g.events()));
    Path data = dir.resolve("data");
    Path corpusFile = dir.resolve("c.corpus");
    CorpusFile.write(g.corpus(), corpusFile);
    Instant at = Instant.parse("2025-01-01T00:00:00Z");
    DatasetManifest first = TestWorlds.ok(DatasetBuilder.build(new DatasetBuilder.Request(
        corpusFile, "ai.training", at, dir.resolve("ds1"), 2), TestWorlds.index(ledger),
        BuildLog.dataDir(data), Progress.none(), NOW));
    LineageRegistry registry = LineageRegistry.open(data);
    registry.recordBuild(first, dir.resolve("ds1"));
    LineageEvents lineage = LineageEvents.create(LineageEvents.defaultFile(data), Optional.empty());
    String built = lineage.datasetBuilt(first, corpusFile, NOW);
    assertThat(Json.parse(built).path("job").path("name").asText()).isEqualTo("dataset.build");
    assertThat(Json.parse(built).path("run").path("runId").asText()).isEqualTo(first.build());

    ContentCorpus included = TestWorlds.ok(CorpusFile.read(dir.resolve("ds1").resolve(
        DatasetManifest.CORPUS)));
    Path texts = dir.resolve("texts.tsv");
    try (Writer w = Files.newBufferedWriter(texts)) {
      CorpusGenerator.writeTexts(included, 21, 1, w);
    }
    NaiveBayes model = TestWorlds.ok(NaiveBayes.train(included, texts, Set.of(), 1 << 12,
        Json.object().put("name", "summarizer"))).model();
    Path modelFile = dir.resolve("m.model");
    model.write(modelFile);
    ModelRegistryEntry v1 = registry.registerModel("summarizer", List.of(first.build()),
        modelFile, model.countsSha256(), List.of(), Optional.empty(), NOW);
    lineage.modelTrained("summarizer", v1.version(), v1.builds(), NOW);
    assertThat(v1.status()).isEqualTo(ModelRegistryEntry.OK);

    // An account under the default terms (AI training only with consent) that has included
    // records withdraws its consent. (Under example-2023-03-31's broad license consent does not
    // matter, and the engine says what the terms say.)
    LedgerIndex before = TestWorlds.index(ledger);
    String account = null;
    for (int i = 0; i < included.size() && account == null; i++) {
      String a = included.accountId(i);
      if (before.terms(before.account(a), org.covenant.core.state.TimeKey.of(at)).orElseThrow()
          .name().equals("default")) {
        account = a;
      }
    }
    assertThat(account).isNotNull();
    long owned = 0;
    for (int i = 0; i < included.size(); i++) {
      if (included.accountId(i).equals(account)
          && included.category(i).owner() == org.covenant.core.vocab.Owner.CUSTOMER) {
        owned++;
      }
    }
    assertThat(owned).isPositive();
    assertThat(registry.affected(account).models()).extracting(ModelRegistryEntry::id)
        .containsExactly("summarizer@1");
    Event withdrawn = new Event.ConsentWithdrawn(Instant.parse("2025-01-01T12:00:00Z"), account,
        "ai_training", "owner");
    ledger.add(new StoredEvent(ledger.size() + 1, withdrawn, Optional.empty()));
    List<LineageRegistry.Withdrawal> seen = registry.sync(ledger);
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).flagged()).containsExactly("summarizer@1");
    assertThat(registry.sync(ledger)).isEmpty();
    lineage.withdrawal(account, "ai_training", ledger.size(), seen.get(0).builds(),
        seen.get(0).flagged(), NOW);
    ModelRegistryEntry flagged = registry.model("summarizer", 1).orElseThrow();
    assertThat(flagged.status()).isEqualTo(ModelRegistryEntry.RETRAIN_OR_UNLEARN);
    assertThat(flagged.pendingAccounts()).containsExactly(account);

    // Unlearning registers version 2, which resolves the flag and no longer holds the account.
    NaiveBayes unlearned = model.unlearn(account);
    ModelRegistryEntry v2 = registry.registerModel("summarizer", v1.builds(), modelFile,
        unlearned.countsSha256(), List.of(account), Optional.of(1), NOW);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.status()).isEqualTo(ModelRegistryEntry.OK);
    assertThat(registry.model("summarizer", 1).orElseThrow().status())
        .isEqualTo(ModelRegistryEntry.SUPERSEDED);
    // Version 1 still holds the account's content (superseded); version 2 does not.
    LineageRegistry.Affected affected = registry.affected(account);
    assertThat(affected.builds()).extracting(s -> s.build().build()).containsExactly(first.build());
    assertThat(affected.models()).extracting(ModelRegistryEntry::id)
        .containsExactly("summarizer@1");

    // The next build, after the withdrawal, excludes every record of the account.
    DatasetManifest second = TestWorlds.ok(DatasetBuilder.build(new DatasetBuilder.Request(
        corpusFile, "ai.training", Instant.parse("2025-01-01T13:00:00Z"), dir.resolve("ds2"), 2),
        TestWorlds.index(ledger), BuildLog.dataDir(data), Progress.none(), NOW));
    ContentCorpus next = TestWorlds.ok(CorpusFile.read(dir.resolve("ds2").resolve(DatasetManifest.CORPUS)));
    // Its customer content is out; service-generated data is the platform's (ownership basis).
    for (int i = 0; i < next.size(); i++) {
      if (next.accountId(i).equals(account)) {
        assertThat(next.category(i).owner()).isEqualTo(org.covenant.core.vocab.Owner.PLATFORM);
      }
    }
    assertThat(second.json().path("excluded_by_reason").path("consent_withdrawn").asLong())
        .isGreaterThanOrEqualTo(owned);
    assertThat(second.included()).isLessThan(first.included());
    assertThat(second.logIndex()).isEqualTo(first.logIndex() + 1);
    assertThat(Files.readAllLines(LineageEvents.defaultFile(data))).hasSize(3);
  }
}
