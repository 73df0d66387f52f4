package org.covenant.core.decision;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.covenant.core.state.ContentConditions;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.ConditionOracle;
import org.covenant.core.terms.Effect;
import org.covenant.core.terms.Evaluation;
import org.covenant.core.terms.Obligation;
import org.covenant.core.terms.Reason;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Purpose;

/**
 * Decides whether a purpose may use a content item at a time (ARCHITECTURE.md §5): T_use, then
 * T_capture, forbid beats permit, deny by default. Pure: it reads an immutable {@link Snapshot}
 * and never performs I/O, so it can be called from any thread.
 */
public final class DecisionEngine {
  private final TermsCatalog catalog;
  /** The answer for content that does not exist (or is out of reach): one object, shared. */
  private final Decision unknownContent;

  private DecisionEngine(TermsCatalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.unknownContent = Decision.deny(Reason.UNKNOWN_CONTENT, List.of(), catalog.revision());
  }

  /** An engine over these terms. */
  public static DecisionEngine create(TermsCatalog catalog) {
    return new DecisionEngine(catalog);
  }

  /** The terms it knows. */
  public TermsCatalog catalog() {
    return catalog;
  }

  /** Decides one request against a snapshot. */
  public Decision decide(Snapshot snapshot, DecisionRequest request) {
    long t = TimeKey.of(request.at());
    Evidence evidence = Evidence.fresh();
    ContentConditions c = snapshot.conditionsOf(request.content(), t, evidence);
    return c == null ? unknownContent : decide(snapshot, c, request, false, evidence);
  }

  /**
   * A decision together with the account owning the content it is about.
   *
   * @param decision the answer
   * @param account the owning account; empty when the answer is {@code unknown_content}
   */
  public record Attributed(Decision decision, Optional<String> account) {
    /** Validates the fields. */
    public Attributed {
      Objects.requireNonNull(decision, "decision");
      Objects.requireNonNull(account, "account");
    }
  }

  /**
   * Decides one request for a reader that may be confined to one account, failing closed.
   *
   * <ul>
   *   <li>Content that does not exist at the time, or that belongs to an account the reader does
   *       not reach, is answered {@code unknown_content} (another account's content is
   *       indistinguishable from content that does not exist).
   *   <li>When {@code stale} (the snapshot may miss events, e.g. the store is unreachable), a
   *       decision whose T_use or T_capture has a matching clause with a condition that
   *       {@linkplain org.covenant.core.terms.Condition#readsChangingState() reads changing
   *       state} is answered {@code store_unavailable} with the evidence it would have used;
   *       decisions resting on nothing that changes are answered from the snapshot.
   * </ul>
   *
   * @param reaches which accounts' content the reader may see
   * @param stale whether the snapshot may be missing recent events
   */
  public Attributed decide(Snapshot snapshot, DecisionRequest request,
      Predicate<String> reaches, boolean stale) {
    long t = TimeKey.of(request.at());
    Evidence evidence = Evidence.fresh();
    ContentConditions c = snapshot.conditionsOf(request.content(), t, evidence);
    if (c == null || !reaches.test(c.account())) {
      return new Attributed(unknownContent, Optional.empty());
    }
    return new Attributed(decide(snapshot, c, request, stale, evidence),
        Optional.of(c.account()));
  }

  /** One decision about an item that exists at the time of use (the oracle reads it). */
  private Decision decide(Snapshot snapshot, ContentConditions c, DecisionRequest request,
      boolean stale, Evidence evidence) {
    evidence.accept(c.position());
    // docs/DATA-RIGHTS.md: content_deleted, retention_expired, region_not_allowed come before
    // the terms are consulted. Answered from the snapshot even when stale (see there).
    Optional<Reason> rights = snapshot.dataRights().deny(c, request.purpose(), request.region(),
        TimeKey.of(request.at()), evidence);
    if (rights.isPresent()) {
      return Decision.deny(rights.get(), evidence.sorted(), catalog.revision());
    }
    Decision d = decide(c, request.purpose(), c.termsAtUseName(), c.termsAtUsePosition(),
        c.termsAtCaptureName(), c.termsAtCapturePosition(), evidence);
    if (stale && readsChangingState(c, request)) {
      d = Decision.deny(Reason.STORE_UNAVAILABLE, d.evidence(), d.policyRevision());
    }
    return d;
  }

  /**
   * The licence of a bulk use that names no content item (a batch of an account's invites
   * scanned for abuse): allow on the first permit, by id, of the terms the account has accepted
   * at {@code at} that matches the category and purpose with no conditions (a license that rests
   * on nothing that changes), citing it; else deny {@code no_permitting_clause}.
   */
  public Decision licence(Snapshot snapshot, String account, Category category, Purpose purpose,
      Instant at) {
    Optional<TermsVersion> v = snapshot.terms(account, TimeKey.of(at), snapshot.position())
        .flatMap(st -> catalog.version(st.value()));
    if (v.isPresent()) {
      for (Clause c : v.get().matching(category, purpose)) {
        if (c.effect() == Effect.PERMIT && c.when().isEmpty() && c.basis().isPresent()) {
          return new Decision(Verdict.ALLOW, List.of(), c.basis(), v.get().cite(List.of(c)),
              c.obligations(), List.of(), v.get().revision());
        }
      }
    }
    return Decision.deny(Reason.NO_PERMITTING_CLAUSE, List.of(), catalog.revision());
  }

  /** Whether T_use or T_capture (those accepted) can decide this from changing state. */
  private boolean readsChangingState(ContentConditions c, DecisionRequest request) {
    for (String v : new String[] {c.termsAtUseName(), c.termsAtCaptureName()}) {
      if (v != null && catalog.version(v)
          .map(x -> x.readsChangingState(c.category(), request.purpose())).orElse(true)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What {@link #decide(Snapshot, DecisionRequest)} would answer if the owning account accepted
   * {@code proposed} just before the time of use: T_use becomes {@code proposed} while T_capture
   * stays the terms in force when the item was captured, so content captured under other terms
   * keeps their limits (§5 step 3, {@code captured_under_other_terms}). Everything else (settings,
   * consents, meetings) is read from the snapshot as a real decision reads it.
   *
   * @throws IllegalArgumentException when the catalog has no {@code proposed}
   */
  public Decision decideIfAccepted(Snapshot snapshot, DecisionRequest request, String proposed) {
    TermsVersion p = catalog.version(proposed).orElseThrow(() -> new IllegalArgumentException(
        "no terms `" + proposed + "` in the catalog"));
    long t = TimeKey.of(request.at());
    Evidence evidence = Evidence.fresh();
    ContentConditions c = snapshot.conditionsOf(request.content(), t, evidence);
    if (c == null) {
      return unknownContent;
    }
    evidence.accept(c.position());
    return decide(c, request.purpose(), p.name(), 0, c.termsAtCaptureName(),
        c.termsAtCapturePosition(), evidence);
  }

  /**
   * The answer for content of {@code category} that {@code account} would capture at {@code at}
   * and use at once, under {@code terms} (T_use = T_capture), or under the terms the account has
   * accepted when {@code terms} is empty; conditions as {@link
   * org.covenant.core.state.ProspectiveConditions} answers them.
   *
   * @param decision the answer ({@code no_terms_accepted} when there are no terms)
   * @param dependsOnMeeting whether the answer assumed a meeting feature or notice condition met
   */
  public record Prospect(Decision decision, boolean dependsOnMeeting) {
    /** Validates the fields. */
    public Prospect {
      Objects.requireNonNull(decision, "decision");
    }
  }

  /** See {@link Prospect}. */
  public Prospect decideNew(Snapshot snapshot, String account, Category category,
      Purpose purpose, Instant at, Optional<String> terms) {
    long t = TimeKey.of(at);
    Optional<String> name = terms.isPresent() ? terms
        : snapshot.terms(account, t, snapshot.position()).map(Snapshot.Stamped::value);
    if (name.isEmpty()) {
      return new Prospect(Decision.deny(Reason.NO_TERMS_ACCEPTED, List.of(), catalog.revision()),
          false);
    }
    TermsVersion v = version(name.get());
    org.covenant.core.state.ProspectiveConditions oracle = snapshot.prospective(account, t);
    Evaluation e = v.evaluate(category, purpose, oracle);
    Decision d = e.allow()
        ? new Decision(Verdict.ALLOW, List.of(), e.basis(), v.cite(e.clauses()), e.obligations(),
            List.of(), v.revision())
        : new Decision(Verdict.DENY, e.reasons(), Optional.empty(), v.cite(e.clauses()),
            List.of(), List.of(), v.revision());
    return new Prospect(d, oracle.dependsOnMeeting());
  }

  /**
   * §5 for an item whose T_use and T_capture are named (null: none accepted), with the positions
   * of their acceptance as evidence.
   */
  private Decision decide(ContentConditions c, Purpose purpose, String use, long usePos,
      String capture, long capturePos, Evidence evidence) {
    if (use != null) {
      evidence.accept(usePos);
    }
    if (use == null || capture == null) {
      return compose(c.category(), purpose, null, null, c, evidence);
    }
    evidence.accept(capturePos);
    return compose(c.category(), purpose, version(use), version(capture), c, evidence);
  }

  /**
   * §5 steps 2–4 for one content item whose terms at use and at capture are already resolved:
   * the batch entry point. A batch evaluation (a dataset build) that has classified many items
   * into a few classes (same category, same terms, same answers from the oracle) decides each
   * class once here and gives its items the answer. The online {@link #decide} composes through
   * the same code; the answer carries no evidence (a batch cites its ledger position instead).
   *
   * @param use T_use, empty when the owner had accepted none at the time of use
   * @param capture T_capture, empty when the owner had accepted none when the item was created
   * @param oracle the §5 conditions for the item (or its class)
   */
  public Decision decide(Category category, Purpose purpose, Optional<TermsVersion> use,
      Optional<TermsVersion> capture, ConditionOracle oracle) {
    return compose(category, purpose, use.orElse(null), capture.orElse(null), oracle, null);
  }

  /** The one composition of T_use and T_capture (null: none accepted); evidence null for none. */
  private Decision compose(Category category, Purpose purpose, TermsVersion tUse,
      TermsVersion tCapture, ConditionOracle oracle, Evidence evidence) {
    if (tUse == null || tCapture == null) {
      return Decision.deny(Reason.NO_TERMS_ACCEPTED, sorted(evidence), catalog.revision());
    }
    Evaluation u = tUse.evaluate(category, purpose, oracle);
    if (!u.allow()) {
      return new Decision(Verdict.DENY, u.reasons(), Optional.empty(), tUse.cite(u.clauses()),
          List.of(), sorted(evidence), tUse.revision());
    }
    if (tCapture == tUse) {
      return new Decision(Verdict.ALLOW, List.of(), u.basis(), tUse.cite(u.clauses()),
          u.obligations(), sorted(evidence), tUse.revision());
    }
    Evaluation k = tCapture.evaluate(category, purpose, oracle);
    if (!k.allow()) {
      List<Reason> reasons = new ArrayList<>(k.reasons().size() + 1);
      reasons.add(Reason.CAPTURED_UNDER_OTHER_TERMS);
      reasons.addAll(k.reasons());
      return new Decision(Verdict.DENY, reasons, Optional.empty(), tCapture.cite(k.clauses()),
          List.of(), sorted(evidence), tUse.revision());
    }
    List<Obligation> obligations = u.obligations();
    if (!k.obligations().isEmpty()) {
      // An obligation travels with the data captured under it (§5 step 3): the union.
      LinkedHashSet<Obligation> union = new LinkedHashSet<>(u.obligations());
      union.addAll(k.obligations());
      obligations = List.copyOf(union);
    }
    return new Decision(Verdict.ALLOW, List.of(), u.basis(), tUse.cite(u.clauses()),
        obligations, sorted(evidence), tUse.revision());
  }

  private static List<Long> sorted(Evidence evidence) {
    return evidence == null ? List.of() : evidence.sorted();
  }

  private TermsVersion version(String name) {
    // INVARIANT: the ledger accepts only terms the catalog knows (unknown_terms), and an engine
    // is always built over the catalog its ledger was validated with.
    return catalog.version(name).orElseThrow(() -> new IllegalStateException(
        "terms `" + name + "` accepted by the ledger but unknown to the engine"));
  }

  /**
   * Collects ledger positions without boxing until the end. One per thread, emptied for each
   * decision (a decision never starts another on its thread), so collecting allocates nothing:
   * only {@link #sorted()} makes the answer's own copy.
   */
  static final class Evidence implements java.util.function.LongConsumer {
    private static final ThreadLocal<Evidence> SCRATCH = ThreadLocal.withInitial(Evidence::new);

    private long[] positions = new long[8];
    private int size;

    /** This thread's collector, emptied. */
    static Evidence fresh() {
      Evidence e = SCRATCH.get();
      e.size = 0;
      return e;
    }

    @Override
    public void accept(long position) {
      if (position <= 0) {
        return;
      }
      if (size == positions.length) {
        positions = java.util.Arrays.copyOf(positions, size * 2);
      }
      positions[size++] = position;
    }

    /**
     * The distinct positions, ascending, as an immutable list (no further copy needed). Sorts
     * and deduplicates in place (positions are a set: later ones may still be added), then
     * copies once.
     */
    List<Long> sorted() {
      long[] p = positions;
      java.util.Arrays.sort(p, 0, size);
      int n = 0;
      for (int i = 0; i < size; i++) {
        if (n == 0 || p[i] != p[n - 1]) {
          p[n++] = p[i];
        }
      }
      size = n;
      return new EvidenceList(java.util.Arrays.copyOf(p, n));
    }
  }
}
