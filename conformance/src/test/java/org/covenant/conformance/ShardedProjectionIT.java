package org.covenant.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.covenant.core.decision.DecisionEngine;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.event.HoldScope;
import org.covenant.core.event.RejectionCode;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.state.Snapshot;
import org.covenant.core.state.TimeKey;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.TermsLibrary;
import org.covenant.server.cluster.Members;
import org.covenant.store.Append;
import org.covenant.store.AppendResult;
import org.covenant.store.Ledger;
import org.covenant.store.LedgerConfig;
import org.covenant.store.StoreException;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, the sharded projection (docs/CLUSTER.md, "Sharded projection"), on real PostgreSQL:
 * N = 1, 2, 3 simulated members over one ledger, each projecting the accounts it owns by
 * rendezvous hashing ({@link Members#owner}) plus the replicated index, fed seeded random ledgers
 * from the differential generator. Every event is appended through the member that owns it; its
 * outcome (the position, or the rejection with its code and message) must be the full
 * projection's, and so must each member's answers (decisions, settings, notices) for the accounts
 * it owns, before and after a member joins or leaves. An append for an account a member does not
 * own is refused ({@code not_owner}), and ids used again in an account of another member are
 * {@code duplicate_id} (or the code §3 puts first), as in one projection.
 */
class ShardedProjectionIT {
  private static final int LEDGERS = 3;
  private static final int EVENTS = 260;
  private static final long BASE_SEED = Long.getLong("covenant.seed", 20261216L);
  private static final TermsCatalog CATALOG = TermsLibrary.builtInCatalog();
  private static final DecisionEngine ENGINE = DecisionEngine.create(CATALOG);

  @Test
  void oneMember() {
    for (int l = 0; l < LEDGERS; l++) {
      run(BASE_SEED + l, 1, 2);
    }
  }

  @Test
  void twoMembersThenAThirdJoins() {
    for (int l = 0; l < LEDGERS; l++) {
      run(BASE_SEED + 100 + l, 2, 3);
    }
  }

  @Test
  void threeMembersThenOneLeaves() {
    for (int l = 0; l < LEDGERS; l++) {
      run(BASE_SEED + 200 + l, 3, 2);
    }
  }

  /** One cluster over a fresh schema: {@code before} members, then {@code after}. */
  private static void run(long seed, int before, int after) {
    String url = PgUrl.get();
    String schema = "covenant_shard_" + java.util.UUID.randomUUID().toString()
        .replace("-", "").substring(0, 12);
    LedgerConfig.Postgres config = new LedgerConfig.Postgres(url, schema, 4,
        Duration.ofSeconds(10));
    Cluster cluster = new Cluster(config);
    try {
      RandomLedger gen = new RandomLedger(seed, EVENTS);
      Random r = new Random(seed * 31);
      GovernanceState full = GovernanceState.create(CATALOG::knows);
      int half = gen.events.size() / 2;
      for (int i = 0; i < before; i++) {
        cluster.join("m" + i);
      }
      for (Event e : gen.events.subList(0, half)) {
        cluster.offer(e, full, r);
      }
      cluster.crossAccount(gen, full, r);
      cluster.checkAnswers(full, gen, r);
      // A member joins (its accounts move to it) or the last one leaves (its accounts move).
      if (after > before) {
        cluster.join("m" + before);
      } else {
        cluster.leave("m" + (before - 1));
      }
      cluster.checkAnswers(full, gen, r);
      cluster.checkMovedAsFresh();
      for (Event e : gen.events.subList(half, gen.events.size())) {
        cluster.offer(e, full, r);
      }
      cluster.crossAccount(gen, full, r);
      cluster.checkAnswers(full, gen, r);
      cluster.checkMovedAsFresh();
      assertThat(cluster.refused).as("appends refused by a non-owner").isPositive();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + " with " + before + " then " + after
          + " members: " + e.getMessage(), e);
    } finally {
      cluster.close();
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
          java.sql.Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("cannot drop " + schema + ": " + e.getMessage(), e);
      }
    }
  }

  /** Members over one schema, with rendezvous ownership over the live ones. */
  private static final class Cluster {
    final LedgerConfig.Postgres config;
    final Map<String, Ledger> members = new LinkedHashMap<>();
    int refused;
    int crossChecks;

    Cluster(LedgerConfig.Postgres config) {
      this.config = config;
    }

    String owner(String account) {
      List<Members.Member> live = new ArrayList<>();
      for (String id : members.keySet()) {
        live.add(new Members.Member(id, "http://" + id, false, Instant.EPOCH, 1000));
      }
      return Members.owner(live, account).orElseThrow().id();
    }

    Predicate<String> owns(String member) {
      return account -> owner(account).equals(member);
    }

    void join(String id) {
      // Ownership moves at once for everyone: the others reshard to the new member set.
      members.put(id, null);
      Ledger ledger = Ledger.openShard(config, CATALOG, owns(id));
      members.put(id, ledger);
      for (Map.Entry<String, Ledger> m : members.entrySet()) {
        if (!m.getKey().equals(id)) {
          m.getValue().reshard(owns(m.getKey()));
        }
      }
    }

    void leave(String id) {
      members.remove(id).close();
      for (Map.Entry<String, Ledger> m : members.entrySet()) {
        m.getValue().reshard(owns(m.getKey()));
      }
    }

    /**
     * Appends the event through the member that owns it (any member when it names a meeting
     * or content stored nowhere), after checking a non-owner refuses it; the outcome must be the
     * full projection's.
     */
    void offer(Event e, GovernanceState full, Random r) {
      List<String> ids = new ArrayList<>(members.keySet());
      Ledger any = members.get(ids.get(r.nextInt(ids.size())));
      any.refresh();
      Optional<String> account = any.accountOf(e);
      String target = account.map(this::owner).orElse(ids.get(r.nextInt(ids.size())));
      if (account.isPresent() && ids.size() > 1 && r.nextInt(3) == 0) {
        String other = ids.stream().filter(id -> !id.equals(target)).findFirst().orElseThrow();
        Ledger wrong = members.get(other);
        long head = wrong.refresh();
        assertThatThrownBy(() -> wrong.append(Append.of(e)))
            .as("%s appending %s of %s owned by %s", other, e, account.get(), target)
            .isInstanceOfSatisfying(StoreException.class,
                x -> assertThat(x.code()).isEqualTo(StoreException.NOT_OWNER));
        assertThat(wrong.refresh()).as("nothing appended by a refusal").isEqualTo(head);
        assertThat(wrong.ready(account.get())).isFalse();
        refused++;
      }
      Ledger owner = members.get(target);
      if (account.isPresent()) {
        assertThat(owner.ready(account.get())).isTrue();
      }
      AppendResult got = owner.append(Append.of(e));
      Outcome want = full.apply(e);
      if (want instanceof Outcome.Accepted a) {
        assertThat(got).as("%s through %s", e, target)
            .isEqualTo(new AppendResult.Accepted(e, a.position()));
      } else {
        assertThat(got).as("%s through %s", e, target)
            .isEqualTo(new AppendResult.Rejected(e, ((Outcome.Rejected) want).rejection()));
      }
    }

    /**
     * Ids of one account used in an account another member owns, and content naming a meeting of
     * another member's account: validated by the owner of the event's account, against ids it
     * does not project.
     */
    void crossAccount(RandomLedger gen, GovernanceState full, Random r) {
      Instant now = gen.now;
      Snapshot s = full.snapshot();
      List<String> accounts = s.accountIds();
      Map<String, String> meetingOf = new LinkedHashMap<>();
      Map<String, String> contentOf = new LinkedHashMap<>();
      for (String a : accounts) {
        for (var c : s.contentOf(a, TimeKey.END)) {
          contentOf.putIfAbsent(a, c.id());
        }
      }
      for (String m : meetingIds(full, gen)) {
        s.meetingOf(m).ifPresent(me -> meetingOf.putIfAbsent(me.account(), m));
      }
      List<Event> events = new ArrayList<>();
      for (String a : accounts) {
        for (String b : accounts) {
          if (a.equals(b) || (members.size() > 1 && owner(a).equals(owner(b)))) {
            continue;
          }
          String byB = s.usersOf(b).stream().filter(u -> u.role().id().equals("owner"))
              .findFirst().orElseThrow().user();
          String m = meetingOf.get(a);
          String c = contentOf.get(a);
          events.add(new Event.AccountCreated(now, a, "someone"));
          if (m != null) {
            String host = s.meetingOf(m).orElseThrow().host();
            events.add(new Event.MeetingStarted(now, b, m, byB, List.of()));
            String fresh = "x-" + b + "-" + r.nextInt(1_000_000);
            events.add(new Event.ContentCreated(now, fresh, "customer_content.chat", b,
                Optional.of(m), Optional.empty(), List.of()));
            events.add(new Event.ContentCreated(now, fresh, "customer_content.chat", b,
                Optional.of(m), Optional.of(host), List.of()));
            events.add(new Event.ContentCreated(now, fresh, "customer_content.chat", b,
                Optional.of(m), Optional.of("never-joined"), List.of()));
            for (String p : s.presentParticipants(m, TimeKey.END)) {
              events.add(new Event.ContentCreated(now, fresh, "customer_content.chat", b,
                  Optional.of(m), Optional.of(p), List.of()));
            }
            events.add(new Event.LegalHoldPlaced(now, b, "h-" + fresh,
                new HoldScope(HoldScope.Kind.MEETING, m), "matter", byB));
            events.add(new Event.LegalHoldPlaced(now, b, "h-" + fresh,
                new HoldScope(HoldScope.Kind.MEETING, "no-such-meeting"), "matter", byB));
          }
          if (c != null) {
            events.add(new Event.ContentCreated(now, c, "customer_content.chat", b,
                Optional.empty(), Optional.empty(), List.of()));
            if (m != null) {
              // duplicate content id and another account's meeting: duplicate_id comes first
              events.add(new Event.ContentCreated(now, c, "customer_content.chat", b,
                  Optional.of(m), Optional.empty(), List.of()));
            }
          }
          if (events.size() > 60) {
            break;
          }
        }
      }
      // Content routed by its id alone: deletions by each account's owner, and one of content
      // stored nowhere (any member rejects it).
      for (Map.Entry<String, String> c : contentOf.entrySet()) {
        String by = s.usersOf(c.getKey()).stream().filter(u -> u.role().id().equals("owner"))
            .findFirst().orElseThrow().user();
        events.add(new Event.ContentDeleted(now, c.getValue(), by));
        if (events.size() > 90) {
          break;
        }
      }
      events.add(new Event.ContentDeleted(now, "no-such-content", "anyone"));
      for (Event e : events) {
        Outcome want = preview(full, e);
        offer(e, full, r);
        crossChecks++;
        if (e instanceof Event.MeetingStarted || (e instanceof Event.ContentCreated cc
            && contentOf.containsValue(cc.content()))) {
          assertThat(want).isInstanceOfSatisfying(Outcome.Rejected.class, x ->
              assertThat(x.rejection().code()).isEqualTo(RejectionCode.DUPLICATE_ID));
        }
      }
    }

    private static Outcome preview(GovernanceState full, Event e) {
      return full.check(e).<Outcome>map(x -> new Outcome.Rejected(e, x))
          .orElse(new Outcome.Accepted(e, full.head() + 1));
    }

    /** Every member's answers for the accounts it owns are the full projection's. */
    void checkAnswers(GovernanceState full, RandomLedger gen, Random r) {
      Snapshot want = full.snapshot();
      List<String> meetings = meetingIds(full, gen);
      int owned = 0;
      for (Map.Entry<String, Ledger> m : members.entrySet()) {
        Ledger ledger = m.getValue();
        assertThat(ledger.refresh()).isEqualTo(full.head());
        Snapshot got = ledger.snapshot();
        for (String account : want.accountIds()) {
          assertThat(got.accountExists(account, TimeKey.END)).isTrue();
          if (!owner(account).equals(m.getKey())) {
            assertThat(ledger.ready(account)).isFalse();
            continue;
          }
          owned++;
          assertThat(ledger.ready(account)).isTrue();
          assertThat(got.usersOf(account)).isEqualTo(want.usersOf(account));
          assertThat(got.groupsOf(account)).isEqualTo(want.groupsOf(account));
          for (int q = 0; q < 6; q++) {
            Instant t = gen.randomTime();
            long tk = TimeKey.of(t);
            for (var c : want.contentOf(account, TimeKey.END)) {
              assertThat(ledger.accountOfContent(c.id())).contains(account);
              Purpose p = gen.randomPurpose();
              DecisionRequest req = new DecisionRequest(p, c.id(), t);
              assertThat(ENGINE.decide(got, req)).as("%s for %s", req, m.getKey())
                  .isEqualTo(ENGINE.decide(want, req));
            }
            for (var u : want.usersOf(account)) {
              SettingDef d = Vocabulary.settings().get(r.nextInt(Vocabulary.settings().size()));
              assertThat(got.setting(account, Optional.of(u.user()), d, tk))
                  .isEqualTo(want.setting(account, Optional.of(u.user()), d, tk));
            }
          }
        }
        for (String meeting : meetings) {
          String account = want.meetingOf(meeting).orElseThrow().account();
          assertThat(ledger.accountOfMeeting(meeting)).contains(account);
          if (!owner(account).equals(m.getKey())) {
            assertThat(got.meetingOf(meeting)).isEmpty();
            continue;
          }
          assertThat(got.meetingOf(meeting)).isEqualTo(want.meetingOf(meeting));
          long tk = TimeKey.of(gen.randomTime());
          assertThat(got.activeFeatures(meeting, tk)).isEqualTo(want.activeFeatures(meeting, tk));
          for (String p : want.presentParticipants(meeting, TimeKey.END)) {
            assertThat(got.notices(meeting, p, tk)).isEqualTo(want.notices(meeting, p, tk));
          }
        }
      }
      assertThat(owned).as("every account is owned by exactly one member")
          .isEqualTo(want.accountIds().size());
    }

    /**
     * Every member's projection, moved incrementally (accounts kept, gained loaded into it, lost
     * pruned from it), is the one a fresh open of its share builds: the canonical digest of the
     * whole state (every account's full state or index, meetings, content in ledger order, data
     * rights, the index by account).
     */
    void checkMovedAsFresh() {
      for (Map.Entry<String, Ledger> m : members.entrySet()) {
        Ledger moved = m.getValue();
        try (Ledger fresh = Ledger.openShard(config, CATALOG, owns(m.getKey()))) {
          assertThat(moved.refresh()).isEqualTo(fresh.head());
          assertThat(moved.projectionDigest()).as("%s moved vs opened fresh", m.getKey())
              .isEqualTo(fresh.projectionDigest());
        }
      }
    }

    void close() {
      for (Ledger l : members.values()) {
        if (l != null) {
          l.close();
        }
      }
    }
  }

  /** The meetings the full projection holds, in start order. */
  private static List<String> meetingIds(GovernanceState full, RandomLedger gen) {
    Snapshot s = full.snapshot();
    Set<String> out = new LinkedHashSet<>();
    for (Event e : gen.events) {
      if (e instanceof Event.MeetingStarted m && s.meetingOf(m.meeting()).isPresent()) {
        out.add(m.meeting());
      }
    }
    return new ArrayList<>(out);
  }
}
