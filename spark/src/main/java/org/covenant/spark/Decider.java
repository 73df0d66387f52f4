package org.covenant.spark;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.Obligation;
import org.covenant.core.terms.Reason;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.training.BatchKernel;
import org.covenant.training.BatchOutcome;
import org.covenant.training.KernelTables;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What each Spark task needs to decide records: the kernel's tables (a broadcast, read once per
 * executor), the category ordinals and, per outcome id, the five decision columns. Serializable;
 * small apart from the broadcast it refers to.
 */
final class Decider implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Broadcast<KernelTables> tables;
  private final Map<String, Integer> categories = new HashMap<>();
  private final Row[] columns;
  private final boolean[] allowed;
  private final int unknownContent;
  /** Driver side only. */
  private final transient BatchKernel kernel;
  private final transient List<BatchOutcome> outcomes;

  Decider(Broadcast<KernelTables> tables, BatchKernel kernel, BatchKernel.Compact compact) {
    this.tables = tables;
    this.kernel = kernel;
    this.outcomes = compact.outcomes();
    for (Category c : Vocabulary.categories()) {
      categories.put(c.id(), c.ordinal());
    }
    List<BatchOutcome> outcomes = compact.outcomes();
    columns = new Row[outcomes.size()];
    allowed = new boolean[outcomes.size()];
    int unknown = -1;
    for (int k = 0; k < outcomes.size(); k++) {
      BatchOutcome o = outcomes.get(k);
      allowed[k] = o.allowed();
      // Arrays as Scala lists: what a row encoder and a UDF's result converter both take.
      columns[k] = RowFactory.create(o.verdict().id(), o.allowed() ? null : o.reasonCode(),
          CollectionConverters.asScala(o.clauses()).toList(),
          o.basis().map(b -> b.id()).orElse(null),
          CollectionConverters.asScala(o.obligations().stream().map(Obligation::name).toList())
              .toList());
      if (o.reasons().equals(List.of(Reason.UNKNOWN_CONTENT))) {
        unknown = k;
      }
    }
    unknownContent = unknown;
  }

  /** The kernel (on the driver). */
  BatchKernel kernel() {
    return kernel;
  }

  /** Outcome ids to outcomes (on the driver). */
  List<BatchOutcome> outcomes() {
    return outcomes;
  }

  /** The category's ordinal, or -1. */
  int category(String id) {
    Integer c = id == null ? null : categories.get(id);
    return c == null ? -1 : c;
  }

  /**
   * The outcome id of one record, or {@link KernelTables#UNKNOWN_ACCOUNT} / {@link
   * KernelTables#BEFORE_ACCOUNT}.
   *
   * @param created a {@link TimeKey} ({@code Long}), a {@link Timestamp} or an {@link Instant}
   * @throws IllegalArgumentException for an unknown category or a null time (the job validates
   *     both before it runs)
   */
  int outcome(String owner, String category, Object created, List<String> contributors) {
    KernelTables t = tables.value();
    int cat = category(category);
    if (cat < 0) {
      throw new IllegalArgumentException("column `category`: unknown category `" + category + "`");
    }
    int[] others = new int[contributors == null ? 0 : contributors.size()];
    for (int k = 0; k < others.length; k++) {
      others[k] = t.account(contributors.get(k));
    }
    return t.decide(owner == null ? -1 : t.account(owner), timeKey(created), cat, others,
        others.length);
  }

  /** The five decision columns of an outcome id; a record the ledger could not hold is unknown. */
  Row columns(int outcome) {
    return columns[outcome < 0 ? unknownContent : outcome];
  }

  /** Whether outcome id {@code k} includes the record. */
  boolean allowed(int k) {
    return k >= 0 && allowed[k];
  }

  /** The ids of the allowing outcomes. */
  List<Integer> allowedIds() {
    List<Integer> out = new ArrayList<>();
    for (int k = 0; k < allowed.length; k++) {
      if (allowed[k]) {
        out.add(k);
      }
    }
    return out;
  }

  static long timeKey(Object created) {
    if (created instanceof Long l) {
      return l;
    }
    if (created instanceof Timestamp ts) {
      return TimeKey.of(ts.toInstant());
    }
    if (created instanceof Instant i) {
      return TimeKey.of(i);
    }
    throw new IllegalArgumentException("column `created`: "
        + (created == null ? "null" : created.getClass().getSimpleName() + " value")
        + " where a time was expected");
  }
}
