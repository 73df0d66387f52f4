package org.covenant.spark;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.covenant.training.LedgerIndex;

/** One local[2] session for the module's tests, and ledgers from generated events. */
final class LocalSpark {
  private LocalSpark() {}

  static SparkSession session() {
    // Heartbeats: a full `mvn verify` at load average 190 on this 2-core machine killed the test
    // JVM with Spark's exit code 56 (executor heartbeat failures); one JVM, so be patient.
    return SparkSession.builder().master("local[2]").appName("covenant-spark-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.executor.heartbeatInterval", "60s")
        .config("spark.network.timeout", "600s")
        .getOrCreate();
  }

  /** The index of a generated ledger (its events are all valid, in time order). */
  static LedgerIndex index(List<Event> events) {
    LedgerIndex.Builder b = LedgerIndex.builder(TermsLibrary.builtInCatalog());
    List<StoredEvent> stored = new ArrayList<>();
    long p = 0;
    for (Event e : events) {
      stored.add(new StoredEvent(++p, e, Optional.empty()));
    }
    stored.forEach(b::accept);
    return ok(b.build());
  }

  static <T> T ok(Result<T> r) {
    if (r instanceof Result.Failed<T> f) {
      throw new AssertionError("expected a value, got " + f.problems());
    }
    return ((Result.Ok<T>) r).value();
  }

  static <T> String problems(Result<T> r) {
    if (r instanceof Result.Ok<T> ok) {
      throw new AssertionError("expected problems, got " + ok.value());
    }
    return ((Result.Failed<T>) r).problems().toString();
  }

  static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");
  static final Instant NOW = Instant.parse("2025-01-02T00:00:00Z");
}
