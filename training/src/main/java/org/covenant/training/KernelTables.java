package org.covenant.training;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link BatchKernel}'s compiled form for one purpose at one time: per account the segments
 * of its timeline, and per (state class, category, contributor bits) an outcome id. Primitive
 * arrays only, so it serializes compactly and can be shipped to other processes (a Spark
 * broadcast) and evaluated there without the ledger or the terms.
 *
 * <p>Size: 4 bytes per account plus 16 bytes per timeline segment (one segment per account plus
 * one per terms acceptance or relevant consent change up to the time of use), and, when built over
 * the ledger's accounts ({@link BatchKernel#compact()}), the account ids and creation times; the
 * outcome table is small (state classes × categories × 2^consents shorts).
 *
 * <p>Outcome ids index {@link BatchKernel.Compact#outcomes()} (or the bound plan's outcomes);
 * {@link #decide} also answers {@link #UNKNOWN_ACCOUNT} and {@link #BEFORE_ACCOUNT}, the two
 * records a build refuses.
 */
public final class KernelTables implements Serializable {
  private static final long serialVersionUID = 1L;
  /** {@link #decide}: the owning account is not in the ledger. */
  public static final int UNKNOWN_ACCOUNT = -1;
  /** {@link #decide}: the record was created before its owning account existed. */
  public static final int BEFORE_ACCOUNT = -2;
  static final int NCAT = org.covenant.core.vocab.Vocabulary.categories().size();
  static final int BITS = 1 << LedgerIndex.CONSENTS;
  static final int ALL = BITS - 1;
  /** Linear scan below this many segments, binary search above. */
  private static final int SCAN = 16;

  final int[] segStart;
  /**
   * Segments interleaved, two longs each, so that one cache line serves a lookup: {@code
   * seg[2j]} the start time, {@code seg[2j + 1]} the state class shifted left by 8 bits or'd
   * with the contributor bits.
   */
  final long[] seg;
  final short[] table;
  final short unknownContent;
  final long at;
  /** Account ids and creation times when the tables cover the ledger's accounts; else null. */
  private final String[] accounts;
  private final long[] accountCreated;
  private transient Map<String, Integer> index;

  KernelTables(int[] segStart, long[] seg, short[] table, short unknownContent, long at,
      String[] accounts, long[] accountCreated) {
    this.segStart = segStart;
    this.seg = seg;
    this.table = table;
    this.unknownContent = unknownContent;
    this.at = at;
    this.accounts = accounts;
    this.accountCreated = accountCreated;
  }

  /** The time of use ({@link org.covenant.core.state.TimeKey}). */
  public long at() {
    return at;
  }

  /** Timeline segments in all. */
  public int segments() {
    return seg.length / 2;
  }

  /** Accounts covered. */
  public int accounts() {
    return segStart.length - 1;
  }

  /**
   * The index of account {@code id} (for {@link #decide}), or -1 when it is not in the ledger.
   * Only for tables built over the ledger's accounts.
   */
  public int account(String id) {
    Map<String, Integer> m = index;
    if (m == null) {
      m = new HashMap<>(accounts.length * 2);
      for (int a = 0; a < accounts.length; a++) {
        m.put(accounts[a], a);
      }
      index = m;
    }
    Integer a = m.get(id);
    return a == null ? -1 : a;
  }

  /**
   * The outcome id of one record, as {@link BatchKernel.Plan#evaluate(int)} answers it, or
   * {@link #UNKNOWN_ACCOUNT} / {@link #BEFORE_ACCOUNT}. Only for tables built over the ledger's
   * accounts.
   *
   * @param owner the owning account ({@link #account}; -1 when unknown)
   * @param created the capture time ({@link org.covenant.core.state.TimeKey})
   * @param category the category's ordinal
   * @param contributors the other contributors ({@link #account}; -1 for one not in the ledger)
   * @param n how many of {@code contributors} to read
   */
  public int decide(int owner, long created, int category, int[] contributors, int n) {
    if (owner < 0) {
      return UNKNOWN_ACCOUNT;
    }
    if (created < accountCreated[owner]) {
      return BEFORE_ACCOUNT;
    }
    if (created > at) {
      return unknownContent;
    }
    int j = find(segStart[owner], segStart[owner + 1], created);
    int bits = ALL;
    for (int k = 0; k < n && bits != 0; k++) {
      bits &= contributorBits(contributors[k], created);
    }
    return outcome(j, category, bits);
  }

  /** The contributor bits of account {@code b} at {@code t} (0 for an account not covered). */
  int contributorBits(int b, long t) {
    if (b < 0) {
      return 0;
    }
    int bs = segStart[b];
    int be = segStart[b + 1];
    return bs == be ? 0 : (int) seg[2 * find(seg, bs, be, t) + 1];
  }

  /** The outcome id for segment {@code j}, a category and contributor bits. */
  short outcome(int j, int category, int bits) {
    return table[((int) (seg[2 * j + 1] >>> 8) * NCAT + category) * BITS + bits];
  }

  int find(int from, int to, long t) {
    return find(seg, from, to, t);
  }

  /** The last segment in [from, to) starting at or before t; segment {@code from} starts at -inf. */
  static int find(long[] seg, int from, int to, long t) {
    if (to - from <= SCAN) {
      int j = from;
      while (j + 1 < to && seg[2 * j + 2] <= t) {
        j++;
      }
      return j;
    }
    int lo = from;
    int hi = to - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (seg[2 * mid] <= t) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
