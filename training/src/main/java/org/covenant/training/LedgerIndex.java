package org.covenant.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.AccountTimeline;
import org.covenant.core.state.ConsentStatus;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.ConsentType;
import org.covenant.format.Problem;
import org.covenant.format.Result;

/**
 * The ledger snapshot a dataset build evaluates against: the core's projection ({@link
 * Snapshot}, the one that validates events and answers online decisions) at one position, with
 * its accounts numbered densely and their terms and consent timelines ({@link AccountTimeline},
 * the core's own read of its histories) at hand for the {@link BatchKernel}. It keeps no
 * projection of its own: every answer is the snapshot's.
 *
 * <p>Terms are resolved against the catalog given: a {@code terms.accepted} naming a version the
 * catalog does not know (a ledger written with other terms) is a problem, not a guess.
 */
public final class LedgerIndex {
  static final int CONSENTS = ConsentType.values().length;
  private static final ConsentType[] TYPES = ConsentType.values();

  private final TermsCatalog catalog;
  private final List<TermsVersion> versions;
  private final Snapshot snapshot;
  private final Map<String, Integer> accountIndex;
  private final AccountTimeline[] timelines;
  /** Per account, per terms acceptance: the 1-based index into {@link #versions}. */
  private final int[][] termsVersion;
  private final long lastAt;

  private LedgerIndex(TermsCatalog catalog, List<TermsVersion> versions, Snapshot snapshot,
      AccountTimeline[] timelines, int[][] termsVersion, long lastAt) {
    this.catalog = catalog;
    this.versions = versions;
    this.snapshot = snapshot;
    this.timelines = timelines;
    this.termsVersion = termsVersion;
    this.lastAt = lastAt;
    this.accountIndex = new HashMap<>(timelines.length * 2);
    for (int a = 0; a < timelines.length; a++) {
      accountIndex.put(timelines[a].account(), a);
    }
  }

  /**
   * The index over a snapshot of the core projection, or the terms acceptances the catalog does
   * not know.
   *
   * @param lastAt the time of the last event at the snapshot's position ({@link TimeKey}), or
   *     {@code Long.MIN_VALUE} for an empty ledger
   */
  public static Result<LedgerIndex> of(Snapshot snapshot, TermsCatalog catalog, long lastAt) {
    List<TermsVersion> versions = List.copyOf(catalog.versions());
    Map<String, Integer> versionIndex = new HashMap<>();
    for (int i = 0; i < versions.size(); i++) {
      versionIndex.put(versions.get(i).name(), i + 1);
    }
    List<String> ids = snapshot.accountIds();
    AccountTimeline[] timelines = new AccountTimeline[ids.size()];
    int[][] termsVersion = new int[ids.size()][];
    List<long[]> unknown = new ArrayList<>();
    List<String> unknownNames = new ArrayList<>();
    for (int a = 0; a < timelines.length; a++) {
      AccountTimeline tl = snapshot.timeline(ids.get(a)).orElseThrow();
      timelines[a] = tl;
      termsVersion[a] = new int[tl.termsCount()];
      for (int i = 0; i < tl.termsCount(); i++) {
        Integer v = versionIndex.get(tl.terms(i));
        if (v == null) {
          unknown.add(new long[] {tl.termsPosition(i), unknownNames.size()});
          unknownNames.add(tl.terms(i));
        } else {
          termsVersion[a][i] = v;
        }
      }
    }
    if (!unknown.isEmpty()) {
      unknown.sort(Comparator.comparingLong(u -> u[0]));
      List<Problem> problems = new ArrayList<>();
      for (long[] u : unknown) {
        problems.add(new Problem("ledger", "position " + u[0], "terms",
            "terms `" + unknownNames.get((int) u[1]) + "` are not in the catalog given (pass the "
                + "terms directory the ledger was written with)"));
      }
      return new Result.Failed<>(problems);
    }
    return Result.ok(new LedgerIndex(catalog, versions, snapshot, timelines, termsVersion,
        lastAt));
  }

  /** A builder over the terms the ledger was validated with. */
  public static Builder builder(TermsCatalog catalog) {
    return new Builder(catalog);
  }

  /** The terms catalog. */
  public TermsCatalog catalog() {
    return catalog;
  }

  /** The snapshot of the core projection this index reads. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** The terms versions, 0-based (timeline entries hold the index + 1; 0 is "none"). */
  public List<TermsVersion> versions() {
    return versions;
  }

  /** The ledger position this index sees up to (inclusive). */
  public long position() {
    return snapshot.position();
  }

  /** The time of the last event indexed ({@link TimeKey}), or {@code Long.MIN_VALUE}. */
  public long lastAt() {
    return lastAt;
  }

  /** The number of accounts. */
  public int accounts() {
    return timelines.length;
  }

  /** The dense index of an account, or -1 when it is not on the platform. */
  public int account(String id) {
    Integer i = accountIndex.get(id);
    return i == null ? -1 : i;
  }

  /** The id of account {@code a}. */
  public String accountId(int a) {
    return timelines[a].account();
  }

  /** When account {@code a} was created ({@link TimeKey}). */
  public long createdAt(int a) {
    return timelines[a].created();
  }

  /** Account {@code a}'s timelines. */
  AccountTimeline timeline(int a) {
    return timelines[a];
  }

  /** The terms account {@code a} accepted last at or before {@code t}, if any. */
  public Optional<TermsVersion> terms(int a, long t) {
    int v = termsAt(a, t);
    return v == 0 ? Optional.empty() : Optional.of(versions.get(v - 1));
  }

  /** 1-based version index in force at t for account a, 0 for none. */
  int termsAt(int a, long t) {
    int i = timelines[a].termsIndexAt(t);
    return i < 0 ? 0 : termsVersion[a][i];
  }

  /** Whether some account accepted version {@code v} (1-based) at some time. */
  boolean[] versionsUsed() {
    boolean[] used = new boolean[versions.size() + 1];
    for (int[] vs : termsVersion) {
      for (int v : vs) {
        used[v] = true;
      }
    }
    return used;
  }

  /** The consent status at t: 0 in force, 1 withdrawn, 2 missing ({@code ConsentStatus} order). */
  int consentAt(int a, int k, long t) {
    return timelines[a].consent(TYPES[k], t).ordinal();
  }

  /** The consent's status at t. */
  ConsentStatus consent(int a, ConsentType k, long t) {
    return timelines[a].consent(k, t);
  }

  /**
   * Feeds accepted events, in position order, to the core projection ({@link GovernanceState}),
   * which validates them as the ledger's replay does; {@link #build} then reads its snapshot.
   */
  public static final class Builder {
    private final TermsCatalog catalog;
    // Terms are checked against the catalog at build, with the position of each unknown one (as
    // a ledger's replay does, which accepts the terms its events were validated with).
    private final GovernanceState state = GovernanceState.create(name -> true);
    private long lastAt = Long.MIN_VALUE;

    private Builder(TermsCatalog catalog) {
      this.catalog = catalog;
    }

    /** The position of the last event fed; 0 before any. */
    public long position() {
      return state.head();
    }

    /**
     * Feeds one accepted event; positions must follow each other.
     *
     * @throws IllegalArgumentException when the position does not follow, or the projection
     *     rejects the event (the ledger holds accepted events only)
     */
    public Builder accept(StoredEvent stored) {
      long position = state.head();
      if (stored.position() != position + 1) {
        throw new IllegalArgumentException("ledger position " + stored.position()
            + " does not follow " + position);
      }
      Event e = stored.event();
      Outcome o = state.apply(e);
      if (o instanceof Outcome.Rejected r) {
        throw new IllegalArgumentException("ledger position " + stored.position() + " ("
            + e.type() + ") is rejected by the projection: " + r.rejection().code().code()
            + ": " + r.rejection().message());
      }
      lastAt = TimeKey.of(e.at());
      return this;
    }

    /** The index, or the terms the catalog does not know. */
    public Result<LedgerIndex> build() {
      return of(state.snapshot(), catalog, lastAt);
    }
  }
}
