package org.covenant.training;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import org.covenant.core.event.Event;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.Vocabulary;

/**
 * Makes a realistic corpus and the ledger that governs it, from a seed (the same spec always
 * gives the same bytes).
 *
 * <ul>
 *   <li><b>Accounts</b> join over the first half of the window; record counts follow a Zipf law
 *       (exponent 1.07): a few large customers, a long tail of small ones. 40% have an admin.
 *   <li><b>Terms</b> follow the history of the four built-in versions: accounts created before
 *       2023-08-07 accept {@code example-2023-03-31}; most of them later move to
 *       {@code example-2023-08-07}, then to {@code example-2023-08-11} or {@code default};
 *       newer accounts accept {@code default} (70%) or {@code example-2023-08-11}.
 *   <li><b>Consents</b>: 35% of accounts grant {@code ai_training} and 50%
 *       {@code product_improvement} at some point; 15% of grants are withdrawn later, and a fifth
 *       of those granted again.
 *   <li><b>Content</b> comes in meetings (90%): two to a dozen records each, hosted by the owning
 *       account; a fifth of meetings have participants from one or two other accounts on the
 *       platform and 15% an external participant whose account is not on the platform (it can
 *       never consent). Media records (audio, video, transcript, recording, screen share, AI
 *       summary) list every participating account as a contributor; chat, reactions, polls,
 *       whiteboards and attachments list their author's. The rest is outside meetings:
 *       attachments, webinar invites and service-generated telemetry, diagnostics and usage.
 * </ul>
 *
 * The corpus is registered in bulk (see {@link BatchKernel}); the ledger holds accounts, users,
 * terms and consents, not one {@code content.created} per record.
 */
public final class CorpusGenerator {
  /** The order records are written in. */
  public enum Order {
    /** Grouped by owning account, by time within an account. */
    ACCOUNT,
    /** By creation time, accounts interleaved. */
    TIME,
    /** Shuffled. */
    RANDOM
  }

  /**
   * What to generate.
   *
   * @param records number of content records
   * @param accounts number of accounts on the platform
   * @param seed the seed
   * @param start first instant of the window
   * @param end last instant of the window
   * @param order record order
   */
  public record Spec(int records, int accounts, long seed, Instant start, Instant end,
      Order order) {
    /** Validates the fields. */
    public Spec {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(order, "order");
      if (records < 0 || records >= 1 << 27 || accounts < 1 || !end.isAfter(start)
          || end.getEpochSecond() - start.getEpochSecond() >= 1L << 35) {
        throw new IllegalArgumentException(
            "0 <= records < 2^27, accounts >= 1, end after start, a window under 1000 years");
      }
    }

    /** 2023-01-01 to 2024-12-31, grouped by account. */
    public static Spec of(int records, int accounts, long seed) {
      return new Spec(records, accounts, seed, Instant.parse("2023-01-01T00:00:00Z"),
          Instant.parse("2024-12-31T00:00:00Z"), Order.ACCOUNT);
    }

    /** The same spec in another order. */
    public Spec withOrder(Order o) {
      return new Spec(records, accounts, seed, start, end, o);
    }
  }

  /**
   * A generated world.
   *
   * @param events the ledger, in time order (every event valid, none rejected)
   * @param corpus the corpus
   */
  public record Generated(List<Event> events, ContentCorpus corpus) {}

  private static final long SECOND = 1_000_000_000L;
  private static final long DAY = 86_400L * SECOND;
  private static final Instant T0807 = Instant.parse("2023-08-07T00:00:00Z");
  private static final Instant T0811 = Instant.parse("2023-08-11T00:00:00Z");
  private static final String[] MEDIA = {"audio", "video", "transcript", "recording",
      "screen_share", "ai_summary"};
  private static final String[] MEETING_KINDS = {"audio", "video", "transcript", "recording",
      "screen_share", "ai_summary", "chat", "chat", "chat", "chat", "reaction", "reaction",
      "reaction", "poll", "whiteboard", "attachment"};
  private static final String[] OUTSIDE = {"attachment", "attachment", "webinar_invite",
      "chat", "service_generated.telemetry", "service_generated.diagnostics",
      "service_generated.usage"};

  private CorpusGenerator() {}

  /** Generates the ledger and the corpus. */
  public static Generated generate(Spec spec) {
    SplittableRandom rnd = new SplittableRandom(spec.seed());
    long start = TimeKey.of(spec.start());
    long end = TimeKey.of(spec.end());
    long span = end - start;
    int na = spec.accounts();
    List<Event> events = new ArrayList<>(na * 6);
    long[] created = new long[na];
    String[] ids = new String[na];
    for (int a = 0; a < na; a++) {
      ids[a] = String.format("acct-%06d", a + 1);
      // Earlier joins are likelier: the square skews towards the start.
      double u = rnd.nextDouble();
      created[a] = start + (long) (u * u * 0.5 * span) / SECOND * SECOND;
      accountEvents(rnd, ids[a], created[a], end, events);
    }
    events.sort(Comparator.comparing(Event::at));

    // Zipf over a shuffled rank order, so account ids do not reveal size.
    int[] byRank = new int[na];
    for (int a = 0; a < na; a++) {
      byRank[a] = a;
    }
    shuffle(byRank, rnd);
    double[] cdf = new double[na];
    double sum = 0;
    for (int r = 0; r < na; r++) {
      sum += 1.0 / Math.pow(r + 1, 1.07);
      cdf[r] = sum;
    }
    int externals = Math.max(1, na / 10);
    ContentCorpus.Builder b = ContentCorpus.builder();
    int[] acctIndex = new int[na];
    for (int a = 0; a < na; a++) {
      acctIndex[a] = b.account(ids[a]);
    }
    int[] extIndex = new int[externals];
    for (int e = 0; e < externals; e++) {
      extIndex[e] = b.account(String.format("ext-%05d", e + 1));
    }
    int n = spec.records();
    int made = 0;
    long meetingSeq = 0;
    while (made < n) {
      int a = byRank[rank(cdf, rnd.nextDouble() * sum)];
      long from = created[a] + 3600 * SECOND;
      long t = from + (long) (rnd.nextDouble() * Math.max(1, end - from)) / SECOND * SECOND;
      // 44% of draws are single records outside meetings: about 10% of records, as meetings
      // hold seven on average.
      if (rnd.nextInt(100) < 44) {
        String kind = OUTSIDE[rnd.nextInt(OUTSIDE.length)];
        b.add(recordId(made), category(kind), acctIndex[a], t, ContentCorpus.NONE,
            kind.startsWith("service_generated") ? ContentCorpus.NONE : b.author(ids[a] + "/u" + rnd.nextInt(20)));
        made++;
        continue;
      }
      int meeting = b.meeting(String.format("mtg-%08d", ++meetingSeq));
      List<Integer> accts = new ArrayList<>(4);
      List<String> people = new ArrayList<>(6);
      List<Integer> personAccount = new ArrayList<>(6);
      accts.add(acctIndex[a]);
      for (int k = 0; k < 2; k++) {
        people.add(ids[a] + "/u" + rnd.nextInt(20));
        personAccount.add(acctIndex[a]);
      }
      if (rnd.nextInt(5) == 0) {
        for (int k = 1 + rnd.nextInt(2); k > 0; k--) {
          int other = rnd.nextInt(na);
          if (created[other] <= t && other != a && !accts.contains(acctIndex[other])) {
            accts.add(acctIndex[other]);
            people.add(ids[other] + "/u" + rnd.nextInt(20));
            personAccount.add(acctIndex[other]);
          }
        }
      }
      if (rnd.nextInt(100) < 15) {
        int e = rnd.nextInt(externals);
        accts.add(extIndex[e]);
        people.add(String.format("guest-%05d", e + 1));
        personAccount.add(extIndex[e]);
      }
      int[] others = new int[accts.size() - 1];
      for (int k = 1; k < accts.size(); k++) {
        others[k - 1] = accts.get(k);
      }
      int size = 2 + rnd.nextInt(11);
      for (int k = 0; k < size && made < n; k++) {
        String kind = MEETING_KINDS[rnd.nextInt(MEETING_KINDS.length)];
        long at = Math.min(t + rnd.nextInt(3600) * SECOND, end);
        int who = rnd.nextInt(people.size());
        if (isMedia(kind)) {
          b.add(recordId(made), category(kind), acctIndex[a], at, meeting, ContentCorpus.NONE, others);
        } else {
          b.add(recordId(made), category(kind), acctIndex[a], at, meeting,
              b.author(people.get(who)), personAccount.get(who));
        }
        made++;
      }
    }
    ContentCorpus corpus = b.build();
    return new Generated(List.copyOf(events), reorder(corpus, spec.order(), start, rnd));
  }

  private static boolean isMedia(String kind) {
    for (String m : MEDIA) {
      if (m.equals(kind)) {
        return true;
      }
    }
    return false;
  }

  private static Category category(String kind) {
    String id = kind.contains(".") ? kind : "customer_content." + kind;
    return Vocabulary.category(id).orElseThrow();
  }

  private static String recordId(int i) {
    return "c" + Integer.toString(i, 36);
  }

  private static int rank(double[] cdf, double x) {
    int lo = 0;
    int hi = cdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static void shuffle(int[] a, SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static Instant instant(long key) {
    return TimeKey.toInstant(key);
  }

  private static void accountEvents(SplittableRandom rnd, String id, long created, long end,
      List<Event> out) {
    out.add(new Event.AccountCreated(instant(created), id, "owner"));
    boolean admin = rnd.nextInt(10) < 4;
    if (admin) {
      out.add(new Event.UserAdded(instant(created + 60 * SECOND), id, "admin", Role.ADMIN,
          Optional.empty()));
    }
    long t = created + 120 * SECOND;
    long t0807 = TimeKey.of(T0807);
    long t0811 = TimeKey.of(T0811);
    String first;
    if (t < t0807) {
      first = "example-2023-03-31";
    } else if (t < t0811) {
      first = "example-2023-08-07";
    } else {
      first = rnd.nextInt(10) < 7 ? "default" : "example-2023-08-11";
    }
    out.add(new Event.TermsAccepted(instant(t), id, first, "owner"));
    if (first.equals("example-2023-03-31") && rnd.nextInt(10) < 7) {
      long moved = Math.max(t, t0807) + rnd.nextInt(120) * DAY + rnd.nextInt(86_400) * SECOND;
      if (moved < end) {
        out.add(new Event.TermsAccepted(instant(moved), id, "example-2023-08-07",
            by(rnd, admin)));
        if (rnd.nextInt(10) < 6) {
          long again = moved + (1 + rnd.nextInt(300)) * DAY;
          if (again < end) {
            out.add(new Event.TermsAccepted(instant(again), id,
                rnd.nextInt(3) == 0 ? "example-2023-08-11" : "default", by(rnd, admin)));
          }
        }
      }
    }
    consentEvents(rnd, id, "ai_training", 35, created, end, admin, out);
    consentEvents(rnd, id, "product_improvement", 50, created, end, admin, out);
  }

  private static void consentEvents(SplittableRandom rnd, String id, String consent,
      int percent, long created, long end, boolean admin, List<Event> out) {
    if (rnd.nextInt(100) >= percent) {
      return;
    }
    long granted = created + 180 * SECOND
        + (long) (rnd.nextDouble() * rnd.nextDouble() * (end - created)) / SECOND * SECOND;
    if (granted >= end) {
      return;
    }
    out.add(new Event.ConsentGranted(instant(granted), id, consent, by(rnd, admin)));
    if (rnd.nextInt(100) < 15) {
      long withdrawn = granted + (long) (rnd.nextDouble() * (end - granted)) / SECOND * SECOND;
      if (withdrawn > granted && withdrawn < end) {
        out.add(new Event.ConsentWithdrawn(instant(withdrawn), id, consent, by(rnd, admin)));
        if (rnd.nextInt(5) == 0) {
          long again = withdrawn + (long) (rnd.nextDouble() * (end - withdrawn)) / SECOND * SECOND;
          if (again > withdrawn && again < end) {
            out.add(new Event.ConsentGranted(instant(again), id, consent, by(rnd, admin)));
          }
        }
      }
    }
  }

  private static String by(SplittableRandom rnd, boolean admin) {
    return admin && rnd.nextBoolean() ? "admin" : "owner";
  }

  /**
   * Reorders records without boxing: a parallel sort of {@code (second << 27 | index)} keys
   * (creation times are whole seconds within the window), then, for account order, a stable
   * counting sort by account.
   */
  private static ContentCorpus reorder(ContentCorpus c, Order order, long start, SplittableRandom rnd) {
    int n = c.size();
    int[] perm = new int[n];
    if (order == Order.RANDOM) {
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      shuffle(perm, rnd);
      return c.permute(perm);
    }
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = ((c.created[i] - start) / SECOND) << 27 | i;
    }
    java.util.Arrays.parallelSort(keys);
    for (int i = 0; i < n; i++) {
      perm[i] = (int) (keys[i] & ((1 << 27) - 1));
    }
    if (order == Order.ACCOUNT) {
      int[] startOf = new int[c.accounts.size() + 1];
      for (int i = 0; i < n; i++) {
        startOf[c.account[i] + 1]++;
      }
      for (int a = 0; a < c.accounts.size(); a++) {
        startOf[a + 1] += startOf[a];
      }
      int[] grouped = new int[n];
      for (int i : perm) {
        grouped[startOf[c.account[i]]++] = i;
      }
      perm = grouped;
    }
    return c.permute(perm);
  }

  /**
   * Writes {@code id<TAB>text} for every {@code every}-th record: synthetic text drawn from a
   * vocabulary that depends on the record's category (so a classifier can learn it) plus common
   * words. Deterministic in the seed and the record id.
   */
  public static void writeTexts(ContentCorpus corpus, long seed, int every, Writer out) throws IOException {
    for (int i = 0; i < corpus.size(); i += Math.max(1, every)) {
      out.write(corpus.id(i));
      out.write('\t');
      out.write(text(corpus.category(i), seed ^ CorpusFile.hash(corpus.ids.blob(),
          corpus.ids.offsets()[i], corpus.ids.offsets()[i + 1])));
      out.write('\n');
    }
  }

  private static final String[] COMMON = ("the a to and of we you it is that for on this with "
      + "be have will can so just ok thanks yes no please next team project today").split(" ");

  /** Synthetic text for a category. */
  static String text(Category c, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String topic = c.id().substring(c.id().indexOf('.') + 1);
    int len = 8 + r.nextInt(20);
    StringBuilder sb = new StringBuilder(len * 7);
    for (int k = 0; k < len; k++) {
      if (k > 0) {
        sb.append(' ');
      }
      if (r.nextInt(3) == 0) {
        sb.append(topic).append('_').append(r.nextInt(30));
      } else if (r.nextInt(4) == 0) {
        sb.append("w").append(r.nextInt(400));
      } else {
        sb.append(COMMON[r.nextInt(COMMON.length)]);
      }
    }
    return sb.toString();
  }
}
