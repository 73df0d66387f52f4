package org.covenant.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.covenant.core.decision.Decision;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Result;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.Test;

/**
 * The batch path (the dataset build's kernel, and the compact tables a Spark job broadcasts)
 * answers, record by record, what the online path ({@code DecisionEngine.decide} on a snapshot)
 * answers (evidence aside), on seeded random ledgers and corpora. There is no second copy of §5 to
 * keep in line: both read the core projection and decide through the engine's composition and
 * the core's consent rows; what this pins is the kernel's classification (state classes,
 * segments, contributor bits) and the bulk-registration rule. The online path sees each corpus
 * record as a {@code content.created} event placed right after the ledger events at or before
 * its time. A failure prints the seed to replay.
 */
class BatchEqualsOnlineTest {
  static final TermsCatalog CATALOG = TermsLibrary.builtInCatalog();
  static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");
  static final List<String> PURPOSES = List.of("ai.training", "product.improvement", "marketing",
      "analytics.load_balancing", "legal.compliance", "service.provide");

  @Test
  void batchEqualsOnline_onSeededRandomLedgersAndCorpora() {
    long base = Long.getLong("covenant.seed", 20240101L);
    int runs = Integer.getInteger("covenant.runs", 400);
    long compared = 0;
    long guests = 0;
    for (int r = 0; r < runs; r++) {
      compared += compareOnce(base + r);
      guests += World.random(new Random(base + r)).guestRecords;
    }
    assertThat(compared).isGreaterThan(100_000);
    assertThat(guests).as("records of guests from organisations with no account").isPositive();
  }

  /** One random world; returns the number of (record, purpose) pairs compared. */
  static long compareOnce(long seed) {
    Random rnd = new Random(seed);
    World w = World.random(rnd);
    long compared = 0;
    for (String purposeId : PURPOSES) {
      Purpose purpose = Vocabulary.purpose(purposeId).orElseThrow();
      for (int q = 0; q < 3; q++) {
        Instant at = BASE.plusSeconds(rnd.nextInt(130));
        Result<BatchKernel> kernel = BatchKernel.compile(w.index, purpose, TimeKey.of(at));
        assertThat(kernel).as("seed %d: compile %s", seed, purposeId)
            .isInstanceOf(Result.Ok.class);
        Result<BatchKernel.Plan> bound = ((Result.Ok<BatchKernel>) kernel).value().bind(w.corpus);
        assertThat(bound).as("seed %d: bind", seed).isInstanceOf(Result.Ok.class);
        BatchKernel.Plan plan = ((Result.Ok<BatchKernel.Plan>) bound).value();
        BatchKernel.Tally tally = plan.evaluateAll(1 + rnd.nextInt(2), done -> {});
        // The compact form (what a Spark job broadcasts) decides record by record, by names.
        BatchKernel.Compact compact = ((Result.Ok<BatchKernel>) kernel).value().compact();
        KernelTables tables = compact.tables();
        Snapshot snapshot = w.merged.snapshot();
        DecisionEngine engine = DecisionEngine.create(CATALOG);
        for (int i = 0; i < w.corpus.size(); i++) {
          Decision d = engine.decide(snapshot, new DecisionRequest(purpose, w.corpus.id(i), at));
          BatchOutcome expected = BatchOutcome.of(d);
          BatchOutcome got = plan.outcome(tally.outcomes()[i]);
          int[] others = w.corpus.otherContributors(i);
          for (int k = 0; k < others.length; k++) {
            others[k] = tables.account(w.corpus.accounts().get(others[k]));
          }
          int one = tables.decide(tables.account(w.corpus.accountId(i)), w.corpus.created(i),
              w.corpus.category(i).ordinal(), others, others.length);
          if (one < 0 || !expected.equals(compact.outcomes().get(one))) {
            throw new AssertionError("seed " + seed + ", purpose " + purposeId + ", record " + i
                + ": compact tables answer " + (one < 0 ? one : compact.outcomes().get(one))
                + ", engine " + expected);
          }
          if (!expected.equals(got)) {
            throw new AssertionError("seed " + seed + " (replay: -Dcovenant.seed=" + seed
                + " -Dcovenant.runs=1), purpose " + purposeId + ", at " + at + ", record " + i
                + " " + w.corpus.item(i) + "\n engine: " + expected + "\n kernel: " + got
                + "\n ledger:\n" + w.describe());
          }
          compared++;
        }
      }
    }
    return compared;
  }

  /** A random governance ledger, a corpus over it, and the merged ledger the engine reads. */
  static final class World {
    final List<Event> governance = new ArrayList<>();
    /** Records authored by a guest whose organisation has no account, naming it. */
    int guestRecords;
    LedgerIndex index;
    ContentCorpus corpus;
    GovernanceState merged;

    static World random(Random rnd) {
      World w = new World();
      int accounts = 2 + rnd.nextInt(6);
      List<Event> events = new ArrayList<>();
      long[] createdAt = new long[accounts];
      for (int a = 0; a < accounts; a++) {
        createdAt[a] = rnd.nextInt(40);
        events.add(new Event.AccountCreated(BASE.plusSeconds(createdAt[a]), "a" + a, "o" + a));
        if (rnd.nextBoolean()) {
          events.add(new Event.UserAdded(BASE.plusSeconds(createdAt[a] + rnd.nextInt(5)),
              "a" + a, "ad" + a, Role.ADMIN, Optional.empty()));
        }
        events.add(new Event.UserAdded(BASE.plusSeconds(createdAt[a] + rnd.nextInt(5)),
            "a" + a, "m" + a, Role.MEMBER, Optional.empty()));
        if (rnd.nextInt(3) == 0) {
          long start = createdAt[a] + rnd.nextInt(3);
          events.add(new Event.MeetingStarted(BASE.plusSeconds(start), "a" + a, "mt" + a,
              "o" + a, List.of()));
          // A guest whose organisation ("ext0".."ext2") has no account in the ledger (§3).
          events.add(new Event.ParticipantJoined(BASE.plusSeconds(start + 1), "mt" + a,
              "guest" + a, Optional.of("ext" + rnd.nextInt(3))));
        }
      }
      // Now and then a busy ledger, so that some accounts have more segments than the kernel
      // scans linearly (it binary-searches those).
      int changes = rnd.nextInt(8 * accounts + 1) * (rnd.nextInt(4) == 0 ? 15 : 1);
      List<String> terms = new ArrayList<>(TermsLibrary.BUILT_IN);
      terms.add("no-such-terms");
      for (int c = 0; c < changes; c++) {
        int a = rnd.nextInt(accounts);
        Instant at = BASE.plusSeconds(rnd.nextInt(110));
        String by = switch (rnd.nextInt(6)) {
          case 0 -> "m" + a;
          case 1 -> "ad" + a;
          default -> "o" + a;
        };
        int kind = rnd.nextInt(5);
        if (kind == 0) {
          events.add(new Event.TermsAccepted(at, "a" + a, terms.get(rnd.nextInt(terms.size())),
              by));
        } else {
          String consent = rnd.nextBoolean() ? "ai_training" : "product_improvement";
          events.add(kind <= 2
              ? new Event.ConsentGranted(at, "a" + a, consent, by)
              : new Event.ConsentWithdrawn(at, "a" + a, consent, by));
        }
      }
      // Most accounts accept terms early; some never do.
      for (int a = 0; a < accounts; a++) {
        if (rnd.nextInt(5) != 0) {
          events.add(new Event.TermsAccepted(BASE.plusSeconds(createdAt[a] + rnd.nextInt(10)),
              "a" + a, TermsLibrary.BUILT_IN.get(rnd.nextInt(4)), "o" + a));
        }
      }
      events.sort(Comparator.comparing(Event::at));
      GovernanceState state = GovernanceState.create(CATALOG::knows);
      List<StoredEvent> accepted = new ArrayList<>();
      for (Event e : events) {
        Outcome o = state.apply(e);
        if (o instanceof Outcome.Accepted ok) {
          accepted.add(new StoredEvent(ok.position(), e, Optional.empty()));
        }
      }
      // The snapshot position: a random prefix of the accepted events.
      int p = accepted.isEmpty() ? 0 : rnd.nextInt(accepted.size() + 1);
      List<StoredEvent> prefix = accepted.subList(0, p);
      LedgerIndex.Builder ib = LedgerIndex.builder(CATALOG);
      prefix.forEach(ib::accept);
      w.index = ((Result.Ok<LedgerIndex>) ib.build()).value();
      prefix.forEach(s -> w.governance.add(s.event()));
      // Owners exist in the prefix; records are created after their owner.
      List<Integer> owners = new ArrayList<>();
      boolean[] hasMeeting = new boolean[accounts];
      long[] meetingAt = new long[accounts];
      String[] guestOrg = new String[accounts];
      for (StoredEvent s : prefix) {
        if (s.event() instanceof Event.AccountCreated ac) {
          owners.add(Integer.parseInt(ac.account().substring(1)));
        }
        if (s.event() instanceof Event.MeetingStarted ms) {
          int a = Integer.parseInt(ms.account().substring(1));
          hasMeeting[a] = true;
          meetingAt[a] = ms.at().getEpochSecond() - BASE.getEpochSecond();
        }
        if (s.event() instanceof Event.ParticipantJoined pj) {
          int a = Integer.parseInt(pj.meeting().substring(2));
          guestOrg[a] = pj.account().orElseThrow();
          // Content the guest authors comes after the join.
          meetingAt[a] = pj.at().getEpochSecond() - BASE.getEpochSecond();
        }
      }
      ContentCorpus.Builder cb = ContentCorpus.builder();
      List<Event> contents = new ArrayList<>();
      int records = owners.isEmpty() ? 0 : 20 + rnd.nextInt(120);
      List<Category> cats = Vocabulary.categories();
      for (int i = 0; i < records; i++) {
        int a = owners.get(rnd.nextInt(owners.size()));
        long t = createdAt[a] + rnd.nextInt((int) (125 - createdAt[a]));
        boolean inMeeting = hasMeeting[a] && t >= meetingAt[a] && rnd.nextBoolean();
        List<String> contributors = new ArrayList<>();
        int extra = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 0;
        for (int k = 0; k < extra; k++) {
          contributors.add(rnd.nextInt(4) == 0 ? "ext" + rnd.nextInt(3)
              : "a" + rnd.nextInt(accounts));
        }
        Category cat = cats.get(rnd.nextInt(cats.size()));
        Instant created = BASE.plusSeconds(t);
        // In a meeting with a guest, half the records are the guest's, naming their organisation.
        boolean byGuest = inMeeting && guestOrg[a] != null && rnd.nextBoolean();
        if (byGuest) {
          contributors.add(guestOrg[a]);
          w.guestRecords++;
        }
        ContentCorpus.ContentItem item = new ContentCorpus.ContentItem("c" + i, cat, "a" + a,
            inMeeting ? Optional.of("mt" + a) : Optional.empty(),
            inMeeting ? Optional.of(byGuest ? "guest" + a : "o" + a) : Optional.empty(),
            contributors, created);
        cb.add(item);
        contents.add(new Event.ContentCreated(created, item.id(), cat.id(), item.account(),
            item.meeting(), item.author(), item.contributors()));
      }
      w.corpus = cb.build();
      // The engine's ledger: each content.created right after the events at or before its time.
      List<Event> mergedEvents = new ArrayList<>();
      int g = 0;
      contents.sort(Comparator.comparing(Event::at));
      for (Event c : contents) {
        while (g < w.governance.size() && !w.governance.get(g).at().isAfter(c.at())) {
          mergedEvents.add(w.governance.get(g++));
        }
        mergedEvents.add(c);
      }
      while (g < w.governance.size()) {
        mergedEvents.add(w.governance.get(g++));
      }
      w.merged = GovernanceState.create(CATALOG::knows);
      for (Event e : mergedEvents) {
        Outcome o = w.merged.apply(e);
        if (!o.accepted()) {
          throw new AssertionError("merged ledger rejected " + e + ": "
              + ((Outcome.Rejected) o).rejection());
        }
      }
      return w;
    }

    String describe() {
      StringBuilder sb = new StringBuilder();
      for (Event e : governance) {
        sb.append("  ").append(e).append('\n');
      }
      return sb.toString();
    }
  }
}
