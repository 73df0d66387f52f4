package org.covenant.training;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Vocabulary;

/**
 * A corpus manifest in memory, column by column: for each content record its id, category,
 * owning account, other contributing accounts, meeting, author and creation time (the fields of
 * {@code content.created}, ARCHITECTURE.md §3). Accounts, meetings and authors are dictionary
 * indices, so the batch kernel reads primitive arrays only. Records keep the order they were
 * added in. Immutable once built; the arrays are shared with the kernel, never copied.
 *
 * <p>A corpus is registered in bulk: record {@code i} counts as captured at {@link #created}
 * {@code (i)}, after every ledger event at or before that instant (see {@link BatchKernel}).
 */
public final class ContentCorpus {
  /** The value of {@link #meeting} and {@link #author} when absent. */
  public static final int NONE = -1;

  final Strings ids;
  final Strings accounts;
  final Strings meetings;
  final Strings authors;
  final byte[] category;
  final int[] account;
  final long[] created;
  final int[] meeting;
  final int[] author;
  final int[] contributorStart;
  final int[] contributors;

  ContentCorpus(Strings ids, Strings accounts, Strings meetings, Strings authors, byte[] category,
      int[] account, long[] created, int[] meeting, int[] author, int[] contributorStart,
      int[] contributors) {
    this.ids = ids;
    this.accounts = accounts;
    this.meetings = meetings;
    this.authors = authors;
    this.category = category;
    this.account = account;
    this.created = created;
    this.meeting = meeting;
    this.author = author;
    this.contributorStart = contributorStart;
    this.contributors = contributors;
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The number of records. */
  public int size() {
    return account.length;
  }

  /** The id of record {@code i}. */
  public String id(int i) {
    return ids.get(i);
  }

  /** The id column. */
  public Strings ids() {
    return ids;
  }

  /** The account dictionary: owners and contributors, on the platform or not. */
  public Strings accounts() {
    return accounts;
  }

  /** The category of record {@code i}. */
  public Category category(int i) {
    return Vocabulary.categories().get(category[i]);
  }

  /** The owning account (dictionary index) of record {@code i}. */
  public int account(int i) {
    return account[i];
  }

  /** The owning account id of record {@code i}. */
  public String accountId(int i) {
    return accounts.get(account[i]);
  }

  /** The creation (capture) time of record {@code i} as a {@link TimeKey}. */
  public long created(int i) {
    return created[i];
  }

  /** The meeting (dictionary index) of record {@code i}, or {@link #NONE}. */
  public int meeting(int i) {
    return meeting[i];
  }

  /** The author (dictionary index) of record {@code i}, or {@link #NONE}. */
  public int author(int i) {
    return author[i];
  }

  /** The meeting id of record {@code i}; only when {@link #meeting} is not {@link #NONE}. */
  public String meetingId(int i) {
    return meetings.get(meeting[i]);
  }

  /** The author id of record {@code i}; only when {@link #author} is not {@link #NONE}. */
  public String authorId(int i) {
    return authors.get(author[i]);
  }

  /** Contributing accounts of record {@code i} other than its owner (dictionary indices). */
  public int[] otherContributors(int i) {
    return Arrays.copyOfRange(contributors, contributorStart[i], contributorStart[i + 1]);
  }

  /** Record {@code i} as a value (for reports, tests and exports; not for hot loops). */
  public ContentItem item(int i) {
    List<String> cs = new ArrayList<>();
    cs.add(accounts.get(account[i]));
    for (int k = contributorStart[i]; k < contributorStart[i + 1]; k++) {
      cs.add(accounts.get(contributors[k]));
    }
    return new ContentItem(ids.get(i), category(i), accounts.get(account[i]),
        meeting[i] == NONE ? Optional.empty() : Optional.of(meetings.get(meeting[i])),
        author[i] == NONE ? Optional.empty() : Optional.of(authors.get(author[i])),
        cs, TimeKey.toInstant(created[i]));
  }

  /** Records {@code records[0]}, {@code records[1]}, … (a subset, a reordering) as a corpus. */
  public ContentCorpus select(int[] records) {
    return permute(records);
  }

  /**
   * Records {@code perm[0]}, {@code perm[1]}, … as a corpus sharing this one's dictionaries: a
   * reordering when {@code perm} is a permutation, a subset otherwise.
   */
  ContentCorpus permute(int[] perm) {
    int n = perm.length;
    byte[] blob = ids.blob();
    int[] off = ids.offsets();
    long blobLen = 0;
    int conLen = 0;
    for (int i : perm) {
      blobLen += off[i + 1] - off[i];
      conLen += contributorStart[i + 1] - contributorStart[i];
    }
    byte[] newBlob = new byte[Math.toIntExact(blobLen)];
    int[] newOff = new int[n + 1];
    byte[] cat = new byte[n];
    int[] acc = new int[n];
    long[] cre = new long[n];
    int[] mee = new int[n];
    int[] aut = new int[n];
    int[] cs = new int[n + 1];
    int[] con = new int[conLen];
    int w = 0;
    int cw = 0;
    for (int k = 0; k < n; k++) {
      int i = perm[k];
      int len = off[i + 1] - off[i];
      System.arraycopy(blob, off[i], newBlob, w, len);
      w += len;
      newOff[k + 1] = w;
      cat[k] = category[i];
      acc[k] = account[i];
      cre[k] = created[i];
      mee[k] = meeting[i];
      aut[k] = author[i];
      int clen = contributorStart[i + 1] - contributorStart[i];
      System.arraycopy(contributors, contributorStart[i], con, cw, clen);
      cw += clen;
      cs[k + 1] = cw;
    }
    return new ContentCorpus(new Strings(newBlob, newOff), accounts, meetings, authors, cat, acc, cre,
        mee, aut, cs, con);
  }

  /**
   * One content record.
   *
   * @param id global content id
   * @param category its category
   * @param account the owning account
   * @param meeting the meeting it was captured in, if any
   * @param author who produced it, if known
   * @param contributors every contributing account, the owner first
   * @param created capture time
   */
  public record ContentItem(String id, Category category, String account, Optional<String> meeting,
      Optional<String> author, List<String> contributors, Instant created) {
    /** Validates the fields and puts the owner first among the contributors, once. */
    public ContentItem {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(meeting, "meeting");
      Objects.requireNonNull(author, "author");
      Objects.requireNonNull(created, "created");
      List<String> cs = new ArrayList<>();
      cs.add(account);
      for (String c : contributors) {
        if (!cs.contains(c)) {
          cs.add(c);
        }
      }
      contributors = List.copyOf(cs);
    }
  }

  /** Accumulates records; dictionaries deduplicate accounts, meetings and authors. */
  public static final class Builder {
    private final Strings.Builder ids = new Strings.Builder(false);
    private final Strings.Builder accounts = new Strings.Builder(true);
    private final Strings.Builder meetings = new Strings.Builder(true);
    private final Strings.Builder authors = new Strings.Builder(true);
    private byte[] category = new byte[1024];
    private int[] account = new int[1024];
    private long[] created = new long[1024];
    private int[] meeting = new int[1024];
    private int[] author = new int[1024];
    private int[] contributorStart = new int[1025];
    private int[] contributors = new int[1024];
    private int n;

    private Builder() {}

    /** The dictionary index of an account id (added when new). */
    public int account(String id) {
      return accounts.add(id);
    }

    /** The dictionary index of a meeting id (added when new). */
    public int meeting(String id) {
      return meetings.add(id);
    }

    /** The dictionary index of an author id (added when new). */
    public int author(String id) {
      return authors.add(id);
    }

    /** The number of records so far. */
    public int size() {
      return n;
    }

    /**
     * Adds a record by dictionary indices.
     *
     * @param otherContributors contributing accounts besides the owner (the owner and repeats
     *     are skipped)
     */
    public void add(String id, Category cat, int owner, long createdKey, int meetingIndex,
        int authorIndex, int... otherContributors) {
      if (n == account.length) {
        int cap = n * 2;
        category = Arrays.copyOf(category, cap);
        account = Arrays.copyOf(account, cap);
        created = Arrays.copyOf(created, cap);
        meeting = Arrays.copyOf(meeting, cap);
        author = Arrays.copyOf(author, cap);
        contributorStart = Arrays.copyOf(contributorStart, cap + 1);
      }
      ids.add(id);
      category[n] = (byte) cat.ordinal();
      account[n] = owner;
      created[n] = createdKey;
      meeting[n] = meetingIndex;
      author[n] = authorIndex;
      int at = contributorStart[n];
      for (int c : otherContributors) {
        if (c == owner || contains(contributors, contributorStart[n], at, c)) {
          continue;
        }
        if (at == contributors.length) {
          contributors = Arrays.copyOf(contributors, at * 2);
        }
        contributors[at++] = c;
      }
      contributorStart[n + 1] = at;
      n++;
    }

    private static boolean contains(int[] a, int from, int to, int v) {
      for (int k = from; k < to; k++) {
        if (a[k] == v) {
          return true;
        }
      }
      return false;
    }

    /** Adds a record given as a value. */
    public void add(ContentItem item) {
      int owner = account(item.account());
      int[] others = new int[item.contributors().size() - 1];
      for (int k = 1; k < item.contributors().size(); k++) {
        others[k - 1] = account(item.contributors().get(k));
      }
      add(item.id(), item.category(), owner, TimeKey.of(item.created()),
          item.meeting().map(this::meeting).orElse(NONE),
          item.author().map(this::author).orElse(NONE), others);
    }

    /** The corpus. */
    public ContentCorpus build() {
      return new ContentCorpus(ids.build(), accounts.build(), meetings.build(), authors.build(),
          Arrays.copyOf(category, n), Arrays.copyOf(account, n), Arrays.copyOf(created, n),
          Arrays.copyOf(meeting, n), Arrays.copyOf(author, n),
          Arrays.copyOf(contributorStart, n + 1),
          Arrays.copyOf(contributors, contributorStart[n]));
    }
  }
}
