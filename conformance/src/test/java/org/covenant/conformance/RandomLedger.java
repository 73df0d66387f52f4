package org.covenant.conformance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Feature;
import org.covenant.core.vocab.Notice;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.SettingDef;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.TermsLibrary;

/**
 * A seeded generator of plausible ledgers: accounts on the built-in terms, groups, users,
 * settings with locks, consents over time, meetings with features, participants (guests of an
 * organisation with no account among them) and acknowledgements, and content; with a share of
 * events that break a rule, so rejections are exercised too. Same seed, same ledger.
 */
final class RandomLedger {
  /** An organisation that never has an account: guests join from it, content names it. */
  static final String OUTSIDER = "outsider";

  final long seed;
  final List<Event> events = new ArrayList<>();
  final List<String> contents = new ArrayList<>();
  final Instant start = Instant.parse("2024-01-01T08:00:00Z");
  Instant now = start;

  private final Random r;
  private final List<String> accounts = new ArrayList<>();
  private final List<List<String>> users = new ArrayList<>();
  private final List<List<String>> groups = new ArrayList<>();
  private final List<String[]> meetings = new ArrayList<>();

  RandomLedger(long seed, int size) {
    this.seed = seed;
    this.r = new Random(seed);
    for (int i = 0; i < size; i++) {
      step();
    }
  }

  Instant randomTime() {
    long span = now.getEpochSecond() - start.getEpochSecond() + 600;
    return start.plusSeconds((long) (r.nextDouble() * span));
  }

  Purpose randomPurpose() {
    return Vocabulary.purposes().get(r.nextInt(Vocabulary.purposes().size()));
  }

  String randomContent() {
    return contents.isEmpty() || r.nextInt(20) == 0 ? "no-such-content"
        : contents.get(r.nextInt(contents.size()));
  }

  private <T> T pick(List<T> xs) {
    return xs.get(r.nextInt(xs.size()));
  }

  private void step() {
    now = now.plusSeconds(30 + r.nextInt(300));
    int a = accounts.isEmpty() ? -1 : r.nextInt(accounts.size());
    int kind = accounts.size() < 2 ? 0 : r.nextInt(14);
    switch (kind) {
      case 0 -> {
        String id = "acct" + accounts.size();
        accounts.add(id);
        List<String> us = new ArrayList<>(List.of(id + "-owner"));
        users.add(us);
        groups.add(new ArrayList<>());
        events.add(new Event.AccountCreated(now, id, id + "-owner"));
        events.add(new Event.TermsAccepted(now, id, pick(TermsLibrary.BUILT_IN), id + "-owner"));
      }
      case 1 -> {
        String g = "g" + groups.get(a).size();
        groups.get(a).add(g);
        events.add(new Event.GroupCreated(now, accounts.get(a), g));
      }
      case 2 -> {
        String u = "u" + users.get(a).size();
        users.get(a).add(u);
        Role role = pick(List.of(Role.ADMIN, Role.GROUP_ADMIN, Role.MEMBER, Role.MEMBER));
        Optional<String> g = groups.get(a).isEmpty() || r.nextBoolean() ? Optional.empty()
            : Optional.of(pick(groups.get(a)));
        events.add(new Event.UserAdded(now, accounts.get(a), u, role, g));
      }
      case 3, 4 -> {
        SettingDef d = pick(Vocabulary.settings());
        Scope scope = switch (r.nextInt(3)) {
          case 0 -> Scope.account();
          case 1 -> groups.get(a).isEmpty() ? Scope.account() : Scope.group(pick(groups.get(a)));
          default -> Scope.user(pick(users.get(a)));
        };
        String by = pick(users.get(a));
        if (r.nextInt(6) == 0) {
          events.add(new Event.SettingCleared(now, accounts.get(a), scope, d.key(), by));
        } else {
          events.add(new Event.SettingSet(now, accounts.get(a), scope, d.key(), r.nextBoolean(),
              r.nextInt(3) == 0, by));
        }
      }
      case 5 -> {
        String c = r.nextBoolean() ? "ai_training" : "product_improvement";
        String by = r.nextInt(4) == 0 ? pick(users.get(a)) : users.get(a).get(0);
        events.add(r.nextInt(3) == 0
            ? new Event.ConsentWithdrawn(now, accounts.get(a), c, by)
            : new Event.ConsentGranted(now, accounts.get(a), c, by));
      }
      case 6 -> events.add(new Event.TermsAccepted(now, accounts.get(a),
          pick(TermsLibrary.BUILT_IN), users.get(a).get(0)));
      case 7 -> {
        String m = "m" + meetings.size();
        String host = pick(users.get(a));
        List<String> fs = new ArrayList<>();
        for (Feature f : Vocabulary.features()) {
          if (r.nextInt(4) == 0) {
            fs.add(f.key());
          }
        }
        meetings.add(new String[] {m, accounts.get(a), host});
        events.add(new Event.MeetingStarted(now, accounts.get(a), m, host, fs));
      }
      case 8 -> {
        if (!meetings.isEmpty()) {
          String[] m = pick(meetings);
          events.add(new Event.MeetingFeature(now, m[0], pick(Vocabulary.features()).key(),
              r.nextBoolean(), r.nextInt(5) == 0 ? "intruder" : m[2]));
        }
      }
      case 9 -> {
        if (!meetings.isEmpty()) {
          String[] m = pick(meetings);
          String p = "p" + r.nextInt(6);
          switch (r.nextInt(4)) {
            case 0 -> events.add(new Event.ParticipantLeft(now, m[0], p));
            case 1 -> events.add(new Event.NoticeAcknowledged(now, m[0], p,
                pick(List.of(Notice.values())).id()));
            // The meeting's account, none, or an organisation with no account here (§3).
            default -> events.add(new Event.ParticipantJoined(now, m[0], p,
                switch (r.nextInt(3)) {
                  case 0 -> Optional.of(m[1]);
                  case 1 -> Optional.of(OUTSIDER);
                  default -> Optional.empty();
                }));
          }
        }
      }
      case 10 -> {
        if (!meetings.isEmpty() && r.nextInt(4) == 0) {
          events.add(new Event.MeetingEnded(now, pick(meetings)[0]));
        }
      }
      default -> {
        String id = "c" + contents.size();
        Category cat = pick(Vocabulary.categories());
        Optional<String> meeting = Optional.empty();
        Optional<String> author = Optional.empty();
        String account = accounts.get(a);
        if (!meetings.isEmpty() && r.nextInt(3) > 0) {
          String[] m = pick(meetings);
          meeting = Optional.of(m[0]);
          account = m[1];
          if (r.nextBoolean()) {
            author = Optional.of(r.nextBoolean() ? m[2] : "p" + r.nextInt(6));
          }
        }
        List<String> contributors = new ArrayList<>();
        if (r.nextInt(3) == 0) {
          contributors.add(r.nextInt(4) == 0 ? OUTSIDER : pick(accounts));
        }
        contents.add(id);
        events.add(new Event.ContentCreated(now, id, cat.id(), account, meeting, author,
            contributors));
      }
    }
  }
}
