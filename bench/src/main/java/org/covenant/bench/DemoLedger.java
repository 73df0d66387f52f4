package org.covenant.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.core.state.GovernanceState;
import org.covenant.core.state.Outcome;
import org.covenant.core.terms.TermsCatalog;
import org.covenant.core.vocab.Category;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.TermsLibrary;

/**
 * A realistic ledger for benchmarks: accounts on every built-in terms version (some switching
 * terms), groups and users with locks, consents given and withdrawn, meetings with features,
 * participants and acknowledgements, and content spread over accounts with a skew. Seeded.
 */
public final class DemoLedger {
  /** The built ledger. */
  public final GovernanceState state;
  /** Every content id, in creation order. */
  public final String[] contents;
  /** A time after every event. */
  public final Instant end;

  private DemoLedger(GovernanceState state, String[] contents, Instant end) {
    this.state = state;
    this.contents = contents;
    this.end = end;
  }

  /** Builds a ledger of {@code accounts} accounts and {@code items} content items. */
  public static DemoLedger build(TermsCatalog catalog, int accounts, int items, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    GovernanceState s = GovernanceState.create(catalog::knows);
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    List<String> terms = TermsLibrary.BUILT_IN;
    String[] meetingOf = new String[accounts];
    for (int a = 0; a < accounts; a++) {
      String acct = "acct-" + a;
      String owner = "owner-" + a;
      t = t.plusMillis(10);
      must(s.apply(new Event.AccountCreated(t, acct, owner)));
      must(s.apply(new Event.TermsAccepted(t, acct, terms.get(r.nextInt(terms.size())), owner)));
      must(s.apply(new Event.GroupCreated(t, acct, "staff")));
      must(s.apply(new Event.UserAdded(t, acct, "host-" + a, org.covenant.core.vocab.Role.MEMBER,
          Optional.of("staff"))));
      if (r.nextInt(3) == 0) {
        must(s.apply(new Event.ConsentGranted(t, acct, "ai_training", owner)));
      }
      if (r.nextInt(3) == 0) {
        must(s.apply(new Event.ConsentGranted(t, acct, "product_improvement", owner)));
      }
      must(s.apply(new Event.SettingSet(t, acct, Scope.account(), "transcription.enabled", true,
          false, owner)));
      must(s.apply(new Event.SettingSet(t, acct, Scope.account(), "ai_companion.enabled", true,
          r.nextBoolean(), owner)));
      must(s.apply(new Event.SettingSet(t, acct, Scope.account(), "ai_companion.meeting_summary",
          true, false, owner)));
      if (r.nextInt(4) == 0) {
        must(s.apply(new Event.SettingSet(t, acct, Scope.group("staff"), "recording.cloud",
            r.nextBoolean(), true, owner)));
      }
      String m = "meeting-" + a;
      List<String> features = new ArrayList<>(List.of("transcription.enabled",
          "ai_companion.meeting_summary"));
      Outcome o = s.apply(new Event.MeetingStarted(t, acct, m, "host-" + a, features));
      if (o.accepted()) {
        meetingOf[a] = m;
        must(s.apply(new Event.ParticipantJoined(t, m, "guest-" + a, Optional.empty())));
        if (r.nextBoolean()) {
          must(s.apply(new Event.NoticeAcknowledged(t, m, "guest-" + a, "ai_companion")));
        }
      }
    }
    String[] ids = new String[items];
    List<Category> cats = Vocabulary.categories();
    for (int i = 0; i < items; i++) {
      // Skewed: a few accounts hold most content (squared uniform).
      double u = r.nextDouble();
      int a = (int) (u * u * accounts);
      String acct = "acct-" + a;
      t = t.plusNanos(1000);
      ids[i] = "content-" + i;
      boolean inMeeting = meetingOf[a] != null && r.nextBoolean();
      List<String> contributors = r.nextInt(10) == 0 ? List.of("acct-" + r.nextInt(accounts))
          : List.of();
      must(s.apply(new Event.ContentCreated(t, ids[i], cats.get(r.nextInt(cats.size())).id(),
          acct, inMeeting ? Optional.of(meetingOf[a]) : Optional.empty(),
          inMeeting && r.nextBoolean() ? Optional.of("guest-" + a) : Optional.empty(),
          contributors)));
      if (i % 50_000 == 0 && i > 0) {
        String owner = "owner-" + r.nextInt(accounts);
        String acc = "acct" + owner.substring(5);
        s.apply(new Event.ConsentWithdrawn(t, acc, "ai_training", owner));
      }
    }
    return new DemoLedger(s, ids, t.plusSeconds(60));
  }

  private static void must(Outcome o) {
    if (!o.accepted()) {
      throw new IllegalStateException("demo ledger event rejected: "
          + ((Outcome.Rejected) o).rejection());
    }
  }
}
