package org.covenant.core.state;

import java.util.Objects;
import org.covenant.core.vocab.ConsentType;

/**
 * One account's terms and consent timelines as the projection holds them, up to one snapshot's
 * position, in primitive columns: what a batch evaluation reads to decide many content items of
 * the account at once ({@link Snapshot#timeline(String)}). Immutable.
 *
 * <p>The columns follow the projection exactly: every {@code terms.accepted} is an entry; a
 * consent entry is a real change only (a {@code consent.granted} while in force, or a {@code
 * consent.withdrawn} while not, adds none), so the first consent entry is always a grant. Accepted
 * events never go back in time, so each column is sorted by time and "the value as of t" is the
 * last entry at or before t: for an item registered after every event at or before its time (a
 * corpus registered in bulk), the same answer as {@link Snapshot#terms} and {@link
 * Snapshot#consent} at (t, the snapshot's position).
 */
public final class AccountTimeline {
  private static final int K = ConsentType.values().length;

  private final String account;
  private final long created;
  private final long[] termsAt;
  private final long[] termsPos;
  private final String[] terms;
  private final long[][] consentAt;
  private final long[][] consentPos;
  private final boolean[][] consentInForce;

  AccountTimeline(String account, long created, long[] termsAt, long[] termsPos, String[] terms,
      long[][] consentAt, long[][] consentPos, boolean[][] consentInForce) {
    this.account = Objects.requireNonNull(account, "account");
    this.created = created;
    this.termsAt = termsAt;
    this.termsPos = termsPos;
    this.terms = terms;
    this.consentAt = consentAt;
    this.consentPos = consentPos;
    this.consentInForce = consentInForce;
  }

  /** The account id. */
  public String account() {
    return account;
  }

  /** When the account was created ({@link TimeKey}). */
  public long created() {
    return created;
  }

  /** The number of terms acceptances. */
  public int termsCount() {
    return terms.length;
  }

  /** The time ({@link TimeKey}) of terms acceptance {@code i}. */
  public long termsTime(int i) {
    return termsAt[i];
  }

  /** The ledger position of terms acceptance {@code i}. */
  public long termsPosition(int i) {
    return termsPos[i];
  }

  /** The terms version named by acceptance {@code i}. */
  public String terms(int i) {
    return terms[i];
  }

  /** The last terms acceptance at or before {@code t}, or -1 when none. */
  public int termsIndexAt(long t) {
    return lastAtOrBefore(termsAt, t);
  }

  /** The number of changes of consent {@code k}. */
  public int consentCount(ConsentType k) {
    return consentAt[k.ordinal()].length;
  }

  /** The time ({@link TimeKey}) of change {@code i} of consent {@code k}. */
  public long consentTime(ConsentType k, int i) {
    return consentAt[k.ordinal()][i];
  }

  /** The ledger position of change {@code i} of consent {@code k}. */
  public long consentPosition(ConsentType k, int i) {
    return consentPos[k.ordinal()][i];
  }

  /** The consent's status as of {@code t} (the last change at or before it). */
  public ConsentStatus consent(ConsentType k, long t) {
    int o = k.ordinal();
    int i = lastAtOrBefore(consentAt[o], t);
    if (i < 0) {
      return ConsentStatus.MISSING;
    }
    return consentInForce[o][i] ? ConsentStatus.IN_FORCE : ConsentStatus.WITHDRAWN;
  }

  private static int lastAtOrBefore(long[] at, long t) {
    int lo = 0;
    int hi = at.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (at[mid] <= t) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Builds a timeline from the projection's histories, keeping entries at or before {@code p}. */
  static AccountTimeline of(Entities.Account a, long p) {
    History.Entry<String>[] ts = a.terms.all();
    int nt = visible(ts, p);
    long[] termsAt = new long[nt];
    long[] termsPos = new long[nt];
    String[] terms = new String[nt];
    for (int i = 0; i < nt; i++) {
      termsAt[i] = ts[i].at();
      termsPos[i] = ts[i].pos();
      terms[i] = ts[i].value();
    }
    long[][] cAt = new long[K][];
    long[][] cPos = new long[K][];
    boolean[][] cIn = new boolean[K][];
    for (int k = 0; k < K; k++) {
      History.Entry<Boolean>[] cs = a.consents[k].all();
      int n = visible(cs, p);
      cAt[k] = new long[n];
      cPos[k] = new long[n];
      cIn[k] = new boolean[n];
      for (int i = 0; i < n; i++) {
        cAt[k][i] = cs[i].at();
        cPos[k][i] = cs[i].pos();
        cIn[k][i] = cs[i].value();
      }
    }
    return new AccountTimeline(a.id, a.at, termsAt, termsPos, terms, cAt, cPos, cIn);
  }

  /** How many leading entries are at or before position p (positions ascend). */
  private static int visible(History.Entry<?>[] es, long p) {
    int n = es.length;
    while (n > 0 && es[n - 1].pos() > p) {
      n--;
    }
    return n;
  }
}
