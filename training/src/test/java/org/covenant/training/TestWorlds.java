package org.covenant.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;

/** Ledgers for tests: events through the real projection, then indexed. */
final class TestWorlds {
  static final TermsCatalog CATALOG = TermsLibrary.builtInCatalog();

  private TestWorlds() {}

  /** Applies events (all must be accepted) and returns them as stored events. */
  static List<StoredEvent> ledger(List<Event> events) {
    GovernanceState s = GovernanceState.create(CATALOG::knows);
    List<StoredEvent> out = new ArrayList<>();
    for (Event e : events) {
      Outcome o = s.apply(e);
      assertThat(o.accepted()).as("accepted: %s", e).isTrue();
      out.add(new StoredEvent(((Outcome.Accepted) o).position(), e, Optional.empty()));
    }
    return out;
  }

  static LedgerIndex index(List<StoredEvent> events) {
    LedgerIndex.Builder b = LedgerIndex.builder(CATALOG);
    events.forEach(b::accept);
    return ok(b.build());
  }

  static <T> T ok(Result<T> r) {
    if (r instanceof Result.Failed<T> f) {
      throw new AssertionError("expected a value, got " + f.problems());
    }
    return ((Result.Ok<T>) r).value();
  }

  static <T> String problems(Result<T> r) {
    assertThat(r).isInstanceOf(Result.Failed.class);
    return ((Result.Failed<T>) r).problems().toString();
  }
}
