package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.covenant.core.event.Event;
import org.covenant.core.vocab.ConsentType;
import org.junit.jupiter.api.Test;

/**
 * An account's timeline (the batch read of the projection) answers what the snapshot's own reads
 * answer, for every account, consent and time, at random positions of seeded random ledgers: the
 * batch kernel and the online engine read one projection.
 */
class AccountTimelineTest {
  private static final Instant T0 = Instant.parse("2025-02-03T09:00:00Z");
  private static final List<String> TERMS = List.of("a", "b", "c");

  @Test
  void timelineEqualsSnapshotReads_onSeededRandomLedgers() {
    long checked = 0;
    for (long seed = 1; seed <= 200; seed++) {
      checked += compare(seed);
    }
    assertThat(checked).isGreaterThan(10_000);
  }

  private static long compare(long seed) {
    Random rnd = new Random(seed);
    GovernanceState state = GovernanceState.create(TERMS::contains);
    int accounts = 1 + rnd.nextInt(5);
    List<Event> events = new ArrayList<>();
    for (int a = 0; a < accounts; a++) {
      events.add(new Event.AccountCreated(T0.plusSeconds(rnd.nextInt(30)), "acc" + a, "o" + a));
    }
    int changes = rnd.nextInt(40);
    for (int c = 0; c < changes; c++) {
      String account = "acc" + rnd.nextInt(accounts + 1); // now and then one that does not exist
      Instant at = T0.plusSeconds(rnd.nextInt(60));
      String consent = ConsentType.values()[rnd.nextInt(ConsentType.values().length)].id();
      events.add(switch (rnd.nextInt(3)) {
        case 0 -> new Event.TermsAccepted(at, account, TERMS.get(rnd.nextInt(3)), "o0");
        case 1 -> new Event.ConsentGranted(at, account, consent, "o0");
        default -> new Event.ConsentWithdrawn(at, account, consent, "o0");
      });
    }
    events.sort((x, y) -> x.at().compareTo(y.at()));
    List<String> created = new ArrayList<>();
    for (Event e : events) {
      if (state.apply(e).accepted() && e instanceof Event.AccountCreated ac) {
        created.add(ac.account());
      }
    }
    Snapshot s = state.snapshot(rnd.nextInt((int) state.head() + 1));
    List<String> ids = s.accountIds();
    assertThat(ids).as("seed %d: creation order", seed)
        .isEqualTo(created.subList(0, ids.size()));
    assertThat(s.timeline("acc" + accounts)).isEmpty();
    long checked = 0;
    for (String id : created) {
      Optional<AccountTimeline> tl = s.timeline(id);
      assertThat(tl.isPresent()).as("seed %d: %s", seed, id).isEqualTo(ids.contains(id));
      if (tl.isEmpty()) {
        continue;
      }
      AccountTimeline t = tl.get();
      for (int sec = -1; sec <= 61; sec++) {
        long time = TimeKey.of(T0.plusSeconds(sec));
        if (time < t.created()) {
          continue;
        }
        int i = t.termsIndexAt(time);
        Optional<Snapshot.Stamped<String>> terms = s.terms(id, time, s.position());
        assertThat(i < 0 ? Optional.empty()
            : Optional.of(new Snapshot.Stamped<>(t.terms(i), t.termsPosition(i))))
            .as("seed %d: terms of %s at %d", seed, id, sec).isEqualTo(terms);
        for (ConsentType k : ConsentType.values()) {
          assertThat(t.consent(k, time)).as("seed %d: %s of %s at %d", seed, k, id, sec)
              .isEqualTo(s.consent(id, k, time, s.position(), Snapshot.noEvidence()));
          checked++;
        }
      }
    }
    return checked;
  }
}
