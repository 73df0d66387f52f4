package org.covenant.bench.peers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.covenant.core.decision.DecisionRequest;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.Vocabulary;

/**
 * The requests every engine of {@code PeerDecisionBenchmark} decides, from a seed: accounts whose
 * {@code ai_training} consent is granted and withdrawn over time, whose
 * {@code ai_companion.enabled} setting is set, cleared, locked and unlocked at account, group and
 * user level over time, and content captured in their hosts' meetings (or outside meetings) at
 * different times, some naming a second account as contributor. Each request asks whether
 * {@code ai.training} may use one content item at a time after its capture.
 *
 * <p>Alongside the ledger, the generator keeps its own model of the histories (not Covenant's
 * projection) and derives from it, for each request, the {@link RuleFacts} the peers are given
 * and the answers both rules must give: the one rule ({@code consent-rule}) and the built-in
 * {@code default} terms (owner and every contributor consented at capture and at use; service
 * data always). Every event it writes is valid: it never sets a value below a lock.
 */
public final class ConsentWorkload {
  /** The setting the rule reads. */
  public static final String FEATURE = "ai_companion.enabled";
  /** The consent the rule reads. */
  public static final String CONSENT = "ai_training";

  private static final String[] HOSTS = {"owner", "u1", "u2", "u3", "u4"};
  private static final String[] GROUP_OF = {null, "g1", "g1", "g2", null};
  private static final long T0 = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();

  private final List<Event> events;
  private final DecisionRequest[] requests;
  private final RuleFacts[] facts;
  private final boolean[] defaultAnswers;

  private ConsentWorkload(List<Event> events, DecisionRequest[] requests, RuleFacts[] facts,
      boolean[] defaultAnswers) {
    this.events = events;
    this.requests = requests;
    this.facts = facts;
    this.defaultAnswers = defaultAnswers;
  }

  /** The host of a meeting of the workload ({@code m-A-H}: host H of account A). */
  public static String host(String meeting) {
    return HOSTS[meeting.charAt(meeting.length() - 1) - '0'];
  }

  /** The settings group of a host, if it has one. */
  public static Optional<String> group(String host) {
    for (int h = 0; h < HOSTS.length; h++) {
      if (HOSTS[h].equals(host)) {
        return Optional.ofNullable(GROUP_OF[h]);
      }
    }
    throw new IllegalArgumentException("unknown host `" + host + "`");
  }

  /** The number of requests. */
  public int size() {
    return requests.length;
  }

  /** Request {@code i} as Covenant is asked it: purpose, content id, time of use. */
  public DecisionRequest request(int i) {
    return requests[i];
  }

  /** Request {@code i} as the peers are given it. */
  public RuleFacts facts(int i) {
    return facts[i];
  }

  /** The answer the one rule gives to request {@code i} (the generator's model). */
  public boolean ruleAnswer(int i) {
    return facts[i].expected();
  }

  /** The answer the built-in {@code default} terms give to request {@code i} (the model). */
  public boolean defaultAnswer(int i) {
    return defaultAnswers[i];
  }

  /** The ledger events, every account accepting {@code terms}. */
  public int eventCount() {
    return events.size();
  }

  /**
   * Replays the ledger into a fresh state in which every account accepted {@code terms}; fails
   * loudly if an event is rejected (the generator only writes valid events).
   */
  public GovernanceState ledger(TermsCatalog catalog, String terms) {
    GovernanceState s = GovernanceState.create(catalog::knows);
    for (Event e : events) {
      Event x = e instanceof Event.TermsAccepted t
          ? new Event.TermsAccepted(t.at(), t.account(), terms, t.by()) : e;
      Outcome o = s.apply(x);
      if (!o.accepted()) {
        throw new IllegalStateException("workload event rejected: " + x + ": "
            + ((Outcome.Rejected) o).rejection());
      }
    }
    return s;
  }

  /** One setting entry over time: {@code set=false} is a clear. */
  private record Entry(long at, boolean set, boolean value, boolean locked) {}

  /** One consent change over time. */
  private record Change(long at, boolean inForce) {}

  /** A captured item, as the model knows it. */
  private record Item(String id, int account, int host, boolean inMeeting, Category category,
      int contributor, long at) {}

  /**
   * Generates {@code accounts} accounts, about {@code 60 × accounts} ledger events and
   * {@code requests} requests (a power of two), deterministically from {@code seed}.
   */
  public static ConsentWorkload generate(int accounts, int requests, long seed) {
    if (accounts < 2 || Integer.bitCount(requests) != 1) {
      throw new IllegalArgumentException("accounts >= 2 and requests a power of two");
    }
    SplittableRandom r = new SplittableRandom(seed);
    List<Event> out = new ArrayList<>(accounts * 64);
    Map<String, List<Entry>> settings = new HashMap<>();
    List<List<Change>> consents = new ArrayList<>();
    List<Item> items = new ArrayList<>();
    long[] clock = {T0};
    List<Category> customer = new ArrayList<>();
    List<Category> service = new ArrayList<>();
    for (Category c : Vocabulary.categories()) {
      if (c.id().startsWith("customer_content.")) {
        customer.add(c);
      } else if (c.id().startsWith("service_generated.")) {
        service.add(c);
      }
    }
    for (int a = 0; a < accounts; a++) {
      String acct = account(a);
      out.add(new Event.AccountCreated(tick(clock, r), acct, "owner"));
      out.add(new Event.TermsAccepted(tick(clock, r), acct, "consent-rule", "owner"));
      out.add(new Event.GroupCreated(tick(clock, r), acct, "g1"));
      out.add(new Event.GroupCreated(tick(clock, r), acct, "g2"));
      for (int h = 1; h < HOSTS.length; h++) {
        out.add(new Event.UserAdded(tick(clock, r), acct, HOSTS[h], Role.MEMBER,
            Optional.ofNullable(GROUP_OF[h])));
      }
      for (int h = 0; h < HOSTS.length; h++) {
        out.add(new Event.MeetingStarted(tick(clock, r), acct, meeting(a, h), HOSTS[h],
            List.of()));
      }
      consents.add(new ArrayList<>());
    }
    int steps = accounts * 40;
    for (int s = 0; s < steps; s++) {
      int a = r.nextInt(accounts);
      String acct = account(a);
      int dice = r.nextInt(100);
      if (dice < 12) {
        List<Change> h = consents.get(a);
        boolean inForce = !h.isEmpty() && h.get(h.size() - 1).inForce();
        Instant t = tick(clock, r);
        out.add(inForce ? new Event.ConsentWithdrawn(t, acct, CONSENT, "owner")
            : new Event.ConsentGranted(t, acct, CONSENT, "owner"));
        h.add(new Change(t.getEpochSecond(), !inForce));
      } else if (dice < 30) {
        // a setting entry at one level, only where no level above holds the key locked
        int level = r.nextInt(3);
        int host = r.nextInt(HOSTS.length);
        boolean clear = r.nextInt(4) == 0;
        boolean value = r.nextBoolean();
        boolean locked = r.nextInt(3) == 0;
        boolean accountLocked = lockedNow(settings.get(key(a, "account")));
        Scope scope;
        if (level == 0) {
          scope = Scope.account();
        } else if (level == 1) {
          if (accountLocked) {
            continue;
          }
          scope = Scope.group(r.nextBoolean() ? "g1" : "g2");
        } else {
          String g = GROUP_OF[host];
          if (accountLocked || (g != null && lockedNow(settings.get(key(a, "group:" + g))))) {
            continue;
          }
          scope = Scope.user(HOSTS[host]);
        }
        Instant t = tick(clock, r);
        String k = key(a, scope.level().id() + (scope.level() == Scope.Level.ACCOUNT ? ""
            : ":" + scope.id()));
        out.add(clear ? new Event.SettingCleared(t, acct, scope, FEATURE, "owner")
            : new Event.SettingSet(t, acct, scope, FEATURE, value, locked, "owner"));
        settings.computeIfAbsent(k, x -> new ArrayList<>())
            .add(new Entry(t.getEpochSecond(), !clear, value && !clear, locked && !clear));
      } else {
        int host = r.nextInt(HOSTS.length);
        boolean inMeeting = r.nextInt(4) != 0;
        Category c = r.nextInt(10) == 0 ? service.get(r.nextInt(service.size()))
            : customer.get(r.nextInt(customer.size()));
        int other = r.nextInt(10) == 0 ? r.nextInt(accounts) : -1;
        if (other == a) {
          other = -1;
        }
        Instant t = tick(clock, r);
        String id = "c-" + items.size();
        out.add(new Event.ContentCreated(t, id, c.id(), acct,
            inMeeting ? Optional.of(meeting(a, host)) : Optional.empty(), Optional.empty(),
            other < 0 ? List.of() : List.of(account(other))));
        items.add(new Item(id, a, host, inMeeting, c, other, t.getEpochSecond()));
      }
    }
    long end = clock[0] + 3600;
    Purpose training = Vocabulary.purpose("ai.training").orElseThrow();
    DecisionRequest[] reqs = new DecisionRequest[requests];
    RuleFacts[] facts = new RuleFacts[requests];
    boolean[] defaults = new boolean[requests];
    for (int i = 0; i < requests; i++) {
      Item it = items.get(r.nextInt(items.size()));
      // whole seconds for events, half seconds for uses: "at or before" is never a tie
      long useSecond = it.at() + (long) (r.nextDouble() * (end - it.at()));
      Instant use = Instant.ofEpochSecond(useSecond, 500_000_000);
      reqs[i] = new DecisionRequest(training, it.id(), use);
      List<Change> owner = consents.get(it.account());
      boolean atCapture = inForce(owner, it.at() - 1);
      boolean atUse = inForce(owner, useSecond);
      List<Entry> acct = settings.get(key(it.account(), "account"));
      Entry ea = at(acct, useSecond);
      Entry eg = null;
      Entry eu = null;
      if (it.inMeeting()) {
        String g = GROUP_OF[it.host()];
        eg = g == null ? null : at(settings.get(key(it.account(), "group:" + g)), useSecond);
        eu = at(settings.get(key(it.account(), "user:" + HOSTS[it.host()])), useSecond);
      }
      facts[i] = new RuleFacts(training.id(), it.category().id(), atCapture, atUse,
          set(ea), set(ea) && ea.value(), set(ea) && ea.locked(), set(eg),
          set(eg) && eg.value(), set(eg) && eg.locked(), set(eu), set(eu) && eu.value());
      boolean customerContent = it.category().id().startsWith("customer_content.");
      boolean contributor = it.contributor() < 0
          || (inForce(consents.get(it.contributor()), it.at() - 1)
              && inForce(consents.get(it.contributor()), useSecond));
      defaults[i] = !customerContent || (atCapture && atUse && contributor);
    }
    return new ConsentWorkload(List.copyOf(out), reqs, facts, defaults);
  }

  private static Instant tick(long[] clock, SplittableRandom r) {
    clock[0] += 1 + r.nextInt(30);
    return Instant.ofEpochSecond(clock[0]);
  }

  private static String account(int a) {
    return String.format("acct-%05d", a);
  }

  private static String meeting(int a, int host) {
    return "m-" + a + "-" + host;
  }

  private static String key(int a, String scope) {
    return a + "|" + scope;
  }

  private static boolean set(Entry e) {
    return e != null && e.set();
  }

  private static boolean lockedNow(List<Entry> h) {
    return h != null && !h.isEmpty() && h.get(h.size() - 1).locked();
  }

  /** The last entry at or before {@code second}, or null. */
  private static Entry at(List<Entry> h, long second) {
    Entry last = null;
    if (h != null) {
      for (Entry e : h) {
        if (e.at() > second) {
          break;
        }
        last = e;
      }
    }
    return last;
  }

  private static boolean inForce(List<Change> h, long second) {
    boolean in = false;
    for (Change c : h) {
      if (c.at() > second) {
        break;
      }
      in = c.inForce();
    }
    return in;
  }
}
