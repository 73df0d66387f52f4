package org.covenant.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One line of the privacy budget ledger: what one release spent, on what, with which mechanism
 * (ISSUE 8). Written as a JSON line by {@link PrivacyLedger} and handed to the
 * {@link ReleaseRecorder} (a transparency-log leaf, ARCHITECTURE.md §7).
 *
 * @param release release id
 * @param at RFC 3339 instant of the release
 * @param dataset what was released (a digest of the input)
 * @param mechanism {@code laplace} or {@code gaussian}
 * @param epsilon total ε (decimal)
 * @param delta total δ
 * @param rho total ρ (zCDP) for Gaussian, 0 for Laplace
 * @param minGroup the suppression threshold
 * @param seeded true when the noise came from a seeded, non-cryptographic generator
 * @param queries the queries, each with its share and noise scale
 * @param spentEpsilon ε spent on {@code dataset} by the ledger's releases including this one
 * @param classes the classes of accounts allowing the same regions whose minutes the release also
 *     drew apart (the queries marked {@code per_class}), when any account restricts its regions;
 *     empty (and not written) otherwise
 */
public record BudgetEntry(
    String release, String at, String dataset, String mechanism, String epsilon, double delta,
    double rho, int minGroup, boolean seeded, List<QueryCharge> queries, String spentEpsilon,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> classes) {
  public BudgetEntry {
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(mechanism, "mechanism");
    Objects.requireNonNull(epsilon, "epsilon");
    queries = List.copyOf(queries);
    Objects.requireNonNull(spentEpsilon, "spentEpsilon");
    classes = List.copyOf(classes);
  }

  /** An entry without classes (no account restricts its regions). */
  public BudgetEntry(
      String release, String at, String dataset, String mechanism, String epsilon, double delta,
      double rho, int minGroup, boolean seeded, List<QueryCharge> queries, String spentEpsilon) {
    this(release, at, dataset, mechanism, epsilon, delta, rho, minGroup, seeded, queries,
        spentEpsilon, List.of());
  }

  /**
   * One query of a release.
   *
   * @param metric metric id
   * @param kind {@code sum} or {@code count}
   * @param epsilon ε share (Laplace) or ε-equivalent (Gaussian), decimal
   * @param sensitivity L1 (Laplace) or L2 (Gaussian) sensitivity
   * @param scale Laplace scale b, or Gaussian σ
   * @param maxCells the contribution bound on cells
   * @param maxPerCell the contribution bound per cell (1 for counts)
   * @param perClass true when the query is drawn once per class of {@link #classes}: the classes
   *     partition the accounts (the privacy unit), so the query costs its ε once, not once per
   *     class (parallel composition); written only when true
   */
  public record QueryCharge(
      String metric, String kind, String epsilon, double sensitivity, double scale, int maxCells,
      long maxPerCell, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean perClass) {
    public QueryCharge {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(epsilon, "epsilon");
    }

    /** A query over all accounts. */
    public QueryCharge(String metric, String kind, String epsilon, double sensitivity,
        double scale, int maxCells, long maxPerCell) {
      this(metric, kind, epsilon, sensitivity, scale, maxCells, maxPerCell, false);
    }

    /** This query, drawn once per class. */
    QueryCharge perEachClass() {
      return new QueryCharge(metric, kind, epsilon, sensitivity, scale, maxCells, maxPerCell,
          true);
    }
  }

  /** This entry with the cumulative spend filled in. */
  BudgetEntry withSpent(String spent) {
    return new BudgetEntry(release, at, dataset, mechanism, epsilon, delta, rho, minGroup, seeded,
        queries, spent, classes);
  }

  /**
   * This release with a per-class release of the same data folded in, as one entry (one ledger
   * line, one log leaf): the classes partition the accounts, so the per-class draws cost {@code
   * perClass}'s ε, δ and ρ once (parallel composition), added to this release's (sequential
   * composition). Every class's draw has the same queries and charges, so they are listed once.
   */
  BudgetEntry withClasses(BudgetEntry perClass, List<String> classNames) {
    List<QueryCharge> all = new java.util.ArrayList<>(queries);
    perClass.queries().forEach(q -> all.add(q.perEachClass()));
    String total = Rational.parse(epsilon).plus(Rational.parse(perClass.epsilon())).toDecimal();
    return new BudgetEntry(release, at, dataset, mechanism, total, delta + perClass.delta(),
        rho + perClass.rho(), minGroup, seeded, all, total, classNames);
  }
}
