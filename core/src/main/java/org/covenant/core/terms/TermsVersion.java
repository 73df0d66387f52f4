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
    }
    int nc = Vocabulary.categories().size();
    int np = Vocabulary.purposes().size();
    forbids = new Clause[nc][np][];
    permits = new Clause[nc][np][];
    for (Category cat : Vocabulary.categories()) {
      for (Purpose p : Vocabulary.purposes()) {
        List<Clause> f = new ArrayList<>();
        List<Clause> pm = new ArrayList<>();
        for (Clause c : sorted) {
          if (c.matches(cat.id(), p.id())) {
            (c.effect() == Effect.FORBID ? f : pm).add(c);
          }
        }
        forbids[cat.ordinal()][p.ordinal()] = f.toArray(new Clause[0]);
        permits[cat.ordinal()][p.ordinal()] = pm.toArray(new Clause[0]);
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
    Clause[] fs = forbids[category.ordinal()][purpose.ordinal()];
    List<Clause> firing = null;
    List<Reason> forbidReasons = null;
    for (Clause f : fs) {
      Condition[] unless = ordered.get(f);
      boolean disabled = false;
      List<Reason> failures = unless.length == 0 ? List.of() : new ArrayList<>(unless.length);
      for (Condition c : unless) {
        Optional<Reason> r = oracle.check(c);
        if (r.isEmpty()) {
          disabled = true;
          break;
        }
        failures.add(r.get());
      }
      if (!disabled) {
        if (firing == null) {
          firing = new ArrayList<>();
          forbidReasons = new ArrayList<>();
          forbidReasons.add(Reason.FORBIDDEN);
        }
        firing.add(f);
        forbidReasons.addAll(failures);
      }
    }
    if (firing != null) {
      return new Evaluation(false, forbidReasons, Optional.empty(), firing, List.of());
    }
    Clause[] ps = permits[category.ordinal()][purpose.ordinal()];
    List<Clause> holding = new ArrayList<>(2);
    List<Clause> nearMisses = null;
    List<Reason> missReasons = null;
    for (Clause p : ps) {
      Optional<Reason> failure = Optional.empty();
      for (Condition c : ordered.get(p)) {
        failure = oracle.check(c);
        if (failure.isPresent()) {
          break;
        }
      }
      if (failure.isEmpty()) {
        holding.add(p);
      } else if (holding.isEmpty()) {
        if (nearMisses == null) {
          nearMisses = new ArrayList<>();
          missReasons = new ArrayList<>();
        }
        nearMisses.add(p);
        missReasons.add(failure.get());
      }
    }
    if (!holding.isEmpty()) {
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
    List<Reason> reasons = missReasons == null ? new ArrayList<>() : missReasons;
    reasons.add(Reason.NO_PERMITTING_CLAUSE);
    return new Evaluation(false, reasons, Optional.empty(),
        nearMisses == null ? List.of() : nearMisses, List.of());
  }
}
