package org.covenant.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.core.vocab.Role;
import org.covenant.format.TermsLibrary;

/**
 * A seeded, realistic stream of governance events that the ledger accepts in order, for
 * {@code covenant bench scale}: accounts with groups, admins and members; settings at account,
 * group and user level; consents given and withdrawn and terms changed over time; meetings that
 * overlap in time, with internal and guest participants joining, acknowledging notices, leaving,
 * features switched during the meeting, and content (with and without an author, some with a
 * second contributing account) created in and outside meetings.
 *
 * <p>Content ids are {@code c0, c1, ...} in creation order, so a reader that knows only the
 * content count can pick random or recent items.
 */
final class ScaleWorkload {
  private static final String[] MEETING_CATEGORIES = {
    "customer_content.audio", "customer_content.video", "customer_content.chat",
    "customer_content.transcript", "customer_content.recording", "customer_content.ai_summary"};
  private static final String[] OTHER_CATEGORIES = {
    "customer_content.chat", "customer_content.attachment", "customer_content.poll",
    "service_generated.telemetry", "service_generated.usage"};
  /** Settings that change over time; none of them enables a feature meetings start with. */
  private static final String[] CHANGING = {
    "diagnostics.optional", "notice.require_agreement", "ai_companion.meeting_questions",
    "livestream.enabled"};
  private static final String[] NOTICES = {"recording", "transcription", "ai_companion"};
  private static final String[] FEATURES = {
    "recording.cloud", "transcription.enabled", "ai_companion.meeting_summary"};
  private static final int OPEN_MEETINGS = 64;

  private final SplittableRandom r;
  private final int accounts;
  private final List<Event> out = new ArrayList<>();
  private final List<Meeting> open = new ArrayList<>();
  private final int[] usersOf;
  private int created;
  private long contents;
  private long meetings;
  private long guests;
  private Instant at = Instant.parse("2025-01-01T00:00:00Z");

  /** One open meeting and the events it still has to produce, in order. */
  private static final class Meeting {
    final List<Function<Instant, Event>> steps = new ArrayList<>();
    int next;
  }

  private ScaleWorkload(long events, long seed) {
    this.r = new SplittableRandom(seed);
    this.accounts = (int) Math.max(10, Math.min(1_000_000, events / 1000));
    this.usersOf = new int[accounts];
  }

  /** A workload sized for about {@code events} events: one account per thousand events. */
  static ScaleWorkload create(long events, long seed) {
    return new ScaleWorkload(events, seed);
  }

  /** Content items created so far. */
  long contents() {
    return contents;
  }

  /** Meetings started so far. */
  long meetings() {
    return meetings;
  }

  /** Accounts in the workload. */
  int accounts() {
    return accounts;
  }

  /** The next batch of at least one event (a few more than {@code n} at most). */
  List<Event> next(int n) {
    out.clear();
    while (out.size() < n) {
      step();
    }
    return new ArrayList<>(out);
  }

  private Instant tick() {
    at = at.plusMillis(1 + r.nextInt(20));
    return at;
  }

  private static String account(int a) {
    return "acct" + a;
  }

  private static String user(int a, int u) {
    return "acct" + a + "-u" + u;
  }

  private void step() {
    if (created < accounts && (created < 10 || r.nextInt(40) == 0)) {
      createAccount(created++);
      return;
    }
    int roll = r.nextInt(1000);
    if (roll < 8) {
      changeGovernance(pickAccount());
    } else if (roll < 40) {
      int a = pickAccount();
      out.add(new Event.ContentCreated(tick(), "c" + contents++,
          OTHER_CATEGORIES[r.nextInt(OTHER_CATEGORIES.length)], account(a), Optional.empty(),
          Optional.of(user(a, r.nextInt(usersOf[a]))), contributors(a)));
    } else if (open.size() < OPEN_MEETINGS && (open.isEmpty() || r.nextInt(8) == 0)) {
      startMeeting(pickAccount());
    } else {
      int i = r.nextInt(open.size());
      Meeting m = open.get(i);
      out.add(m.steps.get(m.next++).apply(tick()));
      if (m.next == m.steps.size()) {
        open.set(i, open.get(open.size() - 1));
        open.remove(open.size() - 1);
      }
    }
  }

  /** Skewed: a few accounts hold most of the activity (squared uniform). */
  private int pickAccount() {
    double u = r.nextDouble();
    return (int) (u * u * created);
  }

  private List<String> contributors(int a) {
    return r.nextInt(10) == 0 ? List.of(account(r.nextInt(created))) : List.of();
  }

  private void createAccount(int a) {
    String acct = account(a);
    String owner = user(a, 0);
    Instant t = tick();
    out.add(new Event.AccountCreated(t, acct, owner));
    out.add(new Event.TermsAccepted(t, acct, terms(), owner));
    out.add(new Event.GroupCreated(t, acct, "staff"));
    out.add(new Event.GroupCreated(t, acct, "sales"));
    int users = 3 + r.nextInt(18);
    usersOf[a] = users;
    out.add(new Event.UserAdded(t, acct, user(a, 1), Role.ADMIN, Optional.empty()));
    for (int u = 2; u < users; u++) {
      Role role = u == 2 ? Role.GROUP_ADMIN : Role.MEMBER;
      out.add(new Event.UserAdded(t, acct, user(a, u), role,
          Optional.of(u % 2 == 0 ? "staff" : "sales")));
    }
    for (String key : FEATURES) {
      out.add(new Event.SettingSet(t, acct, Scope.account(), key, true, r.nextInt(4) == 0,
          owner));
    }
    out.add(new Event.SettingSet(t, acct, Scope.account(), "ai_companion.enabled", true, false,
        owner));
    if (r.nextBoolean()) {
      out.add(new Event.SettingSet(t, acct, Scope.group("sales"), "diagnostics.optional", false,
          false, owner));
    }
    if (r.nextInt(3) != 0) {
      out.add(new Event.ConsentGranted(t, acct, "ai_training", owner));
    }
    if (r.nextBoolean()) {
      out.add(new Event.ConsentGranted(t, acct, "product_improvement", user(a, 1)));
    }
  }

  private String terms() {
    return TermsLibrary.BUILT_IN.get(r.nextInt(TermsLibrary.BUILT_IN.size()));
  }

  private void changeGovernance(int a) {
    String acct = account(a);
    String admin = user(a, r.nextInt(2));
    switch (r.nextInt(6)) {
      case 0 -> out.add(new Event.TermsAccepted(tick(), acct, terms(), admin));
      case 1 -> out.add(new Event.ConsentGranted(tick(), acct,
          r.nextBoolean() ? "ai_training" : "product_improvement", admin));
      case 2 -> out.add(new Event.ConsentWithdrawn(tick(), acct,
          r.nextBoolean() ? "ai_training" : "product_improvement", admin));
      case 3 -> out.add(new Event.SettingSet(tick(), acct, Scope.account(),
          CHANGING[r.nextInt(CHANGING.length)], r.nextBoolean(), r.nextInt(5) == 0, admin));
      case 4 -> {
        int u = 2 + r.nextInt(Math.max(1, usersOf[a] - 2));
        if (u < usersOf[a]) {
          String who = user(a, u);
          // A user restricts their own setting (a lower level may only restrict a ceiling).
          out.add(new Event.SettingSet(tick(), acct, Scope.user(who), "diagnostics.optional",
              false, false, who));
        }
      }
      default -> out.add(new Event.SettingCleared(tick(), acct, Scope.account(),
          CHANGING[r.nextInt(CHANGING.length)], admin));
    }
  }

  private void startMeeting(int a) {
    String acct = account(a);
    String id = "m" + meetings++;
    String host = user(a, r.nextInt(usersOf[a]));
    List<String> features = new ArrayList<>();
    for (String f : FEATURES) {
      if (r.nextInt(3) == 0) {
        features.add(f);
      }
    }
    out.add(new Event.MeetingStarted(tick(), acct, id, host, features));
    Meeting m = new Meeting();
    List<String> present = new ArrayList<>();
    present.add(host);
    int joins = 1 + r.nextInt(5);
    for (int j = 0; j < joins; j++) {
      String who;
      Optional<String> from;
      if (r.nextInt(3) == 0) {
        who = "guest" + guests++;
        from = Optional.empty();
      } else {
        who = user(a, r.nextInt(usersOf[a]));
        from = Optional.of(acct);
      }
      if (present.contains(who)) {
        continue;
      }
      present.add(who);
      m.steps.add(t -> new Event.ParticipantJoined(t, id, who, from));
      if (r.nextInt(3) != 0) {
        String notice = NOTICES[r.nextInt(NOTICES.length)];
        m.steps.add(t -> new Event.NoticeAcknowledged(t, id, who, notice));
      }
    }
    if (r.nextInt(4) == 0) {
      String feature = FEATURES[r.nextInt(FEATURES.length)];
      boolean on = r.nextBoolean();
      m.steps.add(t -> new Event.MeetingFeature(t, id, feature, on, host));
    }
    int items = 1 + r.nextInt(5);
    for (int k = 0; k < items; k++) {
      Optional<String> author = r.nextInt(4) == 0 ? Optional.empty()
          : Optional.of(present.get(r.nextInt(present.size())));
      String category = MEETING_CATEGORIES[r.nextInt(MEETING_CATEGORIES.length)];
      List<String> contributors = contributors(a);
      m.steps.add(t -> new Event.ContentCreated(t, "c" + contents++, category, acct,
          Optional.of(id), author, contributors));
    }
    for (int j = 1; j < present.size(); j++) {
      if (r.nextBoolean()) {
        String who = present.get(j);
        m.steps.add(t -> new Event.ParticipantLeft(t, id, who));
      }
    }
    m.steps.add(t -> new Event.MeetingEnded(t, id));
    open.add(m);
  }
}
