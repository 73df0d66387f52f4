package org.covenant.core.terms;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;

/**
 * A terms version: a named policy of clauses (ARCHITECTURE.md §5), compiled at construction into
 * a (category × purpose) table of the clauses that match, so that evaluation never matches
 * patterns on the hot path. Clauses are kept sorted by id: the order of clauses never matters.
 */
public final class TermsVersion {
  private final String name;
  private final String title;
  private final List<Clause> clauses;
  private final String revision;
  /** [category][purpose] → forbids that match, sorted by id. */
  private final Clause[][][] forbids;
  /** [category][purpose] → permits that match, sorted by id. */
  private final Clause[][][] permits;
  /** clause → its conditions in the §5 table's order (parallel to clause identity). */
  private final java.util.IdentityHashMap<Clause, Condition[]> ordered =
      new java.util.IdentityHashMap<>();
  /** clause → its citation {@code TERMS#ID}, built once. */
  private final java.util.IdentityHashMap<Clause, String> citations =
      new java.util.IdentityHashMap<>();
  /** clause → the list of its citation alone, for the common answer citing one clause. */
  private final java.util.IdentityHashMap<Clause, List<String>> citedAlone =
      new java.util.IdentityHashMap<>();
  /** [category][purpose][i] → the conditions of forbids[category][purpose][i], table order. */
  private final Condition[][][][] forbidConditions;
  /** [category][purpose][i] → the conditions of permits[category][purpose][i], table order. */
  private final Condition[][][][] permitConditions;
  /**
   * [category][purpose][i] → the evaluation when permits[category][purpose][i] is the only
   * holding permit (the common allow), built once: evaluating makes no lists for it.
   */
  private final Evaluation[][][] allowAlone;
  private static final Reason[] REASONS = Reason.values();
  /**
   * [category][purpose][i][reason + 1] → the deny when forbids[category][purpose][i] alone fires
   * with that one failed {@code unless} (0: it has none); [category][purpose][permits + k][reason]
   * → the deny when permits[category][purpose][k] is the only near miss, failing for that reason;
   * [category][purpose][forbids + permits][0] → the deny of no permit at all. Made on first use
   * (immutable, so a racing reader builds an equal one at worst): the common denies make no lists.
   */
  private final Evaluation[][][][] denyAlone;

  private TermsVersion(String name, String title, List<Clause> clauses, String revision) {
    this.name = Objects.requireNonNull(name, "name");
    this.title = Objects.requireNonNull(title, "title");
    this.revision = Objects.requireNonNull(revision, "revision");
    List<Clause> sorted = new ArrayList<>(clauses);
    sorted.sort(Comparator.comparing(Clause::id));
    this.clauses = List.copyOf(sorted);
    Set<String> ids = new HashSet<>();
    for (Clause c : sorted) {
      if (!ids.add(c.id())) {
        throw new IllegalArgumentException("duplicate clause id `" + c.id() + "` in `" + name + "`");
      }
      ordered.put(c, c.conditionsInTableOrder().toArray(new Condition[0]));
      citations.put(c, name + "#" + c.id());
      citedAlone.put(c, List.of(name + "#" + c.id()));
    }
    int nc = Vocabulary.categories().size();
    int np = Vocabulary.purposes().size();
    forbids = new Clause[nc][np][];
    permits = new Clause[nc][np][];
    forbidConditions = new Condition[nc][np][][];
    permitConditions = new Condition[nc][np][][];
    allowAlone = new Evaluation[nc][np][];
    denyAlone = new Evaluation[nc][np][][];
    for (Category cat : Vocabulary.categories()) {
      for (Purpose p : Vocabulary.purposes()) {
        List<Clause> f = new ArrayList<>();
        List<Clause> pm = new ArrayList<>();
        for (Clause c : sorted) {
          if (c.matches(cat.id(), p.id())) {
            (c.effect() == Effect.FORBID ? f : pm).add(c);
          }
        }
        int ci = cat.ordinal();
        int pi = p.ordinal();
        forbids[ci][pi] = f.toArray(new Clause[0]);
        permits[ci][pi] = pm.toArray(new Clause[0]);
        forbidConditions[ci][pi] = f.stream().map(ordered::get).toArray(Condition[][]::new);
        permitConditions[ci][pi] = pm.stream().map(ordered::get).toArray(Condition[][]::new);
        allowAlone[ci][pi] = pm.stream().map(c -> allowed(List.of(c)))
            .toArray(Evaluation[]::new);
        denyAlone[ci][pi] = new Evaluation[f.size() + pm.size() + 1][REASONS.length + 1];
      }
    }
  }

  /**
   * Creates a terms version.
   *
   * @param name the name accounts accept
   * @param title a plain-words title
   * @param clauses its clauses (ids unique)
   * @param revision a content hash of its source, e.g. {@code sha256:…}
   */
  public static TermsVersion of(String name, String title, List<Clause> clauses, String revision) {
    return new TermsVersion(name, title, clauses, revision);
  }

  /** The name accounts accept. */
  public String name() {
    return name;
  }

  /** The title. */
  public String title() {
    return title;
  }

  /** The clauses, sorted by id. */
  public List<Clause> clauses() {
    return clauses;
  }

  /** The content hash of the source it was read from. */
  public String revision() {
    return revision;
  }

  /** Citations ({@code TERMS#ID}) of clauses of this version, in the given order. */
  public List<String> cite(List<Clause> cited) {
    if (cited.isEmpty()) {
      return List.of();
    }
    if (cited.size() == 1) {
      List<String> alone = citedAlone.get(cited.get(0));
      if (alone != null) {
        return alone;
      }
    }
    String[] out = new String[cited.size()];
    for (int i = 0; i < out.length; i++) {
      String c = citations.get(cited.get(i));
      if (c == null) {
        throw new IllegalArgumentException("clause `" + cited.get(i).id() + "` is not of `"
            + name + "`");
      }
      out[i] = c;
    }
    return List.of(out);
  }

  /** The clause with this id, if any. */
  public Optional<Clause> clause(String id) {
    return clauses.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  /** The clauses (forbids then permits, each sorted by id) whose patterns match. */
  public List<Clause> matching(Category category, Purpose purpose) {
    List<Clause> out = new ArrayList<>();
    out.addAll(List.of(forbids[category.ordinal()][purpose.ordinal()]));
    out.addAll(List.of(permits[category.ordinal()][purpose.ordinal()]));
    return out;
  }

  /**
   * Whether a decision about this category and purpose under this version can rest on state that
   * later events change: some matching clause has a condition (in {@code when} or
   * {@code unless}) that {@linkplain Condition#readsChangingState() reads changing state}.
   */
  public boolean readsChangingState(Category category, Purpose purpose) {
    for (Clause[] table : List.of(forbids[category.ordinal()][purpose.ordinal()],
        permits[category.ordinal()][purpose.ordinal()])) {
      for (Clause c : table) {
        for (Condition cond : ordered.get(c)) {
          if (cond.readsChangingState()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Evaluates a request under this version (ARCHITECTURE.md §5 step 4): a forbid none of whose
   * {@code unless} holds denies; else the holding permits allow; else deny with the near misses.
   */
  public Evaluation evaluate(Category category, Purpose purpose, ConditionOracle oracle) {
    int ci = category.ordinal();
    int pi = purpose.ordinal();
    Clause[] fs = forbids[ci][pi];
    Condition[][] fcs = forbidConditions[ci][pi];
    // The first firing forbid by index with its one failure; lists only for more (rare).
    int firstFiring = -1;
    Reason firstFiringFailure = null;
    List<Clause> firing = null;
    List<Reason> forbidReasons = null;
    for (int fi = 0; fi < fs.length; fi++) {
      Condition[] unless = fcs[fi];
      boolean disabled = false;
      // The unless conditions' failures in order: the first apart, a list only from the second.
      Reason firstFailure = null;
      List<Reason> moreFailures = null;
      for (Condition c : unless) {
        Optional<Reason> r = oracle.check(c);
        if (r.isEmpty()) {
          disabled = true;
          break;
        }
        if (firstFailure == null) {
          firstFailure = r.get();
        } else {
          if (moreFailures == null) {
            moreFailures = new ArrayList<>(unless.length);
          }
          moreFailures.add(r.get());
        }
      }
      if (disabled) {
        continue;
      }
      if (firing == null && firstFiring < 0 && moreFailures == null) {
        firstFiring = fi;
        firstFiringFailure = firstFailure;
        continue;
      }
      if (firing == null) {
        firing = new ArrayList<>();
        forbidReasons = new ArrayList<>();
        forbidReasons.add(Reason.FORBIDDEN);
        if (firstFiring >= 0) {
          firing.add(fs[firstFiring]);
          if (firstFiringFailure != null) {
            forbidReasons.add(firstFiringFailure);
          }
        }
      }
      firing.add(fs[fi]);
      if (firstFailure != null) {
        forbidReasons.add(firstFailure);
      }
      if (moreFailures != null) {
        forbidReasons.addAll(moreFailures);
      }
    }
    if (firing != null) {
      return new Evaluation(false, forbidReasons, Optional.empty(), firing, List.of());
    }
    if (firstFiring >= 0) {
      return forbiddenAlone(ci, pi, firstFiring, firstFiringFailure);
    }
    Clause[] ps = permits[ci][pi];
    Condition[][] pcs = permitConditions[ci][pi];
    // The first holding permit and the first near miss by index; lists only for more.
    int first = -1;
    List<Clause> holding = null;
    int firstMiss = -1;
    Reason firstMissReason = null;
    List<Clause> nearMisses = null;
    List<Reason> missReasons = null;
    for (int k = 0; k < ps.length; k++) {
      Optional<Reason> failure = Optional.empty();
      for (Condition c : pcs[k]) {
        failure = oracle.check(c);
        if (failure.isPresent()) {
          break;
        }
      }
      if (failure.isEmpty()) {
        if (first < 0) {
          first = k;
        } else {
          if (holding == null) {
            holding = new ArrayList<>(4);
            holding.add(ps[first]);
          }
          holding.add(ps[k]);
        }
      } else if (first < 0) {
        // Near misses count only while no permit holds (an allow cites no misses).
        if (firstMiss < 0) {
          firstMiss = k;
          firstMissReason = failure.get();
        } else {
          if (nearMisses == null) {
            nearMisses = new ArrayList<>();
            missReasons = new ArrayList<>();
            nearMisses.add(ps[firstMiss]);
            missReasons.add(firstMissReason);
          }
          nearMisses.add(ps[k]);
          missReasons.add(failure.get());
        }
      }
    }
    if (holding != null) {
      return allowed(holding);
    }
    if (first >= 0) {
      return allowAlone[ci][pi][first];
    }
    if (nearMisses == null) {
      return missedAlone(ci, pi, firstMiss, firstMissReason);
    }
    missReasons.add(Reason.NO_PERMITTING_CLAUSE);
    return new Evaluation(false, missReasons, Optional.empty(), nearMisses, List.of());
  }

  /** The deny of forbid i alone, with its one failed unless (null: none). */
  private Evaluation forbiddenAlone(int ci, int pi, int i, Reason failure) {
    Evaluation[] row = denyAlone[ci][pi][i];
    int slot = failure == null ? 0 : failure.ordinal() + 1;
    Evaluation e = row[slot];
    if (e == null) {
      e = new Evaluation(false, failure == null ? List.of(Reason.FORBIDDEN)
          : List.of(Reason.FORBIDDEN, failure), Optional.empty(),
          List.of(forbids[ci][pi][i]), List.of());
      row[slot] = e;
    }
    return e;
  }

  /** The deny when permit k is the only near miss (failing for {@code failure}); -1: none. */
  private Evaluation missedAlone(int ci, int pi, int k, Reason failure) {
    int nf = forbids[ci][pi].length;
    Evaluation[] row = denyAlone[ci][pi][k < 0 ? nf + permits[ci][pi].length : nf + k];
    int slot = k < 0 ? 0 : failure.ordinal();
    Evaluation e = row[slot];
    if (e == null) {
      e = k < 0
          ? new Evaluation(false, List.of(Reason.NO_PERMITTING_CLAUSE), Optional.empty(),
              List.of(), List.of())
          : new Evaluation(false, List.of(failure, Reason.NO_PERMITTING_CLAUSE), Optional.empty(),
              List.of(permits[ci][pi][k]), List.of());
      row[slot] = e;
    }
    return e;
  }

  /** The allow of these holding permits (in id order): the strongest basis, their obligations. */
  private static Evaluation allowed(List<Clause> holding) {
    Basis basis = null;
    Set<Obligation> obligations = null;
    for (Clause p : holding) {
      Basis b = p.basis().orElseThrow();
      if (basis == null || b.ordinal() < basis.ordinal()) {
        basis = b;
      }
      if (!p.obligations().isEmpty()) {
        if (obligations == null) {
          obligations = new LinkedHashSet<>();
        }
        obligations.addAll(p.obligations());
      }
    }
    return new Evaluation(true, List.of(), Optional.of(basis), holding,
        obligations == null ? List.of() : List.copyOf(obligations));
  }
}
