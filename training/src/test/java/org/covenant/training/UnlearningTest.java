package org.covenant.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.covenant.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unlearning an account gives exactly the counts of training from scratch without it. */
class UnlearningTest {
  @TempDir Path dir;

  private ContentCorpus corpus;
  private Path texts;

  private void world(long seed) throws IOException {
    corpus = CorpusGenerator.generate(CorpusGenerator.Spec.of(4_000, 50, seed)).corpus();
    texts = dir.resolve("texts-" + seed + ".tsv");
    try (Writer w = Files.newBufferedWriter(texts)) {
      CorpusGenerator.writeTexts(corpus, seed, 1, w);
    }
  }

  private NaiveBayes train(Set<String> exclude) {
    ObjectNode meta = Json.object().put("name", "m");
    return TestWorlds.ok(NaiveBayes.train(corpus, texts, exclude, 1 << 12, meta)).model();
  }

  @Test
  void unlearnedModel_isByteIdenticalToRetrainingWithoutTheAccount_onSeededWorlds()
      throws IOException {
    for (long seed = 1; seed <= 3; seed++) {
      world(seed);
      NaiveBayes full = train(Set.of());
      Random rnd = new Random(seed);
      // Accounts by how much they contribute, to pick a big one, a small one and a contributor.
      Map<String, Integer> records = new TreeMap<>();
      String contributorOnly = null;
      for (int i = 0; i < corpus.size(); i++) {
        records.merge(corpus.accountId(i), 1, Integer::sum);
        for (int o : corpus.otherContributors(i)) {
          String id = corpus.accounts().get(o);
          if (contributorOnly == null && id.startsWith("ext-")) {
            contributorOnly = id;
          }
        }
      }
      String biggest = records.entrySet().stream().max(Map.Entry.comparingByValue())
          .orElseThrow().getKey();
      String some = records.keySet().stream().skip(rnd.nextInt(records.size())).findFirst()
          .orElseThrow();
      for (String account : new String[] {biggest, some, contributorOnly}) {
        NaiveBayes unlearned = full.unlearn(account);
        NaiveBayes retrained = train(Set.of(account));
        assertThat(unlearned.countsBytes()).as("seed %d, account %s", seed, account)
            .isEqualTo(retrained.countsBytes());
        assertThat(unlearned.countsSha256()).isEqualTo(retrained.countsSha256());
        assertThat(unlearned.countsBytes()).isNotEqualTo(full.countsBytes());
        assertThat(unlearned.metadata().path("unlearned").toString())
            .isEqualTo(retrained.metadata().path("unlearned").toString());
        // And the whole file, metadata included, is byte-identical.
        Path a = dir.resolve("a.model");
        Path b = dir.resolve("b.model");
        unlearned.write(a);
        retrained.write(b);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
      }
      NaiveBayes twice = full.unlearn(biggest).unlearn(some);
      assertThat(twice.countsBytes()).isEqualTo(train(Set.of(biggest, some)).countsBytes());
      assertThat(twice.groupAccounts()).noneMatch(g -> g.contains(biggest) || g.contains(some));
    }
  }

  @Test
  void model_roundTripsThroughItsFile_andClassifiesBetterThanChance() throws IOException {
    world(42);
    NaiveBayes m = train(Set.of());
    Path f = dir.resolve("m.model");
    m.write(f);
    NaiveBayes back = TestWorlds.ok(NaiveBayes.read(f));
    assertThat(back.countsBytes()).isEqualTo(m.countsBytes());
    int right = 0;
    for (int i = 0; i < 500; i++) {
      String text = CorpusGenerator.text(corpus.category(i), 1000 + i);
      if (m.predict(text).orElseThrow().equals(corpus.category(i).id())) {
        right++;
      }
    }
    assertThat(right).isGreaterThan(400);
    byte[] all = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(all, all.length - 10));
    assertThat(TestWorlds.problems(NaiveBayes.read(f))).contains("checksum");
  }
}
