package org.covenant.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.Verdict;
import org.covenant.core.state.AccountTimeline;
import org.covenant.core.state.ConsentRows;
import org.covenant.core.state.ConsentStatus;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.Clause;
import org.covenant.core.terms.Condition;
import org.covenant.core.terms.ConditionOracle;
import org.covenant.core.terms.Reason;
import org.covenant.core.terms.TermsVersion;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.ConsentType;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Problem;
import org.covenant.format.Result;

/**
 * Decides one purpose for every record of a corpus at once, with the same answers (verdict,
 * reasons, basis, clauses, obligations, policy revision) as {@code DecisionEngine.decide} for each
 * record (ARCHITECTURE.md §5), at millions of records per second.
 *
 * <p><b>Semantics.</b> ContentCorpus records are registered in bulk: record {@code r} is treated as if
 * its {@code content.created} had been appended right after every ledger event at or before its
 * creation time (so consents and terms stamped at that very instant are in force at capture).
 * The request is {@code (purpose, r, at)} over the ledger snapshot the {@link LedgerIndex} was
 * built at. A record created after {@code at} is {@code unknown_content}.
 *
 * <p><b>How.</b> For consent-gated purposes an answer depends only on: the record's category;
 * T_use and each consent's status at use for the owning account (constant per account, since
 * {@code at} is fixed); T_capture and each consent's status at capture (piecewise constant in the
 * capture time, changing only at the account's own terms and consent events); and, per consent,
 * whether every other contributor has it in force at use and at capture. The kernel precomputes
 * per account the segments of its timeline (start time, state class, contributor bits) in
 * primitive arrays, read from the core projection ({@link LedgerIndex}: the snapshot's {@code
 * AccountTimeline}s), and per (state class, category, contributor bits) the outcome, decided once
 * by the engine itself ({@link DecisionEngine#decide(Category, Purpose, Optional, Optional,
 * ConditionOracle)}, the composition the online path runs) under an oracle that answers the
 * core's consent rows ({@link ConsentRows}) from the class. There is no second copy of §5 here.
 * A record then costs a short scan of its account's segments and a table read.
 *
 * <p>Conditions on settings, meeting features and notices need per-meeting state that a corpus
 * does not carry; a terms version that puts one on the purpose is refused at {@link #compile}
 * rather than guessed.
 */
public final class BatchKernel {
  private static final int K = LedgerIndex.CONSENTS;
  private static final int BITS = KernelTables.BITS;
  private static final int ALL = KernelTables.ALL;
  private static final int NCAT = KernelTables.NCAT;
  private static final int CHUNK = 1 << 18;
  private static final ConsentType[] TYPES = ConsentType.values();
  /** Status codes of the state classes (0 in force, 1 withdrawn, 2 missing) as statuses. */
  private static final ConsentStatus[] STATUS = ConsentStatus.values();

  private final LedgerIndex ledger;
  private final Purpose purpose;
  private final long at;
  private final List<TermsVersion> versions;
  private final List<ConsentType> consents;
  private final DecisionEngine engine;

  private BatchKernel(LedgerIndex ledger, Purpose purpose, long at, List<ConsentType> consents) {
    this.ledger = ledger;
    this.purpose = purpose;
    this.at = at;
    this.versions = ledger.versions();
    this.consents = consents;
    this.engine = DecisionEngine.create(ledger.catalog());
  }

  /**
   * A kernel for one purpose at one time over one ledger snapshot, or the problem that prevents
   * one: a terms version in the ledger conditions the purpose on meeting state.
   */
  public static Result<BatchKernel> compile(LedgerIndex ledger, Purpose purpose, long at) {
    boolean[] used = ledger.versionsUsed();
    List<Problem> problems = new ArrayList<>();
    LinkedHashSet<ConsentType> consents = new LinkedHashSet<>();
    for (int v = 1; v < used.length; v++) {
      if (!used[v]) {
        continue;
      }
      TermsVersion tv = ledger.versions().get(v - 1);
      LinkedHashSet<String> reported = new LinkedHashSet<>();
      for (Category c : Vocabulary.categories()) {
        for (Clause clause : tv.matching(c, purpose)) {
          for (Condition cond : clause.conditionsInTableOrder()) {
            Optional<ConsentType> consent = ConsentRows.consentOf(cond);
            if (consent.isPresent()) {
              consents.add(consent.get());
            } else if (reported.add(clause.id() + "|" + cond.text())) {
              problems.add(new Problem("terms `" + tv.name() + "`", "clause `" + clause.id() + "`",
                  "", "conditions `" + purpose.id() + "` on `" + cond.text()
                      + "`, which needs meeting state a corpus does not carry: dataset builds "
                      + "evaluate consent conditions only"));
            }
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      return new Result.Failed<>(problems);
    }
    return Result.ok(new BatchKernel(ledger, purpose, at, List.copyOf(consents)));
  }

  /** The purpose decided. */
  public Purpose purpose() {
    return purpose;
  }

  /** The time of use ({@link TimeKey}). */
  public long at() {
    return at;
  }

  /** The ledger snapshot. */
  public LedgerIndex ledger() {
    return ledger;
  }

  /** The consents whose withdrawal can change this purpose's answers, in clause order. */
  public List<ConsentType> consents() {
    return consents;
  }

  /**
   * Binds the kernel to a corpus: resolves its accounts against the ledger and precomputes the
   * timelines. Problems name the first record whose owning account is not on the platform, or
   * that was created before its account existed (the ledger would have rejected either).
   */
  public Result<Plan> bind(ContentCorpus corpus) {
    Strings names = corpus.accounts;
    int na = names.size();
    int[] ledgerAccount = new int[na];
    for (int ca = 0; ca < na; ca++) {
      ledgerAccount[ca] = ledger.account(names.get(ca));
    }
    for (int i = 0; i < corpus.size(); i++) {
      int a = ledgerAccount[corpus.account[i]];
      if (a < 0) {
        return Result.failed(new Problem("corpus", "record " + i + " (`" + corpus.id(i) + "`)",
            "account", "unknown account `" + names.get(corpus.account[i])
                + "`: not in the ledger at position " + ledger.position()));
      }
      if (corpus.created[i] < ledger.createdAt(a)) {
        return Result.failed(new Problem("corpus", "record " + i + " (`" + corpus.id(i) + "`)",
            "created", "created at " + TimeKey.toInstant(corpus.created[i]) + ", before account `"
                + names.get(corpus.account[i]) + "` existed ("
                + TimeKey.toInstant(ledger.createdAt(a)) + ")"));
      }
    }
    return Result.ok(new Plan(corpus, ledgerAccount));
  }

  /** One state class: what an account's timeline segment fixes. */
  private record StateClass(int useTerms, int captureTerms, int[] useConsent, int[] captureConsent) {}

  /**
   * The kernel over every account of the ledger, without a corpus: its compiled tables (to ship
   * to other processes, e.g. as a Spark broadcast) and the outcomes their ids stand for. Records
   * are then decided one at a time with {@link KernelTables#decide}, with the same answers as
   * {@link Plan#evaluate(int)}.
   */
  public Compact compact() {
    int na = ledger.accounts();
    int[] identity = new int[na];
    String[] names = new String[na];
    long[] created = new long[na];
    for (int a = 0; a < na; a++) {
      identity[a] = a;
      names[a] = ledger.accountId(a);
      created[a] = ledger.createdAt(a);
    }
    Plan p = new Plan(null, identity, names, created);
    return new Compact(p.tables, p.outcomes());
  }

  /**
   * The kernel compiled over the ledger's accounts.
   *
   * @param tables what to ship
   * @param outcomes outcome ids to outcomes
   */
  public record Compact(KernelTables tables, List<BatchOutcome> outcomes) {
    /** Copies the outcomes. */
    public Compact {
      outcomes = List.copyOf(outcomes);
    }
  }

  /** The kernel bound to one corpus: evaluate any range of its records, from any thread. */
  public final class Plan {
    private final ContentCorpus corpus;
    private final KernelTables tables;
    private final List<BatchOutcome> outcomes = new ArrayList<>();

    private Plan(ContentCorpus corpus, int[] ledgerAccount) {
      this(corpus, ledgerAccount, null, null);
    }

    private Plan(ContentCorpus corpus, int[] ledgerAccount, String[] accountIds, long[] accountCreated) {
      this.corpus = corpus;
      Map<BatchOutcome, Short> ids = new HashMap<>();
      short unknownContent = id(ids, new BatchOutcome(Verdict.DENY,
          List.of(Reason.UNKNOWN_CONTENT), Optional.empty(), List.of(), List.of(),
          ledger.catalog().revision()));
      int na = ledgerAccount.length;
      int[] segStart = new int[na + 1];
      List<StateClass> classes = new ArrayList<>();
      Map<Long, Integer> classIds = new HashMap<>();
      long[] times = new long[16];
      int[] cls = new int[16];
      byte[] ok = new byte[16];
      int n = 0;
      int[] useC = new int[K];
      int[] capC = new int[K];
      // Only the consents the purpose's clauses read tell records apart; the others would only
      // multiply state classes. Their status is fixed at "missing" and their bit at 1.
      boolean[] relevant = new boolean[K];
      for (ConsentType c : consents) {
        relevant[c.ordinal()] = true;
      }
      for (int ca = 0; ca < na; ca++) {
        segStart[ca] = n;
        int a = ledgerAccount[ca];
        if (a < 0) {
          continue;
        }
        int useT = ledger.termsAt(a, at);
        for (int k = 0; k < K; k++) {
          useC[k] = relevant[k] ? ledger.consentAt(a, k, at) : 2;
        }
        long[] changes = changeTimes(a, relevant);
        for (int s = 0; s <= changes.length; s++) {
          long t = s == 0 ? Long.MIN_VALUE : changes[s - 1];
          int capT = s == 0 ? 0 : ledger.termsAt(a, t);
          int bits = 0;
          long code = useT * (long) (versions.size() + 1) + capT;
          for (int k = 0; k < K; k++) {
            capC[k] = s == 0 || !relevant[k] ? 2 : ledger.consentAt(a, k, t);
            code = code * 9 + useC[k] * 3 + capC[k];
            if (!relevant[k] || (useC[k] == 0 && capC[k] == 0)) {
              bits |= 1 << k;
            }
          }
          Integer c = classIds.get(code);
          if (c == null) {
            c = classes.size();
            classIds.put(code, c);
            classes.add(new StateClass(useT, capT, useC.clone(), capC.clone()));
          }
          if (n == times.length) {
            times = Arrays.copyOf(times, n * 2);
            cls = Arrays.copyOf(cls, n * 2);
            ok = Arrays.copyOf(ok, n * 2);
          }
          times[n] = t;
          cls[n] = c;
          ok[n] = (byte) bits;
          n++;
        }
      }
      segStart[na] = n;
      long[] seg = new long[2 * n];
      for (int j = 0; j < n; j++) {
        seg[2 * j] = times[j];
        seg[2 * j + 1] = ((long) cls[j] << 8) | (ok[j] & 0xff);
      }
      short[] table = new short[classes.size() * NCAT * BITS];
      for (int c = 0; c < classes.size(); c++) {
        for (Category cat : Vocabulary.categories()) {
          for (int bits = 0; bits < BITS; bits++) {
            table[(c * NCAT + cat.ordinal()) * BITS + bits] =
                id(ids, decide(classes.get(c), cat, bits));
          }
        }
      }
      tables = new KernelTables(segStart, seg, table, unknownContent, at, accountIds,
          accountCreated);
    }

    /** The distinct times at which account a's terms or relevant consents change, to {@code at}. */
    private long[] changeTimes(int a, boolean[] relevant) {
      AccountTimeline tl = ledger.timeline(a);
      int nt = tl.termsCount();
      int total = nt;
      for (int k = 0; k < K; k++) {
        total += relevant[k] ? tl.consentCount(TYPES[k]) : 0;
      }
      long[] all = new long[total];
      int w = 0;
      for (int i = 0; i < nt; i++) {
        all[w++] = tl.termsTime(i);
      }
      for (int k = 0; k < K; k++) {
        if (!relevant[k]) {
          continue;
        }
        for (int i = 0, n = tl.consentCount(TYPES[k]); i < n; i++) {
          all[w++] = tl.consentTime(TYPES[k], i);
        }
      }
      Arrays.sort(all);
      int u = 0;
      for (int i = 0; i < all.length; i++) {
        if (all[i] > at) {
          break;
        }
        if (u == 0 || all[i] != all[u - 1]) {
          all[u++] = all[i];
        }
      }
      return Arrays.copyOf(all, u);
    }

    private short id(Map<BatchOutcome, Short> ids, BatchOutcome o) {
      Short found = ids.get(o);
      if (found != null) {
        return found;
      }
      if (outcomes.size() >= Short.MAX_VALUE) {
        throw new TrainingException("too_many_outcomes", "more than 32767 distinct outcomes");
      }
      short id = (short) outcomes.size();
      outcomes.add(o);
      ids.put(o, id);
      return id;
    }

    /**
     * The outcome of an abstract record (a state class, a category, contributor bits): {@link
     * DecisionEngine#decide(Category, Purpose, Optional, Optional, ConditionOracle)}, the
     * engine's own §5 composition, under an oracle that answers the consent rows ({@link
     * ConsentRows}, the engine's own) from the class.
     */
    private BatchOutcome decide(StateClass s, Category cat, int contributorBits) {
      Optional<TermsVersion> use = s.useTerms() == 0 ? Optional.empty()
          : Optional.of(versions.get(s.useTerms() - 1));
      Optional<TermsVersion> capture = s.captureTerms() == 0 ? Optional.empty()
          : Optional.of(versions.get(s.captureTerms() - 1));
      ConsentRows.Facts facts = new ConsentRows.Facts() {
        @Override
        public ConsentStatus ownerAtUse(ConsentType consent) {
          return STATUS[s.useConsent()[consent.ordinal()]];
        }

        @Override
        public ConsentStatus ownerAtCapture(ConsentType consent) {
          return STATUS[s.captureConsent()[consent.ordinal()]];
        }

        @Override
        public boolean othersInForce(ConsentType consent) {
          return (contributorBits & (1 << consent.ordinal())) != 0;
        }
      };
      ConditionOracle oracle = cond -> {
        // INVARIANT: compile() refused every terms version with another condition on the purpose.
        if (ConsentRows.consentOf(cond).isEmpty()) {
          throw new IllegalStateException("condition `" + cond.text()
              + "` reached the batch kernel");
        }
        return ConsentRows.check(cond, facts);
      };
      return BatchOutcome.of(engine.decide(cat, purpose, use, capture, oracle));
    }

    /** The corpus bound. */
    public ContentCorpus corpus() {
      return corpus;
    }

    /** The kernel. */
    public BatchKernel kernel() {
      return BatchKernel.this;
    }

    /** Every distinct outcome, by id. */
    public List<BatchOutcome> outcomes() {
      return List.copyOf(outcomes);
    }

    /** Outcome {@code id}. */
    public BatchOutcome outcome(int id) {
      return outcomes.get(id);
    }

    /** The outcome id of one record. */
    public int evaluate(int record) {
      short[] out = new short[1];
      long[] counts = new long[outcomes.size()];
      evaluate(record, record + 1, out, 0, counts);
      return out[0];
    }

    /**
     * Evaluates records {@code [from, to)}: writes each outcome id to {@code out[outOffset + i -
     * from]} and adds one to {@code counts[id]} (sized {@link #outcomes()}{@code .size()}).
     */
    public void evaluate(int from, int to, short[] out, int outOffset, long[] counts) {
      final long[] created = corpus.created;
      final int[] account = corpus.account;
      final byte[] category = corpus.category;
      final int[] cStart = corpus.contributorStart;
      final int[] contributors = corpus.contributors;
      final int[] segStart = tables.segStart;
      final long[] seg = tables.seg;
      final short[] table = tables.table;
      final long useAt = at;
      final short unknown = tables.unknownContent;
      int o = outOffset;
      // Records grouped by account (and by time within one) resume the segment scan where the
      // previous record of the same account stopped.
      int prevA = -1;
      int prevJ = 0;
      for (int i = from; i < to; i++) {
        long t = created[i];
        short id;
        if (t > useAt) {
          id = unknown;
        } else {
          int a = account[i];
          int j;
          if (a == prevA && seg[2 * prevJ] <= t) {
            j = prevJ;
            int end = segStart[a + 1];
            while (j + 1 < end && seg[2 * j + 2] <= t) {
              j++;
            }
          } else {
            j = find(seg, segStart[a], segStart[a + 1], t);
          }
          prevA = a;
          prevJ = j;
          int bits = ALL;
          for (int k = cStart[i], end = cStart[i + 1]; k < end && bits != 0; k++) {
            int b = contributors[k];
            int bs = segStart[b];
            int be = segStart[b + 1];
            bits &= bs == be ? 0 : (int) seg[2 * find(seg, bs, be, t) + 1];
          }
          id = table[((int) (seg[2 * j + 1] >>> 8) * NCAT + category[i]) * BITS + bits];
        }
        out[o++] = id;
        counts[id]++;
      }
    }

    private static int find(long[] seg, int from, int to, long t) {
      return KernelTables.find(seg, from, to, t);
    }

    /**
     * Evaluates every record on {@code threads} threads, reporting progress (records done so far)
     * after each chunk.
     */
    public Tally evaluateAll(int threads, LongConsumer progress) {
      int n = corpus.size();
      short[] out = new short[n];
      int nOut = outcomes.size();
      int chunks = (n + CHUNK - 1) / CHUNK;
      AtomicInteger next = new AtomicInteger();
      java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
      int workers = Math.max(1, Math.min(threads, chunks));
      long[][] perWorker = new long[workers][nOut];
      if (workers == 1) {
        for (int c = 0; c < chunks; c++) {
          int from = c * CHUNK;
          int to = Math.min(n, from + CHUNK);
          evaluate(from, to, out, from, perWorker[0]);
          progress.accept(to);
        }
      } else {
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
          Thread th = new Thread(r, "covenant-kernel");
          th.setDaemon(true);
          return th;
        });
        try {
          List<Future<?>> fs = new ArrayList<>();
          for (int w = 0; w < workers; w++) {
            long[] counts = perWorker[w];
            fs.add(pool.submit(() -> {
              for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                int from = c * CHUNK;
                int to = Math.min(n, from + CHUNK);
                evaluate(from, to, out, from, counts);
                progress.accept(done.addAndGet(to - from));
              }
            }));
          }
          for (Future<?> f : fs) {
            f.get();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TrainingException("interrupted", "evaluation interrupted", e);
        } catch (ExecutionException e) {
          throw new TrainingException("kernel_failed", "evaluation failed: " + e.getCause(),
              e.getCause());
        } finally {
          pool.shutdownNow();
        }
      }
      long[] counts = new long[nOut];
      for (long[] c : perWorker) {
        for (int k = 0; k < nOut; k++) {
          counts[k] += c[k];
        }
      }
      return new Tally(out, counts);
    }
  }

  /**
   * The outcome of every record and how many records got each outcome.
   *
   * @param outcomes outcome id per record
   * @param counts records per outcome id
   */
  public record Tally(short[] outcomes, long[] counts) {}
}
