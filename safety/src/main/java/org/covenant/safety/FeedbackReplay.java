package org.covenant.safety;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A time-ordered replay of a corpus through the real screening path, to show what review
 * feedback is worth when spam drifts: {@code java -cp ... org.covenant.safety.FeedbackReplay
 * CORPUS.jsonl.gz [BATCHES]}.
 *
 * <p>Each label's records are ordered by their {@code Date:} header ({@link TimeSplit#dated}) and
 * cut into {@code BATCHES + 2} equal slices; the oldest two slices of every label train the
 * first model, then the slices arrive one batch at a time. Every batch is screened by
 * {@link InviteScreening} with the current model; flagged invites are held in a
 * {@link ReviewQueue}, and a reviewer who knows the truth confirms held spam and releases held
 * ham. Only held invites are reviewed: spam the scanner let through teaches nothing. Before the
 * next batch three arms retrain (same options, threshold chosen on their own training data):
 * <ul>
 *   <li>{@code static}: never retrains (the model of the first round);
 *   <li>{@code feedback}: the first round's data plus the queue's
 *       {@link ReviewQueue#trainingExamples() harvest}, every account consenting;
 *   <li>{@code feedback_half}: the same, with invites of half the accounts (a hash of the id
 *       names one of four accounts, two of which consent) refused by the
 *       {@link TrainingDataGate}, as a consent-filtered round would.
 * </ul>
 * Prints one JSON line per batch and arm: batch, arm, n, precision, recall, f1, fpr, counts and
 * the number of reviewed examples learned from so far.
 */
public final class FeedbackReplay {
  private FeedbackReplay() {}

  /** Runs the replay; exit status 2 on bad arguments, 1 on a failure. */
  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: FeedbackReplay CORPUS.jsonl.gz [BATCHES]");
      System.exit(2);
    }
    try {
      int batches = args.length == 2 ? Integer.parseInt(args[1]) : 6;
      Corpus corpus = Corpus.read(Path.of(args[0]));
      for (String line : run(corpus, batches, ModelTrainer.Options.defaults())) {
        System.out.println(line);
      }
    } catch (SafetyException e) {
      System.err.println("error: " + e.code() + ": " + e.getMessage());
      System.exit(1);
    }
  }

  /** The replay's JSON lines (see the class comment). */
  static List<String> run(Corpus corpus, int batches, ModelTrainer.Options options) {
    List<List<CorpusRecord>> slices = slices(corpus.records(), batches + 2);
    MessageParser parser = MessageParser.create();
    List<LabelledExample> initial = new ArrayList<>();
    for (CorpusRecord r : slices.get(0)) {
      initial.add(r.toExample(parser));
    }
    for (CorpusRecord r : slices.get(1)) {
      initial.add(r.toExample(parser));
    }
    String[] arms = {"static", "feedback", "feedback_half"};
    ModelTrainer trainer = ModelTrainer.create(options);
    ScanModel first = trainer.train(initial, "replay round 0");
    ScanModel[] models = {first, first, first};
    ReviewQueue[] queues = new ReviewQueue[arms.length];
    queues[0] = ReviewQueue.create(InMemoryReviewStore.create(), TrainingDataGate.denyAll());
    queues[1] = ReviewQueue.create(InMemoryReviewStore.create(), id -> true);
    queues[2] = ReviewQueue.create(InMemoryReviewStore.create(),
        id -> account(id).compareTo("account-2") < 0);
    List<String> out = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      List<CorpusRecord> batch = slices.get(b + 2);
      List<Invite> invites = new ArrayList<>();
      for (CorpusRecord r : batch) {
        invites.add(new Invite(r.id(), account(r.id()), parser.parse(r.text())));
      }
      for (int a = 0; a < arms.length; a++) {
        InviteScreening screening = InviteScreening.create(InviteScanner.create(models[a]),
            queues[a], x -> { });
        List<ScanResult> results = screening.screen("replay-" + b, invites,
            Instant.EPOCH.plusSeconds(86_400L * (b + 1))).results();
        Metrics m = new Metrics(0, 0, 0, 0);
        for (int k = 0; k < batch.size(); k++) {
          CorpusRecord r = batch.get(k);
          m = m.plus(r.label(), results.get(k).verdict().flagged());
        }
        for (ReviewItem held : queues[a].held()) {
          boolean spam = labelOf(batch, held.contentId()) == Label.SPAM;
          if (spam) {
            queues[a].confirm(held.contentId(), "replay-reviewer", ScanVerdict.SPAM);
          } else {
            queues[a].release(held.contentId(), "replay-reviewer");
          }
        }
        TrainingHarvest harvest = queues[a].trainingExamples();
        String json = m.toJson();
        out.add(String.format(Locale.ROOT, "{\"batch\":%d,\"arm\":\"%s\",%s,\"learned\":%d}",
            b + 1, arms[a], json.substring(1, json.length() - 1),
            a == 0 ? 0 : harvest.examples().size()));
        if (a > 0 && b + 1 < batches) {
          List<LabelledExample> round = new ArrayList<>(initial);
          round.addAll(harvest.examples());
          models[a] = trainer.train(round, "replay round " + (b + 1) + " arm " + arms[a]);
        }
      }
    }
    return out;
  }

  /** The replay's stand-in for the owning account: one of four, by a hash of the id. */
  static String account(String id) {
    return "account-" + Math.floorMod(Tokens.fmix(Tokens.hash(id)), 4);
  }

  private static Label labelOf(List<CorpusRecord> batch, String id) {
    for (CorpusRecord r : batch) {
      if (r.id().equals(id)) {
        return r.label();
      }
    }
    throw new IllegalStateException("held an invite not in the batch: " + id);
  }

  /** Each label's records in Date order, cut into {@code n} slices; slice k joins them. */
  static List<List<CorpusRecord>> slices(List<CorpusRecord> records, int n) {
    List<List<CorpusRecord>> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      out.add(new ArrayList<>());
    }
    for (Label label : Label.values()) {
      List<CorpusRecord> same = new ArrayList<>();
      for (CorpusRecord r : records) {
        if (r.label() == label) {
          same.add(r);
        }
      }
      CorpusRecord[] sorted = same.toArray(new CorpusRecord[0]);
      Arrays.sort(sorted, Comparator.comparingLong(TimeSplit::dated)
          .thenComparing(CorpusRecord::id));
      for (int k = 0; k < sorted.length; k++) {
        out.get((int) ((long) k * n / sorted.length)).add(sorted[k]);
      }
    }
    Set<String> seen = new HashSet<>();
    for (List<CorpusRecord> s : out) {
      for (CorpusRecord r : s) {
        if (!seen.add(r.id())) {
          throw new IllegalStateException("record in two slices: " + r.id());
        }
      }
    }
    return out;
  }
}
