package org.covenant.training;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.ConsentType;
import org.covenant.format.Problem;
import org.covenant.format.Result;

/**
 * The part of the ledger that consent-gated decisions read, as primitive timelines per account:
 * when it was created, which terms it accepted when, and when each consent came into or went out
 * of force (ARCHITECTURE.md §3, §5). Built from the accepted events of a ledger, in position
 * order, up to one position: the snapshot a dataset build evaluates against.
 *
 * <p>The timelines follow the projection exactly: every {@code terms.accepted} is an entry;
 * a {@code consent.granted} while in force, or a {@code consent.withdrawn} while not, changes
 * nothing and adds no entry. Because accepted events never go back in time, each timeline is
 * sorted by time and "the value as of t" is the last entry at or before t.
 */
public final class LedgerIndex {
  static final int CONSENTS = ConsentType.values().length;
  private static final String CACHE_MAGIC = "covenant.ledger-index/1";

  private final TermsCatalog catalog;
  private final List<TermsVersion> versions;
  private final Map<String, Integer> accountIndex;
  private final String[] accountIds;
  final long[] created;
  /** Per account: terms entries [termsStart[a], termsStart[a+1]). */
  final int[] termsStart;
  final long[] termsAt;
  /** 1-based index into {@link #versions}. */
  final int[] termsVersion;
  /** Per consent type, per account: entries [consentStart[k][a], consentStart[k][a+1]). */
  final int[][] consentStart;
  final long[][] consentAt;
  final boolean[][] consentInForce;
  private final long position;
  private final long lastAt;

  private LedgerIndex(Builder b) {
    this.catalog = b.catalog;
    this.versions = b.versions;
    int na = b.accounts.size();
    this.accountIndex = b.index;
    this.accountIds = new String[na];
    this.created = new long[na];
    this.termsStart = new int[na + 1];
    this.consentStart = new int[CONSENTS][na + 1];
    int nt = 0;
    int[] nc = new int[CONSENTS];
    for (Acc a : b.accounts) {
      nt += a.termsN;
      for (int k = 0; k < CONSENTS; k++) {
        nc[k] += a.consentN[k];
      }
    }
    this.termsAt = new long[nt];
    this.termsVersion = new int[nt];
    this.consentAt = new long[CONSENTS][];
    this.consentInForce = new boolean[CONSENTS][];
    for (int k = 0; k < CONSENTS; k++) {
      consentAt[k] = new long[nc[k]];
      consentInForce[k] = new boolean[nc[k]];
    }
    int t = 0;
    int[] c = new int[CONSENTS];
    for (int i = 0; i < na; i++) {
      Acc a = b.accounts.get(i);
      accountIds[i] = a.id;
      created[i] = a.created;
      termsStart[i] = t;
      System.arraycopy(a.termsAt, 0, termsAt, t, a.termsN);
      System.arraycopy(a.termsV, 0, termsVersion, t, a.termsN);
      t += a.termsN;
      for (int k = 0; k < CONSENTS; k++) {
        consentStart[k][i] = c[k];
        System.arraycopy(a.consentAt[k], 0, consentAt[k], c[k], a.consentN[k]);
        System.arraycopy(a.consentV[k], 0, consentInForce[k], c[k], a.consentN[k]);
        c[k] += a.consentN[k];
      }
    }
    termsStart[na] = t;
    for (int k = 0; k < CONSENTS; k++) {
      consentStart[k][na] = c[k];
    }
    this.position = b.position;
    this.lastAt = b.lastAt;
  }

  /** A builder over the terms the ledger was validated with. */
  public static Builder builder(TermsCatalog catalog) {
    return new Builder(catalog);
  }

  /** The terms catalog. */
  public TermsCatalog catalog() {
    return catalog;
  }

  /** The terms versions, 0-based (timeline entries hold the index + 1; 0 is "none"). */
  public List<TermsVersion> versions() {
    return versions;
  }

  /** The ledger position this index sees up to (inclusive). */
  public long position() {
    return position;
  }

  /** The time of the last event indexed ({@link TimeKey}), or {@code Long.MIN_VALUE}. */
  public long lastAt() {
    return lastAt;
  }

  /** The number of accounts. */
  public int accounts() {
    return accountIds.length;
  }

  /** The dense index of an account, or -1 when it is not on the platform. */
  public int account(String id) {
    Integer i = accountIndex.get(id);
    return i == null ? -1 : i;
  }

  /** The id of account {@code a}. */
  public String accountId(int a) {
    return accountIds[a];
  }

  /** When account {@code a} was created ({@link TimeKey}). */
  public long createdAt(int a) {
    return created[a];
  }

  /** The terms account {@code a} accepted last at or before {@code t}, if any. */
  public Optional<TermsVersion> terms(int a, long t) {
    int v = termsAt(a, t);
    return v == 0 ? Optional.empty() : Optional.of(versions.get(v - 1));
  }

  /** 1-based version index in force at t for account a, 0 for none. */
  int termsAt(int a, long t) {
    int found = lastAtOrBefore(termsAt, termsStart[a], termsStart[a + 1], t);
    return found < 0 ? 0 : termsVersion[found];
  }

  /** The consent status at t: 0 in force, 1 withdrawn, 2 missing ({@code ConsentStatus} order). */
  int consentAt(int a, int k, long t) {
    int from = consentStart[k][a];
    int found = lastAtOrBefore(consentAt[k], from, consentStart[k][a + 1], t);
    if (found < 0) {
      return 2;
    }
    return consentInForce[k][found] ? 0 : 1;
  }

  static int lastAtOrBefore(long[] at, int from, int to, long t) {
    int lo = from;
    int hi = to - 1;
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

  /** The fingerprint of a stored event: SHA-256 of its position and canonical wire JSON. */
  public static String fingerprint(StoredEvent e) {
    return org.covenant.core.Sha256.hex(e.position() + "\n"
        + org.covenant.format.Json.line(org.covenant.format.EventCodec.toJson(e.event())));
  }

  /**
   * Saves this index (and the fingerprint of the event at its position) so that a later build
   * reads only the events appended since: the ledger is append-only, so a prefix never changes,
   * and the fingerprint detects a ledger that was replaced. Atomic (temporary file, rename).
   */
  public void save(Path file, String lastEventFingerprint) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
      try (DataOutputStream o = new DataOutputStream(new BufferedOutputStream(
          Files.newOutputStream(temp), 1 << 16))) {
        o.writeUTF(CACHE_MAGIC);
        o.writeUTF(catalog.revision());
        o.writeUTF(lastEventFingerprint);
        o.writeLong(position);
        o.writeLong(lastAt);
        int na = accountIds.length;
        o.writeInt(na);
        for (int a = 0; a < na; a++) {
          o.writeUTF(accountIds[a]);
          o.writeLong(created[a]);
          o.writeInt(termsStart[a + 1] - termsStart[a]);
          for (int i = termsStart[a]; i < termsStart[a + 1]; i++) {
            o.writeLong(termsAt[i]);
            o.writeInt(termsVersion[i]);
          }
          for (int k = 0; k < CONSENTS; k++) {
            o.writeInt(consentStart[k][a + 1] - consentStart[k][a]);
            for (int i = consentStart[k][a]; i < consentStart[k][a + 1]; i++) {
              o.writeLong(consentAt[k][i]);
              o.writeBoolean(consentInForce[k][i]);
            }
          }
        }
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TrainingException("index_io", "cannot write `" + file + "`: " + e.getMessage(), e);
    }
  }

  /**
   * A builder resumed from a saved index, when the file exists, was made with the same terms
   * catalog, and {@code eventAt} still returns the event it ended with. Otherwise empty: start
   * over from the first event.
   */
  public static Optional<Builder> resume(Path file, TermsCatalog catalog,
      java.util.function.LongFunction<Optional<StoredEvent>> eventAt) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        Files.newInputStream(file), 1 << 16))) {
      if (!CACHE_MAGIC.equals(in.readUTF()) || !catalog.revision().equals(in.readUTF())) {
        return Optional.empty();
      }
      String fp = in.readUTF();
      long position = in.readLong();
      if (position > 0) {
        Optional<StoredEvent> e = eventAt.apply(position);
        if (e.isEmpty() || !fingerprint(e.get()).equals(fp)) {
          return Optional.empty();
        }
      }
      Builder b = new Builder(catalog);
      b.position = position;
      b.lastAt = in.readLong();
      int na = in.readInt();
      for (int a = 0; a < na; a++) {
        Acc acc = new Acc(in.readUTF(), in.readLong());
        int nt = in.readInt();
        acc.termsAt = new long[Math.max(2, nt)];
        acc.termsV = new int[Math.max(2, nt)];
        for (int i = 0; i < nt; i++) {
          acc.termsAt[i] = in.readLong();
          acc.termsV[i] = in.readInt();
        }
        acc.termsN = nt;
        for (int k = 0; k < CONSENTS; k++) {
          int nc = in.readInt();
          acc.consentAt[k] = new long[Math.max(2, nc)];
          acc.consentV[k] = new boolean[Math.max(2, nc)];
          for (int i = 0; i < nc; i++) {
            acc.consentAt[k][i] = in.readLong();
            acc.consentV[k][i] = in.readBoolean();
          }
          acc.consentN[k] = nc;
        }
        b.index.put(acc.id, b.accounts.size());
        b.accounts.add(acc);
      }
      return Optional.of(b);
    } catch (IOException e) {
      // A damaged cache is only a slower build: start over.
      return Optional.empty();
    }
  }

  private static final class Acc {
    final String id;
    final long created;
    long[] termsAt = new long[2];
    int[] termsV = new int[2];
    int termsN;
    final long[][] consentAt = new long[CONSENTS][2];
    final boolean[][] consentV = new boolean[CONSENTS][2];
    final int[] consentN = new int[CONSENTS];

    Acc(String id, long created) {
      this.id = id;
      this.created = created;
    }
  }

  /** Feeds accepted events, in position order. */
  public static final class Builder {
    private final TermsCatalog catalog;
    private final List<TermsVersion> versions;
    private final Map<String, Integer> versionIndex = new HashMap<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final List<Acc> accounts = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private long position;
    private long lastAt = Long.MIN_VALUE;

    private Builder(TermsCatalog catalog) {
      this.catalog = catalog;
      this.versions = List.copyOf(catalog.versions());
      for (int i = 0; i < versions.size(); i++) {
        versionIndex.put(versions.get(i).name(), i + 1);
      }
    }

    /** The position of the last event fed; 0 before any. */
    public long position() {
      return position;
    }

    /** Feeds one accepted event; positions must follow each other. */
    public Builder accept(StoredEvent stored) {
      if (stored.position() != position + 1) {
        throw new IllegalArgumentException("ledger position " + stored.position()
            + " does not follow " + position);
      }
      position = stored.position();
      Event e = stored.event();
      long at = TimeKey.of(e.at());
      if (at < lastAt) {
        throw new IllegalArgumentException("ledger position " + position + " goes back in time");
      }
      lastAt = at;
      if (e instanceof Event.AccountCreated c) {
        index.put(c.account(), accounts.size());
        accounts.add(new Acc(c.account(), at));
      } else if (e instanceof Event.TermsAccepted ta) {
        Integer v = versionIndex.get(ta.terms());
        Acc a = acc(ta.account());
        if (v == null) {
          problems.add(new Problem("ledger", "position " + position, "terms",
              "terms `" + ta.terms() + "` are not in the catalog given (pass the terms directory "
                  + "the ledger was written with)"));
        } else if (a != null) {
          if (a.termsN == a.termsAt.length) {
            a.termsAt = Arrays.copyOf(a.termsAt, a.termsN * 2);
            a.termsV = Arrays.copyOf(a.termsV, a.termsN * 2);
          }
          a.termsAt[a.termsN] = at;
          a.termsV[a.termsN++] = v;
        }
      } else if (e instanceof Event.ConsentGranted g) {
        consent(g.account(), g.consent(), true, at);
      } else if (e instanceof Event.ConsentWithdrawn w) {
        consent(w.account(), w.consent(), false, at);
      }
      return this;
    }

    private Acc acc(String id) {
      Integer i = index.get(id);
      return i == null ? null : accounts.get(i);
    }

    private void consent(String account, String consent, boolean grant, long at) {
      Acc a = acc(account);
      Optional<ConsentType> type = ConsentType.of(consent);
      if (a == null || type.isEmpty()) {
        // INVARIANT: the ledger holds accepted events only, so both exist; stay total anyway.
        return;
      }
      int k = type.get().ordinal();
      int n = a.consentN[k];
      boolean inForce = n > 0 && a.consentV[k][n - 1];
      if (inForce == grant) {
        return;
      }
      if (n == a.consentAt[k].length) {
        a.consentAt[k] = Arrays.copyOf(a.consentAt[k], n * 2);
        a.consentV[k] = Arrays.copyOf(a.consentV[k], n * 2);
      }
      a.consentAt[k][n] = at;
      a.consentV[k][n] = grant;
      a.consentN[k] = n + 1;
    }

    /** The index, or the terms the catalog does not know. */
    public Result<LedgerIndex> build() {
      if (!problems.isEmpty()) {
        return new Result.Failed<>(problems);
      }
      return Result.ok(new LedgerIndex(this));
    }
  }
}
