package org.covenant.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.training.BatchKernel;
import org.covenant.training.CorpusGenerator;
import org.covenant.training.LedgerIndex;
import org.junit.jupiter.api.Test;

/**
 * Guards the bulk comparison's premise in every build: on a generated corpus (all four built-in
 * terms, consents granted and withdrawn, external contributors), DuckDB's SQL selects exactly
 * the records the training kernel allows for {@code ai.training}.
 */
class DuckDbTrainingSelectionTest {
  @Test
  void duckDbSelectsTheRecordsTheKernelAllows() throws Exception {
    CorpusGenerator.Generated g = CorpusGenerator.generate(CorpusGenerator.Spec.of(60_000, 600, 7)
        .withOrder(CorpusGenerator.Order.RANDOM));
    LedgerIndex.Builder b = LedgerIndex.builder(TermsLibrary.builtInCatalog());
    List<Event> events = g.events();
    for (int i = 0; i < events.size(); i++) {
      b.accept(new StoredEvent(i + 1, events.get(i), Optional.empty()));
    }
    long use = TimeKey.of(Instant.parse("2025-01-01T00:00:00Z"));
    BatchKernel.Plan plan = ok(ok(BatchKernel.compile(ok(b.build()),
        Vocabulary.purpose("ai.training").orElseThrow(), use)).bind(g.corpus()));
    boolean[] allowed = new boolean[plan.outcomes().size()];
    for (int i = 0; i < allowed.length; i++) {
      allowed[i] = plan.outcome(i).allowed();
    }
    long[] kernel = DuckDbTrainingSelection.summary(plan.evaluateAll(1, done -> { }).outcomes(),
        allowed);
    try (DuckDbTrainingSelection duck = DuckDbTrainingSelection.load(g.corpus(), events, 1, use)) {
      for (DuckDbTrainingSelection.Formulation f : DuckDbTrainingSelection.Formulation.values()) {
        assertThat(duck.select(f)).as(f.name()).containsExactly(kernel);
      }
    }
    // both answers occur: a selection of everything or nothing would prove little
    assertThat(kernel[0]).isBetween(6_000L, 54_000L);
  }

  private static <T> T ok(Result<T> r) {
    if (r instanceof Result.Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException(((Result.Failed<T>) r).problems().toString());
  }
}
